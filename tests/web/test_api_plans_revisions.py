"""Revising the approved taper plan through the API: pause, slow or step back, by a
prescriber on the care team, with a reason, from today or later. Each revision is kept;
the plan as approved is never edited, and steps already taken never change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from clonacare.audit.log import Actor
from clonacare.audit.models import AuditEvent
from clonacare.plans.actions import PlanParameters, do_approve_plan, do_draft_plan
from clonacare.plans.models import Plan, PlanRevision
from tests.api_client import ApiClient
from tests.personas import PASSWORD, World

pytestmark = pytest.mark.django_db

TODAY = timezone.now().date()
NOT_A_TEAM_PRESCRIBER = (
    "Only a prescriber on the patient's care team drafts, approves or revises a taper plan."
)


def approved_days_ago(world: World, days: int) -> Plan:
    """Alex's plan, drafted and approved ``days`` ago (the actions take their time
    explicitly): clonazepam switched to diazepam a portion a week, then 10% every 14 days."""
    then = timezone.now() - dt.timedelta(days=days)
    actor = Actor(world.avery.pk, "avery", "prescriber", world.riverside.pk, None, "")
    parameters = PlanParameters(method="percent", step=Decimal(10), switch_to="diazepam")
    plan = do_draft_plan(actor, world.alex, parameters, now=then)
    return do_approve_plan(actor, plan, password=PASSWORD, otp=None, now=then)


@pytest.fixture
def running(world: World) -> Plan:
    """Alex's plan in its first week: the dose taken before the plan, held."""
    return approved_days_ago(world, 3)


def revise(user: Any, plan: Plan | int, body: dict[str, Any]) -> tuple[int, Any]:
    plan_id = plan if isinstance(plan, int) else plan.pk
    response = ApiClient(user).post(f"/plans/{plan_id}/revisions", body)
    return response.status_code, response.json()


PAUSE = {"kind": "pause", "days": 14, "reason": "Insomnia since the last cut"}


def test_a_pause_adds_a_revision_from_today(world: World, running: Plan) -> None:
    before = running.plan_json
    status, plan = revise(world.avery, running, PAUSE)
    assert status == 201
    assert (plan["revision"], plan["reason"]) == (2, "Insomnia since the last cut")
    assert plan["revisions"][-1] == {
        "revision": 2,
        "on": TODAY.isoformat(),
        "action": "pause 14 days",
        "reason": "Insomnia since the last cut",
    }
    (kept,) = plan["plan_revisions"]
    assert {k: kept[k] for k in ("number", "kind", "amount", "on", "reason", "revised_by")} == {
        "number": 2,
        "kind": "pause",
        "amount": "14",
        "on": TODAY.isoformat(),
        "reason": "Insomnia since the last cut",
        "revised_by": "avery",
    }
    # The step in progress keeps its start and doses and ends today; the pause follows.
    start, pause = plan["steps"][0], plan["steps"][1]
    assert (start["start"], start["doses"]) == (
        before["steps"][0]["start"],
        before["steps"][0]["doses"],
    )
    assert (start["end"], start["cut_short"]) == (TODAY.isoformat(), True)
    assert (pause["kind"], pause["start"], pause["doses"]) == (
        "pause",
        TODAY.isoformat(),
        before["steps"][0]["doses"],
    )
    # The plan as approved is kept as it was; the revision holds the plan in force.
    running.refresh_from_db()
    assert (running.plan_json, running.status) == (before, "approved")
    assert PlanRevision.objects.get().plan_json["revision"] == 2
    event = AuditEvent.objects.get(action="plan.revise")
    assert event.detail == {"revision": 2, "kind": "pause", "on": TODAY.isoformat()}


def test_each_revision_builds_on_the_last_and_the_patient_sees_it(
    world: World, running: Plan
) -> None:
    assert revise(world.avery, running, PAUSE)[0] == 201
    later = (TODAY + dt.timedelta(days=1)).isoformat()
    status, plan = revise(
        world.avery,
        running,
        {"kind": "slow-interval", "days": 28, "on": later, "reason": "Slower after the pause"},
    )
    assert (status, plan["revision"]) == (201, 3)
    assert [r["number"] for r in plan["plan_revisions"]] == [2, 3]
    assert [r["action"] for r in plan["revisions"]] == [
        "planned",
        "pause 14 days",
        "slow: interval 28 days",
    ]
    response = ApiClient(world.alex_user).get(f"/plans/{running.pk}")
    seen = response.json()
    assert (response.status_code, seen["revision"], seen["steps"]) == (200, 3, plan["steps"])
    listed = ApiClient(world.avery).get(f"/patients/{world.alex.pk}/plans").json()
    assert listed["items"][0]["revision"] == 3


def test_a_smaller_step_goes_through_the_core(world: World, running: Plan) -> None:
    status, plan = revise(
        world.avery, running, {"kind": "slow-step", "step": 5, "reason": "Slower"}
    )
    assert (status, plan["revisions"][-1]["action"]) == (201, "slow: step 5%")
    assert plan["plan_revisions"][-1]["amount"] == "5"


def test_a_step_back_during_the_switch_restores_the_previous_mix(world: World) -> None:
    # Ten days in, the first portion of the night dose has been switched to diazepam.
    plan = approved_days_ago(world, 10)
    status, revised = revise(world.avery, plan, {"kind": "step-back", "reason": "Not tolerated"})
    assert status == 201
    assert revised["revisions"][-1]["action"].startswith(
        "step back to the previous dose: during the switch to diazepam, back to the previous mix"
    )
    back = next(s for s in revised["steps"] if s["kind"] == "step-back")
    assert (back["start"], back["doses"]) == (
        TODAY.isoformat(),
        plan.plan_json["steps"][0]["doses"],
    )
    assert revised["plan_revisions"][-1]["amount"] == ""


def test_a_step_back_needs_an_earlier_dose(world: World, running: Plan) -> None:
    assert revise(world.avery, running, {"kind": "step-back", "reason": "Not tolerated"}) == (
        400,
        {"detail": f"There is no earlier dose to step back to on {TODAY.isoformat()}."},
    )


def test_a_reason_is_required(world: World, running: Plan) -> None:
    assert revise(world.avery, running, PAUSE | {"reason": "  "}) == (
        400,
        {"detail": "Enter the reason for the revision."},
    )
    body = {k: v for k, v in PAUSE.items() if k != "reason"}
    assert revise(world.avery, running, body) == (400, {"detail": "missing field 'reason'."})
    assert not PlanRevision.objects.exists()


def test_a_revision_never_reaches_back_before_today(world: World, running: Plan) -> None:
    yesterday = TODAY - dt.timedelta(days=1)
    assert revise(world.avery, running, PAUSE | {"on": yesterday.isoformat()}) == (
        400,
        {
            "detail": f"A revision takes effect today ({TODAY.isoformat()}) or later, not on "
            f"{yesterday.isoformat()}: steps already taken never change."
        },
    )
    assert not PlanRevision.objects.exists()


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"kind": "pause"}, "A pause takes its length in days, and no step."),
        (
            {"kind": "slow-interval", "step": 5},
            "A slower interval takes its length in days, and no step.",
        ),
        ({"kind": "slow-step", "days": 7}, "A smaller step takes the step, and no days."),
        ({"kind": "step-back", "days": 7}, "A step back takes no days and no step."),
        (
            {"kind": "stop"},
            "field 'kind' must be 'pause', 'slow-interval', 'slow-step' or 'step-back'.",
        ),
        (
            {"kind": "slow-interval", "days": 7},
            "The slower interval 7 days is not slower than the plan's 14 days; the engine never "
            "speeds a plan up.",
        ),
        (
            {"kind": "pause", "days": 400},
            "The pause must be 1 to 365 days (Clonacare configuration: a typo guard, not a "
            "guideline value); to hold a dose for longer, plan again with the end dose.",
        ),
    ],
)
def test_a_revision_the_core_cannot_make_is_refused(
    world: World, running: Plan, body: dict[str, Any], detail: str
) -> None:
    assert revise(world.avery, running, body | {"reason": "Symptoms"}) == (400, {"detail": detail})
    assert not PlanRevision.objects.exists()


def test_only_the_approved_plan_in_force_is_revised(world: World, running: Plan) -> None:
    api = ApiClient(world.avery)
    draft = api.post(
        f"/patients/{world.alex.pk}/plans",
        {"method": "percent", "step": 5, "switch_to": "diazepam"},
    )
    draft_id = draft.json()["id"]
    assert revise(world.avery, draft_id, PAUSE) == (
        409,
        {
            "detail": "This plan is a draft: only the approved plan in force is revised. Draft "
            "a new plan instead, or approve this one first."
        },
    )
    assert api.post(f"/plans/{draft_id}/approve", {"password": PASSWORD}).status_code == 200
    assert revise(world.avery, running, PAUSE) == (
        409,
        {
            "detail": "This plan has been superseded by a later plan: revise the plan in "
            "force instead."
        },
    )
    assert not PlanRevision.objects.exists()


@pytest.mark.parametrize("persona", ["kim", "lee", "riverside_admin", "alex_user"])
def test_only_a_prescriber_on_the_care_team_revises(
    world: World, running: Plan, persona: str
) -> None:
    assert revise(getattr(world, persona), running, PAUSE) == (
        403,
        {"detail": NOT_A_TEAM_PRESCRIBER},
    )
    assert not PlanRevision.objects.exists()


@pytest.mark.parametrize("persona", ["brook", "blair_user", "site_admin"])
def test_a_plan_out_of_sight_is_not_found(world: World, running: Plan, persona: str) -> None:
    assert revise(getattr(world, persona), running, PAUSE) == (404, {"detail": "Plan not found."})
