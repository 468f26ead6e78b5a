"""Deciding a proposal to pause or slow from the clinic's page: what the rule found, the
plan in force, and for a prescriber on the care team the forms that accept it (a
revision made by the taper core) or reject it, with the API's refusals and statuses.
The record and the plan page list the proposal awaiting a decision."""

from __future__ import annotations

import html as html_lib
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from clonacare.audit.models import AuditEvent
from clonacare.monitoring.models import Proposal
from clonacare.plans.models import Plan
from tests.personas import World, signed_in
from tests.web.proposals_world import ago, approved_plan, check_in

pytestmark = pytest.mark.django_db

BASIS = (
    "ASAM 2025 Joint Clinical Practice Guideline on Benzodiazepine Tapering, Rec 8–9: "
    "evaluate withdrawal at each reduction; when significant symptoms appear, pause or slow "
    "the taper first"
)
CORE_REFUSAL = (
    "The slower interval 1 days is not slower than the plan's 14 days; the engine never "
    "speeds a plan up."
)
NOT_A_DECIDER = "Only a prescriber on the patient's care team accepts or rejects a proposal."
DEFAULTS_NOTE = (
    "The numbers this rule reads against are Clonacare's configurable defaults, not "
    "published thresholds; CIWA-B is read as the patient's own trend, never against a band."
)


def proposal_to(world: World, kind: str) -> Proposal:
    """Alex's plan and a proposal: ``slow`` from three rising check-ins (10, 14, 18),
    ``pause`` from a jump (10, then 40)."""
    approved_plan(world)
    totals = ((2, 10), (1, 14), (0, 18)) if kind == "slow" else ((1, 10), (0, 40))
    for days, total in totals:
        check_in(world, ago(days), total)
    return Proposal.objects.get(kind=kind)


def url(proposal: Proposal, what: str = "") -> str:
    return f"/clinic/proposals/{proposal.pk}/" + (f"{what}/" if what else "")


def text(response: Any) -> str:
    return html_lib.unescape(response.content.decode())


def field_errors(response: Any, field: str) -> list[str]:
    form = response.context[f"{field.split('-')[0]}_form"]
    return list(form.errors.get(field.split("-")[1], []))


def test_it_shows_what_the_rule_found_and_the_plan_in_force(client: Client, world: World) -> None:
    proposal = proposal_to(world, "slow")
    response = signed_in(client, "avery").get(url(proposal))
    assert response.status_code == 200
    page = text(response)
    assert '<h1 id="proposal-title">Slow the taper?</h1>' in page
    assert (
        "Withdrawal symptoms are rising: 3 check-ins in a row rate higher each time on the "
        f"CIWA-B items the patient rates (10, 14, 18, from {ago(2)} to {ago(0)})."
    ) in page
    for day, total in ((0, 18), (1, 14), (2, 10)):
        assert f'<tr><td class="nowrap">{ago(day)}</td><td>{total}</td></tr>' in page
    assert f"<strong>Basis:</strong> {BASIS}" in page
    assert (
        "Rule: rising. Source: Clonacare default (configurable): three rising check-ins in a "
        "row; no published threshold"
    ) in page
    assert DEFAULTS_NOTE in page
    assert (
        f"Taper plan {proposal.plan_id}: clonazepam</a>, approved, revision 1; today: step" in page
    )
    assert "New number of days between reductions" in page
    assert "Accept and revise the plan" in page
    assert "Reject the proposal" in page
    assert AuditEvent.objects.filter(action="proposal.view", object_id=str(proposal.pk)).exists()


@pytest.mark.parametrize("username", ["kim", "lee", "riverside_admin"])
def test_other_staff_who_see_the_patient_read_it_without_the_forms(
    client: Client, world: World, username: str
) -> None:
    proposal = proposal_to(world, "pause")
    page = text(signed_in(client, username).get(url(proposal)))
    assert "Pause the taper?" in page
    assert "Accept and revise the plan" not in page
    assert (
        "Read only: a prescriber on the patient's care team accepts or rejects a proposal." in page
    )
    for what in ("accept", "reject"):
        refused = client.post(url(proposal, what), {"accept-days": "7", f"{what}-reason": "ok"})
        assert refused.status_code == 403
        assert NOT_A_DECIDER in text(refused)
    assert Proposal.objects.get().status == "open"


@pytest.mark.parametrize("username", ["brook", "alex"])
def test_anyone_else_finds_no_proposal(client: Client, world: World, username: str) -> None:
    proposal = proposal_to(world, "pause")
    signed_in(client, username)
    assert client.get(url(proposal)).status_code == 404
    assert client.post(url(proposal, "accept"), {"accept-days": "7"}).status_code == 404
    assert signed_in(client, "avery").get("/clinic/proposals/99999/").status_code == 404


def test_accepting_revises_the_plan_and_opens_it(client: Client, world: World) -> None:
    proposal = proposal_to(world, "pause")
    signed_in(client, "avery")
    response = client.post(
        url(proposal, "accept"), {"accept-days": "7", "accept-reason": "Symptoms jumped."}
    )
    assert (response.status_code, response["Location"]) == (
        302,
        f"/clinic/plans/{proposal.plan_id}/",
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.revision_number, proposal.reason) == (
        "accepted",
        2,
        "Symptoms jumped.",
    )
    plan_page = text(client.get(response["Location"]))
    assert "The plan in force (revision 2)" in plan_page
    assert (
        f"Pause, 7 days, from {timezone.localdate():%-d %b %Y}. Reason: “Symptoms jumped.” By"
        in plan_page
    )
    decided = text(client.get(url(proposal)))
    assert "Accept and revise the plan" not in decided
    assert "Accepted" in decided
    assert "revision 2</a>" in decided


def test_accepting_without_days_or_reason_is_refused_on_the_field(
    client: Client, world: World
) -> None:
    proposal = proposal_to(world, "pause")
    signed_in(client, "avery")
    no_reason = client.post(url(proposal, "accept"), {"accept-days": "7"})
    assert no_reason.status_code == 400
    assert field_errors(no_reason, "accept-reason") == ["Enter the reason for the decision."]
    no_days = client.post(url(proposal, "accept"), {"accept-reason": "Jumped."})
    assert no_days.status_code == 400
    assert field_errors(no_days, "accept-days") == ["Say how many days to pause the taper for."]
    too_long = client.post(
        url(proposal, "accept"), {"accept-days": "7", "accept-reason": "x" * 401}
    )
    assert field_errors(too_long, "accept-reason") == [
        "The reason is at most 400 characters; this one has 401."
    ]
    assert Proposal.objects.get().status == "open"
    assert not Plan.objects.get().plan_revisions.exists()


def test_the_taper_cores_refusal_is_shown_in_clinical_words(client: Client, world: World) -> None:
    proposal = proposal_to(world, "slow")
    signed_in(client, "avery")
    response = client.post(
        url(proposal, "accept"), {"accept-days": "1", "accept-reason": "Rising."}
    )
    assert response.status_code == 400  # bad-option, kind invalid
    errors = list(response.context["accept_form"].non_field_errors())
    assert errors == [CORE_REFUSAL]
    assert Proposal.objects.get().status == "open"


def test_rejecting_keeps_the_plan_and_a_decided_proposal_is_not_decided_again(
    client: Client, world: World
) -> None:
    proposal = proposal_to(world, "slow")
    signed_in(client, "avery")
    no_reason = client.post(url(proposal, "reject"), {})
    assert no_reason.status_code == 400
    assert field_errors(no_reason, "reject-reason") == ["Enter the reason for the decision."]
    response = client.post(url(proposal, "reject"), {"reject-reason": "Seen today; settling."})
    assert (response.status_code, response["Location"]) == (302, url(proposal))
    page = text(client.get(url(proposal)))
    assert '<dd id="proposal-status">Rejected</dd>' in page
    assert "Seen today; settling." in page
    assert not Plan.objects.get().plan_revisions.exists()
    again = client.post(url(proposal, "accept"), {"accept-days": "21", "accept-reason": "ok"})
    assert again.status_code == 409
    assert "This proposal has been rejected already; nothing was changed." in text(again)


def test_the_record_and_the_plan_page_list_the_proposal_awaiting_a_decision(
    client: Client, world: World
) -> None:
    proposal = proposal_to(world, "pause")
    signed_in(client, "kim")
    link = f'<a href="{url(proposal)}">Decide on the proposal</a>'
    for path in (f"/clinic/patients/{world.alex.pk}/", f"/clinic/plans/{proposal.plan_id}/"):
        page = text(client.get(path))
        assert "Awaiting a decision" in page
        assert link in page
    Proposal.objects.update(status="rejected")
    assert link not in text(client.get(f"/clinic/patients/{world.alex.pk}/"))
