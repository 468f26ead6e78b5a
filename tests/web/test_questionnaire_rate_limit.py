"""Questionnaires a record takes in an hour (QUESTIONNAIRES_PER_PATIENT_HOUR): past it, a
submission is refused with 429 and Retry-After on the portal, in the API and on the
clinic's rating page, and nothing is stored, but a safety answer in the refused form still
raises its alert for the care team (a suicide answer always reaches a person)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from clonacare.assessments.models import AlertRepeat, InstrumentResponse, SafetyAlert
from tests.api_client import ApiClient
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

PHQ9_CALM = [0, 0, 0, 0, 0, 0, 0, 0, 0]
PHQ9_ITEM9 = [1, 2, 0, 3, 1, 0, 2, 1, 2]  # item 9 (thoughts of self-harm) endorsed


def refused_message(minutes: int, *, alerts: bool) -> str:
    unit = "minute" if minutes == 1 else "minutes"
    message = (
        "This record has had 2 questionnaires in the last hour, the most the site takes in "
        f"an hour; nothing was stored. Send this one again in {minutes} {unit}."
    )
    return message + (" Its safety answers have been passed to the care team." if alerts else "")


@pytest.fixture
def two_an_hour(settings: SettingsWrapper) -> None:
    settings.QUESTIONNAIRES_PER_PATIENT_HOUR = 2


def stored_before(world: World, *minutes_ago: int) -> None:
    """Responses of alex's stored ``minutes_ago`` minutes before now."""
    for minutes in minutes_ago:
        InstrumentResponse.objects.create(
            patient=world.alex,
            instrument="phq9",
            answers={},
            complete=True,
            total=0,
            result={},
            self_reported=True,
            entered_by=world.alex_user,
            submitted_at=timezone.now() - dt.timedelta(minutes=minutes),
        )


def submit(world: World, answers: list[int]) -> tuple[int, dict[str, Any], str | None]:
    response = ApiClient(world.alex_user).post(
        f"/patients/{world.alex.pk}/assessments", {"instrument": "phq9", "answers": answers}
    )
    return response.status_code, response.json(), response.headers.get("Retry-After")


def test_it_takes_the_hours_questionnaires_then_refuses_with_429(
    world: World, two_an_hour: None
) -> None:
    assert submit(world, PHQ9_CALM)[0] == 201
    assert submit(world, PHQ9_CALM)[0] == 201
    status, body, retry_after = submit(world, PHQ9_CALM)
    assert status == 429
    assert body["detail"] == refused_message(60, alerts=False)
    assert retry_after is not None
    assert 3500 < int(retry_after) <= 3600
    assert InstrumentResponse.objects.count() == 2


def test_retry_after_is_when_the_oldest_of_the_hour_leaves_it(
    world: World, two_an_hour: None
) -> None:
    stored_before(world, 40, 10)
    status, body, retry_after = submit(world, PHQ9_CALM)
    assert status == 429
    assert retry_after is not None
    assert 1190 <= int(retry_after) <= 1200  # 20 minutes
    assert body["detail"] == refused_message(20, alerts=False)


def test_responses_older_than_an_hour_do_not_count(world: World, two_an_hour: None) -> None:
    stored_before(world, 61, 90, 10)
    assert submit(world, PHQ9_CALM)[0] == 201


def test_the_limit_is_per_patient(world: World, two_an_hour: None) -> None:
    stored_before(world, 5, 6)
    response = ApiClient(world.blair_user).post(
        f"/patients/{world.blair.pk}/assessments", {"instrument": "phq9", "answers": PHQ9_CALM}
    )
    assert response.status_code == 201


def test_a_refused_suicide_answer_still_raises_its_alert(world: World, two_an_hour: None) -> None:
    stored_before(world, 5, 6)
    status, body, retry_after = submit(world, PHQ9_ITEM9)
    assert status == 429
    assert retry_after is not None
    assert body["detail"] == refused_message(54, alerts=True)
    assert [a["code"] for a in body["alerts"]] == ["suicide-risk"]
    assert "988" in [r["contact"] for r in body["crisis_resources"]]
    alert = SafetyAlert.objects.get()
    assert (alert.patient, alert.code, alert.response) == (world.alex, "suicide-risk", None)
    assert InstrumentResponse.objects.count() == 2


def test_the_portal_refuses_with_429_and_keeps_the_safety_alert(
    client: Client, world: World, two_an_hour: None
) -> None:
    stored_before(world, 5, 6)
    answers = {f"phq9-{n}": str(a) for n, a in enumerate(PHQ9_ITEM9, 1)}
    response = signed_in(client, "alex").post("/portal/questionnaires/phq9/", answers)
    assert response.status_code == 429
    assert response["Retry-After"] == str(int(response["Retry-After"]))
    html = response.content.decode()
    assert "Send this one again in 54 minutes." in html
    assert "988" in html  # the crisis resources are shown with the refusal
    assert SafetyAlert.objects.get().code == "suicide-risk"
    assert InstrumentResponse.objects.count() == 2


def test_a_refused_second_step_of_the_asq_does_not_repeat_the_first_steps_alert(
    client: Client, world: World, two_an_hour: None
) -> None:
    signed_in(client, "alex")
    first_step = {"asq-1": "no", "asq-2": "yes", "asq-3": "no", "asq-4": "no"}
    first = client.post("/portal/questionnaires/asq/", first_step)
    alert = SafetyAlert.objects.get()
    stored_before(world, 5, 6)  # the hour's questionnaires are reached meanwhile
    hidden = re.search(r'name="first-step-alerts" value="([^"]+)"', first.content.decode())
    assert hidden is not None
    second = client.post(
        "/portal/questionnaires/asq/",
        first_step | {"asq-5": "no", "step": "follow-up", "first-step-alerts": hidden.group(1)},
    )
    assert second.status_code == 429
    alert.refresh_from_db()
    assert (alert.code, alert.repeats, alert.response_id) == ("suicide-risk", 0, None)
    assert SafetyAlert.objects.count() == 1
    assert not AlertRepeat.objects.exists()


def test_the_clinics_rating_page_refuses_with_429(
    client: Client, world: World, two_an_hour: None
) -> None:
    stored_before(world, 5, 6)
    answers = {f"phq9-{n}": str(a) for n, a in enumerate(PHQ9_CALM, 1)}
    response = signed_in(client, "avery").post(
        f"/clinic/patients/{world.alex.pk}/instruments/phq9/", answers
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "the most the site takes in an hour" in response.content.decode()
    assert InstrumentResponse.objects.count() == 2


def test_the_default_is_sixty_an_hour(world: World) -> None:
    stored_before(world, *range(1, 60))
    assert submit(world, PHQ9_CALM)[0] == 201
    assert submit(world, PHQ9_CALM)[0] == 429
