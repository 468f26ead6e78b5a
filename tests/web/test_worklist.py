"""The worklist (``GET /api/v1/worklist`` and the clinic's page): the patients of the
caller's caseload who need action today, most urgent first, each with why in plain
language, filtered by the reasons a role acts on, in a number of queries that does not
grow with the number of patients."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clonacare.assessments.models import SafetyAlert
from clonacare.audit.log import Actor
from clonacare.audit.models import AuditEvent
from clonacare.patients.models import BenzodiazepineUse, CareTeamMember, Patient
from clonacare.plans.actions import PlanParameters, do_approve_plan, do_draft_plan
from clonacare.plans.models import Plan
from tests.api_client import ApiClient
from tests.personas import PASSWORD, World, signed_in

pytestmark = pytest.mark.django_db

PATIENT_ITEMS = [f"ciwab-{n}" for n in range(1, 18)]
DRAFT = "A draft taper plan awaits approval."


def today() -> dt.date:
    return timezone.localdate()


def avery(world: World) -> Actor:
    return Actor(world.avery.pk, "avery", "prescriber", world.riverside.pk, None, "")


def draft(world: World, patient: Patient, *, days_ago: int = 0) -> Plan:
    then = timezone.now() - dt.timedelta(days=days_ago)
    parameters = PlanParameters(method="percent", step=Decimal(10), switch_to="diazepam")
    return do_draft_plan(avery(world), patient, parameters, now=then)


def approved(world: World, patient: Patient, *, days_ago: int) -> Plan:
    then = timezone.now() - dt.timedelta(days=days_ago)
    plan = draft(world, patient, days_ago=days_ago)
    return do_approve_plan(avery(world), plan, password=PASSWORD, otp=None, now=then)


def check_in(world: World, user: User, patient: Patient, day: dt.date, **changes: Any) -> None:
    body = {
        "date": day.isoformat(),
        "seizure": False,
        "self_harm_thoughts": False,
        "sleep": 3,
        "anxiety": 4,
        "craving": 2,
        "ciwa_b": dict.fromkeys(PATIENT_ITEMS, 1),
    } | changes
    ApiClient(user).post(f"/patients/{patient.pk}/check-ins", body)


def items(user: User, **query: Any) -> list[dict[str, Any]]:
    response = ApiClient(user).get("/worklist", **query)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["count"] == len(body["items"])
    found: list[dict[str, Any]] = body["items"]
    return found


def reasons(user: User, **query: Any) -> dict[int, list[str]]:
    return {item["patient_id"]: item["reasons"] for item in items(user, **query)}


def test_it_lists_no_one_when_nothing_needs_action(world: World) -> None:
    assert items(world.avery) == []


def test_it_lists_an_open_safety_alert_first(world: World) -> None:
    draft(world, world.blair)
    check_in(world, world.alex_user, world.alex, today(), seizure=True)
    alert = SafetyAlert.objects.get(patient=world.alex)
    listed = items(world.avery)
    assert [item["patient_id"] for item in listed] == [world.alex.pk, world.blair.pk]
    assert listed[0] == {
        "patient_id": world.alex.pk,
        "name": "Alex Morgan",
        "reasons": [f"Open safety alert: seizure, raised {alert.raised_at:%Y-%m-%d %H:%M} UTC."],
        "kinds": ["alert"],
    }
    assert listed[1]["reasons"] == [DRAFT]


def test_an_acknowledged_alert_leaves_the_worklist(world: World) -> None:
    check_in(world, world.alex_user, world.alex, today(), seizure=True)
    alert = SafetyAlert.objects.get(patient=world.alex)
    ApiClient(world.kim).post(f"/alerts/{alert.pk}/acknowledge", {"note": "Called; safe now."})
    assert items(world.avery) == []


def test_it_lists_a_proposal_awaiting_a_decision(world: World) -> None:
    approved(world, world.alex, days_ago=2)
    check_in(world, world.alex_user, world.alex, today() - dt.timedelta(days=1))
    check_in(world, world.alex_user, world.alex, today(), ciwa_b=dict.fromkeys(PATIENT_ITEMS, 2))
    assert reasons(world.avery) == {
        world.alex.pk: [
            "A proposal to pause the taper awaits a decision: Withdrawal symptoms jumped: "
            f"the check-in of {today().isoformat()} rates 34 on the CIWA-B items the patient "
            "rates, 17 above the lowest (17) of the 1 check-ins before it."
        ]
    }


def test_it_lists_a_verbal_order_awaiting_co_signature_and_a_change_starting_today(
    world: World,
) -> None:
    body = {
        "drug": "clonazepam",
        "doses": {"morning_mg": 0.5, "night_mg": 0.75},
        "on": today().isoformat(),
        "verbal_order": {"prescriber_id": world.avery.pk, "kind": "telephone", "read_back": True},
    }
    response = ApiClient(world.kim).post(f"/patients/{world.alex.pk}/benzodiazepine-changes", body)
    assert response.status_code == 201
    assert reasons(world.avery) == {
        world.alex.pk: [
            "A dose change given by word of mouth awaits its prescriber's co-signature.",
            "A dose change starts today.",
        ]
    }
    assert reasons(world.kim, role="nurse") == {world.alex.pk: ["A dose change starts today."]}


def test_it_counts_several_drafts(world: World) -> None:
    draft(world, world.blair)
    draft(world, world.blair)
    assert reasons(world.avery) == {world.blair.pk: ["2 draft taper plans await approval."]}


def test_it_flags_missed_check_ins_and_doses_since_the_plan_was_approved(world: World) -> None:
    approved(world, world.alex, days_ago=4)
    check_in(world, world.alex_user, world.alex, today() - dt.timedelta(days=1))
    for days in (1, 2):
        ApiClient(world.alex_user).post(
            f"/patients/{world.alex.pk}/doses",
            {
                "date": (today() - dt.timedelta(days=days)).isoformat(),
                "dose_time": "morning",
                "status": "missed",
            },
        )
    assert reasons(world.avery) == {
        world.alex.pk: [
            "3 of the last 4 scheduled check-ins were not done.",
            "2 doses logged as missed in the last 7 days.",
        ]
    }


def test_a_plan_approved_today_has_missed_nothing_yet(world: World) -> None:
    approved(world, world.alex, days_ago=0)
    # Listed for the plan's first day (the day it starts), with no missed entries.
    assert reasons(world.avery) == {world.alex.pk: ["The taper plan starts today."]}


def test_the_role_filter_keeps_the_reasons_that_role_acts_on(world: World) -> None:
    draft(world, world.blair)
    check_in(world, world.alex_user, world.alex, today(), seizure=True)
    assert set(reasons(world.avery)) == {world.alex.pk, world.blair.pk}
    assert set(reasons(world.avery, role="counsellor")) == {world.alex.pk}
    response = ApiClient(world.avery).get("/worklist", role="surgeon")
    assert (response.status_code, response.json()) == (
        400,
        {
            "detail": "Unknown role 'surgeon' for the worklist; choose one of: prescriber, "
            "nurse, counsellor."
        },
    )


def test_it_follows_the_caseload_access(world: World) -> None:
    draft(world, world.blair)
    assert set(reasons(world.riverside_admin)) == {world.blair.pk}
    assert reasons(world.lee) == {}  # lee is on alex's care team only
    assert reasons(world.brook) == {}
    assert reasons(world.site_admin) == {}
    assert AuditEvent.objects.filter(action="worklist.view").count() == 4


def test_a_patient_has_no_worklist(world: World) -> None:
    response = ApiClient(world.alex_user).get("/worklist")
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "The worklist is the care team's; a patient sees their own record instead."},
    )


def test_discharged_patients_are_left_out(world: World) -> None:
    draft(world, world.blair)
    Patient.objects.filter(pk=world.blair.pk).update(status=Patient.Status.DISCHARGED)
    assert items(world.avery) == []


def _more_patients(world: World, n: int, *, prefix: str) -> None:
    """``n`` more patients on avery's care team, each with an open alert, a draft and an
    approved plan with missed check-ins."""
    for i in range(n):
        user = User.objects.create(username=f"{prefix}{i}")
        patient = Patient.objects.create(
            program=world.riverside,
            user=user,
            given_name=f"{prefix}{i}",
            family_name="Patient",
            date_of_birth=dt.date(1980, 1, 1),
        )
        BenzodiazepineUse.objects.create(
            patient=patient,
            drug="clonazepam",
            morning_mg=Decimal("0.5"),
            night_mg=Decimal("1"),
            since=dt.date(2024, 3, 1),
            prescriber_name="Dr. Avery",
        )
        CareTeamMember.objects.create(patient=patient, user=world.avery)
        approved(world, patient, days_ago=5)
        draft(world, patient)
        check_in(world, world.avery, patient, today(), seizure=True)


def _queries(user: User) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        listed = items(user)
    return len(captured), len(listed)


def test_the_number_of_queries_does_not_grow_with_the_patients(world: World) -> None:
    _more_patients(world, 2, prefix="few")
    few, listed_few = _queries(world.avery)
    _more_patients(world, 6, prefix="many")
    many, listed_many = _queries(world.avery)
    assert (listed_few, listed_many) == (2, 8)
    assert few == many
    # The caller's token (expired ones removed, issued, found, touched), the caseload's
    # count and its audit entry, the patients, their open alerts and proposals, and
    # the window's check-ins, missed doses and plan change days.
    assert few == 12


def test_the_clinic_page_shows_the_worklist(client: Client, world: World) -> None:
    draft(world, world.blair)
    check_in(world, world.alex_user, world.alex, today(), seizure=True)
    page = signed_in(client, "avery").get("/clinic/")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("Alex Morgan") < text.index("Blair Okafor")
    assert DRAFT in text
    assert "Open safety alert: seizure" in text
    caseload = client.get("/clinic/caseload/").content.decode()
    assert '<a href="/clinic/">Worklist: who needs action today</a>' in caseload


def test_the_clinic_page_filters_by_role_and_refuses_an_unknown_one(
    client: Client, world: World
) -> None:
    draft(world, world.blair)
    signed_in(client, "avery")
    assert "Blair Okafor" not in client.get("/clinic/?role=nurse").content.decode()
    refused = client.get("/clinic/?role=surgeon")
    assert refused.status_code == 400
    assert "Unknown role &#x27;surgeon&#x27; for the worklist" in refused.content.decode()


def test_a_patient_finds_no_clinic_worklist(client: Client, world: World) -> None:
    response = signed_in(client, "alex").get("/clinic/")
    assert response.status_code == 404
