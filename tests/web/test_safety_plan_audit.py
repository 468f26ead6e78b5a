"""The safety plan's audit trail: each save names its version, who wrote it and which
sections changed, never what was written; reads are recorded, and a version that is
not there is recorded as a refused read."""

from __future__ import annotations

import pytest
from django.test import Client

from clonacare.audit.models import AuditEvent
from tests.api_client import ApiClient
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

SECRET = "Words that must stay out of the log"


def test_a_save_is_audited_without_its_words(client: Client, world: World) -> None:
    url = f"/clinic/patients/{world.alex.pk}/safety-plan/"
    signed_in(client, "lee").post(url, {"based_on": "0", "warning-signs-0": SECRET})
    event = AuditEvent.objects.get(action="safety-plan.save")
    assert (event.actor_username, event.patient_id, event.object_type) == (
        "lee",
        world.alex.pk,
        "SafetyPlanVersion",
    )
    assert event.detail == {
        "version": 1,
        "by_patient": False,
        "sections_changed": ["warning-signs"],
    }
    assert not any(SECRET in str(e.detail) for e in AuditEvent.objects.all())
    assert AuditEvent.objects.filter(action="safety-plan.write", actor_username="lee").exists()


def test_reads_are_audited(client: Client, world: World) -> None:
    signed_in(client, "alex").get("/portal/safety-plan/")
    client.get("/portal/safety-plan/print/")
    ApiClient(world.riverside_admin).get(f"/patients/{world.alex.pk}/safety-plan")
    actions = set(AuditEvent.objects.values_list("actor_username", "action"))
    assert {
        ("alex", "portal.safety-plan"),
        ("alex", "portal.safety-plan-print"),
        ("riverside_admin", "safety-plan.view"),
    } <= actions


def test_a_missing_version_is_a_refused_read(world: World) -> None:
    ApiClient(world.lee).get(f"/patients/{world.alex.pk}/safety-plan", version=4)
    event = AuditEvent.objects.get(action="safety-plan.view.denied")
    assert (event.object_type, event.object_id, event.detail) == (
        "SafetyPlanVersion",
        "4",
        {"number": 4},
    )
