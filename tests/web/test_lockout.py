"""The sign-in lockout locks the account under attack, not the address it comes from, and
knows the client's address behind a configured number of reverse proxies."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from pytest_django import Settings

from clonacare.accounts.auth import BAD_CREDENTIALS, LOCKED_OUT
from clonacare.audit.models import AuditEvent
from tests.api_client import ApiClient
from tests.personas import PASSWORD, World, signed_in

CLINIC_NAT = "203.0.113.7"  # the one address a clinic's staff and patients share


def sign_in(
    username: str,
    password: str = PASSWORD,
    address: str = CLINIC_NAT,
    forwarded_for: str | None = None,
) -> tuple[int, str]:
    """Sign in on the page from ``address``, with an X-Forwarded-For header if given."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for is not None else {}
    response = Client(REMOTE_ADDR=address, headers=headers).post(
        "/accounts/login/", {"username": username, "password": password}
    )
    return response.status_code, response.content.decode()


def attack(username: str, times: int = 10, address: str = CLINIC_NAT) -> None:
    for _ in range(times):
        sign_in(username, "wrong-password", address)


def test_ten_failures_lock_the_attacked_account_with_a_message(world: World) -> None:
    attack("kim", 9)
    status, html = sign_in("kim", "wrong-password")
    assert status == 429
    assert LOCKED_OUT in html
    status, html = sign_in("kim")  # the right password, too late
    assert status == 429
    assert LOCKED_OUT in html


def test_the_attacked_account_stays_locked_from_another_address(world: World) -> None:
    attack("kim")
    status, html = sign_in("kim", address="198.51.100.20")
    assert status == 429
    assert LOCKED_OUT in html


def test_others_behind_the_same_address_still_sign_in(world: World) -> None:
    attack("kim")
    assert sign_in("avery")[0] == 302
    assert sign_in("alex")[0] == 302
    status, html = sign_in("lee", "wrong-password")  # a plain miss, not a lockout
    assert status == 400
    assert BAD_CREDENTIALS in html


def test_others_behind_the_same_address_still_get_api_tokens(world: World) -> None:
    attack("kim")
    client = ApiClient()
    client.client = Client(REMOTE_ADDR=CLINIC_NAT)
    response = client.post("/auth/token", {"username": "avery", "password": PASSWORD})
    assert response.status_code == 200
    locked = client.post("/auth/token", {"username": "kim", "password": PASSWORD})
    assert (locked.status_code, locked.json()) == (429, {"detail": LOCKED_OUT})


class TestBehindAProxy:
    def test_without_proxies_a_forwarded_address_is_ignored(self, world: World) -> None:
        sign_in("kim", "wrong-password", forwarded_for="192.0.2.99")
        event = AuditEvent.objects.get(action="login.failed")
        assert event.ip_address == CLINIC_NAT
        assert AccessAttempt.objects.get(username="kim").ip_address == CLINIC_NAT

    def test_behind_one_proxy_the_address_it_forwards_is_recorded(
        self, world: World, settings: Settings
    ) -> None:
        settings.PROXY_COUNT = 1
        # The client wrote the first address itself; the proxy appended the real one.
        sign_in("kim", "wrong-password", "10.0.0.2", forwarded_for="192.0.2.99, 198.51.100.4")
        event = AuditEvent.objects.get(action="login.failed")
        assert event.ip_address == "198.51.100.4"
        assert AccessAttempt.objects.get(username="kim").ip_address == "198.51.100.4"

    def test_behind_two_proxies_the_second_address_from_the_right_is_the_clients(
        self, world: World, settings: Settings
    ) -> None:
        settings.PROXY_COUNT = 2
        forwarded = "192.0.2.99, 198.51.100.4, 10.0.0.3"
        sign_in("kim", "wrong-password", "10.0.0.2", forwarded_for=forwarded)
        assert AuditEvent.objects.get(action="login.failed").ip_address == "198.51.100.4"

    @pytest.mark.parametrize("forwarded", ["", "not-an-address"])
    def test_a_request_that_did_not_come_through_the_proxy_keeps_its_own_address(
        self, world: World, settings: Settings, forwarded: str
    ) -> None:
        settings.PROXY_COUNT = 1
        sign_in("kim", "wrong-password", "10.0.0.2", forwarded_for=forwarded)
        assert AuditEvent.objects.get(action="login.failed").ip_address == "10.0.0.2"

    def test_reads_of_patient_data_record_the_forwarded_address(
        self, world: World, settings: Settings
    ) -> None:
        settings.PROXY_COUNT = 1
        client = Client(REMOTE_ADDR="10.0.0.2", headers={"X-Forwarded-For": "198.51.100.4"})
        signed_in(client, world.avery)
        client.get(f"/clinic/patients/{world.alex.pk}/")
        api = ApiClient(world.avery)
        api.client = Client(REMOTE_ADDR="10.0.0.2", headers={"X-Forwarded-For": "198.51.100.5"})
        api.get(f"/patients/{world.blair.pk}")
        views = AuditEvent.objects.filter(action="patient.view").order_by("id")
        assert [e.ip_address for e in views] == ["198.51.100.4", "198.51.100.5"]
