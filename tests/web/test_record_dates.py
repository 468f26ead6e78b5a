"""The record's dates: nothing in the future, nothing before the date of birth, and a
date of birth within the assessment record's bound on age. Through the pages and the
API, with the exact messages; a refused date writes nothing."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from clonacare.audit.models import AuditEvent
from clonacare.core.assessment import record_bounds
from clonacare.patients.models import Consent, Medication, Patient
from tests.api_client import ApiClient
from tests.personas import World, signed_in

TODAY = timezone.now().date()
ALEX_BORN = dt.date(1982, 5, 14)
AGE_SOURCE = record_bounds()["age"].source


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February, in a year without one
        return day.replace(year=day.year - years, day=28)


def too_old(born: dt.date, age: int) -> str:
    return (
        f"The date of birth {born.isoformat()} makes the patient {age} years old; "
        f"the record takes ages up to 120 ({AGE_SOURCE})."
    )


class TestEndingAMedication:
    @pytest.fixture
    def sertraline(self, world: World) -> Medication:
        """Started on a date nobody wrote down: only the date of birth bounds its end."""
        return Medication.objects.create(patient=world.alex, name="Sertraline")

    @pytest.mark.parametrize(
        ("ended_on", "message"),
        [
            ("0001-01-01", "The end date cannot be before the date of birth."),
            ("1982-05-13", "The end date cannot be before the date of birth."),
            (
                (TODAY + dt.timedelta(days=1)).isoformat(),
                "The end date cannot be in the future.",
            ),
        ],
    )
    def test_the_page_refuses_an_end_outside_the_patients_life(
        self, client: Client, world: World, sertraline: Medication, ended_on: str, message: str
    ) -> None:
        response = signed_in(client, "kim").post(
            f"/clinic/patients/{world.alex.pk}/medications/{sertraline.pk}/end/",
            {"ended_on": ended_on, "confirm": "yes"},
        )
        assert response.status_code == 400
        assert message in response.content.decode()
        sertraline.refresh_from_db()
        assert sertraline.ended_on is None
        assert not AuditEvent.objects.filter(action="record.medication-end").exists()

    def test_the_api_refuses_an_end_before_birth(
        self, world: World, sertraline: Medication
    ) -> None:
        response = ApiClient(world.kim).post(
            f"/patients/{world.alex.pk}/medications/{sertraline.pk}/end",
            {"ended_on": "1900-01-01"},
        )
        assert (response.status_code, response.json()) == (
            400,
            {"detail": "The end date cannot be before the date of birth."},
        )
        sertraline.refresh_from_db()
        assert sertraline.ended_on is None

    def test_it_may_end_on_the_day_of_birth(
        self, client: Client, world: World, sertraline: Medication
    ) -> None:
        response = ApiClient(world.kim).post(
            f"/patients/{world.alex.pk}/medications/{sertraline.pk}/end",
            {"ended_on": ALEX_BORN.isoformat()},
        )
        assert response.status_code == 200
        sertraline.refresh_from_db()
        assert sertraline.ended_on == ALEX_BORN


def consent_form(**changes: str) -> dict[str, str]:
    return {
        "recipient": "Dr. Taylor, primary care",
        "purpose": "coordination of care",
        "information": "Taper plan and current dose",
        "expires_on": "",
        "expiry_event": "",
        "signed_by": "Alex Morgan",
        "signed_on": TODAY.isoformat(),
    } | changes


class TestConsentDates:
    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            (
                {"signed_on": "1900-01-01", "expires_on": "1900-06-01"},
                "The signing date cannot be before the date of birth.",
            ),
            (
                {"signed_on": "1982-05-13", "expiry_event": "the end of treatment"},
                "The signing date cannot be before the date of birth.",
            ),
            (
                {"signed_on": "2020-01-01", "expires_on": "2019-12-31"},
                "The expiry date is before the signing date.",
            ),
        ],
    )
    def test_the_page_refuses_a_consent_signed_before_birth_or_expiring_before_signing(
        self, client: Client, world: World, changes: dict[str, str], message: str
    ) -> None:
        response = signed_in(client, "avery").post(
            f"/clinic/patients/{world.alex.pk}/consents/new/", consent_form(**changes)
        )
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not Consent.objects.exists()

    def test_the_api_refuses_a_consent_signed_before_birth(self, world: World) -> None:
        body = consent_form(signed_on="1900-01-01", expires_on="1900-06-01")
        del body["expiry_event"]
        response = ApiClient(world.avery).post(f"/patients/{world.alex.pk}/consents", body)
        assert (response.status_code, response.json()) == (
            400,
            {"detail": "The signing date cannot be before the date of birth."},
        )
        assert not Consent.objects.exists()

    def test_a_consent_signed_on_the_day_of_birth_is_recorded(self, world: World) -> None:
        # A parent signs for a newborn; it expires the same day (a single disclosure).
        body = consent_form(signed_on=ALEX_BORN.isoformat(), expires_on=ALEX_BORN.isoformat())
        del body["expiry_event"]
        response = ApiClient(world.avery).post(f"/patients/{world.alex.pk}/consents", body)
        assert response.status_code == 201


def registration_form(world: World, **changes: Any) -> dict[str, Any]:
    return {
        "given_name": "Dana",
        "family_name": "Reyes",
        "date_of_birth": "1975-06-30",
        "status": "assessment",
        "care_team": [world.kim.pk],
    } | changes


class TestDateOfBirth:
    def test_the_page_names_the_field_for_a_year_typed_wrong(
        self, client: Client, world: World
    ) -> None:
        response = signed_in(client, "riverside_admin").post(
            "/clinic/patients/new/", registration_form(world, date_of_birth="0001-01-01")
        )
        assert response.status_code == 400
        message = too_old(dt.date(1, 1, 1), TODAY.year - 1)
        assert response.context["form"].errors["date_of_birth"] == [message]
        assert html.escape(message) in response.content.decode()
        assert not Patient.objects.filter(given_name="Dana").exists()
        assert not AuditEvent.objects.filter(action="patient.register").exists()

    def test_the_page_names_the_field_for_a_date_in_the_future(
        self, client: Client, world: World
    ) -> None:
        tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
        response = signed_in(client, "riverside_admin").post(
            "/clinic/patients/new/", registration_form(world, date_of_birth=tomorrow)
        )
        assert response.status_code == 400
        assert response.context["form"].errors["date_of_birth"] == [
            "The date of birth cannot be in the future."
        ]

    def test_the_api_refuses_it_with_the_same_message(self, world: World) -> None:
        response = ApiClient(world.riverside_admin).post(
            "/patients", registration_form(world, date_of_birth="1900-01-01")
        )
        born = dt.date(1900, 1, 1)
        assert (response.status_code, response.json()) == (
            400,
            {"detail": too_old(born, TODAY.year - 1900)},
        )
        assert not Patient.objects.filter(given_name="Dana").exists()

    def test_120_years_is_the_oldest_age_taken(self, world: World) -> None:
        api = ApiClient(world.riverside_admin)
        born_121_years_ago = years_before(TODAY, 121)
        refused = api.post(
            "/patients", registration_form(world, date_of_birth=str(born_121_years_ago))
        )
        assert refused.json() == {"detail": too_old(born_121_years_ago, 121)}
        oldest = born_121_years_ago + dt.timedelta(days=1)
        taken = api.post("/patients", registration_form(world, date_of_birth=str(oldest)))
        assert taken.status_code == 201
        assert Patient.objects.get(given_name="Dana").age_on(TODAY) == 120

    def test_a_patient_born_today_is_taken(self, world: World) -> None:
        response = ApiClient(world.riverside_admin).post(
            "/patients", registration_form(world, date_of_birth=TODAY.isoformat())
        )
        assert response.status_code == 201
