"""A full record for the FHIR export tests: alex with a condition, another medication,
an approved taper plan revised once, a PHQ-9, a licensed instrument's stored answers, a
consent to disclose to a treating provider and a counselling note. Everything the
tests assert on is planted here."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from decimal import Decimal
from typing import Any

from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class

from clonacare.assessments.actions import do_submit_response
from clonacare.assessments.models import InstrumentResponse
from clonacare.audit.log import Actor
from clonacare.patients.models import Condition, Consent, Medication
from clonacare.plans.actions import PlanParameters, do_approve_plan, do_draft_plan, do_revise_plan
from clonacare.plans.models import Plan
from clonacare.therapy.models import CounsellingSession, SessionNote
from tests.personas import PASSWORD, World

NOW = timezone.now()
RECIPIENT = "Dr. Taylor, primary care"
NOTE_TEXT = "Talked through the next cut; sleep is better with the diary."
LICENSED_ANSWERS = {"isi-1": "2", "isi-2": "1"}


def avery(world: World) -> Actor:
    return Actor(world.avery.pk, "avery", "prescriber", world.riverside.pk, None, "")


def plan_for(world: World) -> Plan:
    """Alex's plan: approved ten days ago, paused for 14 days from today."""
    then = NOW - dt.timedelta(days=10)
    world.avery.first_name, world.avery.last_name = "Jordan", "Avery"
    world.avery.save(update_fields=["first_name", "last_name"])
    parameters = PlanParameters(method="percent", step=Decimal(10), switch_to="diazepam")
    plan = do_draft_plan(avery(world), world.alex, parameters, now=then)
    plan = do_approve_plan(avery(world), plan, password=PASSWORD, otp=None, now=then)
    do_revise_plan(
        avery(world),
        plan,
        "pause",
        days=14,
        reason="Insomnia since the last cut",
        effective=NOW.date(),
        now=NOW,
    )
    return Plan.objects.get(pk=plan.pk)


def full_record(world: World) -> None:
    """Plant every part of alex's record the export maps."""
    alex = world.alex
    Condition.objects.create(
        patient=alex, name="Generalised anxiety disorder", noted_on=dt.date(2023, 5, 2)
    )
    Medication.objects.create(
        patient=alex,
        name="Sertraline",
        dose="50 mg in the morning",
        reason="anxiety",
        started_on=dt.date(2024, 1, 10),
    )
    plan_for(world)
    phq9 = {f"phq9-{n}": "1" for n in range(1, 10)} | {"phq9-9": "0"}
    do_submit_response(avery(world), alex, "phq9", phq9, now=NOW - dt.timedelta(days=2))
    InstrumentResponse.objects.create(
        patient=alex,
        instrument="isi",
        answers=LICENSED_ANSWERS,
        complete=True,
        total=11,
        band="subthreshold insomnia",
        result={},
        self_reported=True,
        entered_by=world.alex_user,
        submitted_at=NOW - dt.timedelta(days=1),
    )
    Consent.objects.create(
        patient=alex,
        disclosing_program=world.riverside,
        recipient=RECIPIENT,
        purpose="coordination of care",
        information="Taper plan and current dose",
        expires_on=NOW.date() + dt.timedelta(days=365),
        signed_by="Alex Morgan",
        signed_on=NOW.date() - dt.timedelta(days=1),
        created_by=world.avery,
    )
    session = CounsellingSession.objects.create(
        patient=alex,
        kind="individual",
        counsellor=world.lee,
        scheduled_at=NOW - dt.timedelta(days=3),
        duration_minutes=50,
        status="attended",
        scheduled_by=world.lee,
        created_at=NOW - dt.timedelta(days=4),
    )
    SessionNote.objects.create(
        session=session, author=world.lee, text=NOTE_TEXT, written_at=NOW - dt.timedelta(days=3)
    )


def resources(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [entry["resource"] for entry in bundle["entry"]]


def of_type(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r for r in resources(bundle) if r["resourceType"] == kind]


def counts(bundle: dict[str, Any]) -> Counter[str]:
    return Counter(r["resourceType"] for r in resources(bundle))


def validate_each(bundle: dict[str, Any]) -> None:
    """Every resource, and the Bundle, through fhir.resources' R4B models."""
    for resource in resources(bundle):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    get_fhir_model_class("Bundle").model_validate_json(json.dumps(bundle))
