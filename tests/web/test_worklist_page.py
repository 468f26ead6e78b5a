"""The worklist is the clinic's first page: signing in as staff opens it at /clinic/,
each reason links to where it is acted on, the caseload has its own address linked from
the worklist and the nav, and the worklist's first address still answers."""

from __future__ import annotations

import datetime as dt
import re
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
from clonacare.monitoring.models import Proposal
from clonacare.patients.models import CareTeamMember, Patient
from clonacare.plans.actions import PlanParameters, do_approve_plan, do_draft_plan
from clonacare.plans.models import Plan
from tests.api_client import ApiClient
from tests.personas import PASSWORD, World, signed_in

pytestmark = pytest.mark.django_db

PATIENT_ITEMS = [f"ciwab-{n}" for n in range(1, 18)]


def today() -> dt.date:
    return timezone.localdate()


def avery(world: World) -> Actor:
    return Actor(world.avery.pk, "avery", "prescriber", world.riverside.pk, None, "")


def draft(world: World, patient: Patient, *, days_ago: int = 0) -> Plan:
    then = timezone.now() - dt.timedelta(days=days_ago)
    parameters = PlanParameters(method="percent", step=Decimal(10), switch_to="diazepam")
    return do_draft_plan(avery(world), patient, parameters, now=then)


def approve(world: World, plan: Plan, *, days_ago: int) -> Plan:
    then = timezone.now() - dt.timedelta(days=days_ago)
    return do_approve_plan(avery(world), plan, password=PASSWORD, otp=None, now=then)


def check_in(user: User, patient: Patient, day: dt.date, **changes: Any) -> None:
    body = {
        "date": day.isoformat(),
        "seizure": False,
        "self_harm_thoughts": False,
        "sleep": 3,
        "anxiety": 4,
        "craving": 2,
        "ciwa_b": dict.fromkeys(PATIENT_ITEMS, 1),
    } | changes
    response = ApiClient(user).post(f"/patients/{patient.pk}/check-ins", body)
    assert response.status_code in (201, 400), response.json()


def jump(world: World) -> Proposal:
    """Alex on a plan approved two days ago, whose check-ins jump: a proposal to pause."""
    approve(world, draft(world, world.alex, days_ago=2), days_ago=2)
    check_in(world.alex_user, world.alex, today() - dt.timedelta(days=1))
    check_in(world.alex_user, world.alex, today(), ciwa_b=dict.fromkeys(PATIENT_ITEMS, 2))
    return Proposal.objects.get()


def page(client: Client, path: str = "/clinic/") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def links(html: str) -> list[tuple[str, str]]:
    """Each reason's action link on the worklist: (href, words)."""
    return [
        (href, words)
        for href, words in re.findall(
            r'<a href="([^"]+)" class="worklist-action">([^<]+)<span', html
        )
    ]


@pytest.mark.parametrize("username", ["avery", "kim", "lee", "riverside_admin"])
def test_it_opens_the_worklist_after_signing_in(
    client: Client, world: World, username: str
) -> None:
    response = client.post(
        "/accounts/login/", {"username": username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1] == ("/clinic/", 302)
    assert "<h1>Worklist</h1>" in response.content.decode()


def test_a_site_admin_is_sent_to_the_audit_log_as_before(client: Client, world: World) -> None:
    response = signed_in(client, "site_admin").get("/clinic/")
    assert (response.status_code, response["Location"]) == (302, "/clinic/audit/")


def test_the_caseload_has_its_own_address_linked_from_the_worklist_and_the_nav(
    client: Client, world: World
) -> None:
    worklist = page(signed_in(client, "kim"))
    assert '<a href="/clinic/caseload/">Caseload: every patient on your care team</a>' in worklist
    assert '<li><a href="/clinic/caseload/">Caseload</a></li>' in worklist
    assert '<li><a href="/accounts/home/">Worklist</a></li>' in worklist
    caseload = page(client, "/clinic/caseload/")
    assert "<h1>Caseload</h1>" in caseload
    assert "2 patients on your care team" in caseload


def test_a_patient_finds_neither_page(client: Client, world: World) -> None:
    signed_in(client, "alex")
    assert client.get("/clinic/").status_code == 404
    assert client.get("/clinic/caseload/").status_code == 404
    assert "Caseload" not in page(client, "/portal/")


def test_the_first_address_still_answers_with_its_filter(client: Client, world: World) -> None:
    response = signed_in(client, "avery").get("/clinic/worklist/?role=nurse")
    assert (response.status_code, response["Location"]) == (302, "/clinic/?role=nurse")


def test_each_reason_links_to_where_it_is_acted_on(client: Client, world: World) -> None:
    proposal = jump(world)
    check_in(world.blair_user, world.blair, today(), seizure=True)
    alert = SafetyAlert.objects.get(patient=world.blair)
    plan = draft(world, world.blair)
    body = {
        "drug": "clonazepam",
        "doses": {"morning_mg": 0.5, "night_mg": 0.75},
        "on": today().isoformat(),
        "verbal_order": {"prescriber_id": world.avery.pk, "kind": "telephone", "read_back": True},
    }
    ApiClient(world.kim).post(f"/patients/{world.blair.pk}/benzodiazepine-changes", body)
    html = page(signed_in(client, "avery"))
    blair, alex = f"/clinic/patients/{world.blair.pk}/", f"/clinic/patients/{world.alex.pk}/"
    assert links(html) == [
        (f"{blair}#alert-{alert.pk}", "Acknowledge on the record"),
        (f"{blair}#dose-changes-title", "Co-sign on the record"),
        (f"/clinic/plans/{plan.pk}/", "Review and approve"),
        (f"{blair}#use-title", "Open the record"),
        (f"/clinic/proposals/{proposal.pk}/", "Decide"),
    ]
    assert html.index("Blair Okafor") < html.index("Alex Morgan")
    assert f'<a href="{alex}"><strong>Alex Morgan</strong></a>' in html


def test_several_drafts_link_to_the_patients_plans(client: Client, world: World) -> None:
    draft(world, world.blair)
    draft(world, world.blair)
    html = page(signed_in(client, "avery"))
    assert links(html) == [(f"/clinic/patients/{world.blair.pk}/plans/", "Review and approve")]


def test_missed_entries_link_to_the_check_ins_and_dose_log(client: Client, world: World) -> None:
    approve(world, draft(world, world.alex, days_ago=4), days_ago=4)
    html = page(signed_in(client, "avery"))
    assert (
        f"/clinic/patients/{world.alex.pk}/monitoring/",
        "See the check-ins and dose log",
    ) in links(html)


def _more_patients(world: World, n: int, *, prefix: str) -> None:
    """``n`` more patients on avery's care team, each with a draft awaiting approval (no
    alerts: past five, the alert banner counts the rest in a query of its own)."""
    for i in range(n):
        patient = Patient.objects.create(
            program=world.riverside,
            given_name=f"{prefix}{i}",
            family_name="Patient",
            date_of_birth=dt.date(1980, 1, 1),
        )
        CareTeamMember.objects.create(patient=patient, user=world.avery)
        Plan.objects.create(
            patient=patient,
            drug="clonazepam",
            parameters={},
            plan_json={},
            created_by=world.avery,
            created_at=timezone.now(),
        )


def _queries(client: Client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        html = page(client)
    return len(captured), len(links(html))


def test_the_page_reads_the_same_queries_however_many_patients(
    client: Client, world: World
) -> None:
    signed_in(client, "avery")
    _more_patients(world, 2, prefix="Few")
    few, linked_few = _queries(client)
    _more_patients(world, 6, prefix="Many")
    many, linked_many = _queries(client)
    assert (linked_few, linked_many) == (2, 8)
    assert few == many
