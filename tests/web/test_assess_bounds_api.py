"""``POST /api/v1/patients/{id}/level-of-care`` and the clinic's form: implausible numbers
are refused (400) with a message naming the field, and nothing is stored.

The same core checks as ``clonacare assess`` (tests/core/test_assess_bounds_cli.py): the
taper core's plausibility limit for the daily dose, record.toml's typo guards for age,
duration and failed tapers.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from clonacare.assessments.models import LevelOfCareAssessment
from tests.api_client import ApiClient
from tests.personas import World, signed_in
from tests.samples import ALICE_RECORD

pytestmark = pytest.mark.django_db

DOSE_MESSAGE = (
    "field 'daily_dose_mg': clonazepam 1E+30 mg/day is above the 50 mg/day this tool accepts "
    "(1000 mg diazepam-equivalent on the Ashton (2002/2007) table; Clonacare configuration: "
    "a typo guard, not a guideline value); check the dose."
)


def record_for(user: User, patient_id: int, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = ApiClient(user).post(f"/patients/{patient_id}/level-of-care", body)
    return response.status_code, response.json()


def test_an_implausibly_large_dose_is_a_400_naming_the_field(world: World) -> None:
    status, body = record_for(world.avery, world.alex.pk, {**ALICE_RECORD, "daily_dose_mg": 1e30})
    assert (status, body) == (400, {"detail": DOSE_MESSAGE})
    assert not LevelOfCareAssessment.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("age", 1e30, "field 'age' must be at most 120 (a typo guard); got 1e+30."),
        (
            "duration_months",
            1e30,
            "field 'duration_months' must be at most 1440 (a typo guard); got 1e+30.",
        ),
        (
            "previous_failed_tapers",
            10**30,
            "field 'previous_failed_tapers' must be at most 100 (a typo guard); got 1E+30.",
        ),
        (
            "days_per_week",
            1e30,
            "field 'days_per_week' must be more than 0 and at most 7; got 1E+30.",
        ),
        ("daily_dose_mg", -1, "field 'daily_dose_mg' must be more than 0; got -1."),
        ("days_per_week", -1, "field 'days_per_week' must be more than 0 and at most 7; got -1."),
        ("duration_months", -1, "field 'duration_months' must be 0 or more; got -1."),
        ("age", -1, "field 'age' must be 0 or more; got -1."),
        ("previous_failed_tapers", -1, "field 'previous_failed_tapers' must be 0 or more; got -1."),
    ],
)
def test_a_huge_or_negative_number_is_a_400_naming_the_field(
    world: World, field: str, value: object, message: str
) -> None:
    status, body = record_for(world.avery, world.alex.pk, {**ALICE_RECORD, field: value})
    assert (status, body) == (400, {"detail": message})
    assert not LevelOfCareAssessment.objects.exists()


def test_a_number_too_large_for_a_float_is_a_400_naming_the_field(world: World) -> None:
    api = ApiClient(world.avery)
    raw = json.dumps({**ALICE_RECORD, "age": "@"}).replace('"@"', "1e999")  # infinity
    response = api.client.post(
        f"/api/v1/patients/{world.alex.pk}/level-of-care",
        raw,
        content_type="application/json",
        headers=api.headers,
    )
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "field 'age' must be a finite number."},
    )
    assert not LevelOfCareAssessment.objects.exists()


def test_the_clinic_form_shows_the_dose_refusal(client: Client, world: World) -> None:
    signed_in(client, world.avery)
    data = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in ALICE_RECORD.items()}
    data |= {"daily_dose_mg": "9999", "equivalence": "ashton"}
    response = client.post(f"/clinic/patients/{world.alex.pk}/level-of-care/", data)
    assert response.status_code == 400
    assert (
        "field &#x27;daily_dose_mg&#x27;: clonazepam 9999 mg/day is above the 50 mg/day"
        in response.content.decode()
    )
    assert not LevelOfCareAssessment.objects.exists()


def test_the_clinic_form_bounds_age_and_duration_as_the_core_does(
    client: Client, world: World
) -> None:
    signed_in(client, world.avery)
    data = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in ALICE_RECORD.items()}
    data |= {"age": "121", "duration_months": "1441", "equivalence": "ashton"}
    html = client.post(f"/clinic/patients/{world.alex.pk}/level-of-care/", data).content.decode()
    assert "Ensure this value is less than or equal to 120." in html
    assert "Ensure this value is less than or equal to 1440." in html
    assert not LevelOfCareAssessment.objects.exists()


def test_a_whole_number_of_thousands_of_digits_is_a_400_not_a_crash(world: World) -> None:
    # Python's JSON reader refuses integers of more than 4300 digits before any field is
    # read, so the answer is the API's refusal of the body.
    api = ApiClient(world.avery)
    raw = json.dumps({**ALICE_RECORD, "previous_failed_tapers": "@"}).replace('"@"', "9" * 5000)
    response = api.client.post(
        f"/api/v1/patients/{world.alex.pk}/level-of-care",
        raw,
        content_type="application/json",
        headers=api.headers,
    )
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "The request body is not valid JSON."},
    )
    assert not LevelOfCareAssessment.objects.exists()
