"""``POST /api/v1/patients/{id}/level-of-care`` with ``"suicide_screen": "incomplete"``: no
completed screen is never recorded as negative. The alert is stored for the care team and
the reason asks staff to complete the screen; ``suicide_screen`` stays required."""

from __future__ import annotations

from typing import Any

import pytest

from clonacare.assessments.models import LevelOfCareAssessment, SafetyAlert
from tests.api_client import ApiClient
from tests.personas import World
from tests.samples import ALICE_RECORD

pytestmark = pytest.mark.django_db

BODY: dict[str, Any] = {**ALICE_RECORD, "equivalence": "ashton"}
REASON_MESSAGE = (
    "Suicide screen incomplete: no completed suicide screen is recorded (not done, refused "
    "or stopped part way); staff complete the screen (ASQ) with the person before the taper "
    "goes ahead."
)


def test_an_incomplete_screen_is_recorded_with_its_reason_and_alert(world: World) -> None:
    response = ApiClient(world.avery).post(
        f"/patients/{world.alex.pk}/level-of-care", {**BODY, "suicide_screen": "incomplete"}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["level"] == "outpatient"
    assert [(r["code"], r["message"]) for r in body["result"]["reasons"]] == [
        ("suicide-screen-incomplete", REASON_MESSAGE)
    ]
    assert [a["code"] for a in body["result"]["alerts"]] == ["suicide-screen-incomplete"]
    assert "988" in [r["contact"] for r in body["result"]["crisis_resources"]]
    assert body["record"]["suicide_screen"] == "incomplete"
    alert = SafetyAlert.objects.get()
    assert (alert.code, alert.level_of_care_id, alert.trigger) == (
        "suicide-screen-incomplete",
        body["id"],
        f"level-of-care assessment: {REASON_MESSAGE}",
    )


def test_a_negative_screen_is_still_accepted(world: World) -> None:
    response = ApiClient(world.avery).post(f"/patients/{world.alex.pk}/level-of-care", BODY)
    assert response.status_code == 201
    assert response.json()["result"]["alerts"] == []
    assert not SafetyAlert.objects.exists()


def test_a_body_without_a_screen_is_refused_not_read_as_negative(world: World) -> None:
    without = {k: v for k, v in BODY.items() if k != "suicide_screen"}
    response = ApiClient(world.avery).post(f"/patients/{world.alex.pk}/level-of-care", without)
    assert response.status_code == 400
    assert response.json() == {"detail": "missing field 'suicide_screen'."}
    assert not LevelOfCareAssessment.objects.exists()


def test_an_unknown_screen_names_incomplete_among_the_choices(world: World) -> None:
    response = ApiClient(world.avery).post(
        f"/patients/{world.alex.pk}/level-of-care", {**BODY, "suicide_screen": "not done"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "field 'suicide_screen' must be one of: negative, non-acute positive, "
        'acute positive, incomplete; got "not done".'
    }
    assert not LevelOfCareAssessment.objects.exists()
