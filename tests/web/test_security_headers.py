"""The browser-side protections on every response, whatever the configuration (the demo
server's defaults included): X-Content-Type-Options, Referrer-Policy, Permissions-Policy
and the Content-Security-Policy; HSTS and secure cookies once production's variables are
set, and `manage.py check --deploy` clean under them."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.api_client import ApiClient
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=()"
    ),
    "Content-Security-Policy": settings.CONTENT_SECURITY_POLICY,
}


def headers_of(response: object) -> dict[str, str | None]:
    return {name: response.headers.get(name) for name in EXPECTED}  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/no/such/page/", "/api/v1/docs"])
def test_it_sends_the_headers_on_public_responses(client: Client, path: str) -> None:
    assert headers_of(client.get(path)) == EXPECTED


def test_it_sends_the_headers_on_a_signed_in_page(client: Client, world: World) -> None:
    response = signed_in(client, world.avery).get("/clinic/")
    assert response.status_code == 200
    assert headers_of(response) == EXPECTED


def test_it_sends_the_headers_on_api_answers_and_api_errors(world: World) -> None:
    api = ApiClient(world.avery)
    answered = api.get("/me")
    assert answered.status_code == 200
    assert headers_of(answered) == EXPECTED
    missing = api.get("/patients/999999")
    assert missing.status_code == 404
    assert headers_of(missing) == EXPECTED


def production_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        CLONACARE_DATA_DIR=str(tmp_path),
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="clinic.example",
        SECURE_COOKIES="1",
        SECURE_SSL_REDIRECT="1",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_PRELOAD="1",
    )
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clonacare.web.manage", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def test_check_deploy_is_clean_under_the_production_variables(tmp_path: Path) -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_names_what_the_demo_defaults_leave_out(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    for name in ("SECURE_COOKIES", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"):
        env.pop(name)
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 1
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


def test_production_sets_hsts_and_secure_cookies(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    env = production_env(tmp_path)
    env["DJANGO_SETTINGS_MODULE"] = "clonacare.web.settings"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["31536000", "True", "True", "True", "False"]


def test_the_secret_key_comes_from_the_environment(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    env["DJANGO_SETTINGS_MODULE"] = "clonacare.web.settings"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from django.conf import settings; print(settings.SECRET_KEY)",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.stdout.strip() == env["SECRET_KEY"]
    assert not (tmp_path / "secret_key").exists()  # nothing generated on disk


def test_behind_a_tls_proxy_the_forwarded_scheme_is_trusted(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    env["CLONACARE_PROXY_HTTPS"] = "true"
    env["DJANGO_SETTINGS_MODULE"] = "clonacare.web.settings"
    code = (
        "import django; django.setup(); "
        "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert run.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')", run.stderr
    del env["CLONACARE_PROXY_HTTPS"]
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert run.stdout.strip() == "None", run.stderr


def test_with_the_proxy_header_an_https_request_is_not_redirected(
    client: Client, settings: SettingsWrapper
) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client.get("/", headers={"X-Forwarded-Proto": "https"}).status_code == 200
    redirected = client.get("/", headers={"X-Forwarded-Proto": "http"})
    assert redirected.status_code == 301
    assert redirected["Location"] == "https://testserver/"
