"""Proposals to pause or slow: the rules read the trend of a patient's check-ins while an
approved plan runs and propose; they never change the plan. A prescriber on the care
team accepts a proposal (a revision made by the taper core) or rejects it, with a reason
either way. Through the API: the check-ins, ``/proposals`` and their decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from clonacare.audit.models import AuditEvent
from tests.api_client import ApiClient
from tests.personas import World
from tests.web.proposals_world import ago, approved_plan, check_in

pytestmark = pytest.mark.django_db

BASIS = (
    "ASAM 2025 Joint Clinical Practice Guideline on Benzodiazepine Tapering, Rec 8–9: "
    "evaluate withdrawal at each reduction; when significant symptoms appear, pause or slow "
    "the taper first"
)
NOT_A_DECIDER = "Only a prescriber on the patient's care team accepts or rejects a proposal."


def today() -> dt.date:
    return timezone.localdate()


def proposals(user: Any, **query: Any) -> list[dict[str, Any]]:
    response = ApiClient(user).get("/proposals", **query)
    assert response.status_code == 200
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def rising(world: World) -> dict[str, Any]:
    """Three check-ins rising each day (10, 14, 18): a proposal to slow."""
    for days, total in ((2, 10), (1, 14), (0, 18)):
        check_in(world, ago(days), total)
    (proposal,) = proposals(world.avery)
    return proposal


def decide(user: Any, proposal_id: int, what: str, body: dict[str, Any]) -> tuple[int, Any]:
    response = ApiClient(user).post(f"/proposals/{proposal_id}/{what}", body)
    return response.status_code, response.json()


class TestTheRules:
    def test_it_proposes_slowing_when_three_check_ins_rise(self, world: World) -> None:
        plan = approved_plan(world)
        proposal = rising(world)
        assert {k: proposal[k] for k in ("patient_id", "plan_id", "kind", "status")} == {
            "patient_id": world.alex.pk,
            "plan_id": plan.pk,
            "kind": "slow",
            "status": "open",
        }
        assert proposal["why"] == {
            "rule": "rising",
            "text": "Withdrawal symptoms are rising: 3 check-ins in a row rate higher each "
            "time on the CIWA-B items the patient rates (10, 14, 18, from "
            f"{ago(2)} to {ago(0)}).",
            "check_ins": [
                {"date": ago(0), "ciwa_b_sum": 18},
                {"date": ago(1), "ciwa_b_sum": 14},
                {"date": ago(2), "ciwa_b_sum": 10},
            ],
            "source": "Clonacare default (configurable): three rising check-ins in a row; "
            "no published threshold",
            "basis": BASIS,
        }
        assert (proposal["decided_by"], proposal["reason"], proposal["revision"]) == (
            None,
            "",
            None,
        )

    def test_it_proposes_a_pause_for_a_jump_above_the_patients_own_lowest(
        self, world: World
    ) -> None:
        approved_plan(world)
        check_in(world, ago(1), 5)
        check_in(world, ago(0), 20)
        (proposal,) = proposals(world.avery)
        assert (proposal["kind"], proposal["why"]["rule"]) == ("pause", "severe")
        assert proposal["why"]["text"] == (
            f"Withdrawal symptoms jumped: the check-in of {ago(0)} rates 20 on the CIWA-B "
            "items the patient rates, 15 above the lowest (5) of the 1 check-ins before it."
        )

    def test_it_never_proposes_twice_while_one_is_open(self, world: World) -> None:
        approved_plan(world)
        rising(world)
        check_in(world, ago(3), 2)  # a late entry: the newest still rise
        assert len(proposals(world.avery)) == 1
        assert AuditEvent.objects.filter(action="proposal.make").count() == 1

    def test_it_proposes_nothing_for_a_steady_or_falling_trend(self, world: World) -> None:
        approved_plan(world)
        for days, total in ((2, 18), (1, 14), (0, 14)):
            check_in(world, ago(days), total)
        assert proposals(world.avery) == []

    def test_it_proposes_nothing_without_an_approved_plan(self, world: World) -> None:
        for days, total in ((2, 10), (1, 14), (0, 40)):
            check_in(world, ago(days), total)
        assert proposals(world.avery) == []

    def test_the_patient_does_not_see_proposals(self, world: World) -> None:
        approved_plan(world)
        proposal = rising(world)
        assert proposals(world.alex_user) == []
        status, body = decide(world.alex_user, proposal["id"], "reject", {"reason": "no"})
        assert (status, body) == (404, {"detail": "Proposal not found."})


class TestAccepting:
    def test_accepting_a_pause_makes_a_revision_from_today(self, world: World) -> None:
        plan = approved_plan(world)
        check_in(world, ago(1), 5)
        check_in(world, ago(0), 20)
        (proposal,) = proposals(world.avery)
        status, body = decide(
            world.avery,
            proposal["id"],
            "accept",
            {"reason": "Hold until sleep settles", "days": 14},
        )
        assert status == 200
        assert {k: body[k] for k in ("status", "decided_by", "reason", "revision")} == {
            "status": "accepted",
            "decided_by": "avery",
            "reason": "Hold until sleep settles",
            "revision": 2,
        }
        shown = ApiClient(world.alex_user).get(f"/plans/{plan.pk}").json()
        assert shown["revisions"][-1] == {
            "revision": 2,
            "on": today().isoformat(),
            "action": "pause 14 days",
            "reason": "Hold until sleep settles",
        }
        accepted = AuditEvent.objects.get(action="proposal.accept")
        assert accepted.detail == {"kind": "pause", "revision": 2, "days": 14}

    def test_a_pause_accepted_on_the_plans_first_day_holds_its_first_dose_longer(
        self, world: World
    ) -> None:
        plan = approved_plan(world, days_ago=0)
        first = plan.plan_json["steps"][0]
        check_in(world, ago(1), 5)
        check_in(world, ago(0), 20)
        (proposal,) = proposals(world.avery)
        status, body = decide(
            world.avery, proposal["id"], "accept", {"reason": "Seizure on day one", "days": 14}
        )
        assert (status, body["status"], body["revision"]) == (200, "accepted", 2)
        shown = ApiClient(world.alex_user).get(f"/plans/{plan.pk}").json()
        held = shown["steps"][0]
        assert (held["start"], held["days"]) == (today().isoformat(), first["days"] + 14)
        assert held["note"].endswith(
            f"Paused on {today().isoformat()}, the plan's first day, for 14 days."
        )

    def test_accepting_a_slowing_makes_a_slower_interval(self, world: World) -> None:
        approved_plan(world)
        proposal = rising(world)
        status, body = decide(
            world.avery, proposal["id"], "accept", {"reason": "Rising symptoms", "days": 28}
        )
        assert (status, body["status"], body["revision"]) == (200, "accepted", 2)
        assert AuditEvent.objects.get(action="plan.revise").detail["kind"] == "slow-interval"

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ({"days": 28}, "Enter the reason for the decision."),
            ({"reason": "   ", "days": 28}, "Enter the reason for the decision."),
            ({"reason": "Rising"}, "Say the new number of days between dose reductions."),
            (
                {"reason": "x" * 401, "days": 28},
                "The reason is at most 400 characters; this one has 401.",
            ),
        ],
    )
    def test_it_needs_a_reason_and_the_days(
        self, world: World, body: dict[str, Any], message: str
    ) -> None:
        approved_plan(world)
        proposal = rising(world)
        assert decide(world.avery, proposal["id"], "accept", body) == (400, {"detail": message})
        assert proposals(world.avery)[0]["status"] == "open"

    @pytest.mark.parametrize("who", ["kim", "lee", "riverside_admin"])
    def test_only_a_prescriber_on_the_care_team_decides(self, world: World, who: str) -> None:
        approved_plan(world)
        proposal = rising(world)
        user = getattr(world, who)
        for what, body in (("accept", {"reason": "ok", "days": 28}), ("reject", {"reason": "no"})):
            assert decide(user, proposal["id"], what, body) == (403, {"detail": NOT_A_DECIDER})
        assert proposals(world.avery)[0]["status"] == "open"

    def test_another_program_finds_no_proposal(self, world: World) -> None:
        approved_plan(world)
        proposal = rising(world)
        assert proposals(world.brook) == []
        refused = decide(world.brook, proposal["id"], "accept", {"reason": "ok", "days": 28})
        assert refused == (404, {"detail": "Proposal not found."})
        assert decide(world.avery, 999999, "reject", {"reason": "no"}) == (
            404,
            {"detail": "Proposal not found."},
        )

    def test_a_proposal_for_a_plan_replaced_since_is_refused(self, world: World) -> None:
        approved_plan(world)
        proposal = rising(world)
        approved_plan(world, days_ago=0)
        status, body = decide(world.avery, proposal["id"], "accept", {"reason": "ok", "days": 28})
        assert (status, body) == (
            409,
            {
                "detail": "This plan has been superseded by a later plan: revise the plan in "
                "force instead."
            },
        )
        assert proposals(world.avery)[0]["status"] == "open"


class TestRejecting:
    def test_rejecting_keeps_the_plan_and_the_reason(self, world: World) -> None:
        plan = approved_plan(world)
        proposal = rising(world)
        status, body = decide(world.avery, proposal["id"], "reject", {"reason": "Known flu"})
        assert (status, body["status"], body["reason"], body["revision"]) == (
            200,
            "rejected",
            "Known flu",
            None,
        )
        assert not plan.plan_revisions.exists()
        assert AuditEvent.objects.get(action="proposal.reject").detail == {"kind": "slow"}

    def test_a_decided_proposal_is_not_decided_again(self, world: World) -> None:
        approved_plan(world)
        proposal = rising(world)
        decide(world.avery, proposal["id"], "reject", {"reason": "Known flu"})
        again = {"detail": "This proposal has been rejected already; nothing was changed."}
        assert decide(world.avery, proposal["id"], "reject", {"reason": "x"}) == (409, again)
        accept = decide(world.avery, proposal["id"], "accept", {"reason": "x", "days": 28})
        assert accept == (409, again)

    def test_a_late_entry_proposes_nothing_by_itself(self, world: World) -> None:
        approved_plan(world)
        check_in(world, ago(1), 5)
        check_in(world, ago(0), 10)
        check_in(world, ago(2), 1)  # the trend is now 1, 5, 10: it is not the newest
        assert proposals(world.avery) == []

    def test_the_trend_answered_by_a_decision_never_proposes_again(self, world: World) -> None:
        approved_plan(world)
        for days, total in ((4, 10), (3, 14), (2, 18)):
            check_in(world, ago(days), total)
        (proposal,) = proposals(world.avery)
        decide(world.avery, proposal["id"], "reject", {"reason": "Known flu"})
        check_in(world, ago(1), 20)
        check_in(world, ago(0), 30)  # 20 above 10, but 10 was read for the decision
        assert [p["status"] for p in proposals(world.avery)] == ["rejected"]

    def test_a_new_trend_after_a_decision_proposes_again(self, world: World) -> None:
        approved_plan(world)
        for days, total in ((4, 10), (3, 14), (2, 18)):
            check_in(world, ago(days), total)
        (proposal,) = proposals(world.avery)
        decide(world.avery, proposal["id"], "reject", {"reason": "Known flu"})
        check_in(world, ago(1), 5)
        check_in(world, ago(0), 25)
        newest, _ = proposals(world.avery)
        assert (newest["kind"], newest["status"], newest["why"]["check_ins"]) == (
            "pause",
            "open",
            [{"date": ago(0), "ciwa_b_sum": 25}, {"date": ago(1), "ciwa_b_sum": 5}],
        )

    def test_the_list_filters_by_status(self, world: World) -> None:
        approved_plan(world)
        rising(world)
        assert [p["status"] for p in proposals(world.avery, status="open")] == ["open"]
        assert proposals(world.avery, status="rejected") == []
        assert ApiClient(world.avery).get("/proposals", status="maybe").status_code == 400
