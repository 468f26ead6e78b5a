"""A patient's portal: their record, questionnaires, results and safety alerts."""

from __future__ import annotations

import re

from django.http import HttpResponse
from django.test import Client

from clonacare.assessments.models import InstrumentResponse, SafetyAlert
from clonacare.audit.models import AuditEvent
from clonacare.patients.models import Consent
from tests.personas import World, signed_in

PHQ9_ITEMS = [f"phq9-{n}" for n in range(1, 10)]


def without_csrf(response: HttpResponse) -> str:
    """The page as text without its CSRF token, which differs on every render."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def phq9(answers: list[int]) -> dict[str, str]:
    return {item: str(a) for item, a in zip(PHQ9_ITEMS, answers, strict=True)}


def test_the_portal_shows_the_patients_own_record(client: Client, world: World) -> None:
    html = signed_in(client, "alex").get("/portal/").content.decode()
    assert "Hello, Alex" in html
    assert "clonazepam" in html.lower()
    assert "1.5 mg a day" in html
    assert "Blair" not in html


def test_staff_cannot_open_the_portal(client: Client, world: World) -> None:
    assert signed_in(client, "avery").get("/portal/").status_code == 404


def test_a_patient_completes_a_phq9(client: Client, world: World) -> None:
    client = signed_in(client, "alex")
    response = client.post("/portal/questionnaires/phq9/", phq9([1, 2, 0, 3, 1, 0, 2, 1, 0]))
    assert response.status_code == 302
    stored = InstrumentResponse.objects.get(patient=world.alex)
    assert (stored.instrument, stored.total, stored.band) == ("phq9", 10, "moderate")
    assert stored.self_reported is True
    html = client.get(response["Location"]).content.decode()
    assert "Thank you: your answers are saved" in html
    assert "moderate" in html
    assert "Please reach out for support now" not in html
    assert not SafetyAlert.objects.exists()


def test_phq9_item_9_raises_an_alert_and_shows_crisis_resources(
    client: Client, world: World
) -> None:
    client = signed_in(client, "alex")
    response = client.post("/portal/questionnaires/phq9/", phq9([0, 0, 0, 0, 0, 0, 0, 0, 1]))
    alert = SafetyAlert.objects.get(patient=world.alex)
    assert alert.code == "suicide-risk"
    assert alert.is_open
    html = client.get(response["Location"]).content.decode()
    assert "Please reach out for support now" in html
    assert 'href="tel:988"' in html
    assert "1-800-662-4357" in html


def test_an_asq_acuity_yes_raises_the_imminent_alert(client: Client, world: World) -> None:
    client = signed_in(client, "alex")
    answers = {"asq-1": "no", "asq-2": "yes", "asq-3": "no", "asq-4": "no", "asq-5": "yes"}
    response = client.post("/portal/questionnaires/asq/", answers)
    assert response.status_code == 302
    codes = set(SafetyAlert.objects.filter(patient=world.alex).values_list("code", flat=True))
    assert "suicide-risk-imminent" in codes
    assert InstrumentResponse.objects.get().band == "acute positive"


def test_an_incomplete_form_is_refused_naming_the_item_and_nothing_is_saved(
    client: Client, world: World
) -> None:
    client = signed_in(client, "alex")
    answers = phq9([1, 1, 1, 1, 1, 1, 1, 1, 0])
    del answers["phq9-4"]
    response = client.post("/portal/questionnaires/phq9/", answers)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Question 4 is not answered yet. Please answer it, then send again." in html
    assert 'value="1" data-score="1" checked' in html  # the other answers are kept
    assert not InstrumentResponse.objects.exists()


def test_an_answer_outside_the_options_is_refused(client: Client, world: World) -> None:
    client = signed_in(client, "alex")
    answers = phq9([1, 1, 1, 1, 1, 1, 1, 1, 0]) | {"phq9-2": "7"}
    response = client.post("/portal/questionnaires/phq9/", answers)
    assert response.status_code == 400
    assert "One of the answers could not be read." in response.content.decode()
    assert not InstrumentResponse.objects.exists()


def test_a_patient_is_not_offered_clinician_rated_instruments(client: Client, world: World) -> None:
    client = signed_in(client, "alex")
    assert client.get("/portal/questionnaires/dsm5-sud/").status_code == 404
    assert client.get("/portal/questionnaires/no-such/").status_code == 404


def test_a_patient_cannot_open_another_patients_result(client: Client, world: World) -> None:
    signed_in(client, "blair").post(
        "/portal/questionnaires/phq9/", phq9([0, 0, 0, 0, 0, 0, 0, 0, 0])
    )
    blairs = InstrumentResponse.objects.get()
    client.logout()
    assert signed_in(client, "alex").get(f"/portal/responses/{blairs.pk}/").status_code == 404


def test_an_incomplete_form_still_raises_its_safety_alert_and_shows_crisis_resources(
    client: Client, world: World
) -> None:
    client = signed_in(client, "alex")
    answers = phq9([1, 1, 1, 1, 1, 1, 1, 1, 2])
    del answers["phq9-4"]
    response = client.post("/portal/questionnaires/phq9/", answers)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Question 4 is not answered yet." in html
    assert "Please reach out for support now" in html
    assert 'href="tel:988"' in html
    assert not InstrumentResponse.objects.exists()  # the form itself is not stored
    alert = SafetyAlert.objects.get(patient=world.alex)
    assert (alert.code, alert.response) == ("suicide-risk", None)


class TestAudit:
    """Each portal read names what was read; a refused or missing one is a ``.denied``
    entry naming only the id asked for, answered with the same 404."""

    def test_reading_a_result_names_it(self, client: Client, world: World) -> None:
        client = signed_in(client, "alex")
        client.post("/portal/questionnaires/phq9/", phq9([0, 0, 0, 0, 0, 0, 0, 0, 0]))
        own = InstrumentResponse.objects.get()
        assert client.get(f"/portal/responses/{own.pk}/").status_code == 200
        event = AuditEvent.objects.get(action="portal.result")
        assert (event.patient_id, event.object_type, event.object_id) == (
            world.alex.pk,
            "InstrumentResponse",
            str(own.pk),
        )

    def test_another_patients_result_and_a_missing_one_are_denied_alike(
        self, client: Client, world: World
    ) -> None:
        signed_in(client, "blair").post(
            "/portal/questionnaires/phq9/", phq9([0, 0, 0, 0, 0, 0, 0, 0, 0])
        )
        blairs = InstrumentResponse.objects.get()
        client = signed_in(client, "alex")
        forbidden = client.get(f"/portal/responses/{blairs.pk}/")
        missing = client.get("/portal/responses/99999/")
        assert (forbidden.status_code, without_csrf(forbidden)) == (404, without_csrf(missing))
        assert not AuditEvent.objects.filter(action="portal.result").exists()
        denied = AuditEvent.objects.filter(action="portal.result.denied").order_by("id")
        assert [
            (e.actor_username, e.patient_id, e.object_type, e.object_id, e.detail) for e in denied
        ] == [
            ("alex", None, "InstrumentResponse", str(blairs.pk), {"response_id": blairs.pk}),
            ("alex", None, "InstrumentResponse", "99999", {"response_id": 99999}),
        ]

    def test_revoking_names_the_consent(self, client: Client, world: World) -> None:
        consent = add_consent(client, world, "alex")
        client = signed_in(client, "alex")
        assert (
            client.post(f"/portal/consents/{consent}/revoke/", {"confirm": "yes"}).status_code
            == 302
        )
        event = AuditEvent.objects.get(action="portal.consent")
        assert (event.patient_id, event.object_type, event.object_id) == (
            world.alex.pk,
            "Consent",
            str(consent),
        )

    def test_revoking_another_patients_consent_is_denied_like_a_missing_one(
        self, client: Client, world: World
    ) -> None:
        blairs = add_consent(client, world, "blair")
        client = signed_in(client, "alex")
        forbidden = client.post(f"/portal/consents/{blairs}/revoke/")
        missing = client.post("/portal/consents/99999/revoke/")
        assert (forbidden.status_code, without_csrf(forbidden)) == (404, without_csrf(missing))
        assert Consent.objects.get(pk=blairs).revoked_at is None
        denied = AuditEvent.objects.filter(action="portal.consent.denied").order_by("id")
        assert [(e.patient_id, e.object_type, e.object_id, e.detail) for e in denied] == [
            (None, "Consent", str(blairs), {"consent_id": blairs}),
            (None, "Consent", "99999", {"consent_id": 99999}),
        ]
        assert not AuditEvent.objects.filter(action__in=["portal.consent", "consent.revoke"])


def add_consent(client: Client, world: World, patient: str) -> int:
    """A consent recorded by the program admin on the page; its id."""
    record = getattr(world, patient)
    response = signed_in(client, "riverside_admin").post(
        f"/clinic/patients/{record.pk}/consents/new/",
        {
            "recipient": "Dr. Taylor, primary care",
            "purpose": "coordination of care",
            "information": "Taper plan and current dose",
            "expires_on": "2099-01-01",
            "signed_by": record.given_name,
            "signed_on": "2025-01-02",
        },
    )
    assert response.status_code == 302
    client.logout()
    return Consent.objects.filter(patient=record).latest("pk").pk
