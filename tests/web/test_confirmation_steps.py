"""Revoking a consent (the clinic and the portal) and stopping a medication ask for
confirmation: a page that says what will happen, then a confirm button. Nothing is
written until the button is pressed (a POST with ``confirm=yes``); the API's bodies are
unchanged (tests/web/test_api_consents.py, test_api_record_changes.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from clonacare.audit.models import AuditEvent
from clonacare.patients.models import Consent, Medication
from tests.api_client import ApiClient
from tests.personas import World, signed_in

TODAY = timezone.now().date()
YESTERDAY = TODAY - dt.timedelta(days=1)
CONFIRM = {"confirm": "yes"}


@pytest.fixture
def consent(world: World) -> Consent:
    return Consent.objects.create(
        patient=world.alex,
        disclosing_program=world.riverside,
        recipient="Dr. Taylor, primary care",
        purpose="coordination of care",
        information="Taper plan and current dose",
        expires_on=TODAY + dt.timedelta(days=365),
        signed_by="Alex Morgan",
        signed_on=dt.date(2026, 1, 5),
        created_by=world.avery,
    )


@pytest.fixture
def sertraline(world: World) -> Medication:
    return Medication.objects.create(
        patient=world.alex,
        name="Sertraline",
        dose="50 mg",
        reason="mood",
        started_on=dt.date(2024, 1, 10),
    )


def revoked(consent: Consent) -> bool:
    consent.refresh_from_db()
    return consent.revoked_at is not None


def clinic_revoke(world: World, consent: Consent) -> str:
    return f"/clinic/patients/{world.alex.pk}/consents/{consent.pk}/revoke/"


def stop(world: World, medication: Medication) -> str:
    return f"/clinic/patients/{world.alex.pk}/medications/{medication.pk}/end/"


class TestClinicConsentRevocation:
    def test_the_record_links_to_the_confirmation_page(
        self, client: Client, world: World, consent: Consent
    ) -> None:
        html = signed_in(client, "kim").get(f"/clinic/patients/{world.alex.pk}/").content.decode()
        assert f'<a href="{clinic_revoke(world, consent)}">Revoke on the patient' in html
        assert f'action="{clinic_revoke(world, consent)}"' not in html

    def test_the_page_says_what_will_happen_and_revokes_nothing(
        self, client: Client, world: World, consent: Consent
    ) -> None:
        response = signed_in(client, "kim").get(clinic_revoke(world, consent))
        assert response.status_code == 200
        html = response.content.decode().replace("&#x27;", "'")
        for text in (
            '<h1 id="confirm-title">Revoke this consent?</h1>',
            "Consent to disclose to Dr. Taylor, primary care, for coordination of care (Taper "
            "plan and current dose); signed by Alex Morgan on 05 Jan 2026.",
            "From now on nothing is disclosed to Dr. Taylor, primary care under this consent; "
            "a disclosure to them needs a new consent the patient signs.",
            "What was already disclosed stays in the accounting of disclosures: revoking does "
            "not take it back.",
            "The revocation is recorded with your name and the time, and cannot be undone.",
            "Record it only on the patient's word.",
            '<input type="hidden" name="confirm" value="yes">',
            "Revoke the consent</button>",
            "Cancel, keep it as it is",
        ):
            assert text in html
        assert not revoked(consent)
        assert not AuditEvent.objects.filter(action="consent.revoke").exists()

    def test_a_post_without_the_confirmation_gets_the_page(
        self, client: Client, world: World, consent: Consent
    ) -> None:
        response = signed_in(client, "kim").post(clinic_revoke(world, consent))
        assert response.status_code == 200
        assert "Revoke this consent?" in response.content.decode()
        assert not revoked(consent)

    def test_the_confirm_button_revokes(
        self, client: Client, world: World, consent: Consent
    ) -> None:
        response = signed_in(client, "kim").post(clinic_revoke(world, consent), CONFIRM)
        assert response.status_code == 302
        assert revoked(consent)
        assert AuditEvent.objects.get(action="consent.revoke").actor_username == "kim"

    def test_a_revoked_consent_has_nothing_to_confirm(
        self, client: Client, world: World, consent: Consent
    ) -> None:
        consent.revoked_at = timezone.now()
        consent.save()
        response = signed_in(client, "kim").get(clinic_revoke(world, consent))
        assert response.status_code == 409
        assert "This consent has already been revoked." in response.content.decode()

    def test_another_program_finds_no_page(
        self, client: Client, world: World, consent: Consent
    ) -> None:
        assert signed_in(client, "brook").get(clinic_revoke(world, consent)).status_code == 404


class TestPortalConsentRevocation:
    def url(self, consent: Consent) -> str:
        return f"/portal/consents/{consent.pk}/revoke/"

    def test_the_portal_links_to_the_confirmation_page(
        self, client: Client, world: World, consent: Consent
    ) -> None:
        html = signed_in(client, "alex").get("/portal/").content.decode()
        assert f'href="{self.url(consent)}">Revoke this consent' in html

    def test_the_page_says_what_will_happen_and_revokes_nothing(
        self, client: Client, world: World, consent: Consent
    ) -> None:
        signed_in(client, "alex")
        for response in (client.get(self.url(consent)), client.post(self.url(consent))):
            assert response.status_code == 200
            html = response.content.decode()
            for text in (
                "Revoke your consent?",
                "You gave consent on 5 January 2026 for <strong>Dr. Taylor, primary care</strong>"
                " to receive Taper plan and current dose, for coordination of care.",
                "From now on, your program shares nothing more with Dr. Taylor, primary care "
                "under this consent.",
                "What was already shared before now cannot be taken back; it stays listed "
                'under "Accounting of disclosures" on your record.',
                "You cannot undo this yourself. If you want to share with Dr. Taylor, primary "
                "care again later, you sign a new consent with your program.",
                "Yes, revoke this consent</button>",
                "No, keep it</a>",
            ):
                assert text in html
        assert not revoked(consent)

    def test_the_confirm_button_revokes(
        self, client: Client, world: World, consent: Consent
    ) -> None:
        response = signed_in(client, "alex").post(self.url(consent), CONFIRM)
        assert response.status_code == 302
        assert revoked(consent)
        again = client.get(self.url(consent))
        assert again.status_code == 409
        assert "This consent has already been revoked." in again.content.decode()

    def test_another_patient_finds_no_page(
        self, client: Client, world: World, consent: Consent
    ) -> None:
        assert signed_in(client, "blair").get(self.url(consent)).status_code == 404


class TestStoppingAMedication:
    def test_the_record_asks_for_the_date_then_opens_the_confirmation_page(
        self, client: Client, world: World, sertraline: Medication
    ) -> None:
        html = signed_in(client, "kim").get(f"/clinic/patients/{world.alex.pk}/").content.decode()
        assert f'<form method="get" action="{stop(world, sertraline)}" class="end-form">' in html

    def test_the_page_says_what_will_happen_and_stops_nothing(
        self, client: Client, world: World, sertraline: Medication
    ) -> None:
        response = signed_in(client, "kim").get(
            stop(world, sertraline), {"ended_on": YESTERDAY.isoformat()}
        )
        assert response.status_code == 200
        html = response.content.decode()
        for text in (
            "Stop Sertraline?",
            "<strong>Sertraline 50 mg (mood)</strong>",
            "Sertraline is recorded as stopped on the date below; it no longer shows as a "
            "medication the patient takes.",
            "It stays listed on the record with its dates; a stop cannot be undone (if the "
            "patient starts it again, add it again).",
            f'name="ended_on" value="{YESTERDAY.isoformat()}"',
            "Stop the medication</button>",
        ):
            assert text in html
        sertraline.refresh_from_db()
        assert sertraline.ended_on is None
        assert not AuditEvent.objects.filter(action="record.medication-end").exists()

    def test_a_post_without_the_confirmation_gets_the_page(
        self, client: Client, world: World, sertraline: Medication
    ) -> None:
        response = signed_in(client, "kim").post(
            stop(world, sertraline), {"ended_on": YESTERDAY.isoformat()}
        )
        assert response.status_code == 200
        assert "Stop Sertraline?" in response.content.decode()
        sertraline.refresh_from_db()
        assert sertraline.ended_on is None

    def test_the_confirm_button_stops_it(
        self, client: Client, world: World, sertraline: Medication
    ) -> None:
        response = signed_in(client, "kim").post(
            stop(world, sertraline), {"ended_on": YESTERDAY.isoformat(), **CONFIRM}
        )
        assert response.status_code == 302
        sertraline.refresh_from_db()
        assert sertraline.ended_on == YESTERDAY

    @pytest.mark.parametrize(
        ("ended_on", "message"),
        [
            ("", "This field is required."),
            ("2024-01-01", "The end date cannot be before the medication started."),
        ],
    )
    def test_a_wrong_date_is_shown_on_the_page(
        self, client: Client, world: World, sertraline: Medication, ended_on: str, message: str
    ) -> None:
        response = signed_in(client, "kim").post(
            stop(world, sertraline), {"ended_on": ended_on, **CONFIRM}
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "Enter the date the medication was stopped." in html
        assert f'<p class="field-error">{message}</p>' in html
        sertraline.refresh_from_db()
        assert sertraline.ended_on is None

    def test_a_stopped_medication_has_nothing_to_confirm(
        self, client: Client, world: World, sertraline: Medication
    ) -> None:
        sertraline.ended_on = YESTERDAY
        sertraline.save()
        response = signed_in(client, "kim").get(stop(world, sertraline))
        assert response.status_code == 409
        assert f"Sertraline was already ended on {YESTERDAY.isoformat()}." in (
            response.content.decode()
        )

    @pytest.mark.parametrize("username", ["brook", "alex"])
    def test_others_find_no_page(
        self, client: Client, world: World, sertraline: Medication, username: str
    ) -> None:
        assert signed_in(client, username).get(stop(world, sertraline)).status_code == 404


class TestTheApiIsUnchanged:
    def test_revoking_and_stopping_need_no_confirmation_field(
        self, world: World, consent: Consent, sertraline: Medication
    ) -> None:
        client = ApiClient(world.kim)
        revoke = client.post(f"/patients/{world.alex.pk}/consents/{consent.pk}/revoke")
        assert (revoke.status_code, revoke.json()["status"]) == (200, "revoked")
        ended = client.post(
            f"/patients/{world.alex.pk}/medications/{sertraline.pk}/end",
            {"ended_on": YESTERDAY.isoformat()},
        )
        assert ended.status_code == 200
        confirm = client.post(
            f"/patients/{world.alex.pk}/medications/{sertraline.pk}/end",
            {"ended_on": YESTERDAY.isoformat(), "confirm": "yes"},
        )
        assert (confirm.status_code, confirm.json()) == (
            400,
            {"detail": "unknown field 'confirm'."},
        )
