"""Drafting a taper plan through the API: a prescriber on the care team, from the
patient's current regimen unless the fields say otherwise; the taper core's refusals
answer with their kind's status (a guardrail's 422 carries the rule's code) and nothing
is stored."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from clonacare.audit.models import AuditEvent
from clonacare.patients.models import BenzodiazepineUse
from clonacare.plans.models import Plan
from tests.api_client import ApiClient
from tests.personas import World

pytestmark = pytest.mark.django_db

TODAY = timezone.now().date()
NOT_A_TEAM_PRESCRIBER = (
    "Only a prescriber on the patient's care team drafts, approves or revises a taper plan."
)
# Clonazepam 0.5 mg morning and 1 mg night (the personas' regimen) at 10% every 14 days,
# finishing on diazepam: the products cannot make the clonazepam tail within the limits.
STANDARD = {"method": "percent", "step": 10, "switch_to": "diazepam"}


def draft(user: Any, patient_id: int, body: dict[str, Any]) -> tuple[int, Any]:
    response = ApiClient(user).post(f"/patients/{patient_id}/plans", body)
    return response.status_code, response.json()


def test_it_drafts_from_the_patients_current_regimen(world: World) -> None:
    status, plan = draft(world.avery, world.alex.pk, STANDARD)
    assert status == 201
    stored = Plan.objects.get()
    assert (plan["id"], plan["status"], plan["patient_id"]) == (stored.pk, "draft", world.alex.pk)
    assert plan["schema"] == "clonacare.taper-plan/1"
    assert (plan["drug"], plan["taper_drug"], plan["method"]) == (
        "clonazepam",
        "diazepam",
        "percent",
    )
    assert plan["parameters"]["doses"] == {"morning": 0.5, "night": 1.0}
    assert plan["steps"][0]["start"] == TODAY.isoformat()
    assert plan["steps"][0]["daily_mg"] == {"clonazepam": 1.5}
    assert plan["request"]["doses"] == {"morning": 0.5, "night": 1}
    assert (plan["request"]["drug"], plan["request"]["start"]) == ("clonazepam", TODAY.isoformat())
    assert (plan["created_by"], plan["approved_by"], plan["plan_revisions"]) == ("avery", None, [])
    assert stored.plan_json == {
        k: v for k, v in plan.items() if k in stored.plan_json
    }  # the stored plan is the one answered
    event = AuditEvent.objects.get(action="plan.draft")
    assert (event.patient_id, event.object_id) == (world.alex.pk, str(stored.pk))


def test_the_fields_given_take_the_place_of_the_record(world: World) -> None:
    start = TODAY + dt.timedelta(days=7)
    body = {
        "drug": "diazepam",
        "doses": {"night": 10},
        "method": "bands",
        "band_cut": "low",
        "interval": 21,
        "start": start.isoformat(),
        "reduce_first": ["night"],
    }
    status, plan = draft(world.avery, world.alex.pk, body)
    assert status == 201
    parameters = plan["parameters"]
    assert (parameters["drug"], parameters["doses"]) == ("diazepam", {"night": 10.0})
    assert (parameters["band_cut"], parameters["interval_days"]) == ("low", 21)
    assert parameters["reduce_first"] == ["night"]
    assert plan["steps"][0]["start"] == start.isoformat()
    assert plan["steps"][1]["start"] == (start + dt.timedelta(days=21)).isoformat()


def test_the_age_comes_from_the_record(world: World) -> None:
    # Blair was born on 1958-09-02: 65 or older, so the plan carries the older-adult warning.
    status, plan = draft(world.avery, world.blair.pk, STANDARD)
    assert status == 201
    assert plan["request"]["age"] == world.blair.age_on(TODAY)
    assert plan["parameters"]["patient"]["age"] == world.blair.age_on(TODAY)
    assert "older-adult" in [w["code"] for w in plan["warnings"]]


def test_a_guardrail_refusal_answers_422_with_the_rules_code(world: World) -> None:
    # A step that breaks the ceiling by itself is refused before planning.
    status, body = draft(world.avery, world.alex.pk, {"method": "percent", "step": 30})
    assert status == 422
    start, later = TODAY, TODAY + dt.timedelta(days=14)
    assert body == {
        "detail": "Refused (rate-limit): The step 30 every 14 days cuts more than 25% in 14 "
        f"days: from 30 mg diazepam-equivalent/day on {start.isoformat()} to 21 on "
        f"{later.isoformat()} (−30%) [ASAM 2025 Rec 6: the pace should typically not exceed "
        "25% every 2 weeks]. Choose a smaller step or a longer interval, or give an override "
        "reason to plan it anyway.",
        "code": "rate-limit",
    }
    assert not Plan.objects.exists()
    assert not AuditEvent.objects.filter(action="plan.draft").exists()


def test_the_formulary_floor_is_refused_with_its_ways_out(world: World) -> None:
    status, body = draft(world.avery, world.alex.pk, {"method": "percent", "step": 10})
    assert status == 422
    assert body["code"] == "formulary-floor"
    assert body["detail"].startswith(
        "Refused (formulary-floor): The formulary 'US default' cannot make a clonazepam dose "
        "below 0.375 mg/day within 25% in 14 days"
    )
    assert not Plan.objects.exists()


def test_an_override_reason_lets_the_plan_through_with_its_warning(world: World) -> None:
    reason = "Rapid taper agreed with the patient before surgery"
    status, plan = draft(
        world.avery, world.alex.pk, STANDARD | {"step": 30, "override_reason": reason}
    )
    assert status == 201
    assert "rate-limit" in [w["code"] for w in plan["warnings"]]
    assert plan["parameters"]["override_reason"] == reason
    assert Plan.objects.get().override_reason == reason


def test_a_blocking_warning_waits_for_the_confirming_prescriber(world: World) -> None:
    status, body = draft(world.avery, world.alex.pk, STANDARD | {"pregnant": True})
    assert (status, body["code"]) == (422, "confirmation-required")
    assert body["detail"] == (
        "Plan blocked until a clinician confirms: Pregnancy: a taper involves obstetric care; "
        "late-pregnancy use can cause neonatal sedation and withdrawal, and stopping abruptly "
        "is unsafe for the pregnancy. [FDA labels (benzodiazepine class text)] Give the "
        "confirming prescriber once the responsible clinician has confirmed."
    )
    status, plan = draft(
        world.avery, world.alex.pk, STANDARD | {"pregnant": True, "confirmed_by": "Dr. Avery"}
    )
    assert status == 201
    (pregnancy,) = [w for w in plan["warnings"] if w["code"] == "pregnancy"]
    assert (pregnancy["blocking"], pregnancy["confirmed_by"]) == (True, "Dr. Avery")
    assert Plan.objects.get().confirmed_by == "Dr. Avery"


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        (
            {"drug": "ketamine", "doses": {"night": 1}},
            "Unknown drug 'ketamine'; known drugs: alprazolam, chlordiazepoxide, clonazepam, "
            "clorazepate, diazepam, estazolam, flurazepam, lorazepam, oxazepam, quazepam, "
            "temazepam, triazolam.",
        ),
        (
            {"drug": "lorazepam"},
            "The record lists no current use of lorazepam for this patient: give the doses "
            "to plan from.",
        ),
        (
            {"method": "hyperbolic"},
            "field 'method' must be 'percent', 'fixed', 'bands' or 'custom'.",
        ),
        ({"band_cut": "middle"}, "field 'band_cut' must be 'low' or 'high'."),
        ({"step": "lots"}, "field 'step' must be a valid decimal."),
        ({"step": "NaN"}, "field 'step' must be a finite number."),
        ({"colour": "blue"}, "unknown field 'colour'."),
        ({"doses": {"noon": 1}}, "Unknown dose time 'noon'; use morning, midday, evening, night."),
        ({"doses": {"night": -1}}, "The night dose must be more than 0 mg (got -1)."),
        ({"interval": 0}, "The interval must be 1 to 365 days."),
        ({"override_reason": "x" * 401}, "The override reason is longer than 400 characters."),
    ],
)
def test_bad_fields_are_refused_by_name(world: World, changes: dict[str, Any], detail: str) -> None:
    assert draft(world.avery, world.alex.pk, STANDARD | changes) == (400, {"detail": detail})
    assert not Plan.objects.exists()


def test_a_plan_starts_today_or_later(world: World) -> None:
    yesterday = TODAY - dt.timedelta(days=1)
    assert draft(world.avery, world.alex.pk, STANDARD | {"start": yesterday.isoformat()}) == (
        400,
        {
            "detail": f"A plan starts today ({TODAY.isoformat()}) or later, not on "
            f"{yesterday.isoformat()}: a draft cannot schedule doses in the past."
        },
    )


def test_a_patient_on_two_benzodiazepines_needs_the_drug_named(world: World) -> None:
    BenzodiazepineUse.objects.create(
        patient=world.alex, drug="lorazepam", night_mg=Decimal(1), since=dt.date(2025, 1, 1)
    )
    assert draft(world.avery, world.alex.pk, STANDARD) == (
        400,
        {
            "detail": "This patient takes more than one benzodiazepine now (clonazepam, "
            "lorazepam): name the drug to taper."
        },
    )
    status, plan = draft(world.avery, world.alex.pk, STANDARD | {"drug": "lorazepam"})
    assert (status, plan["parameters"]["doses"]) == (201, {"night": 1.0})


def test_a_record_without_a_current_regimen_needs_the_drug_and_doses(world: World) -> None:
    world.alex.benzo_uses.update(ended_on=TODAY)
    assert draft(world.avery, world.alex.pk, STANDARD) == (
        400,
        {
            "detail": "The record lists no benzodiazepine this patient takes now: give the "
            "drug and the doses to plan from."
        },
    )
    body = STANDARD | {"drug": "clonazepam", "doses": {"night": 1}}
    assert draft(world.avery, world.alex.pk, body)[0] == 201


@pytest.mark.parametrize("persona", ["kim", "lee", "riverside_admin", "alex_user"])
def test_only_a_prescriber_on_the_care_team_drafts(world: World, persona: str) -> None:
    assert draft(getattr(world, persona), world.alex.pk, STANDARD) == (
        403,
        {"detail": NOT_A_TEAM_PRESCRIBER},
    )
    assert not Plan.objects.exists()


@pytest.mark.parametrize("persona", ["brook", "casey_user", "site_admin", "blair_user"])
def test_a_patient_out_of_sight_is_not_found(world: World, persona: str) -> None:
    assert draft(getattr(world, persona), world.alex.pk, STANDARD) == (
        404,
        {"detail": "Patient not found."},
    )
    assert not Plan.objects.exists()


def test_only_a_guardrail_refusal_carries_a_code(world: World) -> None:
    status, body = draft(world.avery, world.alex.pk, STANDARD | {"interval": 0})
    assert (status, set(body)) == (400, {"detail"})


def test_the_api_description_names_the_rule_refusal(world: World) -> None:
    schema = ApiClient().client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/patients/{patient_id}/plans"]["post"]
    assert set(operation["responses"]) == {"201", "400", "401", "403", "404", "422"}
    refusal = operation["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
    assert refusal == "#/components/schemas/RuleErrorOut"
    assert set(schema["components"]["schemas"]["RuleErrorOut"]["required"]) == {"detail", "code"}


def test_the_custom_method_takes_its_steps(world: World) -> None:
    first, second = TODAY + dt.timedelta(days=14), TODAY + dt.timedelta(days=28)
    body = {
        "method": "custom",
        "drug": "diazepam",
        "doses": {"night": 10},
        "steps": [
            {"start": first.isoformat(), "doses": {"night": 9}},
            {"start": second.isoformat(), "doses": {"night": 8}},
        ],
    }
    status, plan = draft(world.avery, world.alex.pk, body)
    assert status == 201
    assert [(s["start"], s["daily_mg"]) for s in plan["steps"]] == [
        (TODAY.isoformat(), {"diazepam": 10.0}),
        (first.isoformat(), {"diazepam": 9.0}),
        (second.isoformat(), {"diazepam": 8.0}),
    ]
    assert plan["request"]["steps"] == [
        {"start": first.isoformat(), "doses": {"night": 9}},
        {"start": second.isoformat(), "doses": {"night": 8}},
    ]
