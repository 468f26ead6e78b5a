"""Signing in to the API: tokens, the lockout, two-factor, and bearer authentication."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import Settings

from clonacare.accounts.auth import BAD_CREDENTIALS, LOCKED_OUT, OTP_REQUIRED, OTP_WRONG
from clonacare.api.errors import ENROL_ON_WEB, NOT_SIGNED_IN, TOKEN_INVALID
from clonacare.api.models import ApiToken
from clonacare.api.tokens import issue_token
from clonacare.audit.models import AuditEvent
from tests.api_client import ApiClient
from tests.personas import PASSWORD, World

pytestmark = pytest.mark.django_db


def sign_in(username: str, password: str = PASSWORD, **extra: str) -> tuple[int, dict[str, str]]:
    response = ApiClient().post(
        "/auth/token", {"username": username, "password": password, **extra}
    )
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.status_code, response.json()


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_it_issues_a_token_for_the_right_password(world: World) -> None:
    before = timezone.now()
    status, body = sign_in("avery")
    assert status == 200
    expires_at = dt.datetime.fromisoformat(body["expires_at"])
    assert before + dt.timedelta(hours=8) <= expires_at <= timezone.now() + dt.timedelta(hours=8)
    assert ApiClient(token=body["token"]).get("/me").json()["username"] == "avery"


def test_it_stores_only_the_hash_of_the_token(world: World) -> None:
    _, body = sign_in("avery")
    stored = ApiToken.objects.get(user=world.avery)
    assert stored.key_hash == hashlib.sha256(body["token"].encode()).hexdigest()
    assert body["token"] not in stored.key_hash


def test_signing_in_clears_the_users_expired_tokens(world: World) -> None:
    issue_token(world.avery, now=timezone.now() - dt.timedelta(hours=9))
    issue_token(world.kim, now=timezone.now() - dt.timedelta(hours=9))
    sign_in("avery")
    assert ApiToken.objects.filter(user=world.avery).count() == 1
    assert ApiToken.objects.filter(user=world.kim).count() == 1


def test_it_follows_api_token_hours(world: World, settings: Settings) -> None:
    settings.API_TOKEN_HOURS = 1
    _, body = sign_in("kim")
    expires_at = dt.datetime.fromisoformat(body["expires_at"])
    assert expires_at <= timezone.now() + dt.timedelta(hours=1)


def test_it_refuses_a_wrong_password(world: World) -> None:
    assert sign_in("avery", "not-the-password") == (401, {"detail": BAD_CREDENTIALS})


def test_it_refuses_an_unknown_user_with_the_same_answer(world: World) -> None:
    assert sign_in("nobody", "not-the-password") == (401, {"detail": BAD_CREDENTIALS})


def test_it_names_missing_fields(world: World) -> None:
    response = ApiClient().post("/auth/token", {})
    assert response.status_code == 400
    assert response.json() == {"detail": "missing fields 'username', 'password'."}


def test_it_refuses_a_body_that_is_not_json(world: World) -> None:
    response = ApiClient().client.post(
        "/api/v1/auth/token", "{username", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is not valid JSON."}


def test_it_locks_the_account_after_ten_failed_attempts(world: World) -> None:
    for _ in range(9):
        assert sign_in("avery", "wrong-password") == (401, {"detail": BAD_CREDENTIALS})
    assert sign_in("avery", "wrong-password") == (429, {"detail": LOCKED_OUT})
    # Locked: even the right password is refused, with the same clear message in JSON.
    assert sign_in("avery") == (429, {"detail": LOCKED_OUT})


def test_a_successful_sign_in_resets_the_count(world: World) -> None:
    for _ in range(9):
        sign_in("avery", "wrong-password")
    assert sign_in("avery")[0] == 200
    for _ in range(9):
        assert sign_in("avery", "wrong-password")[0] == 401
    assert sign_in("avery")[0] == 200


def test_sign_ins_are_audited(world: World) -> None:
    sign_in("avery")
    sign_in("avery", "wrong-password")
    for _ in range(10):  # the tenth failure on kim's account locks it
        sign_in("kim", "wrong-password")
    success = AuditEvent.objects.get(action="api.login.success")
    assert (success.actor_username, success.actor_role) == ("avery", "prescriber")
    assert success.object_type == "ApiToken"
    assert success.ip_address == "127.0.0.1"
    failures = AuditEvent.objects.filter(action="api.login.failed")
    assert [e.detail["username"] for e in failures] == ["kim"] * 9 + ["avery"]
    assert all(e.actor_id is None and e.ip_address == "127.0.0.1" for e in failures)
    locked = AuditEvent.objects.get(action="api.login.locked-out")
    assert locked.detail == {"username": "kim"}


def test_failures_on_other_accounts_from_one_address_lock_none_of_them(world: World) -> None:
    # A clinic behind one NAT address: nine misses each on three accounts lock nobody.
    for username in ["avery", "kim", "lee"] * 9:
        assert sign_in(username, "wrong-password")[0] == 401
    assert sign_in("alex")[0] == 200
    assert sign_in("avery")[0] == 200


class TestTwoFactor:
    @pytest.fixture
    def device(self, world: World) -> TOTPDevice:
        world.riverside.require_two_factor = True
        world.riverside.save()
        device: TOTPDevice = TOTPDevice.objects.create(
            user=world.avery, name="phone", confirmed=True
        )
        return device

    def test_it_asks_staff_for_the_code(self, device: TOTPDevice) -> None:
        assert sign_in("avery") == (401, {"detail": OTP_REQUIRED})

    def test_it_refuses_a_wrong_code(self, device: TOTPDevice) -> None:
        wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
        assert sign_in("avery", otp=wrong) == (401, {"detail": OTP_WRONG})
        assert AuditEvent.objects.filter(action="api.login.failed").count() == 1

    def test_it_issues_a_token_with_the_right_code(self, device: TOTPDevice) -> None:
        status, body = sign_in("avery", otp=code_for(device))
        assert status == 200
        assert body["token"]

    def test_a_patient_of_the_program_needs_no_code(self, device: TOTPDevice) -> None:
        assert sign_in("alex")[0] == 200

    def test_staff_who_have_not_enrolled_are_sent_to_the_web(self, device: TOTPDevice) -> None:
        assert sign_in("kim") == (403, {"detail": ENROL_ON_WEB})
        assert not ApiToken.objects.filter(user__username="kim").exists()


class TestBearerTokens:
    def test_a_request_without_a_token_is_refused(self, world: World) -> None:
        response = ApiClient().get("/me")
        assert response.status_code == 401
        assert response.json() == {"detail": NOT_SIGNED_IN}

    def test_another_scheme_is_refused(self, world: World) -> None:
        response = ApiClient().client.get("/api/v1/me", headers={"Authorization": "Basic eDp5"})
        assert response.status_code == 401
        assert response.json() == {"detail": NOT_SIGNED_IN}

    def test_an_unknown_token_is_refused(self, world: World) -> None:
        response = ApiClient(token="not-a-token").get("/me")
        assert response.status_code == 401
        assert response.json() == {"detail": TOKEN_INVALID}

    def test_an_expired_token_is_refused(self, world: World) -> None:
        long_ago = timezone.now() - dt.timedelta(hours=9)
        _, token = issue_token(world.avery, now=long_ago)
        response = ApiClient(token=token).get("/me")
        assert response.status_code == 401
        assert response.json() == {"detail": TOKEN_INVALID}

    def test_the_token_of_a_deactivated_user_is_refused(self, world: World) -> None:
        client = ApiClient(world.avery)
        User.objects.filter(pk=world.avery.pk).update(is_active=False)
        assert client.get("/me").json() == {"detail": TOKEN_INVALID}

    def test_it_records_when_a_token_was_last_used(self, world: World) -> None:
        client = ApiClient(world.avery)
        assert ApiToken.objects.get().last_used_at is None
        client.get("/me")
        first = ApiToken.objects.get().last_used_at
        assert first is not None
        # Kept to the minute: a second call at once writes nothing.
        client.get("/me")
        assert ApiToken.objects.get().last_used_at == first
        # A minute later, the next call moves it on.
        ApiToken.objects.update(last_used_at=first - dt.timedelta(minutes=1))
        client.get("/me")
        assert ApiToken.objects.get().last_used_at > first

    def test_a_revoked_token_stops_working(self, world: World) -> None:
        client = ApiClient(world.avery)
        other = ApiClient(world.avery)
        response = client.delete("/auth/token")
        assert response.status_code == 204
        assert client.get("/me").status_code == 401
        assert other.get("/me").status_code == 200  # only the caller's token ends
        assert AuditEvent.objects.filter(action="api.logout", actor_username="avery").exists()

    def test_a_wrong_method_is_answered_in_json(self, world: World) -> None:
        response = ApiClient().get("/auth/token")
        assert response.status_code == 405
        assert response.json() == {"detail": "GET is not allowed here; use DELETE, POST."}
        assert response["Allow"] == "DELETE, POST"
