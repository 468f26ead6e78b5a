"""Settings from the environment, and the production check (`check --deploy`)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from clonacare.web.env import envbool, envint, envlist


def test_envbool_reads_the_usual_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    for raw, value in [("true", True), ("1", True), ("Off", False), ("", False)]:
        monkeypatch.setenv("FLAG", raw)
        assert envbool("FLAG", not value) is value
    monkeypatch.delenv("FLAG")
    assert envbool("FLAG", True) is True


def test_envbool_refuses_anything_else(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLAG", "perhaps")
    with pytest.raises(ImproperlyConfigured) as excinfo:
        envbool("FLAG", False)
    assert str(excinfo.value) == "FLAG must be true or false, got 'perhaps'."


def test_envint_refuses_a_non_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNT", "ten")
    with pytest.raises(ImproperlyConfigured) as excinfo:
        envint("COUNT", 1)
    assert str(excinfo.value) == "COUNT must be a whole number, got 'ten'."
    monkeypatch.setenv("COUNT", "10")
    assert envint("COUNT", 1) == 10


def test_envint_refuses_a_number_out_of_range(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNT", "11")
    with pytest.raises(ImproperlyConfigured) as excinfo:
        envint("COUNT", 1, minimum=1, maximum=10)
    assert str(excinfo.value) == "COUNT must be from 1 to 10, got '11'."
    monkeypatch.setenv("COUNT", "-1")
    with pytest.raises(ImproperlyConfigured) as excinfo:
        envint("COUNT", 0, minimum=0)
    assert str(excinfo.value) == "COUNT must be 0 or more, got '-1'."
    monkeypatch.setenv("COUNT", "10")
    assert envint("COUNT", 1, minimum=1, maximum=10) == 10


def test_envlist_splits_on_commas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSTS", " a.example, b.example ,,")
    assert envlist("HOSTS", "") == ["a.example", "b.example"]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # A production process has neither the test database nor the test-only async switch.
    dropped = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in dropped} | env
    return subprocess.run(
        [sys.executable, "-m", "clonacare.web.manage", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        check=False,
    )


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-" + "y" * 20,
    "ALLOWED_HOSTS": "clinic.example",
    "SECURE_COOKIES": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_PRELOAD": "true",
}


def test_the_deploy_check_reports_nothing_under_production_settings() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deploy_check_catches_debug_in_production() -> None:
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **(PRODUCTION | {"DEBUG": "true"})
    )
    assert result.returncode == 1
    assert "security.W018" in result.stderr


def test_a_bad_boolean_in_the_environment_is_a_clear_error() -> None:
    result = manage("check", DEBUG="perhaps")
    assert result.returncode == 1
    assert "DEBUG must be true or false, got 'perhaps'." in result.stderr


def test_the_lockout_allows_at_most_ten_failures() -> None:
    result = manage("check", LOGIN_FAILURE_LIMIT="11")
    assert result.returncode == 1
    assert "LOGIN_FAILURE_LIMIT must be from 1 to 10, got '11'." in result.stderr


def test_a_negative_proxy_count_is_a_clear_error() -> None:
    result = manage("check", CLONACARE_PROXY_COUNT="-1")
    assert result.returncode == 1
    assert "CLONACARE_PROXY_COUNT must be 0 or more, got '-1'." in result.stderr


def test_no_proxy_is_trusted_unless_configured() -> None:
    from django.conf import settings

    assert settings.PROXY_COUNT == 0
    assert settings.AXES_CLIENT_IP_CALLABLE == "clonacare.audit.log.client_address"


def test_the_models_and_migrations_agree() -> None:
    result = manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout
