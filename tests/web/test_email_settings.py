"""Email configuration from the environment: the console backend by default, SMTP by
EMAIL_BACKEND=smtp and the EMAIL_* variables (docs/configuration.md, "Email")."""

from __future__ import annotations

import os
import subprocess
import sys

PRINT = (
    "from django.conf import settings; "
    "print(settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT, "
    "settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL, settings.EMAIL_TIMEOUT, "
    "settings.DEFAULT_FROM_EMAIL, settings.SITE_URL, sep='|')"
)


def settings_with(**env: str) -> subprocess.CompletedProcess[str]:
    dropped = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {
        k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("EMAIL_")
    }
    environment |= {"DJANGO_SETTINGS_MODULE": "clonacare.web.settings"} | env
    return subprocess.run(
        [sys.executable, "-c", PRINT],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
        check=False,
    )


def test_the_default_prints_mails_on_the_console() -> None:
    result = settings_with()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().split("|") == [
        "django.core.mail.backends.console.EmailBackend",
        "localhost",
        "587",
        "True",
        "False",
        "10",
        "Clonacare <alerts@localhost>",
        "http://127.0.0.1:8000",
    ]


def test_smtp_is_configured_by_the_environment() -> None:
    result = settings_with(
        EMAIL_BACKEND="smtp",
        EMAIL_HOST="smtp.clinic.example",
        EMAIL_PORT="465",
        EMAIL_USE_TLS="false",
        EMAIL_USE_SSL="true",
        EMAIL_TIMEOUT="5",
        DEFAULT_FROM_EMAIL="Alerts <alerts@clinic.example>",
        SITE_URL="https://clinic.example",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().split("|") == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.clinic.example",
        "465",
        "False",
        "True",
        "5",
        "Alerts <alerts@clinic.example>",
        "https://clinic.example",
    ]


def test_an_unknown_backend_is_a_clear_error() -> None:
    result = settings_with(EMAIL_BACKEND="pigeon")
    assert result.returncode == 1
    assert "EMAIL_BACKEND must be one of console, smtp, got 'pigeon'." in result.stderr


def test_tls_and_ssl_together_is_a_clear_error() -> None:
    result = settings_with(EMAIL_USE_SSL="true")
    assert result.returncode == 1
    assert "EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true" in result.stderr


def test_a_port_out_of_range_is_a_clear_error() -> None:
    result = settings_with(EMAIL_PORT="70000")
    assert result.returncode == 1
    assert "EMAIL_PORT must be from 1 to 65535, got '70000'." in result.stderr
