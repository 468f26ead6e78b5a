"""``GET /patients/{id}/timeline``: the recovery record through the API, as each viewer
may see it (docs/recovery.md, docs/api.md)."""

from __future__ import annotations

import pytest

from clonacare.audit.models import AuditEvent
from clonacare.recovery.actions import do_record_return_to_use
from tests.api_client import ApiClient
from tests.personas import World
from tests.web.recovery_world import alex_history, avery, day_ago, days_ago, taper

pytestmark = pytest.mark.django_db


def _timeline(who: object, world: World) -> dict[str, object]:
    response = ApiClient(who).get(f"/patients/{world.alex.pk}/timeline")  # type: ignore[arg-type]
    assert response.status_code == 200
    body: dict[str, object] = response.json()
    return body


def test_it_lists_the_history_oldest_first_with_milestones(world: World) -> None:
    alex_history(world)
    body = _timeline(world.avery, world)
    items = body["items"]
    assert isinstance(items, list)
    assert body["count"] == len(items)
    assert [(i["date"], i["kind"], i["text"]) for i in items[:5]] == [
        (day_ago(500).isoformat(), "assessment", "DSM-5 SUD: 5 (moderate)"),
        (day_ago(434).isoformat(), "plan-approved", "Clonazepam taper plan approved"),
        (day_ago(434).isoformat(), "dose-change", "Plan started: 1.5 mg clonazepam"),
        (day_ago(427).isoformat(), "dose-change", "Daily dose changed to 1 mg clonazepam"),
        (
            day_ago(420).isoformat(),
            "taper-finished",
            "Taper finished: first day without a benzodiazepine",
        ),
    ]
    [run] = body["milestones"]["runs"]  # type: ignore[index]
    assert (run["started_on"], run["ended_on"], run["days_without"]) == (
        day_ago(420).isoformat(),
        None,
        420,
    )
    assert [m["days"] for m in run["reached"]] == [30, 90, 180, 365]


def test_staff_see_remission_with_its_reasons(world: World) -> None:
    alex_history(world)
    remission = _timeline(world.kim, world)["remission"]
    assert remission == {
        "status": "early",
        "label": "In early remission (DSM-5)",
        "reasons": [
            f"The disorder was met before: 5 criteria on {day_ago(500).isoformat()}.",
            f"No criterion but craving on every checklist from {day_ago(380).isoformat()} "
            f"to {day_ago(250).isoformat()} (2 checklists).",
            "The run spans 3 months or more, and less than 12.",
        ],
        "since": day_ago(380).isoformat(),
        "through": day_ago(250).isoformat(),
        "source": "American Psychiatric Association. DSM-5 (2013), remission specifiers "
        "of substance use disorders",
    }


def test_a_return_to_use_ends_the_run_and_a_new_taper_starts_another(world: World) -> None:
    alex_history(world)
    do_record_return_to_use(avery(world), world.alex, on=day_ago(200), now=days_ago(0))
    taper(world, world.alex, stopped_ago=40)
    body = _timeline(world.avery, world)
    first, second = body["milestones"]["runs"]  # type: ignore[index]
    assert (first["ended_on"], first["days_without"]) == (day_ago(200).isoformat(), 220)
    assert [m["days"] for m in first["reached"]] == [30, 90, 180]
    assert (second["started_on"], second["next"]) == (
        day_ago(40).isoformat(),
        {"days": 90, "date": day_ago(-50).isoformat()},
    )
    assert body["remission"]["status"] == "not-met"  # type: ignore[index]
    kinds = [i["kind"] for i in body["items"]]  # type: ignore[union-attr]
    assert kinds.count("taper-finished") == 2
    assert kinds.count("plan-approved") == 2


def test_a_patient_sees_their_own_without_the_staffs_checklists(world: World) -> None:
    alex_history(world)
    do_record_return_to_use(
        avery(world), world.alex, on=day_ago(200), note="Said at the clinic.", now=days_ago(0)
    )
    body = _timeline(world.alex_user, world)
    kinds = {i["kind"] for i in body["items"]}  # type: ignore[union-attr]
    assert "assessment" not in kinds
    assert body["remission"] is None
    returned = [i for i in body["items"] if i["kind"] == "return-to-use"]  # type: ignore[union-attr]
    assert [r["text"] for r in returned] == ["Use started again"]


def test_a_draft_plan_is_on_the_staffs_timeline_only(world: World) -> None:
    from clonacare.plans.actions import PlanParameters, do_draft_plan

    do_draft_plan(
        avery(world),
        world.alex,
        PlanParameters(method="bands", switch_to="diazepam"),
        now=days_ago(0),
    )
    staff = [i["kind"] for i in _timeline(world.avery, world)["items"]]  # type: ignore[union-attr]
    own = [i["kind"] for i in _timeline(world.alex_user, world)["items"]]  # type: ignore[union-attr]
    assert "plan-drafted" in staff
    assert "plan-drafted" not in own


def test_the_read_is_audited_and_a_stranger_is_answered_as_missing(world: World) -> None:
    assert _timeline(world.lee, world)["count"] == 0
    assert AuditEvent.objects.filter(action="recovery.timeline", actor_username="lee").exists()
    response = ApiClient(world.brook).get(f"/patients/{world.alex.pk}/timeline")
    assert (response.status_code, response.json()) == (404, {"detail": "Patient not found."})
    assert AuditEvent.objects.filter(
        action="recovery.timeline.denied", actor_username="brook"
    ).exists()
