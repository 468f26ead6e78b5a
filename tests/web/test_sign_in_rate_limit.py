"""Sign-in attempts on the page from one address (LOGIN_RATE_PER_ADDRESS): past the rate,
429 with Retry-After and a message, nothing checked; other addresses are not slowed."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.test import Client
from pytest_django import Settings

from clonacare.accounts.checks import check_sign_in_rate
from clonacare.accounts.sign_in_rate import parse_rate
from tests.personas import PASSWORD, World

pytestmark = pytest.mark.django_db

SPRAYER = "198.51.100.9"


def sign_in(username: str, password: str, address: str = SPRAYER) -> Client:
    client = Client(REMOTE_ADDR=address)
    client.post("/accounts/login/", {"username": username, "password": password})
    return client


def attempt(username: str, password: str, address: str = SPRAYER) -> tuple[int, str, str]:
    response = Client(REMOTE_ADDR=address).post(
        "/accounts/login/", {"username": username, "password": password}
    )
    return response.status_code, response.get("Retry-After", ""), response.content.decode()


@pytest.fixture
def three_a_minute(settings: Settings) -> None:
    settings.LOGIN_RATE_PER_ADDRESS = "3/min"


def test_past_the_rate_an_address_gets_429_with_retry_after(
    world: World, three_a_minute: None
) -> None:
    for username in ("avery", "kim", "lee"):  # one wrong password each: no account locked
        assert attempt(username, "wrong-password")[0] == 400
    status, retry_after, html = attempt("alex", PASSWORD)
    assert status == 429
    assert 1 <= int(retry_after) <= 60
    assert (
        f"Too many sign-in attempts from your network. Wait {retry_after} seconds, then try again."
    ) in html


def test_a_refused_attempt_signs_no_one_in_and_counts_no_failure(
    world: World, three_a_minute: None
) -> None:
    for _ in range(3):
        attempt("avery", "wrong-password")
    client = sign_in("alex", PASSWORD)
    assert "_auth_user_id" not in client.session
    assert client.get("/portal/").status_code == 302  # sent to sign in
    assert attempt("blair", "wrong-password")[0] == 429
    assert not AccessAttempt.objects.filter(username="blair").exists()


def test_another_address_is_not_slowed(world: World, three_a_minute: None) -> None:
    for _ in range(3):
        attempt("avery", "wrong-password")
    client = sign_in("alex", PASSWORD, address="192.0.2.44")
    assert client.session["_auth_user_id"] == str(world.alex_user.pk)


def test_the_address_may_try_again_once_its_oldest_attempt_leaves_the_window(
    world: World, three_a_minute: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1_000_000.0]
    monkeypatch.setattr("clonacare.accounts.sign_in_rate.time.time", lambda: clock[0])
    for _ in range(3):
        attempt("avery", "wrong-password")
    clock[0] += 45
    assert attempt("alex", PASSWORD)[:2] == (429, "15")
    clock[0] += 15.5
    assert attempt("alex", PASSWORD)[0] == 302  # signed in


def test_the_default_is_sixty_a_minute() -> None:
    assert django_settings.LOGIN_RATE_PER_ADDRESS == "60/min"
    assert parse_rate("60/min") == (60, 60)


@pytest.mark.parametrize("rate", ["", "60", "x/min", "0/min", "60/fortnight"])
def test_a_malformed_rate_is_refused_naming_the_format(rate: str) -> None:
    with pytest.raises(ValueError, match="a rate is '<count>/<s, min, hour or day>'"):
        parse_rate(rate)


def test_a_malformed_rate_is_a_system_check_error(settings: Settings) -> None:
    settings.LOGIN_RATE_PER_ADDRESS = "sixty/min"
    [error] = check_sign_in_rate(None)
    assert error.id == "clonacare.E006"
    assert error.msg == (
        "LOGIN_RATE_PER_ADDRESS: a rate is '<count>/<s, min, hour or day>', not 'sixty/min'."
    )
    settings.LOGIN_RATE_PER_ADDRESS = "60/min"
    assert check_sign_in_rate(None) == []
