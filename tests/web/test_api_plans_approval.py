"""Approving a draft taper plan through the API: a prescriber on the care team, with
their password again (and their authenticator code where the program requires
two-factor); the plan in force before it is superseded; only a draft is approved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from clonacare.audit.log import Actor
from clonacare.audit.models import AuditEvent
from clonacare.plans.actions import PlanParameters, do_draft_plan
from clonacare.plans.models import Plan
from tests.api_client import ApiClient
from tests.personas import PASSWORD, World

pytestmark = pytest.mark.django_db

TODAY = timezone.now().date()
STANDARD = {"method": "percent", "step": 10, "switch_to": "diazepam"}
NOT_A_TEAM_PRESCRIBER = (
    "Only a prescriber on the patient's care team drafts, approves or revises a taper plan."
)
PLAN_NOT_FOUND = {"detail": "Plan not found."}


def drafted(world: World, body: dict[str, Any] | None = None) -> int:
    response = ApiClient(world.avery).post(f"/patients/{world.alex.pk}/plans", body or STANDARD)
    assert response.status_code == 201
    plan_id: int = response.json()["id"]
    return plan_id


def approve(user: Any, plan_id: int, body: dict[str, Any]) -> tuple[int, Any]:
    response = ApiClient(user).post(f"/plans/{plan_id}/approve", body)
    return response.status_code, response.json()


def test_a_prescriber_on_the_care_team_approves_a_draft(world: World) -> None:
    plan_id = drafted(world)
    status, plan = approve(world.avery, plan_id, {"password": PASSWORD})
    assert status == 200
    assert (plan["id"], plan["status"], plan["approved_by"]) == (plan_id, "approved", "avery")
    assert plan["approved_at"] is not None
    stored = Plan.objects.get(pk=plan_id)
    assert (stored.status, stored.approved_by) == ("approved", world.avery)
    event = AuditEvent.objects.get(action="plan.approve")
    assert (event.patient_id, event.object_id) == (world.alex.pk, str(plan_id))
    assert event.detail == {"superseded": None}


def test_approving_a_new_plan_supersedes_the_plan_in_force(world: World) -> None:
    first = drafted(world)
    assert approve(world.avery, first, {"password": PASSWORD})[0] == 200
    second = drafted(world, STANDARD | {"step": 5})
    # A draft leaves the approved plan in force.
    assert Plan.objects.get(pk=first).status == "approved"
    assert approve(world.avery, second, {"password": PASSWORD})[0] == 200
    old = ApiClient(world.avery).get(f"/plans/{first}").json()
    assert (old["status"], old["superseded_by"]) == ("superseded", second)
    assert old["superseded_at"] is not None
    assert Plan.objects.get(pk=second).status == "approved"
    event = AuditEvent.objects.filter(action="plan.approve").latest("id")
    assert event.detail == {"superseded": first}


@pytest.mark.parametrize(
    ("password", "detail"),
    [
        ("", "Approving a plan asks for your password again: enter it."),
        (
            "not-my-password",
            "That password is not right; approving a plan asks for your own password.",
        ),
    ],
)
def test_the_password_is_asked_again(world: World, password: str, detail: str) -> None:
    plan_id = drafted(world)
    assert approve(world.avery, plan_id, {"password": password}) == (400, {"detail": detail})
    assert Plan.objects.get(pk=plan_id).status == "draft"
    assert not AuditEvent.objects.filter(action="plan.approve").exists()
    refused = AuditEvent.objects.get(action="plan.approve.refused")
    assert (refused.object_id, refused.detail) == (str(plan_id), {"code": "approval-password"})


def test_the_password_field_is_required(world: World) -> None:
    plan_id = drafted(world)
    assert approve(world.avery, plan_id, {}) == (400, {"detail": "missing field 'password'."})


class TestTwoFactor:
    @pytest.fixture
    def device(self, world: World) -> TOTPDevice:
        world.riverside.require_two_factor = True
        world.riverside.save()
        device: TOTPDevice = TOTPDevice.objects.create(
            user=world.avery, name="phone", confirmed=True
        )
        return device

    @staticmethod
    def code_for(device: TOTPDevice) -> str:
        return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"

    def test_it_asks_for_the_code(self, world: World, device: TOTPDevice) -> None:
        plan_id = drafted(world)
        assert approve(world.avery, plan_id, {"password": PASSWORD}) == (
            400,
            {
                "detail": "Your program requires two-factor sign-in: enter the 6-digit code "
                "from your authenticator app to approve this plan."
            },
        )
        assert Plan.objects.get(pk=plan_id).status == "draft"

    def test_it_refuses_a_wrong_code(self, world: World, device: TOTPDevice) -> None:
        plan_id = drafted(world)
        wrong = f"{(int(self.code_for(device)) + 1) % 1_000_000:06d}"
        assert approve(world.avery, plan_id, {"password": PASSWORD, "otp": wrong}) == (
            400,
            {"detail": "That code is not right, or it has expired. Try the newest code."},
        )
        refused = AuditEvent.objects.get(action="plan.approve.refused")
        assert refused.detail == {"code": "approval-code"}

    def test_it_approves_with_the_right_code(self, world: World, device: TOTPDevice) -> None:
        plan_id = drafted(world)
        body = {"password": PASSWORD, "otp": self.code_for(device)}
        status, plan = approve(world.avery, plan_id, body)
        assert (status, plan["status"]) == (200, "approved")

    def test_it_waits_after_wrong_codes(self, world: World, device: TOTPDevice) -> None:
        # As django-otp leaves a device after five wrong codes in a row, just now.
        device.throttling_failure_count = 5
        device.throttling_failure_timestamp = timezone.now()
        device.save()
        plan_id = drafted(world)
        body = {"password": PASSWORD, "otp": self.code_for(device)}
        assert approve(world.avery, plan_id, body) == (
            400,
            {
                "detail": "Too many wrong codes in a row. Wait a few seconds, then enter the "
                "newest code."
            },
        )

    def test_a_prescriber_without_an_authenticator_is_refused(self, world: World) -> None:
        world.riverside.require_two_factor = True
        world.riverside.save()
        plan_id = drafted(world)
        assert approve(world.avery, plan_id, {"password": PASSWORD, "otp": "123456"}) == (
            400,
            {
                "detail": "Your program requires two-factor sign-in and this account has no "
                "authenticator app yet: set it up on the web, then approve with its code."
            },
        )


@pytest.mark.parametrize("persona", ["kim", "lee", "riverside_admin"])
def test_other_staff_who_see_the_plan_may_not_approve(world: World, persona: str) -> None:
    plan_id = drafted(world)
    assert approve(getattr(world, persona), plan_id, {"password": PASSWORD}) == (
        403,
        {"detail": NOT_A_TEAM_PRESCRIBER},
    )
    assert Plan.objects.get(pk=plan_id).status == "draft"


def test_the_patient_may_not_approve_their_plan(world: World) -> None:
    plan_id = drafted(world)
    # A draft is out of the patient's sight: answered as missing.
    assert approve(world.alex_user, plan_id, {"password": PASSWORD}) == (404, PLAN_NOT_FOUND)
    assert approve(world.avery, plan_id, {"password": PASSWORD})[0] == 200
    # The approved plan is theirs to see, not to approve.
    assert approve(world.alex_user, plan_id, {"password": PASSWORD}) == (
        403,
        {"detail": NOT_A_TEAM_PRESCRIBER},
    )


@pytest.mark.parametrize("persona", ["brook", "casey_user", "blair_user", "site_admin"])
def test_anyone_outside_the_care_team_finds_no_plan(world: World, persona: str) -> None:
    plan_id = drafted(world)
    assert approve(getattr(world, persona), plan_id, {"password": PASSWORD}) == (
        404,
        PLAN_NOT_FOUND,
    )
    denied = AuditEvent.objects.get(action="plans.write.denied")
    assert denied.detail == {"plan_id": plan_id}


def test_a_missing_plan_is_not_found(world: World) -> None:
    assert approve(world.avery, 999_999, {"password": PASSWORD}) == (404, PLAN_NOT_FOUND)


def test_only_a_draft_is_approved(world: World) -> None:
    first = drafted(world)
    assert approve(world.avery, first, {"password": PASSWORD})[0] == 200
    assert approve(world.avery, first, {"password": PASSWORD}) == (
        409,
        {"detail": "This plan is approved already."},
    )
    second = drafted(world)
    assert approve(world.avery, second, {"password": PASSWORD})[0] == 200
    assert approve(world.avery, first, {"password": PASSWORD}) == (
        409,
        {"detail": "This plan was approved and has been superseded by a later plan."},
    )


def test_a_draft_whose_first_change_has_passed_is_drafted_again(world: World) -> None:
    # Drafted three weeks ago (the action takes its time explicitly) and never approved.
    drafted_at = timezone.now() - dt.timedelta(days=21)
    actor = Actor(world.avery.pk, "avery", "prescriber", world.riverside.pk, None, "")
    parameters = PlanParameters(method="percent", step=Decimal(10), switch_to="diazepam")
    plan = do_draft_plan(actor, world.alex, parameters, now=drafted_at)
    first_change = drafted_at.date() + dt.timedelta(days=7)
    assert approve(world.avery, plan.pk, {"password": PASSWORD}) == (
        409,
        {
            "detail": f"This draft's first change was due on {first_change.isoformat()}, "
            f"before today ({TODAY.isoformat()}): draft the plan again from today."
        },
    )
    assert Plan.objects.get(pk=plan.pk).status == "draft"
