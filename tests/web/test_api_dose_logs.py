"""``/patients/{id}/doses``: the patient logs each dose (taken, missed, late or a
different amount), or their care team does on the patient's word; a later entry is
allowed and marked; every refusal says why, and nothing is written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from clonacare.audit.models import AuditEvent
from clonacare.monitoring.models import DoseLog
from tests.api_client import ApiClient
from tests.personas import World

pytestmark = pytest.mark.django_db

NOT_ALLOWED = (
    "Only the patient, or a clinician on their care team on the patient's word, logs a dose."
)


def today() -> dt.date:
    return timezone.localdate()


def log(world: World, who: str = "alex_user", **body: Any) -> Any:
    sent = {"dose_time": "morning", "status": "taken"} | body
    return ApiClient(getattr(world, who)).post(f"/patients/{world.alex.pk}/doses", sent)


class TestLogging:
    def test_the_patient_logs_a_dose_taken_today(self, world: World) -> None:
        response = log(world, date=today().isoformat())
        assert response.status_code == 201, response.content
        body = response.json()
        stored = DoseLog.objects.get()
        assert body == {
            "id": stored.pk,
            "patient_id": world.alex.pk,
            "date": today().isoformat(),
            "dose_time": "morning",
            "status": "taken",
            "amount_mg": None,
            "self_reported": True,
            "entered_by": "alex",
            "entered_at": body["entered_at"],
            "late_entry": False,
        }
        assert (stored.day, stored.dose_time, stored.status) == (today(), "morning", "taken")

    def test_a_dose_without_a_date_is_today(self, world: World) -> None:
        assert log(world).json()["date"] == today().isoformat()

    def test_an_entry_for_an_earlier_day_is_a_late_entry(self, world: World) -> None:
        yesterday = today() - dt.timedelta(days=1)
        body = log(world, date=yesterday.isoformat(), status="late").json()
        assert (body["date"], body["status"], body["late_entry"]) == (
            yesterday.isoformat(),
            "late",
            True,
        )

    @pytest.mark.parametrize("status", ["taken", "missed", "late"])
    def test_each_status_is_kept(self, world: World, status: str) -> None:
        assert log(world, status=status).json()["status"] == status

    def test_a_different_amount_keeps_the_amount_in_mg(self, world: World) -> None:
        body = log(world, dose_time="night", status="different", amount_mg=0.75).json()
        assert (body["status"], body["amount_mg"]) == ("different", 0.75)
        assert str(DoseLog.objects.get().amount_mg) == "0.750"

    @pytest.mark.parametrize("persona", ["avery", "kim", "lee"])
    def test_the_care_team_logs_on_the_patients_word(self, world: World, persona: str) -> None:
        body = log(world, persona).json()
        assert (body["self_reported"], body["entered_by"]) == (False, persona)

    def test_a_log_is_audited(self, world: World) -> None:
        log(world, dose_time="evening", status="missed")
        event = AuditEvent.objects.get(action="dose.log")
        assert (event.actor_username, event.patient_id, event.object_id) == (
            "alex",
            world.alex.pk,
            str(DoseLog.objects.get().pk),
        )
        assert event.detail == {
            "day": today().isoformat(),
            "dose_time": "evening",
            "status": "missed",
            "late_entry": False,
        }


class TestRefusals:
    def refused(self, response: Any, status: int, detail: str) -> None:
        assert (response.status_code, response.json()) == (status, {"detail": detail})
        assert not DoseLog.objects.exists()

    def test_a_program_admin_may_not_log(self, world: World) -> None:
        self.refused(log(world, "riverside_admin"), 403, NOT_ALLOWED)

    @pytest.mark.parametrize("persona", ["blair_user", "brook", "site_admin"])
    def test_a_record_out_of_reach_is_not_found(self, world: World, persona: str) -> None:
        client = ApiClient(getattr(world, persona))
        body = {"dose_time": "morning", "status": "taken"}
        response = client.post(f"/patients/{world.alex.pk}/doses", body)
        missing = client.post("/patients/999999/doses", body)
        assert (response.status_code, response.content) == (404, missing.content)
        assert response.json() == {"detail": "Patient not found."}
        assert not DoseLog.objects.exists()

    def test_a_day_in_the_future(self, world: World) -> None:
        tomorrow = today() + dt.timedelta(days=1)
        self.refused(
            log(world, date=tomorrow.isoformat()),
            400,
            "The day of the dose cannot be in the future.",
        )

    def test_a_day_before_birth(self, world: World) -> None:
        self.refused(
            log(world, date="1980-01-01"),
            400,
            "The day of the dose cannot be before the date of birth.",
        )

    def test_a_date_that_is_not_one(self, world: World) -> None:
        self.refused(
            log(world, date="yesterday"),
            400,
            "field 'date' must be a valid date or datetime, input is too short.",
        )

    def test_a_dose_time_that_is_not_the_records(self, world: World) -> None:
        self.refused(
            log(world, dose_time="noon"),
            400,
            "Unknown dose time 'noon'; choose one of: morning, midday, evening, night.",
        )

    def test_an_unknown_status(self, world: World) -> None:
        self.refused(
            log(world, status="skipped"),
            400,
            "Unknown dose status 'skipped'; choose one of: taken, missed, late, different.",
        )

    def test_a_different_amount_without_the_amount(self, world: World) -> None:
        self.refused(
            log(world, status="different"),
            400,
            "A different amount needs the amount taken, in mg.",
        )

    def test_an_amount_for_a_dose_taken_as_planned(self, world: World) -> None:
        self.refused(
            log(world, status="taken", amount_mg=0.5),
            400,
            "Only a different amount takes an amount in mg; a dose logged as 'taken' has none.",
        )

    @pytest.mark.parametrize("amount", [0, -0.5])
    def test_an_amount_not_above_zero(self, world: World, amount: float) -> None:
        self.refused(
            log(world, status="different", amount_mg=amount),
            400,
            "The amount taken must be more than 0 mg; a dose not taken at all is logged as missed.",
        )

    @pytest.mark.parametrize("amount", ["0.1255", "10000"])
    def test_an_amount_the_record_cannot_hold(self, world: World, amount: str) -> None:
        self.refused(
            log(world, status="different", amount_mg=amount),
            400,
            f"The amount taken is at most 9999.999 mg, to 3 decimal places; got {amount}.",
        )

    def test_an_unknown_field(self, world: World) -> None:
        self.refused(log(world, dose="morning"), 400, "unknown field 'dose'.")

    def test_missing_fields_are_named(self, world: World) -> None:
        response = ApiClient(world.alex_user).post(f"/patients/{world.alex.pk}/doses", {})
        assert (response.status_code, response.json()) == (
            400,
            {"detail": "missing fields 'dose_time', 'status'."},
        )

    def test_a_dose_time_logged_twice_the_same_day(self, world: World) -> None:
        assert log(world).status_code == 201
        second = log(world, "kim", status="missed")
        assert (second.status_code, second.json()) == (
            409,
            {"detail": f"The morning dose of {today().isoformat()} is already logged."},
        )
        assert DoseLog.objects.get().status == "taken"

    def test_the_same_dose_time_on_another_day_is_its_own_log(self, world: World) -> None:
        log(world)
        yesterday = (today() - dt.timedelta(days=1)).isoformat()
        assert log(world, date=yesterday).status_code == 201
        assert DoseLog.objects.count() == 2


class TestTheList:
    def test_newest_day_first_with_the_count(self, world: World) -> None:
        days = [today() - dt.timedelta(days=n) for n in (2, 0, 1)]
        for day in days:
            log(world, date=day.isoformat())
        body = ApiClient(world.alex_user).get(f"/patients/{world.alex.pk}/doses").json()
        assert [item["date"] for item in body["items"]] == [
            d.isoformat() for d in sorted(days, reverse=True)
        ]
        assert body["count"] == 3

    def test_within_a_day_the_latest_entered_first(self, world: World) -> None:
        for dose_time in ("morning", "night"):
            log(world, dose_time=dose_time)
        body = ApiClient(world.alex_user).get(f"/patients/{world.alex.pk}/doses").json()
        assert [item["dose_time"] for item in body["items"]] == ["night", "morning"]

    def test_it_pages(self, world: World) -> None:
        for dose_time in ("morning", "midday", "evening"):
            log(world, dose_time=dose_time)
        body = (
            ApiClient(world.alex_user)
            .get(f"/patients/{world.alex.pk}/doses", limit=1, offset=1)
            .json()
        )
        assert ([i["dose_time"] for i in body["items"]], body["count"]) == (["midday"], 3)

    @pytest.mark.parametrize("persona", ["avery", "lee", "riverside_admin"])
    def test_whoever_may_see_the_record_reads_it(self, world: World, persona: str) -> None:
        log(world)
        body = ApiClient(getattr(world, persona)).get(f"/patients/{world.alex.pk}/doses").json()
        assert body["count"] == 1

    @pytest.mark.parametrize("persona", ["blair_user", "brook", "site_admin"])
    def test_another_record_is_not_found(self, world: World, persona: str) -> None:
        log(world)
        client = ApiClient(getattr(world, persona))
        response = client.get(f"/patients/{world.alex.pk}/doses")
        missing = client.get("/patients/999999/doses")
        assert (response.status_code, response.content) == (404, missing.content)
        denied = AuditEvent.objects.filter(action="dose-logs.list.denied")
        assert denied.count() == 2

    def test_a_read_is_audited(self, world: World) -> None:
        ApiClient(world.avery).get(f"/patients/{world.alex.pk}/doses")
        event = AuditEvent.objects.get(action="dose-logs.list")
        assert (event.actor_username, event.patient_id) == ("avery", world.alex.pk)
