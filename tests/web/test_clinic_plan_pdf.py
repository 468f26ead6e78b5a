"""The clinic's plan page offers the pharmacy PDF ("Pharmacy PDF"), served as the API's
``GET /api/v1/plans/{id}/pdf`` serves it: the plan in force with the patient's and the
approving prescriber's names, for staff who see the plan, audited as ``plan.pdf``."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from django.test import Client

from clonacare.audit.models import AuditEvent
from tests.api_client import ApiClient
from tests.personas import PASSWORD, World, signed_in

pytestmark = pytest.mark.django_db

STANDARD = {"method": "percent", "step": 10, "switch_to": "diazepam"}


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


def pdf_text(content: bytes) -> str:
    document = pdfium.PdfDocument(content)
    return " ".join(" ".join(p.get_textpage().get_text_bounded().split()) for p in document)


def test_the_plan_page_links_the_pharmacy_pdf(client: Client, world: World) -> None:
    plan_id = approved(world)
    page = signed_in(client, "lee").get(f"/clinic/plans/{plan_id}/").content.decode()
    assert (
        f'<a href="/clinic/plans/{plan_id}/pharmacy.pdf" download="taper-plan-{plan_id}.pdf">'
        "Pharmacy PDF</a>"
    ) in page


def test_it_serves_the_pdf_with_a_filename_and_audits_it(client: Client, world: World) -> None:
    world.avery.first_name, world.avery.last_name = "Avery", "Quinn"
    world.avery.save(update_fields=["first_name", "last_name"])
    plan_id = approved(world)
    response = signed_in(client, "kim").get(f"/clinic/plans/{plan_id}/pharmacy.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="taper-plan-{plan_id}.pdf"'
    text = pdf_text(response.content)
    assert text.startswith("Taper plan for the pharmacy: clonazepam, switching to diazepam")
    assert "Patient Alex Morgan Prescriber Avery Quinn " in text
    event = AuditEvent.objects.get(action="plan.pdf")
    assert (event.actor_username, event.object_id) == ("kim", str(plan_id))


def test_a_draft_leaves_the_prescriber_as_a_line_to_fill_in(client: Client, world: World) -> None:
    plan_id = drafted(world)
    page = signed_in(client, "avery").get(f"/clinic/plans/{plan_id}/").content.decode()
    assert "a draft leaves the prescriber's name as a line to fill in" in page
    response = client.get(f"/clinic/plans/{plan_id}/pharmacy.pdf")
    assert response.status_code == 200
    assert "Patient Alex Morgan Prescriber" in pdf_text(response.content)


@pytest.mark.parametrize("username", ["brook", "alex"])
def test_anyone_else_finds_no_pdf(client: Client, world: World, username: str) -> None:
    plan_id = approved(world)
    response = signed_in(client, username).get(f"/clinic/plans/{plan_id}/pharmacy.pdf")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="plan.pdf").exists()
