"""The API's rate limits: per token and per address, 429 with Retry-After when over."""

from __future__ import annotations

import pytest
from django.conf import settings as site_settings
from pytest_django.fixtures import Settings as SettingsWrapper

from clonacare.api.errors import TOO_MANY_REQUESTS
from tests.api_client import ApiClient
from tests.personas import World

pytestmark = pytest.mark.django_db


def test_the_defaults_are_240_a_minute_per_token_and_1200_per_address() -> None:
    assert site_settings.API_RATE_PER_TOKEN == "240/min"
    assert site_settings.API_RATE_PER_ADDRESS == "1200/min"


def test_it_answers_429_with_retry_after_over_the_token_limit(
    world: World, settings: SettingsWrapper
) -> None:
    settings.API_RATE_PER_TOKEN = "3/min"
    api = ApiClient(world.avery)
    assert [api.get("/me").status_code for _ in range(3)] == [200, 200, 200]
    refused = api.get("/me")
    assert refused.status_code == 429
    assert refused.json() == {"detail": TOO_MANY_REQUESTS}
    assert 1 <= int(refused["Retry-After"]) <= 60


def test_the_token_limit_counts_each_token_on_its_own(
    world: World, settings: SettingsWrapper
) -> None:
    settings.API_RATE_PER_TOKEN = "2/min"
    first, second = ApiClient(world.avery), ApiClient(world.avery)
    assert [first.get("/me").status_code for _ in range(3)] == [200, 200, 429]
    assert second.get("/me").status_code == 200


def test_it_answers_429_over_the_address_limit_whatever_the_token(
    world: World, settings: SettingsWrapper
) -> None:
    settings.API_RATE_PER_ADDRESS = "4/min"
    codes = [ApiClient(user).get("/me").status_code for user in [world.avery, world.alex_user] * 3]
    assert codes == [200, 200, 200, 200, 429, 429]


def test_the_address_limit_applies_to_signing_in(world: World, settings: SettingsWrapper) -> None:
    settings.API_RATE_PER_ADDRESS = "2/min"
    anonymous = ApiClient()
    body = {"username": "nobody", "password": "wrong"}
    codes = [anonymous.post("/auth/token", body).status_code for _ in range(3)]
    assert codes == [401, 401, 429]


def test_the_suite_starts_each_test_with_nothing_counted(
    world: World, settings: SettingsWrapper
) -> None:
    # tests/conftest.py clears the cache before each test; this one would fail after
    # the ones above if the counts were carried over.
    settings.API_RATE_PER_ADDRESS = "5/min"
    assert ApiClient(world.avery).get("/me").status_code == 200
