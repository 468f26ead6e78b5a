"""GET /api/v1/programs/{id}/outcomes: who may read it, the period's errors, the audit
entry, the answer's shape and a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clonacare.audit.models import AuditEvent
from tests.api_client import ApiClient
from tests.personas import World
from tests.web.outcomes_world import (
    add_patients,
    days_ago,
    group,
    module,
    pause,
    register,
    return_to_use,
    score,
    taper,
)


def path(world: World) -> str:
    return f"/programs/{world.riverside.pk}/outcomes"


@pytest.mark.parametrize("who", ["riverside_admin", "avery", "kim", "lee"])
def test_the_programs_admin_and_clinical_staff_read_it(world: World, who: str) -> None:
    response = ApiClient(getattr(world, who)).get(path(world))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["program_id"] == world.riverside.pk
    assert body["program"] == "Riverside Recovery"
    assert body["period_from"] is None
    assert body["period_to"] == timezone.localdate().isoformat()
    assert body["smallest_shown"] == 11
    assert body["small_cell_source"].startswith("CMS cell size suppression policy")
    assert [f["key"] for f in body["figures"]] == [
        "started",
        "finished",
        "paused",
        "lower_dose",
        "returned_to_use",
        "median_taper_days",
        "phq9_response",
        "phq9_remission",
        "gad7_response",
        "gad7_remission",
        "module_completion",
        "group_attendance",
    ]


@pytest.mark.parametrize("who", ["alex_user", "brook", "casey_user", "site_admin"])
def test_patients_another_programs_staff_and_the_site_admin_are_told_not_found(
    world: World, who: str
) -> None:
    response = ApiClient(getattr(world, who)).get(path(world))
    assert response.status_code == 404
    assert response.json() == {"detail": "Program not found."}
    denied = AuditEvent.objects.get(action="outcomes.view.denied")
    assert denied.object_id == str(world.riverside.pk)


def test_a_program_that_does_not_exist_answers_alike(world: World) -> None:
    response = ApiClient(world.avery).get("/programs/999999/outcomes")
    assert response.status_code == 404
    assert response.json() == {"detail": "Program not found."}


def test_northgates_prescriber_reads_northgates(world: World) -> None:
    response = ApiClient(world.brook).get(f"/programs/{world.northgate.pk}/outcomes")
    assert response.status_code == 200
    assert response.json()["program"] == "Northgate Clinic"


def test_the_read_is_audited_with_its_period(world: World) -> None:
    response = ApiClient(world.kim).get(path(world), **{"from": "2026-01-01", "to": "2026-06-30"})
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="outcomes.view")
    assert (event.actor_username, event.program_id) == ("kim", world.riverside.pk)
    assert event.detail == {"from": "2026-01-01", "to": "2026-06-30"}
    assert response.json()["period_from"] == "2026-01-01"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"from": "yesterday"},
            "The 'from' date must be a date like 2026-01-31, not 'yesterday'.",
        ),
        ({"to": "2026-02-30"}, "The 'to' date must be a date like 2026-01-31, not '2026-02-30'."),
        (
            {"from": "2026-03-01", "to": "2026-02-01"},
            "The period's 'from' date (2026-03-01) is after its 'to' date (2026-02-01).",
        ),
    ],
)
def test_a_bad_period_is_refused_with_a_clear_message(
    world: World, query: dict[str, str], message: str
) -> None:
    response = ApiClient(world.avery).get(path(world), **query)
    assert response.status_code == 400
    assert response.json() == {"detail": message}
    assert not AuditEvent.objects.filter(action__startswith="outcomes.view").exists()


def test_a_period_ending_after_today_is_refused(world: World) -> None:
    today = timezone.localdate()
    tomorrow = days_ago(-1).isoformat()
    response = ApiClient(world.avery).get(path(world), to=tomorrow)
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"The period ends today ({today.isoformat()}) at the latest, not on "
        f"{tomorrow}: outcomes after today are not known yet."
    }


def test_a_withheld_figure_is_null_and_says_why(world: World) -> None:
    taper(world, world.alex, started_days_ago=20)
    started = ApiClient(world.avery).get(path(world)).json()["figures"][0]
    assert started == {
        "key": "started",
        "label": "Started a taper",
        "kind": "count",
        "count": None,
        "denominator": None,
        "value": None,
        "suppressed": True,
        "suppressed_because": "fewer-than",
        "definition": "Taper attempts whose first plan's first day falls in the period.",
        "source": "Clonacare: the plan in force (its newest revision) and its end (plans.models)",
    }


def _queries(world: World) -> int:
    client = ApiClient(world.avery)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path(world)).status_code == 200
    return len(queries)


def test_it_reads_with_the_same_number_of_queries_whatever_the_number_of_patients(
    world: World,
) -> None:
    taper(world, world.alex, started_days_ago=20)
    score(world, world.alex, "phq9", 12, days_ago(10))
    module(world, world.alex, completed=True, on=days_ago(10))
    few = _queries(world)
    patients = add_patients(world, 12)
    for patient in patients:
        plan = taper(world, patient, started_days_ago=30)
        pause(world, plan, days_ago_=5)
        return_to_use(world, patient, days_ago(3))
        score(world, patient, "phq9", 12, days_ago(20))
        score(world, patient, "gad7", 9, days_ago(2))
        module(world, patient, completed=False, on=days_ago(10))
    register(world, group(world), days_ago(7), dict.fromkeys(patients, "attended"))
    assert _queries(world) == few
