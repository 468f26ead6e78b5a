"""A patient reports a seizure themselves, on the portal or through the API: the
``seizure`` alert is raised at once, stored, audited and emailed to the care team, and
the patient is told what happens, with whom to call (from the crisis resources file)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from clonacare.assessments.models import SafetyAlert, SeizureReport
from clonacare.audit.models import AuditEvent
from tests.api_client import ApiClient
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

Commit = Callable[..., Any]
NOT_THE_PATIENT = (
    "Only the patient reports a seizure here; clinicians record one with the CIWA-B or a "
    "level-of-care assessment."
)


class TestThePortal:
    def test_the_form_says_to_call_911_first(self, client: Client, world: World) -> None:
        html = signed_in(client, world.alex_user).get("/portal/seizure/").content.decode()
        assert '<h1 id="seizure-title">Report a seizure</h1>' in html
        assert "<strong>Call 911 first.</strong>" in html
        assert "Is the seizure happening now?" in html

    def test_the_portal_home_links_to_it(self, client: Client, world: World) -> None:
        html = signed_in(client, world.alex_user).get("/portal/").content.decode()
        assert "If a seizure is happening now, call 911." in html
        assert 'href="/portal/seizure/"' in html

    def test_reporting_raises_the_alert_and_shows_what_happens(
        self, client: Client, emails: World, django_capture_on_commit_callbacks: Commit
    ) -> None:
        client = signed_in(client, emails.alex_user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/portal/seizure/", {"when": "now", "note": "At breakfast."})
        report = SeizureReport.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/portal/seizure/{report.pk}/"
        alert = SafetyAlert.objects.get()
        assert (alert.code, alert.seizure_report_id, alert.patient_id) == (
            "seizure",
            report.pk,
            emails.alex.pk,
        )
        assert alert.trigger == "patient report: seizure (happening now)"
        assert (report.happening_now, report.note) == (True, "At breakfast.")
        assert sorted(m.to[0] for m in mail.outbox) == [
            "avery@riverside.example",
            "kim@riverside.example",
        ]
        assert "At breakfast" not in mail.outbox[0].body
        html = client.get(response["Location"]).content.decode().replace("&#x27;", "'")
        assert "<strong>If a seizure is happening now, call 911 now.</strong>" in html
        assert (
            "You told us about a seizure. It is stored for your care team and shows on their "
            "screens in Clonacare until one of them marks it as handled. Your care team has "
            "been emailed about it now. If no one marks it as handled within 15 minutes, the "
            "program's on-call contact is emailed. An email may not be read at once, so do "
            "not wait for a reply if you need help."
        ) in html
        assert "<strong>If you are in danger now, call 988 or 911.</strong>" in html
        assert "988 Suicide &amp; Crisis Lifeline" in html

    def test_a_report_of_a_seizure_that_stopped(
        self, client: Client, world: World, django_capture_on_commit_callbacks: Commit
    ) -> None:
        client = signed_in(client, world.alex_user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/portal/seizure/", {"when": "stopped"})
        html = client.get(response["Location"]).content.decode()
        assert SafetyAlert.objects.get().trigger == "patient report: seizure (it has stopped)"
        assert "call 911 now" not in html
        # No one on Alex's care team has an email address in the personas.
        assert "No email could be sent to your care team (no address on file)." in html
        assert "<strong>If you are in danger now, call 988 or 911.</strong>" in html

    @pytest.mark.parametrize("when", [None, "maybe"])
    def test_a_report_without_a_readable_when_raises_the_alert_first(
        self, client: Client, world: World, when: str | None
    ) -> None:
        posted = {"note": "x"} | ({"when": when} if when else {})
        response = signed_in(client, world.alex_user).post("/portal/seizure/", posted)
        assert response.status_code == 400
        html = response.content.decode().replace("&#x27;", "'")
        assert (
            '<p class="form-error" role="alert">Say whether the seizure is happening now or has '
            "stopped; until you do, your care team treats it as possibly happening now.</p>"
        ) in html
        # Possibly happening now: the call to action comes first.
        assert "<strong>If a seizure is happening now, call 911 now.</strong>" in html
        assert "You told us about a seizure." in html
        alert = SafetyAlert.objects.get()
        assert alert.trigger == "patient report: seizure (possibly happening now: not said)"
        report = SeizureReport.objects.get()
        assert (report.happening_now, report.note) == (None, "x")

    def test_a_note_too_long_is_refused_after_the_alert(self, client: Client, world: World) -> None:
        response = signed_in(client, world.alex_user).post(
            "/portal/seizure/", {"when": "stopped", "note": "n" * 401}
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert (
            "The note is at most 400 characters; this one has 401. The report was sent "
            "without it: shorten it and send it again."
        ) in html
        assert "call 911 now" not in html
        assert "<strong>If you are in danger now, call 988 or 911.</strong>" in html
        report = SeizureReport.objects.get()
        assert (report.happening_now, report.note) == (False, "")
        assert SafetyAlert.objects.get().seizure_report_id == report.pk

    def test_staff_do_not_get_the_page(self, client: Client, world: World) -> None:
        assert signed_in(client, world.avery).get("/portal/seizure/").status_code == 404

    def test_another_patients_report_is_not_found(self, client: Client, world: World) -> None:
        signed_in(client, world.alex_user).post("/portal/seizure/", {"when": "stopped"})
        report = SeizureReport.objects.get()
        other = Client()
        signed_in(other, world.blair_user)
        forbidden = other.get(f"/portal/seizure/{report.pk}/")
        missing = other.get("/portal/seizure/999999/")
        assert forbidden.status_code == missing.status_code == 404
        denied = AuditEvent.objects.filter(action="portal.seizure-report.denied")
        assert [e.detail for e in denied.order_by("id")] == [
            {"seizure_report_id": report.pk},
            {"seizure_report_id": 999999},
        ]

    def test_reporting_is_audited(self, client: Client, world: World) -> None:
        signed_in(client, world.alex_user).post("/portal/seizure/", {"when": "now"})
        report = SeizureReport.objects.get()
        actions = list(
            AuditEvent.objects.filter(actor_username="alex")
            .order_by("id")
            .values_list("action", "detail")
        )
        assert actions == [
            ("portal.seizure-form", {}),
            ("seizure.report", {"happening_now": True}),
            ("alert.raise", {"code": "seizure"}),
        ]
        assert AuditEvent.objects.get(action="seizure.report").object_id == str(report.pk)


class TestTheApi:
    @pytest.mark.django_db(transaction=True)
    def test_the_patient_reports_and_is_told_what_happens(self, emails: World) -> None:
        response = ApiClient(emails.alex_user).post(
            f"/patients/{emails.alex.pk}/seizure-reports", {"happening_now": True}
        )
        assert response.status_code == 201, response.content
        body = response.json()
        report = SeizureReport.objects.get()
        alert = SafetyAlert.objects.get()
        assert (body["id"], body["patient_id"], body["happening_now"]) == (
            report.pk,
            emails.alex.pk,
            True,
        )
        assert body["alert"]["id"] == alert.pk
        assert body["alert"]["code"] == "seizure"
        assert body["alert"]["trigger"] == "patient report: seizure (happening now)"
        assert body["alert"]["notified_at"] is not None
        assert body["what_happens"] == [
            "If a seizure is happening now, call 911 now.",
            "You told us about a seizure.",
            "It is stored for your care team and shows on their screens in Clonacare until "
            "one of them marks it as handled.",
            "Your care team has been emailed about it now.",
            "If no one marks it as handled within 15 minutes, the program's on-call contact "
            "is emailed.",
            "An email may not be read at once, so do not wait for a reply if you need help.",
            "If you are in danger now, call 988 or 911.",
        ]
        assert [r["contact"] for r in body["crisis_resources"]] == ["988", "911", "1-800-662-4357"]
        assert len(mail.outbox) == 2

    @pytest.mark.django_db(transaction=True)
    def test_a_second_report_joins_the_open_alert(self, emails: World) -> None:
        client = ApiClient(emails.alex_user)
        path = f"/patients/{emails.alex.pk}/seizure-reports"
        first = client.post(path, {"happening_now": False}).json()
        second = client.post(path, {"happening_now": True, "note": "Another one."}).json()
        assert second["alert"]["id"] == first["alert"]["id"]
        assert second["alert"]["repeats"] == 1
        assert second["alert"]["last_trigger"] == "patient report: seizure (happening now)"
        assert SafetyAlert.objects.count() == 1
        assert SeizureReport.objects.count() == 2
        # Happening now after one that stopped is more urgent: the care team is emailed again.
        assert len(mail.outbox) == 4
        assert mail.outbox[2].subject == (
            "[Clonacare] Raised again: safety alert (seizure) for a Riverside Recovery patient"
        )
        assert second["what_happens"][3] == (
            "It was already open; your care team has been emailed again about your newest answer."
        )

    @pytest.mark.django_db(transaction=True)
    def test_a_second_report_that_is_no_more_urgent_joins_silently(self, emails: World) -> None:
        client = ApiClient(emails.alex_user)
        path = f"/patients/{emails.alex.pk}/seizure-reports"
        client.post(path, {"happening_now": True})
        second = client.post(path, {"happening_now": False}).json()
        assert second["alert"]["repeats"] == 1
        assert len(mail.outbox) == 2  # the first report's mails only
        assert second["what_happens"][2] == (
            "Your care team was emailed when this alert was first raised; it is still open, "
            "and your newest answer has been added to it."
        )

    @pytest.mark.parametrize("persona", ["avery", "kim", "riverside_admin"])
    def test_only_the_patient_reports(self, world: World, persona: str) -> None:
        response = ApiClient(getattr(world, persona)).post(
            f"/patients/{world.alex.pk}/seizure-reports", {"happening_now": False}
        )
        assert (response.status_code, response.json()) == (403, {"detail": NOT_THE_PATIENT})
        assert not SafetyAlert.objects.exists()

    @pytest.mark.parametrize(("persona", "patient"), [("blair_user", "alex"), ("brook", "alex")])
    def test_a_record_out_of_reach_is_not_found(
        self, world: World, persona: str, patient: str
    ) -> None:
        client = ApiClient(getattr(world, persona))
        body = {"happening_now": False}
        response = client.post(f"/patients/{getattr(world, patient).pk}/seizure-reports", body)
        missing = client.post("/patients/999999/seizure-reports", body)
        assert (response.status_code, response.content) == (404, missing.content)
        assert not SafetyAlert.objects.exists()

    @pytest.mark.parametrize(
        "body", [{"note": "x"}, {"happening_now": "maybe"}, {"happening_now": None}]
    )
    def test_a_missing_or_unreadable_happening_now_raises_the_alert_then_400(
        self, world: World, body: dict[str, object]
    ) -> None:
        response = ApiClient(world.alex_user).post(
            f"/patients/{world.alex.pk}/seizure-reports", body
        )
        assert response.status_code == 400
        refused = response.json()
        assert refused["detail"] == (
            "Say whether the seizure is happening now or has stopped; until you do, your care "
            "team treats it as possibly happening now."
        )
        assert refused["happening_now"] is None
        assert refused["alert"]["code"] == "seizure"
        assert refused["what_happens"][:2] == [
            "If a seizure is happening now, call 911 now.",
            "You told us about a seizure.",
        ]
        assert refused["what_happens"][-1] == "If you are in danger now, call 988 or 911."
        assert [r["contact"] for r in refused["crisis_resources"]] == [
            "988",
            "911",
            "1-800-662-4357",
        ]
        assert SafetyAlert.objects.get().code == "seizure"

    def test_a_note_too_long_is_refused_after_the_alert(self, world: World) -> None:
        response = ApiClient(world.alex_user).post(
            f"/patients/{world.alex.pk}/seizure-reports",
            {"happening_now": False, "note": "n" * 401},
        )
        assert response.status_code == 400
        refused = response.json()
        assert refused["detail"] == (
            "The note is at most 400 characters; this one has 401. The report was sent "
            "without it: shorten it and send it again."
        )
        assert (refused["happening_now"], refused["alert"]["code"]) == (False, "seizure")
        assert SeizureReport.objects.get().note == ""

    def test_the_patient_sees_the_alert_in_their_list(self, world: World) -> None:
        client = ApiClient(world.alex_user)
        client.post(f"/patients/{world.alex.pk}/seizure-reports", {"happening_now": False})
        (alert,) = client.get("/alerts").json()["items"]
        assert (alert["code"], alert["acknowledgement_note"]) == ("seizure", "")
