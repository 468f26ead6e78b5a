"""Issue 16: the sign-in page under /es/ gives its refusals in Spanish, while the API's
token endpoint, which checks the same rules (accounts.auth), answers in English as
always, whatever language the person last used."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from clonacare.accounts.auth import BAD_CREDENTIALS
from tests.api_client import ApiClient
from tests.personas import World

pytestmark = pytest.mark.django_db


def test_a_wrong_password_is_refused_in_spanish_on_the_spanish_page(
    client: Client, world: World
) -> None:
    response = client.post(
        "/es/accounts/login/", {"username": "alex", "password": "wrong-password", "otp": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        '<p class="form-error" role="alert" id="login-error">Ese nombre de usuario y esa '
        "contraseña no corresponden a ninguna cuenta.</p>"
    ) in html
    assert BAD_CREDENTIALS not in html


def test_an_empty_form_is_refused_in_spanish(client: Client, world: World) -> None:
    response = client.post("/es/accounts/login/", {"username": "", "password": ""})
    assert response.status_code == 400
    assert "Escriba su nombre de usuario y su contraseña." in response.content.decode()


def test_the_english_page_and_the_api_keep_the_english_message(
    client: Client, world: World
) -> None:
    client.post("/es/accounts/login/", {"username": "alex", "password": "wrong", "otp": ""})
    english = client.post(
        "/accounts/login/", {"username": "alex", "password": "wrong-password", "otp": ""}
    )
    assert BAD_CREDENTIALS in english.content.decode()
    assert "Enter your username and password." in (
        client.post("/accounts/login/", {"username": "", "password": ""}).content.decode()
    )
    refused = ApiClient().post("/auth/token", {"username": "alex", "password": "wrong"})
    assert (refused.status_code, refused.json()) == (401, {"detail": BAD_CREDENTIALS})
    assert BAD_CREDENTIALS == "That username and password do not match an account."


def test_an_address_past_its_rate_is_told_to_wait_in_spanish(
    client: Client, world: World, settings: SettingsWrapper
) -> None:
    settings.LOGIN_RATE_PER_ADDRESS = "1/min"
    client.post("/es/accounts/login/", {"username": "avery", "password": "wrong"})
    response = client.post("/es/accounts/login/", {"username": "alex", "password": "wrong"})
    assert response.status_code == 429
    wait = response["Retry-After"]
    unit = "segundo" if wait == "1" else "segundos"
    assert (
        f"Demasiados intentos de iniciar sesión desde su red. Espere {wait} {unit} y "
        "vuelva a intentarlo."
    ) in response.content.decode()
