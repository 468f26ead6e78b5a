"""Access under attack: every patient-scoped page and API operation, tried by every persona
and anonymously.

The routes come from the URL configuration (``get_resolver``: every pattern with a record
id) and the operations from the OpenAPI schema, never from a hand list; ``RULES`` says who
may see each, and a test fails when a route or an operation appears that it does not name.
Pages are tried with GET and with an empty POST; API operations with their own method and,
for a write, the smallest body its schema takes (``minimal_body``), so that the request
passes validation and meets the record's gate.
Seeing means getting past the record's gate: any answer but the not-found one (a form's
400, a role's 403, a conflict's 409 are answers about a record the caller may see). Anyone
else gets exactly the answer of a missing record, the same status and the same body
(docs/api.md, "Access"). Anonymous callers are sent to sign in (pages) or get 401 (API).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from clonacare.accounts.actors import actor_for
from clonacare.accounts.models import Membership, Role
from clonacare.assessments.actions import do_report_seizure
from clonacare.assessments.models import InstrumentResponse, SafetyAlert
from clonacare.monitoring.actions import do_check_in
from clonacare.monitoring.models import Proposal
from clonacare.monitoring.questions import ciwa_b_patient_items
from clonacare.patients.models import Consent, Disclosure, Medication, RestrictionRequest
from clonacare.plans.actions import do_draft_plan
from clonacare.plans.parameters import PlanParameters
from clonacare.therapy.models import CounsellingSession, SupportGroup
from tests.api_client import ApiClient
from tests.personas import World, make_world, signed_in

pytestmark = pytest.mark.django_db

MISSING = 2_147_480_000  # an id no record of the test has
PERSONAS = (
    "avery",
    "kim",
    "lee",
    "riverside_admin",
    "alex",
    "blair",
    "brook",
    "casey",
    "site_admin",
)
# Who sees alex's record (docs/api.md, "Access"): the care team (avery, kim, lee), the
# program's admin and alex. Who sees Riverside's program-wide pages: its staff.
RECORD = frozenset({"avery", "kim", "lee", "riverside_admin", "alex"})
STAFF_RECORD = RECORD - {"alex"}
CLINICIANS_ON_TEAM = frozenset({"avery", "kim", "lee"})
PRESCRIBER_NURSE_ON_TEAM = frozenset({"avery", "kim"})
PRESCRIBER_ON_TEAM = frozenset({"avery"})
PROGRAM_ADMIN = frozenset({"riverside_admin"})
ADMIN_AND_PRESCRIBERS = frozenset({"avery", "riverside_admin"})
PROGRAM_MEMBERS = RECORD | {"blair"}
SITE_ADMIN = frozenset({"site_admin"})
ADMINS = frozenset({"riverside_admin", "site_admin"})
PATIENT_OWN = frozenset({"alex"})
# No one gets past the gate with the test's request: its body is refused before the gate,
# the same for a missing record (a write validated first), or the route's second record
# is one the test does not make. Outsiders are still checked to answer as for a missing one.
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Route:
    """One thing to try: a page's route name or an API operation ("GET /patients/{id}"),
    its path with the record ids of the test filled in, and the same path with every id
    missing."""

    key: str
    method: str
    path: str
    missing_path: str
    api: bool
    body: str = ""


ID_IN_PATH = re.compile(r"<(?:id|int):(\w+)>|\{(?:int:)?(\w+)\}")


def _page_patterns(
    resolver: URLResolver, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace or "") if n)
            yield from _page_patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, prefix + str(entry.pattern)


def page_routes_with_ids() -> dict[str, str]:
    """Every page route (outside the API, which the schema describes) whose pattern takes a
    record id, by name: its pattern."""
    return {
        name: pattern
        for name, pattern in _page_patterns(get_resolver())
        if not pattern.startswith("api/") and ID_IN_PATH.search(pattern)
    }


def api_operations(schema: dict[str, Any]) -> dict[str, str]:
    """Every operation of the OpenAPI schema ("POST /patients/{patient_id}/doses"): its
    path under /api/v1."""
    operations = {}
    for path, methods in schema["paths"].items():
        local = path.removeprefix("/api/v1")
        for method in methods:
            if method in {"get", "post", "put", "patch", "delete"}:
                operations[f"{method.upper()} {local}"] = local.lstrip("/")
    return operations


@dataclass
class Attack:
    """One world for every try: alex's records, a signed-in client and an API client per
    persona, an anonymous one of each."""

    world: World
    ids: dict[str, int]
    pages: dict[str, Client]
    api: dict[str, ApiClient]
    anonymous_page: Client
    anonymous_api: ApiClient


def build_attack() -> Attack:
    world = make_world()
    avery = actor_for(world.avery, RequestFactory().get("/"))
    now = timezone.now()
    parameters = PlanParameters(method="percent", step=Decimal(10), switch_to="diazepam")
    plan = do_draft_plan(avery, world.alex, parameters, now=now)
    alert = SafetyAlert.objects.create(
        patient=world.alex, code="suicide-risk", message="A test alert.", raised_at=now
    )
    response = InstrumentResponse.objects.create(
        patient=world.alex,
        instrument="gad7",
        answers={},
        complete=True,
        total=0,
        result={},
        self_reported=True,
        entered_by=world.alex_user,
        submitted_at=now - dt.timedelta(days=1),
    )
    consent = Consent.objects.create(
        patient=world.alex,
        disclosing_program=world.riverside,
        recipient="Dr. Taylor, primary care",
        purpose="coordination of care",
        information="Taper plan and current dose",
        expires_on=now.date() + dt.timedelta(days=365),
        signed_by="Alex Morgan",
        signed_on=now.date() - dt.timedelta(days=30),
        created_by=world.avery,
    )
    medication = Medication.objects.create(
        patient=world.alex, name="Sertraline", dose="50 mg", reason="mood"
    )
    alex = actor_for(world.alex_user, RequestFactory().get("/"))
    report, _ = do_report_seizure(alex, world.alex, happening_now=False, note="", now=now)
    check_in = do_check_in(alex, world.alex, CALM_CHECK_IN, now=now)
    why = {"rule": "test", "text": "A test proposal.", "check_ins": [], "source": "", "basis": ""}
    proposal = Proposal.objects.create(
        patient=world.alex, plan=plan, kind="pause", why=why, check_in=check_in, made_at=now
    )
    disclosure = Disclosure.objects.create(
        consent=consent,
        patient=world.alex,
        recipient=consent.recipient,
        purpose=consent.purpose,
        consent_information=consent.information,
        notice="(notice)",
        disclosed_by=world.avery,
        disclosed_at=now,
    )
    restriction = RestrictionRequest.objects.create(
        patient=world.alex, request="Not to my health plan.", requested_at=now
    )
    session = CounsellingSession.objects.create(
        patient=world.alex,
        kind="individual",
        counsellor=world.lee,
        scheduled_at=now + dt.timedelta(days=3),
        duration_minutes=50,
        status="scheduled",
        scheduled_by=world.lee,
        created_at=now,
    )
    group = SupportGroup.objects.create(
        program=world.riverside,
        name="Tapering together",
        schedule="Tuesdays, 6 to 7:30 pm",
        weekday=1,
        starts_at=dt.time(18),
        facilitator=world.lee,
        place="Room 2",
        capacity=30,
        created_by=world.lee,
        created_at=now,
    )
    # A member of Riverside's staff on no care team, for the pages about a staff account
    # (a program admin's try may deactivate them; no persona is touched).
    dana = User.objects.create(username="dana")
    Membership.objects.create(user=dana, program=world.riverside, role=Role.NURSE)
    ids = {
        "patient_id": world.alex.pk,
        "plan_id": plan.pk,
        "alert_id": alert.pk,
        "response_id": response.pk,
        "program_id": world.riverside.pk,
        "user_id": dana.pk,
        "consent_id": consent.pk,
        "medication_id": medication.pk,
        "report_id": report.pk,
        "check_in_id": check_in.pk,
        "proposal_id": proposal.pk,
        "disclosure_id": disclosure.pk,
        "request_id": restriction.pk,
        "session_id": session.pk,
        "group_id": group.pk,
    }
    users = {name: _persona(world, name) for name in PERSONAS}
    return Attack(
        world,
        ids,
        pages={name: signed_in(Client(), user) for name, user in users.items()},
        api={name: ApiClient(user) for name, user in users.items()},
        anonymous_page=Client(),
        anonymous_api=ApiClient(),
    )


CALM_CHECK_IN = {
    "seizure": False,
    "self_harm_thoughts": False,
    "sleep": 3,
    "anxiety": 2,
    "craving": 2,
    "ciwa_b": {item.id: 1 for item in ciwa_b_patient_items()},
    "note": "",
}


def _persona(world: World, name: str) -> User:
    user = getattr(world, f"{name}_user", None) or getattr(world, name)
    assert isinstance(user, User)
    return user


def fill(pattern: str, ids: dict[str, int]) -> tuple[str, str]:
    """``pattern`` with the test's record ids, and with every id missing."""

    def real(match: re.Match[str]) -> str:
        return str(ids.get(match.group(1) or match.group(2), MISSING))

    def missing(match: re.Match[str]) -> str:
        return str(MISSING)

    slugged = pattern.replace("<slug:instrument_id>", "gad7").replace("<slug:slug>", "x")
    slugged = slugged.replace("<str:token>", "x")
    return "/" + ID_IN_PATH.sub(real, slugged), "/" + ID_IN_PATH.sub(missing, slugged)


CSRF_VALUE = re.compile(r'(csrfmiddlewaretoken" value=")[^"]*"|(csrf-token" content=")[^"]*"')


def answer(
    client: Client | ApiClient, method: str, path: str, api: bool, body: str = ""
) -> tuple[int, str]:
    """The status and the body of ``method path`` (sending ``body`` to the API), with what
    differs between two renders of the same page (the CSRF token's mask, the path itself)
    taken out."""
    if api:
        assert isinstance(client, ApiClient)
        response = client.client.generic(
            method,
            "/api/v1" + path,
            body,
            content_type="application/json",
            headers=client.headers,
        )
    else:
        assert isinstance(client, Client)
        response = (
            client.get(path)
            if method == "GET"
            else client.generic(method, path, "", content_type="application/x-www-form-urlencoded")
        )
    text = CSRF_VALUE.sub(r"\1\2", response.content.decode("utf-8", "replace"))
    return response.status_code, text.replace(path, "<path>")


def routes(attack: Attack) -> list[Route]:
    schema = attack.anonymous_api.get("/openapi.json").json()
    found = []
    for name, pattern in page_routes_with_ids().items():
        path, missing = fill(pattern, attack.ids)
        for method in ("GET", "POST"):
            found.append(Route(f"{method} {name}", method, path, missing, api=False))
    for key, local in api_operations(schema).items():
        if not ID_IN_PATH.search(local):
            continue
        path, missing = fill(local, attack.ids)
        method = key.split()[0]
        body = "" if method == "GET" else json.dumps(minimal_body(schema, method, local))
        found.append(Route(key, method, path, missing, api=True, body=body))
    return found


def minimal_body(schema: dict[str, Any], method: str, local: str) -> object:
    """The smallest JSON body the schema takes for an operation: its required fields, each
    the first of its choices or the least value of its type (``{}`` when it declares none),
    so that the request passes validation and meets the record's gate."""
    operation = schema["paths"]["/api/v1/" + local][method.lower()]
    content = operation.get("requestBody", {}).get("content", {})
    body = content.get("application/json", {}).get("schema")
    return {} if body is None else _least(schema, body)


def _least(schema: dict[str, Any], shape: dict[str, Any]) -> object:
    if "$ref" in shape:
        shape = schema["components"]["schemas"][shape["$ref"].rsplit("/", 1)[1]]
    for union in ("anyOf", "oneOf"):
        if union in shape:
            options = [o for o in shape[union] if o.get("type") != "null"]
            return _least(schema, options[0])
    if "enum" in shape:
        return shape["enum"][0]
    kind = shape.get("type")
    if kind == "object":
        required = shape.get("required", [])
        fields = shape.get("properties", {})
        return {name: _least(schema, fields[name]) for name in required if name in fields}
    if kind == "array":
        return [_least(schema, shape.get("items", {}))] * shape.get("minItems", 0)
    if kind in {"integer", "number"}:
        return max(1, int(shape.get("minimum", 1)))
    if kind == "boolean":
        return False
    if shape.get("format") == "date":
        return timezone.now().date().isoformat()
    if shape.get("format") == "date-time":
        return timezone.now().isoformat()
    return "x" * max(1, int(shape.get("minLength", 1)))


def who_sees(attack: Attack, route: Route) -> dict[str, tuple[int, str]]:
    """The personas who get past the route's gate, each with their answer: an answer
    that differs from the one the same persona gets for a missing record."""
    seen = {}
    for name in PERSONAS:
        client: Client | ApiClient = attack.api[name] if route.api else attack.pages[name]
        real = answer(client, route.method, route.path, route.api, route.body)
        if real != answer(client, route.method, route.missing_path, route.api, route.body):
            seen[name] = real
    return seen


def test_every_route_with_a_record_id_has_an_access_rule(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    keys = {f"{m} {name}" for name in page_routes_with_ids() for m in ("GET", "POST")}
    keys |= {key for key, path in api_operations(schema).items() if ID_IN_PATH.search(path)}
    assert sorted(keys - RULES.keys()) == [], "routes with no access rule in RULES"
    assert sorted(RULES.keys() - keys) == [], "rules for routes that are gone"


def test_only_the_people_a_route_names_get_past_its_gate() -> None:
    attack = build_attack()
    wrong = []
    for route in routes(attack):
        seen = who_sees(attack, route)
        expected = RULES[route.key]
        for name, (status, _) in seen.items():
            if status >= 500:
                wrong.append(f"{route.key} {route.path}: {name} got {status}, a fault")
        for name in sorted(seen.keys() - expected):
            status, body = seen[name]
            wrong.append(f"{route.key} {route.path}: {name} got {status} {body[:200]!r}")
        for name in sorted(expected - seen.keys()):
            wrong.append(f"{route.key} {route.path}: {name} answered as for a missing record")
    assert not wrong, "\n".join(wrong)


def test_an_anonymous_caller_is_sent_to_sign_in_or_gets_401() -> None:
    attack = build_attack()
    wrong = []
    for route in routes(attack):
        if route.api:
            status, body = answer(attack.anonymous_api, route.method, route.path, api=True)
            if (status, json.loads(body)) != (401, {"detail": SIGN_IN_FIRST}):
                wrong.append(f"{route.key}: {status} {body[:200]!r}")
            continue
        response = attack.anonymous_page.generic(route.method, route.path)
        missing = attack.anonymous_page.generic(route.method, route.missing_path)
        if response.status_code == missing.status_code == 405:
            continue  # a method the route does not take, refused before anything is read
        location = response.headers.get("Location", "")
        if response.status_code != 302 or not location.startswith("/accounts/login/?next="):
            wrong.append(f"{route.key}: {response.status_code} {location!r}")
    assert not wrong, "\n".join(wrong)


SIGN_IN_FIRST = (
    "Sign in first: send the header 'Authorization: Bearer <token>' with a token from "
    "POST /api/v1/auth/token."
)


RULES: dict[str, frozenset[str]] = {
    "GET clinic:patient": STAFF_RECORD,
    "POST clinic:patient": NOBODY,
    "GET clinic:change-status": STAFF_RECORD,
    "POST clinic:change-status": STAFF_RECORD,
    "GET clinic:change-benzodiazepine": PRESCRIBER_NURSE_ON_TEAM,
    "POST clinic:change-benzodiazepine": PRESCRIBER_NURSE_ON_TEAM,
    "GET clinic:cosign-dose-change": NOBODY,
    "POST clinic:cosign-dose-change": STAFF_RECORD,
    "GET clinic:add-medication": STAFF_RECORD,
    "POST clinic:add-medication": STAFF_RECORD,
    "GET clinic:end-medication": STAFF_RECORD,
    "POST clinic:end-medication": STAFF_RECORD,
    "GET clinic:add-condition": STAFF_RECORD,
    "POST clinic:add-condition": STAFF_RECORD,
    "GET clinic:care-team": PROGRAM_ADMIN,
    "POST clinic:care-team": PROGRAM_ADMIN,
    "GET clinic:remove-care-team-member": NOBODY,
    "POST clinic:remove-care-team-member": PROGRAM_ADMIN,
    "GET clinic:rate": CLINICIANS_ON_TEAM,
    "POST clinic:rate": CLINICIANS_ON_TEAM,
    "GET clinic:level-of-care": CLINICIANS_ON_TEAM,
    "POST clinic:level-of-care": CLINICIANS_ON_TEAM,
    "GET clinic:add-consent": STAFF_RECORD,
    "POST clinic:add-consent": STAFF_RECORD,
    "GET clinic:revoke-consent": STAFF_RECORD,
    "POST clinic:revoke-consent": STAFF_RECORD,
    "GET clinic:disclose": NOBODY,
    "POST clinic:disclose": STAFF_RECORD,
    "GET clinic:disclosure-package": NOBODY,
    "POST clinic:disclosure-package": NOBODY,
    "GET clinic:emergency-disclosure": STAFF_RECORD,
    "POST clinic:emergency-disclosure": STAFF_RECORD,
    "GET clinic:accounting": STAFF_RECORD,
    "POST clinic:accounting": NOBODY,
    "GET clinic:accounting-export": STAFF_RECORD,
    "POST clinic:accounting-export": NOBODY,
    "GET clinic:answer-restriction": NOBODY,
    "POST clinic:answer-restriction": STAFF_RECORD,
    "GET clinic:patient-monitoring": STAFF_RECORD,
    "POST clinic:patient-monitoring": NOBODY,
    "GET clinic:follow-up": NOBODY,
    "POST clinic:follow-up": STAFF_RECORD,
    "GET clinic:modules": STAFF_RECORD,
    "POST clinic:modules": STAFF_RECORD,
    "GET clinic:sessions": STAFF_RECORD,
    "POST clinic:sessions": NOBODY,
    "GET clinic:timeline": STAFF_RECORD,
    "POST clinic:timeline": STAFF_RECORD,
    "GET clinic:safety-plan": STAFF_RECORD,
    "POST clinic:safety-plan": STAFF_RECORD,
    "GET clinic:plans": STAFF_RECORD,
    "POST clinic:plans": NOBODY,
    "GET clinic:plan-new": PRESCRIBER_ON_TEAM,
    "POST clinic:plan-new": PRESCRIBER_ON_TEAM,
    "GET clinic:plan-preview": NOBODY,
    "POST clinic:plan-preview": PRESCRIBER_ON_TEAM,
    "GET clinic:plan": STAFF_RECORD,
    "POST clinic:plan": NOBODY,
    "GET clinic:plan-approve": NOBODY,
    "POST clinic:plan-approve": STAFF_RECORD,
    "GET clinic:plan-pdf": STAFF_RECORD,
    "POST clinic:plan-pdf": NOBODY,
    "GET clinic:plan-revise": NOBODY,
    "POST clinic:plan-revise": STAFF_RECORD,
    "GET clinic:proposal": STAFF_RECORD,
    "POST clinic:proposal": NOBODY,
    "GET clinic:proposal-accept": NOBODY,
    "POST clinic:proposal-accept": STAFF_RECORD,
    "GET clinic:proposal-reject": NOBODY,
    "POST clinic:proposal-reject": STAFF_RECORD,
    "GET clinic:acknowledge": NOBODY,
    "POST clinic:acknowledge": STAFF_RECORD,
    "GET clinic:group": STAFF_RECORD,
    "POST clinic:group": STAFF_RECORD,
    "GET clinic:group-edit": NOBODY,
    "POST clinic:group-edit": STAFF_RECORD,
    "GET clinic:group-close": NOBODY,
    "POST clinic:group-close": STAFF_RECORD,
    "GET clinic:outcomes": STAFF_RECORD,
    "POST clinic:outcomes": NOBODY,
    "GET clinic:outcomes-csv": STAFF_RECORD,
    "POST clinic:outcomes-csv": NOBODY,
    "GET clinic:population-screens": ADMIN_AND_PRESCRIBERS,
    "POST clinic:population-screens": ADMIN_AND_PRESCRIBERS,
    "GET clinic:population-screen": NOBODY,
    "POST clinic:population-screen": NOBODY,
    "GET clinic:population-invite": NOBODY,
    "POST clinic:population-invite": NOBODY,
    "GET clinic:population-invitation": NOBODY,
    "POST clinic:population-invitation": NOBODY,
    "GET clinic:population-invitation-answer": NOBODY,
    "POST clinic:population-invitation-answer": NOBODY,
    "GET accounts:program-two-factor": NOBODY,
    "POST accounts:program-two-factor": SITE_ADMIN,
    "GET accounts:create-program-admin": SITE_ADMIN,
    "POST accounts:create-program-admin": SITE_ADMIN,
    "GET accounts:alert-delivery": ADMINS,
    "POST accounts:alert-delivery": ADMINS,
    "GET accounts:staff-email": PROGRAM_ADMIN,
    "POST accounts:staff-email": PROGRAM_ADMIN,
    "GET accounts:deactivate-staff": NOBODY,
    "POST accounts:deactivate-staff": PROGRAM_ADMIN,
    "GET accounts:reactivate-staff": NOBODY,
    "POST accounts:reactivate-staff": PROGRAM_ADMIN,
    "GET accounts:reset-two-factor": NOBODY,
    "POST accounts:reset-two-factor": PROGRAM_ADMIN,
    "GET portal:response": PATIENT_OWN,
    "POST portal:response": NOBODY,
    "GET portal:revoke-consent": PATIENT_OWN,
    "POST portal:revoke-consent": PATIENT_OWN,
    "GET portal:seizure-reported": PATIENT_OWN,
    "POST portal:seizure-reported": NOBODY,
    "GET portal:check-in-saved": PATIENT_OWN,
    "POST portal:check-in-saved": NOBODY,
    "GET /patients/{patient_id}": RECORD,
    "PATCH /patients/{patient_id}": RECORD,
    "GET /patients/{patient_id}/medications": RECORD,
    "POST /patients/{patient_id}/medications": RECORD,
    "POST /patients/{patient_id}/benzodiazepine-changes": RECORD,
    "POST /patients/{patient_id}/dose-changes/{change_id}/cosign": RECORD,
    "POST /patients/{patient_id}/medications/{medication_id}/end": RECORD,
    "POST /patients/{patient_id}/conditions": RECORD,
    "POST /patients/{patient_id}/care-team": RECORD,
    "DELETE /patients/{patient_id}/care-team/{user_id}": RECORD,
    "GET /patients/{patient_id}/assessments": RECORD,
    "POST /patients/{patient_id}/assessments": RECORD,
    "GET /patients/{patient_id}/alerts": RECORD,
    "POST /alerts/{alert_id}/acknowledge": RECORD,
    "POST /patients/{patient_id}/seizure-reports": RECORD,
    "GET /patients/{patient_id}/level-of-care": RECORD,
    "POST /patients/{patient_id}/level-of-care": NOBODY,
    "POST /patients/{patient_id}/consents": RECORD,
    "POST /patients/{patient_id}/consents/{consent_id}/revoke": RECORD,
    "GET /patients/{patient_id}/disclosures": RECORD,
    "POST /patients/{patient_id}/disclosures": RECORD,
    "POST /patients/{patient_id}/emergency-disclosures": RECORD,
    "GET /patients/{patient_id}/disclosures/{disclosure_id}/package": RECORD,
    "GET /patients/{patient_id}/restrictions": RECORD,
    "POST /patients/{patient_id}/restrictions": RECORD,
    "POST /patients/{patient_id}/restrictions/{request_id}/answer": RECORD,
    "GET /patients/{patient_id}/doses": RECORD,
    "POST /patients/{patient_id}/doses": RECORD,
    "GET /patients/{patient_id}/check-ins": RECORD,
    "POST /patients/{patient_id}/check-ins": RECORD,
    "GET /patients/{patient_id}/follow-up": RECORD,
    "POST /patients/{patient_id}/follow-up": RECORD,
    "POST /patients/{patient_id}/plans": RECORD,
    "GET /patients/{patient_id}/plans": RECORD,
    "GET /plans/{plan_id}": STAFF_RECORD,
    "POST /plans/{plan_id}/approve": STAFF_RECORD,
    "POST /plans/{plan_id}/revisions": STAFF_RECORD,
    "GET /plans/{plan_id}/calendar.ics": STAFF_RECORD,
    "GET /plans/{plan_id}/pdf": STAFF_RECORD,
    "POST /proposals/{proposal_id}/accept": STAFF_RECORD,
    "POST /proposals/{proposal_id}/reject": STAFF_RECORD,
    "GET /patients/{patient_id}/modules": RECORD,
    "POST /patients/{patient_id}/modules": RECORD,
    "GET /patients/{patient_id}/exercises": RECORD,
    "POST /patients/{patient_id}/exercises": RECORD,
    "POST /patients/{patient_id}/modules/{assignment_id}/sections": RECORD,
    "POST /patients/{patient_id}/modules/{assignment_id}/comments": RECORD,
    "POST /patients/{patient_id}/exercises/{entry_id}/comments": RECORD,
    "GET /patients/{patient_id}/safety-plan": RECORD,
    "PUT /patients/{patient_id}/safety-plan": RECORD,
    "GET /patients/{patient_id}/groups": RECORD,
    "POST /patients/{patient_id}/groups": RECORD,
    "GET /programs/{program_id}/groups": PROGRAM_MEMBERS,
    "GET /patients/{patient_id}/sessions": RECORD,
    "POST /patients/{patient_id}/sessions": RECORD,
    "POST /patients/{patient_id}/sessions/{session_id}/outcome": RECORD,
    "GET /patients/{patient_id}/sessions/{session_id}/notes": RECORD,
    "POST /patients/{patient_id}/sessions/{session_id}/notes": RECORD,
    "GET /programs/{program_id}/outcomes": STAFF_RECORD,
    "GET /patients/{patient_id}/timeline": RECORD,
    "POST /patients/{patient_id}/returns-to-use": RECORD,
    "GET /patients/{patient_id}/fhir": RECORD,
    "POST /programs/{program_id}/fhir-import": PROGRAM_MEMBERS,
    "POST /programs/{program_id}/screens": ADMIN_AND_PRESCRIBERS,
    "GET /screens/{screen_id}": NOBODY,
    "POST /screens/{screen_id}/invitations": NOBODY,
    "POST /invitations/{invitation_id}/answer": NOBODY,
}
