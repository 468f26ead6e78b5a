"""A return to use, recorded through the API (``POST /patients/{id}/returns-to-use``):
who may record it, the refusals with their messages, the audit entry, and that nothing
before it is erased (docs/recovery.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from clonacare.audit.models import AuditEvent
from clonacare.plans.models import Plan
from clonacare.recovery.actions import NOT_ALLOWED
from clonacare.recovery.models import ReturnToUse
from tests.api_client import ApiClient
from tests.personas import World
from tests.web.recovery_world import alex_history, day_ago

pytestmark = pytest.mark.django_db


def _post(who: object, world: World, **body: object) -> object:
    return ApiClient(who).post(f"/patients/{world.alex.pk}/returns-to-use", body)  # type: ignore[arg-type]


def test_a_counsellor_on_the_care_team_records_a_return_to_use(world: World) -> None:
    alex_history(world)
    on = day_ago(200)
    response = _post(world.lee, world, on=on.isoformat(), drug="Alprazolam", note="Told us today.")
    assert response.status_code == 201  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert (body["on"], body["drug"], body["note"], body["recorded_by"]) == (
        on.isoformat(),
        "alprazolam",
        "Told us today.",
        "lee",
    )
    event = AuditEvent.objects.get(action="recovery.return-to-use")
    assert (event.actor_username, event.patient_id, event.detail) == (
        "lee",
        world.alex.pk,
        {"on": on.isoformat(), "drug": "alprazolam"},
    )


def test_the_taper_before_it_stays_as_it_was(world: World) -> None:
    first = alex_history(world)
    _post(world.kim, world, on=day_ago(200).isoformat())
    first.refresh_from_db()
    assert first.status == Plan.Status.APPROVED
    kinds = [
        i["kind"]
        for i in ApiClient(world.avery).get(f"/patients/{world.alex.pk}/timeline").json()["items"]
    ]
    assert kinds.count("taper-finished") == 1
    assert "return-to-use" in kinds


@pytest.mark.parametrize("who", ["riverside_admin", "alex_user"])
def test_only_the_care_team_records_it(world: World, who: str) -> None:
    response = _post(getattr(world, who), world, on=day_ago(0).isoformat())
    assert (response.status_code, response.json()) == (403, {"detail": NOT_ALLOWED})  # type: ignore[attr-defined]
    assert not ReturnToUse.objects.exists()


def test_another_programs_prescriber_is_answered_as_if_the_patient_did_not_exist(
    world: World,
) -> None:
    response = _post(world.brook, world, on=day_ago(0).isoformat())
    assert (response.status_code, response.json()) == (404, {"detail": "Patient not found."})  # type: ignore[attr-defined]


def test_it_refuses_a_day_in_the_future(world: World) -> None:
    tomorrow = day_ago(-1)
    response = _post(world.avery, world, on=tomorrow.isoformat())
    assert (response.status_code, response.json()) == (  # type: ignore[attr-defined]
        400,
        {"detail": "The day use started again cannot be in the future."},
    )


def test_it_refuses_a_day_before_the_record_began(world: World) -> None:
    alex_history(world)
    began = day_ago(500)
    response = _post(world.avery, world, on=(began - dt.timedelta(days=1)).isoformat())
    assert (response.status_code, response.json()) == (  # type: ignore[attr-defined]
        400,
        {
            "detail": "The day use started again cannot be before the record began "
            f"({began.isoformat()})."
        },
    )
    assert _post(world.avery, world, on=began.isoformat()).status_code == 201  # type: ignore[attr-defined]


def test_it_refuses_an_unknown_drug(world: World) -> None:
    response = _post(world.avery, world, on=day_ago(0).isoformat(), drug="valium")
    assert (response.status_code, response.json()) == (  # type: ignore[attr-defined]
        400,
        {
            "detail": "Unknown benzodiazepine 'valium'; leave it empty when it is not known, "
            "or choose one of: alprazolam, chlordiazepoxide, clonazepam, clorazepate, "
            "diazepam, estazolam, flurazepam, lorazepam, oxazepam, quazepam, temazepam, "
            "triazolam."
        },
    )


def test_it_refuses_a_note_too_long(world: World) -> None:
    response = _post(world.avery, world, on=day_ago(0).isoformat(), note="x" * 1001)
    assert (response.status_code, response.json()) == (  # type: ignore[attr-defined]
        400,
        {"detail": "The note is longer than 1000 characters."},
    )
    assert not ReturnToUse.objects.exists()
