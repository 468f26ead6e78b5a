"""A plan leaves the record as a calendar and as the pharmacy PDF.

- ``GET /api/v1/plans/{id}/calendar.ics``: the plan in force as an iCalendar file, for
  anyone who may see the plan (the patient: their approved plan);
- the portal's download of the same file, and a private subscription link the patient
  makes and revokes: a random token whose hash alone is stored; its URL answers without
  a session; a revoked or unknown token answers 404;
- ``GET /api/v1/plans/{id}/pdf``: the pharmacy PDF with the patient's and the approving
  prescriber's names, for staff only.
"""

from __future__ import annotations

import hashlib
import re

import pypdfium2 as pdfium
import pytest
from django.test import Client

from clonacare.audit.models import AuditEvent
from clonacare.plans.models import CalendarLink
from tests.api_client import ApiClient
from tests.personas import PASSWORD, World, signed_in

pytestmark = pytest.mark.django_db

STANDARD = {"method": "percent", "step": 10, "switch_to": "diazepam"}
PLAN_NOT_FOUND = {"detail": "Plan not found."}
PDF_FOR_STAFF = {
    "detail": "The pharmacy PDF is for the care team; your plan is on your portal page."
}
STARTS = "Clonazepam taper starts: clonazepam 1.5 mg/day"
LINK = re.compile(r'value="(http://testserver/portal/calendar/([A-Za-z0-9_-]+)\.ics)"')


def drafted(world: World) -> int:
    response = ApiClient(world.avery).post(f"/patients/{world.alex.pk}/plans", STANDARD)
    assert response.status_code == 201
    plan_id: int = response.json()["id"]
    return plan_id


def approved(world: World) -> int:
    plan_id = drafted(world)
    response = ApiClient(world.avery).post(f"/plans/{plan_id}/approve", {"password": PASSWORD})
    assert response.status_code == 200
    return plan_id


def events(ics: str) -> list[str]:
    unfolded = ics.replace("\r\n ", "").replace("\r\n", "\n")
    return re.findall(r"^SUMMARY:(.*)$", unfolded, flags=re.MULTILINE)


def make_link(client: Client, world: World) -> str:
    """A new link made on the portal page: the token in the URL shown once."""
    response = signed_in(client, world.alex_user).post(
        "/portal/plan/calendar-link/", {"action": "create"}
    )
    assert response.status_code == 200
    found = LINK.search(response.content.decode())
    assert found is not None
    return found.group(2)


class TestTheApiCalendar:
    def test_the_patient_gets_one_event_per_change(self, world: World) -> None:
        plan_id = approved(world)
        plan = ApiClient(world.alex_user).get(f"/plans/{plan_id}").json()
        response = ApiClient(world.alex_user).get(f"/plans/{plan_id}/calendar.ics")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert response["Content-Disposition"] == (
            f'attachment; filename="taper-plan-{plan_id}.ics"'
        )
        ics = response.content.decode()
        assert ics.startswith("BEGIN:VCALENDAR\r\n")
        summaries = events(ics)
        assert len(summaries) == len(plan["steps"])
        assert summaries[0] == STARTS
        assert summaries[-1] == f"Stop diazepam (taper step {plan['steps'][-1]['number']})"
        event = AuditEvent.objects.get(action="plan.calendar")
        assert (event.patient_id, event.object_id) == (world.alex.pk, str(plan_id))

    def test_the_care_team_gets_a_draft_too(self, world: World) -> None:
        plan_id = drafted(world)
        assert ApiClient(world.kim).get(f"/plans/{plan_id}/calendar.ics").status_code == 200

    @pytest.mark.parametrize("persona", ["blair_user", "brook"])
    def test_anyone_else_is_answered_not_found(self, world: World, persona: str) -> None:
        plan_id = approved(world)
        response = ApiClient(getattr(world, persona)).get(f"/plans/{plan_id}/calendar.ics")
        assert (response.status_code, response.json()) == (404, PLAN_NOT_FOUND)

    def test_the_patient_gets_no_calendar_of_a_draft(self, world: World) -> None:
        plan_id = drafted(world)
        response = ApiClient(world.alex_user).get(f"/plans/{plan_id}/calendar.ics")
        assert (response.status_code, response.json()) == (404, PLAN_NOT_FOUND)


class TestThePharmacyPdf:
    def test_it_names_the_patient_and_the_approving_prescriber(self, world: World) -> None:
        world.avery.first_name, world.avery.last_name = "Avery", "Quinn"
        world.avery.save(update_fields=["first_name", "last_name"])
        plan_id = approved(world)
        response = ApiClient(world.kim).get(f"/plans/{plan_id}/pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        document = pdfium.PdfDocument(response.content)
        text = " ".join(" ".join(p.get_textpage().get_text_bounded().split()) for p in document)
        assert text.startswith("Taper plan for the pharmacy: clonazepam, switching to diazepam")
        assert "Patient Alex Morgan Prescriber Avery Quinn " in text
        event = AuditEvent.objects.get(action="plan.pdf")
        assert (event.patient_id, event.object_id) == (world.alex.pk, str(plan_id))

    def test_the_patient_is_refused(self, world: World) -> None:
        plan_id = approved(world)
        response = ApiClient(world.alex_user).get(f"/plans/{plan_id}/pdf")
        assert (response.status_code, response.json()) == (403, PDF_FOR_STAFF)

    def test_staff_of_another_program_are_answered_not_found(self, world: World) -> None:
        plan_id = approved(world)
        response = ApiClient(world.brook).get(f"/plans/{plan_id}/pdf")
        assert (response.status_code, response.json()) == (404, PLAN_NOT_FOUND)


class TestThePortalCalendar:
    def test_the_page_offers_the_download(self, client: Client, world: World) -> None:
        approved(world)
        client = signed_in(client, world.alex_user)
        html = client.get("/portal/plan/").content.decode()
        assert '<a href="/portal/plan/calendar.ics" download>' in html
        response = client.get("/portal/plan/calendar.ics")
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="taper-plan.ics"'
        assert events(response.content.decode())[0] == STARTS

    def test_no_download_without_an_approved_plan(self, client: Client, world: World) -> None:
        drafted(world)
        response = signed_in(client, world.alex_user).get("/portal/plan/calendar.ics")
        assert response.status_code == 404

    def test_the_link_serves_the_plan_without_a_session(self, client: Client, world: World) -> None:
        approved(world)
        token = make_link(client, world)
        link = CalendarLink.objects.get()
        assert link.key_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in link.key_hash
        response = Client().get(f"/portal/calendar/{token}.ics")
        assert response.status_code == 200
        assert events(response.content.decode())[0] == STARTS
        read = AuditEvent.objects.get(action="plan.calendar")
        assert (read.patient_id, read.detail) == (world.alex.pk, {"via": "link"})
        assert AuditEvent.objects.filter(action="plan.calendar-link.create").count() == 1

    def test_the_link_follows_the_plan_in_force(self, client: Client, world: World) -> None:
        first = approved(world)
        token = make_link(client, world)
        slower = STANDARD | {"step": 5}
        newer = ApiClient(world.avery).post(f"/patients/{world.alex.pk}/plans", slower).json()
        ApiClient(world.avery).post(f"/plans/{newer['id']}/approve", {"password": PASSWORD})
        feed = events(Client().get(f"/portal/calendar/{token}.ics").content.decode())
        api = ApiClient(world.kim)
        assert feed == events(api.get(f"/plans/{newer['id']}/calendar.ics").content.decode())
        assert feed != events(api.get(f"/plans/{first}/calendar.ics").content.decode())

    def test_a_revoked_link_answers_not_found(self, client: Client, world: World) -> None:
        approved(world)
        token = make_link(client, world)
        page = client.post("/portal/plan/calendar-link/", {"action": "revoke"})
        assert page.status_code == 200
        assert "Make a private calendar link</button>" in page.content.decode()
        assert Client().get(f"/portal/calendar/{token}.ics").status_code == 404
        assert AuditEvent.objects.filter(action="plan.calendar-link.revoke").count() == 1

    def test_a_new_link_revokes_the_old(self, client: Client, world: World) -> None:
        approved(world)
        old = make_link(client, world)
        new = make_link(client, world)
        assert Client().get(f"/portal/calendar/{old}.ics").status_code == 404
        assert Client().get(f"/portal/calendar/{new}.ics").status_code == 200
        assert CalendarLink.objects.filter(revoked_at__isnull=True).count() == 1

    def test_an_unknown_token_answers_not_found(self, world: World) -> None:
        approved(world)
        assert Client().get("/portal/calendar/not-a-token.ics").status_code == 404
        assert not AuditEvent.objects.filter(action="plan.calendar").exists()

    def test_an_unknown_action_is_refused(self, client: Client, world: World) -> None:
        approved(world)
        response = signed_in(client, world.alex_user).post(
            "/portal/plan/calendar-link/", {"action": "share"}
        )
        assert response.status_code == 400
        assert "Choose to make a calendar link or to revoke it." in response.content.decode()
        assert not CalendarLink.objects.exists()

    def test_staff_have_no_link_to_make(self, client: Client, world: World) -> None:
        response = signed_in(client, world.avery).post(
            "/portal/plan/calendar-link/", {"action": "create"}
        )
        assert response.status_code == 404
        assert not CalendarLink.objects.exists()
