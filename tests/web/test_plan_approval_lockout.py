"""A wrong password when approving a taper plan counts towards the sign-in lockout, as
a wrong password at sign-in does; a locked account approves nothing, whatever the
password, and cannot sign in either."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt

from clonacare.accounts.auth import LOCKED_OUT
from clonacare.audit.models import AuditEvent
from clonacare.plans.actions import REAUTH_LOCKED, REAUTH_WRONG
from clonacare.plans.models import Plan
from tests.api_client import ApiClient
from tests.personas import PASSWORD, World

pytestmark = pytest.mark.django_db

STANDARD = {"method": "percent", "step": 10, "switch_to": "diazepam"}


def drafted(world: World) -> int:
    response = ApiClient(world.avery).post(f"/patients/{world.alex.pk}/plans", STANDARD)
    assert response.status_code == 201
    plan_id: int = response.json()["id"]
    return plan_id


def approve(world: World, plan_id: int, password: str) -> tuple[int, Any]:
    response = ApiClient(world.avery).post(f"/plans/{plan_id}/approve", {"password": password})
    return response.status_code, response.json()


def test_wrong_approval_passwords_lock_the_account(world: World) -> None:
    plan_id = drafted(world)
    for _ in range(9):
        assert approve(world, plan_id, "not-my-password") == (400, {"detail": REAUTH_WRONG})
    # The tenth failure reaches the limit (LOGIN_FAILURE_LIMIT, 10 by default).
    assert approve(world, plan_id, "not-my-password") == (400, {"detail": REAUTH_LOCKED})
    attempt = AccessAttempt.objects.get(username="avery")
    assert attempt.failures_since_start == 10
    # Locked: the right password approves nothing, and the plan stays a draft.
    assert approve(world, plan_id, PASSWORD) == (400, {"detail": REAUTH_LOCKED})
    assert Plan.objects.get(pk=plan_id).status == "draft"
    refused = AuditEvent.objects.filter(action="plan.approve.refused")
    assert refused.count() == 11
    assert not AuditEvent.objects.filter(action="plan.approve").exists()


def test_a_lockout_from_approval_also_refuses_sign_in(world: World) -> None:
    plan_id = drafted(world)
    for _ in range(10):
        approve(world, plan_id, "not-my-password")
    response = ApiClient().client.post(
        "/api/v1/auth/token",
        {"username": "avery", "password": PASSWORD},
        content_type="application/json",
    )
    assert (response.status_code, response.json()) == (429, {"detail": LOCKED_OUT})


def test_a_right_password_after_a_few_misses_approves_and_keeps_the_count(
    world: World,
) -> None:
    plan_id = drafted(world)
    for _ in range(3):
        assert approve(world, plan_id, "not-my-password")[0] == 400
    status, plan = approve(world, plan_id, PASSWORD)
    assert (status, plan["status"]) == (200, "approved")
    # Approving is not signing in: the misses still count towards the lockout.
    assert AccessAttempt.objects.get(username="avery").failures_since_start == 3


def test_misses_on_another_account_do_not_count_against_the_prescriber(world: World) -> None:
    for _ in range(10):
        ApiClient().client.post(
            "/api/v1/auth/token",
            {"username": "kim", "password": "wrong"},
            content_type="application/json",
        )
    plan_id = drafted(world)
    status, plan = approve(world, plan_id, PASSWORD)
    assert (status, plan["status"]) == (200, "approved")
