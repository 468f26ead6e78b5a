"""The accounting of disclosures (42 CFR § 2.25 as amended in 2024): the patient (portal)
and staff (clinic) see every disclosure of the last 3 years with its date, recipient,
purpose, what went and under which consent, and download it as CSV; medical-emergency
disclosures (§ 2.51), recorded after the fact by staff, are in it too. A patient asks to
restrict disclosures (§ 2.26) and the program's answer is recorded and shown."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clonacare.audit.models import AuditEvent
from clonacare.patients.models import Consent, Disclosure, RestrictionRequest
from tests.api_client import ApiClient
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

NOW = timezone.now()
EMERGENCY_UNDER = "no consent: a medical emergency (42 CFR § 2.51)"


def consent(world: World) -> Consent:
    return Consent.objects.create(
        patient=world.alex,
        disclosing_program=world.riverside,
        recipient="Dr. Taylor, primary care",
        purpose="Coordination of care",
        information="Taper plan and current dose",
        expiry_event="The end of treatment",
        signed_by="Alex Morgan",
        signed_on=dt.date(2022, 1, 3),
        created_by=world.avery,
    )


def disclosed(world: World, at: dt.datetime, given: Consent) -> Disclosure:
    return Disclosure.objects.create(
        consent=given,
        patient=world.alex,
        recipient=given.recipient,
        purpose=given.purpose,
        consent_information=given.information,
        notice="(notice)",
        disclosed_by=world.avery,
        disclosed_at=at,
    )


def emergency(**changes: Any) -> dict[str, Any]:
    return {
        "recipient": "Dr. Osei, St. Mary's emergency department",
        "made_by": "Kim Lee, RN",
        "disclosed_at": (NOW - dt.timedelta(hours=5)).isoformat(),
        "emergency": "Seizure at the clinic; the ED asked for current benzodiazepine doses",
        "information": "Current benzodiazepine doses and the taper plan",
    } | changes


def test_the_patient_sees_each_disclosure_with_its_particulars(
    client: Client, world: World
) -> None:
    given = consent(world)
    disclosed(world, NOW - dt.timedelta(days=10), given)
    page = signed_in(client, "alex").get("/portal/disclosures/")
    assert page.status_code == 200
    html = page.content.decode()
    for words in (
        "to Dr. Taylor, primary care",
        "<dt>Why</dt><dd>Coordination of care</dd>",
        "<dt>What</dt><dd>Taper plan and current dose</dd>",
        "<dt>Under</dt><dd>consent signed 03 Jan 2022 by Alex Morgan, to Dr. Taylor, "
        "primary care</dd>",
    ):
        assert words in html


def test_it_covers_the_last_three_years(client: Client, world: World) -> None:
    given = consent(world)
    kept = disclosed(world, NOW.replace(year=NOW.year - 3) + dt.timedelta(days=1), given)
    disclosed(world, NOW.replace(year=NOW.year - 3) - dt.timedelta(days=1), given)
    rows = csv_rows(signed_in(client, "alex").get("/portal/disclosures/accounting.csv"))
    assert [r["date (UTC)"] for r in rows] == [f"{kept.disclosed_at:%Y-%m-%d %H:%M}"]


def csv_rows(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_staff_download_the_accounting_as_csv(client: Client, world: World) -> None:
    disclosed(world, NOW - dt.timedelta(days=2), consent(world))
    response = signed_in(client, "avery").get(
        f"/clinic/patients/{world.alex.pk}/disclosures/accounting.csv"
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="accounting-of-disclosures-{world.alex.pk}.csv"'
    )
    (row,) = csv_rows(response)
    assert row == {
        "date (UTC)": row["date (UTC)"],
        "recipient": "Dr. Taylor, primary care",
        "recipient class": "A named recipient",
        "purpose": "Coordination of care",
        "what was disclosed": "Taper plan and current dose",
        "under": "consent signed 03 Jan 2022 by Alex Morgan, to Dr. Taylor, primary care",
        "made by": "avery",  # under a consent: the staff member who made it
        "recorded by": "avery",
    }
    assert AuditEvent.objects.filter(action="disclosures.export", actor_username="avery").exists()


def test_another_program_sees_no_accounting(client: Client, world: World) -> None:
    signed_in(client, "brook")
    assert client.get(f"/clinic/patients/{world.alex.pk}/disclosures/").status_code == 404
    path = f"/clinic/patients/{world.alex.pk}/disclosures/accounting.csv"
    assert client.get(path).status_code == 404


class TestEmergencyDisclosure:
    def test_staff_record_one_after_the_fact_and_it_is_in_the_accounting(
        self, client: Client, world: World
    ) -> None:
        response = ApiClient(world.kim).post(
            f"/patients/{world.alex.pk}/emergency-disclosures", emergency()
        )
        assert response.status_code == 201
        body = response.json()
        assert (body["kind"], body["consent_id"], body["made_by"]) == (
            "emergency",
            None,
            "Kim Lee, RN",
        )
        assert AuditEvent.objects.filter(action="record.disclose-emergency").count() == 1
        html = signed_in(client, "alex").get("/portal/disclosures/").content.decode()
        assert "to Dr. Osei, St. Mary&#x27;s emergency department" in html
        assert f"<dt>Under</dt><dd>{EMERGENCY_UNDER}</dd>" in html

    def test_the_clinic_form_records_one(self, client: Client, world: World) -> None:
        form = emergency(disclosed_at=(NOW - dt.timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M"))
        response = signed_in(client, "avery").post(
            f"/clinic/patients/{world.alex.pk}/disclosures/emergency/", form
        )
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert EMERGENCY_UNDER in page
        assert "Dr. Osei, St. Mary&#x27;s emergency department (disclosed by Kim Lee, RN)" in page

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            (
                {"disclosed_at": (NOW + dt.timedelta(days=2)).isoformat()},
                "The time of the disclosure cannot be in the future.",
            ),
            ({"emergency": "  "}, "Enter the nature of the emergency."),
        ],
    )
    def test_a_wrong_entry_is_refused(
        self, world: World, changes: dict[str, Any], message: str
    ) -> None:
        response = ApiClient(world.kim).post(
            f"/patients/{world.alex.pk}/emergency-disclosures", emergency(**changes)
        )
        assert (response.status_code, response.json()) == (400, {"detail": message})
        assert not Disclosure.objects.exists()

    def test_the_patient_may_not_record_one(self, world: World) -> None:
        response = ApiClient(world.alex_user).post(
            f"/patients/{world.alex.pk}/emergency-disclosures", emergency()
        )
        assert (response.status_code, response.json()) == (
            403,
            {"detail": "Only the program's staff record a disclosure."},
        )


class TestRestrictionRequest:
    def ask(self, client: Client) -> Any:
        return client.post(
            "/portal/disclosures/",
            {"request": "Please do not send my counselling record to my health plan."},
        )

    def test_the_patient_asks_and_sees_it_waiting(self, client: Client, world: World) -> None:
        signed_in(client, "alex")
        assert self.ask(client).status_code == 302
        asked = RestrictionRequest.objects.get()
        assert asked.patient == world.alex
        html = client.get("/portal/disclosures/").content.decode()
        assert "Please do not send my counselling record to my health plan." in html
        assert "Waiting for an answer." in html
        assert AuditEvent.objects.filter(action="restriction.request").count() == 1

    def test_an_empty_request_is_refused(self, client: Client, world: World) -> None:
        response = signed_in(client, "alex").post("/portal/disclosures/", {"request": ""})
        assert response.status_code == 400
        assert "Write what you ask to restrict." in response.content.decode()
        assert not RestrictionRequest.objects.exists()

    def test_staff_answer_and_the_patient_sees_the_answer(
        self, client: Client, world: World
    ) -> None:
        self.ask(signed_in(client, "alex"))
        asked = RestrictionRequest.objects.get()
        path = f"/clinic/patients/{world.alex.pk}/restrictions/{asked.pk}/answer/"
        signed_in(client, "avery")
        refused = client.post(path, {"answer": "declined", "note": ""})
        assert refused.status_code == 400
        assert "Enter the note." in refused.content.decode()
        note = "Your plan needs the dates of treatment to pay for it; we will send nothing else."
        assert client.post(path, {"answer": "declined", "note": note}).status_code == 302
        again = client.post(path, {"answer": "agreed", "note": ""})
        assert again.status_code == 409
        assert "This request has been answered already." in again.content.decode()
        html = signed_in(client, "alex").get("/portal/disclosures/").content.decode()
        assert "Answer: <strong>Declined</strong>" in html
        assert note in html
        assert AuditEvent.objects.filter(action="restriction.answer").count() == 1


@pytest.mark.parametrize("page", ["/portal/disclosures/", "/clinic/patients/{alex}/disclosures/"])
def test_the_page_reads_a_fixed_number_of_queries(
    client: Client, world: World, page: str, django_assert_max_num_queries: Any
) -> None:
    """One disclosure or many, with restriction requests: the same number of queries."""
    given = consent(world)
    path = page.format(alex=world.alex.pk)
    signed_in(client, "alex" if path.startswith("/portal") else "avery")
    disclosed(world, NOW - dt.timedelta(days=1), given)
    with CaptureQueriesContext(connection) as one:
        assert client.get(path).status_code == 200
    for days in range(2, 8):
        disclosed(world, NOW - dt.timedelta(days=days), given)
        RestrictionRequest.objects.create(patient=world.alex, request="x", requested_at=NOW)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(path).status_code == 200
