"""A recorded dose change that cuts more than the taper's ceiling (25% in 14 days, ASAM 2025
Rec 6, read from the taper rules) needs a reason, on the pages and in the API: measured
in diazepam-equivalent over every drug, against the highest dose of the 14 days before
the change. The refusal names the ceiling, its source and the size of the cut; the
reason is stored and shown. An increase is not a cut."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from clonacare.audit.models import AuditEvent
from clonacare.patients.models import BenzodiazepineUse, DoseChange
from tests.api_client import ApiClient
from tests.personas import World, signed_in

TODAY = timezone.now().date()
YESTERDAY = TODAY - dt.timedelta(days=1)
SOURCE = "ASAM 2025 Rec 6: the pace should typically not exceed 25% every 2 weeks"
REASON = "Withdrawal is mild; the patient asked to go faster and is seen weekly."


ASHTON = "Ashton (2002/2007)"
VADOD = "VA/DoD SUD CPG (2021)"
SWITCH = (
    " To record a switch to another benzodiazepine, record the new drug's dose first, with "
    "the same date: this cut is then measured against that day's total."
)


def over_ceiling(cut: str, high: str, new: str, vadod: str = "", switch: bool = True) -> str:
    """The refusal for clonazepam alone: the VA/DoD table counts it at half the Ashton
    figures (1 mg, not 0.5 mg, per diazepam 10 mg), the same cut; ``vadod`` instead says
    what that table shows when it differs."""
    other = vadod or (
        f"from {Decimal(high) / 2:g} to {Decimal(new) / 2:g} mg diazepam-equivalent "
        f"on the {VADOD} table"
    )
    return (
        f"This change cuts the daily dose by {cut} in 14 days (from {high} to {new} mg "
        f"diazepam-equivalent on the {ASHTON} table; {other}), more than the ceiling of 25% "
        f"in 14 days ({SOURCE}); give the reason for this cut to record it."
        + (SWITCH if switch else "")
    )


def days_ago(n: int) -> str:
    return (TODAY - dt.timedelta(days=n)).isoformat()


def form(morning: str, night: str, on: str = "", **changes: str) -> dict[str, str]:
    return {
        "drug": "clonazepam",
        "morning_mg": morning,
        "night_mg": night,
        "on": on or YESTERDAY.isoformat(),
        "prescriber_name": "",
    } | changes


def page(world: World, part: str = "benzodiazepine/") -> str:
    return f"/clinic/patients/{world.alex.pk}/{part}"


def body(doses: dict[str, Any], on: str = "", **changes: Any) -> dict[str, Any]:
    return {"drug": "clonazepam", "doses": doses, "on": on or YESTERDAY.isoformat()} | changes


def api_path(world: World) -> str:
    return f"/patients/{world.alex.pk}/benzodiazepine-changes"


def current_daily(world: World) -> list[tuple[str, Decimal]]:
    uses = BenzodiazepineUse.objects.filter(patient=world.alex, ended_on__isnull=True)
    return sorted((u.drug, u.daily_mg) for u in uses)


class TestPages:
    def test_a_cut_above_the_ceiling_without_a_reason_is_refused(
        self, client: Client, world: World
    ) -> None:
        # Clonazepam 1.5 → 1 mg/day: 30 → 20 mg diazepam-equivalent, a third.
        response = signed_in(client, "avery").post(page(world), form("0.5", "0.5"))
        assert response.status_code == 400
        assert response.context["form"].errors["override_reason"] == [
            over_ceiling("33.3%", "30", "20")
        ]
        assert current_daily(world) == [("clonazepam", Decimal("1.5"))]
        assert not DoseChange.objects.exists()
        assert not AuditEvent.objects.filter(action="record.benzo-change").exists()

    def test_the_form_says_when_a_reason_is_needed(self, client: Client, world: World) -> None:
        html = signed_in(client, "avery").get(page(world)).content.decode()
        assert (
            "Needed when the change cuts the daily dose (diazepam-equivalent) by more than 25% "
            f"in 14 days ({SOURCE}). It is kept with the change."
        ) in html

    def test_with_a_reason_it_is_recorded_and_the_reason_shown(
        self, client: Client, world: World
    ) -> None:
        response = signed_in(client, "avery").post(
            page(world), form("0.5", "0.5", override_reason=REASON)
        )
        assert response.status_code == 302
        change = DoseChange.objects.get()
        assert (change.override_reason, change.ceiling_cut_pct) == (REASON, Decimal("33.33"))
        html = client.get(page(world, "")).content.decode()
        assert (
            '<p class="warning-note">A cut of 33.3%, above the ceiling on the pace of a cut. '
            f'<span class="small">Reason: {REASON}</span></p>'
        ) in html
        detail = AuditEvent.objects.get(action="record.benzo-change").detail
        assert (detail["above_ceiling"], detail["cut_pct"], detail["override_reason"]) == (
            True,
            "33.3%",
            REASON,
        )

    def test_exactly_the_ceiling_needs_no_reason(self, client: Client, world: World) -> None:
        # 1.5 → 1.125 mg/day: 25%.
        response = signed_in(client, "avery").post(page(world), form("0.5", "0.625"))
        assert response.status_code == 302
        assert DoseChange.objects.get().ceiling_cut_pct is None

    def test_two_cuts_within_14_days_are_measured_together(
        self, client: Client, world: World
    ) -> None:
        signed_in(client, "avery")
        # 1.5 → 1.25 (16.7%) a week ago, then → 1 (20% of 1.25, 33.3% of 1.5) yesterday.
        assert client.post(page(world), form("0.5", "0.75", on=days_ago(7))).status_code == 302
        second = client.post(page(world), form("0.5", "0.5"))
        assert second.status_code == 400
        assert second.context["form"].errors["override_reason"] == [
            over_ceiling("33.3%", "30", "20")
        ]

    def test_a_cut_after_the_window_is_measured_from_the_dose_then(
        self, client: Client, world: World
    ) -> None:
        signed_in(client, "avery")
        assert client.post(page(world), form("0.5", "0.75", on=days_ago(20))).status_code == 302
        assert client.post(page(world), form("0.5", "0.5")).status_code == 302
        assert not DoseChange.objects.filter(ceiling_cut_pct__isnull=False).exists()

    def test_an_increase_is_not_a_cut(self, client: Client, world: World) -> None:
        signed_in(client, "avery")
        response = client.post(page(world), form("1", "2", on=days_ago(7)))
        assert response.status_code == 302
        assert DoseChange.objects.get().ceiling_cut_pct is None
        # Back to 1.5 within 14 days: half of the highest dose of the window.
        back = client.post(page(world), form("0.5", "1"))
        assert back.status_code == 400
        assert back.context["form"].errors["override_reason"] == [over_ceiling("50%", "60", "30")]

    def test_every_drug_counts_in_diazepam_equivalent(self, client: Client, world: World) -> None:
        signed_in(client, "avery")
        # Diazepam 10 mg starts beside clonazepam (30 → 40 mg): an increase.
        diazepam = form("", "10", drug="diazepam")
        assert client.post(page(world), diazepam).status_code == 302
        # Clonazepam 1.5 → 0.5 the same day: 30 → 10 + 10 = 20 mg, a third of the dose.
        response = client.post(page(world), form("0.5", "0"))
        assert response.status_code == 400
        assert response.context["form"].errors["override_reason"] == [
            over_ceiling("33.3%", "30", "20", vadod=f"on the {VADOD} table no cut")
        ]
        assert current_daily(world) == [("clonazepam", Decimal("1.5")), ("diazepam", Decimal(10))]

    def test_a_nurses_verbal_order_needs_the_reason_too(self, client: Client, world: World) -> None:
        order = {"ordered_by": str(world.avery.pk), "order_kind": "verbal", "read_back": "on"}
        response = signed_in(client, "kim").post(page(world), form("0.5", "0.5", **order))
        assert response.status_code == 400
        assert response.context["form"].errors["override_reason"] == [
            over_ceiling("33.3%", "30", "20")
        ]


class TestApi:
    def test_a_cut_above_the_ceiling_without_a_reason_is_refused(self, world: World) -> None:
        response = ApiClient(world.avery).post(
            api_path(world), body({"morning_mg": 0.5, "night_mg": 0.5})
        )
        assert (response.status_code, response.json()) == (
            400,
            {"detail": over_ceiling("33.3%", "30", "20")},
        )
        assert not DoseChange.objects.exists()

    def test_a_stop_from_a_dose_is_a_full_cut(self, world: World) -> None:
        client = ApiClient(world.avery)
        client.client.patch(
            f"/api/v1/patients/{world.alex.pk}",
            '{"status": "recovery"}',
            content_type="application/json",
            headers=client.headers,
        )
        response = client.post(api_path(world), body({"morning_mg": 0, "night_mg": 0}))
        assert (response.status_code, response.json()) == (
            400,
            {"detail": over_ceiling("100%", "30", "0")},
        )
        stopped = client.post(
            api_path(world), body({"morning_mg": 0}, override_reason="Stopped in hospital.")
        )
        assert stopped.status_code == 201
        (change,) = stopped.json()["dose_changes"]
        assert (change["to_daily_mg"], change["cut_pct"], change["override_reason"]) == (
            0.0,
            100.0,
            "Stopped in hospital.",
        )
        assert current_daily(world) == []

    def test_with_a_reason_it_is_recorded_and_shown(self, world: World) -> None:
        response = ApiClient(world.avery).post(
            api_path(world), body({"morning_mg": 0.5, "night_mg": 0.5}, override_reason=REASON)
        )
        assert response.status_code == 201
        (change,) = response.json()["dose_changes"]
        assert (change["above_ceiling"], change["cut_pct"], change["override_reason"]) == (
            True,
            33.33,
            REASON,
        )

    def test_an_increase_needs_no_reason(self, world: World) -> None:
        response = ApiClient(world.avery).post(api_path(world), body({"night_mg": 3}))
        assert response.status_code == 201
        assert response.json()["dose_changes"][0]["above_ceiling"] is False

    @pytest.mark.parametrize(
        ("reason", "detail"),
        [
            ("x" * 401, "The reason is longer than 400 characters."),
            (7, "field 'override_reason' must be a valid string."),
        ],
    )
    def test_a_wrong_reason_is_refused(self, world: World, reason: Any, detail: str) -> None:
        response = ApiClient(world.avery).post(
            api_path(world), body({"morning_mg": 0.5, "night_mg": 0.5}, override_reason=reason)
        )
        assert (response.status_code, response.json()) == (400, {"detail": detail})
        assert not DoseChange.objects.exists()
