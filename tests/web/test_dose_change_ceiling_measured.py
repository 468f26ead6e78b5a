"""How a recorded dose change is measured against the ceiling (25% in 14 days): every day
from its date to today (a backdated cut is caught on the day a later change meets it), on
both equivalence tables (a reason when either shows a cut above it, naming the table and
its figures, and a range midpoint when one was used), a same-day switch recorded new
drug first, a stop from the discontinuation dose needing no reason (as in the taper),
and a cut just above the ceiling never shown as the ceiling itself."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from clonacare.patients.models import DoseChange
from tests.api_client import ApiClient
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

TODAY = timezone.now().date()
SOURCE = "ASAM 2025 Rec 6: the pace should typically not exceed 25% every 2 weeks"
ASHTON = "Ashton (2002/2007)"
VADOD = "VA/DoD SUD CPG (2021)"
TAIL = (
    f", more than the ceiling of 25% in 14 days ({SOURCE}); give the reason for this cut to "
    "record it."
)
SWITCH = (
    " To record a switch to another benzodiazepine, record the new drug's dose first, with "
    "the same date: this cut is then measured against that day's total."
)


def days_ago(n: int) -> str:
    return (TODAY - dt.timedelta(days=n)).isoformat()


def change(world: World, drug: str, doses: dict[str, Any], on: str, **more: Any) -> Any:
    body = {"drug": drug, "doses": doses, "on": on} | more
    return ApiClient(world.avery).post(f"/patients/{world.alex.pk}/benzodiazepine-changes", body)


def recorded(response: Any) -> None:
    assert response.status_code == 201, response.json()


class TestBackdatedChange:
    def test_a_backdated_cut_is_measured_on_the_days_after_it(self, world: World) -> None:
        # Alex takes clonazepam 1.5 mg (30 mg diazepam-equivalent on Ashton).
        recorded(change(world, "diazepam", {"night_mg": 10}, days_ago(20)))  # 40 mg
        recorded(change(world, "diazepam", {"night_mg": 5}, days_ago(5)))  # 35: 12.5%
        # Clonazepam 1 mg from 10 days ago: 25% that day, but from 5 days ago the total is
        # 25 mg against 40 mg in the 14 days before.
        response = change(world, "clonazepam", {"morning_mg": 0.5, "night_mg": 0.5}, days_ago(10))
        assert (response.status_code, response.json()) == (
            400,
            {
                "detail": f"With this change, the daily dose on {days_ago(5)} is cut by up to "
                f"40% in 14 days (37.5% on the {ASHTON} table, from 40 to 25 mg "
                f"diazepam-equivalent; 40% on the {VADOD} table, from 25 to 15 mg "
                f"diazepam-equivalent){TAIL}{SWITCH}"
            },
        )
        assert DoseChange.objects.count() == 2

    def test_a_cut_the_record_already_had_is_not_asked_for_again(self, world: World) -> None:
        reason = "Admitted; reduced on the ward."
        recorded(
            change(world, "clonazepam", {"night_mg": 0.5}, days_ago(5), override_reason=reason)
        )
        # Diazepam started before that cut raises every day after it: that cut is not this
        # change's.
        recorded(change(world, "diazepam", {"night_mg": 2}, days_ago(8)))


class TestSameDaySwitch:
    def test_the_new_drug_first_then_the_cut_is_a_switch(self, world: World) -> None:
        on = days_ago(1)
        # Clonazepam 1.5 mg (30 mg) → diazepam 30 mg the same day: the total is kept.
        recorded(change(world, "diazepam", {"morning_mg": 10, "night_mg": 20}, on))
        recorded(change(world, "clonazepam", {"morning_mg": 0, "night_mg": 0}, on))
        assert not DoseChange.objects.filter(ceiling_cut_pct__isnull=False).exists()

    def test_the_cut_first_says_how_to_record_a_switch(self, world: World) -> None:
        # Recording a stop first, the diazepam is not yet on the record: the cut is the
        # whole dose, and the refusal says to record the new drug first.
        client = Client()
        signed_in(client, User.objects.get(username="avery"))
        response = client.post(
            f"/clinic/patients/{world.alex.pk}/benzodiazepine/",
            {
                "drug": "clonazepam",
                "morning_mg": "0.25",
                "night_mg": "0.5",
                "on": days_ago(1),
                "prescriber_name": "",
            },
        )
        assert response.status_code == 400
        assert response.context["form"].errors["override_reason"] == [
            "This change cuts the daily dose by 50% in 14 days (from 30 to 15 mg "
            f"diazepam-equivalent on the {ASHTON} table; from 15 to 7.5 mg diazepam-equivalent "
            f"on the {VADOD} table){TAIL}{SWITCH}"
        ]


class TestBothTables:
    def test_a_cut_on_the_vadod_table_alone_needs_a_reason(self, world: World) -> None:
        on = days_ago(1)
        recorded(change(world, "diazepam", {"night_mg": 40}, days_ago(20)))
        recorded(
            change(
                world,
                "clonazepam",
                {"morning_mg": 0, "night_mg": 0},
                days_ago(15),
                override_reason="Clonazepam stopped when diazepam began.",
            )
        )
        # Diazepam 40 → lorazepam 4: 40 mg either way on Ashton, 20 mg on VA/DoD.
        recorded(change(world, "lorazepam", {"night_mg": 4}, on))
        response = change(world, "diazepam", {"night_mg": 0}, on)
        assert (response.status_code, response.json()) == (
            400,
            {
                "detail": "This change cuts the daily dose by 50% in 14 days (from 40 to 20 mg "
                f"diazepam-equivalent on the {VADOD} table; on the {ASHTON} table no cut)"
                f"{TAIL}{SWITCH}"
            },
        )

    def test_a_range_midpoint_is_named(self, world: World) -> None:
        recorded(change(world, "estazolam", {"night_mg": 2}, days_ago(20)))
        response = change(world, "clonazepam", {"morning_mg": 0, "night_mg": 0.5}, days_ago(1))
        assert response.status_code == 400
        assert (
            f"The {ASHTON} table gives estazolam as a range (1–2 mg per diazepam 10 mg): its "
            "midpoint, 1.5 mg, was used."
        ) in response.json()["detail"]


def recovery(world: World) -> None:
    client = ApiClient(world.avery)
    client.client.patch(
        f"/api/v1/patients/{world.alex.pk}",
        '{"status": "recovery"}',
        content_type="application/json",
        headers=client.headers,
    )


def only_diazepam(world: World, night_mg: float) -> None:
    """Alex takes diazepam ``night_mg`` alone, in recovery (so it may be stopped)."""
    recorded(change(world, "diazepam", {"night_mg": night_mg}, days_ago(40)))
    recorded(
        change(
            world,
            "clonazepam",
            {"morning_mg": 0, "night_mg": 0},
            days_ago(30),
            override_reason="Switched to diazepam in hospital.",
        )
    )
    recovery(world)


class TestSmallNumbers:
    def test_a_stop_from_the_discontinuation_dose_needs_no_reason(self, world: World) -> None:
        only_diazepam(world, 0.5)
        recorded(change(world, "diazepam", {"night_mg": 0}, days_ago(1)))
        assert DoseChange.objects.get(drug="diazepam", to_daily_mg=0).ceiling_cut_pct is None

    def test_a_stop_from_above_it_needs_a_reason(self, world: World) -> None:
        only_diazepam(world, 1)
        response = change(world, "diazepam", {"night_mg": 0}, days_ago(1))
        assert (response.status_code, response.json()) == (
            400,
            {
                "detail": "This change cuts the daily dose by 100% in 14 days (from 1 to 0 mg "
                f"diazepam-equivalent on the {ASHTON} table; from 1 to 0 mg "
                f"diazepam-equivalent on the {VADOD} table){TAIL}{SWITCH}"
            },
        )

    def test_a_cut_just_above_the_ceiling_shows_the_digits_that_exceed_it(
        self, world: World
    ) -> None:
        recorded(change(world, "diazepam", {"night_mg": 10}, days_ago(30)))  # 40 mg
        # Clonazepam 1.5 → 0.999 mg: 40 → 29.98 mg, 25.05% (25.0% to one decimal).
        response = change(world, "clonazepam", {"morning_mg": 0.499, "night_mg": 0.5}, days_ago(1))
        assert (response.status_code, response.json()) == (
            400,
            {
                "detail": "This change cuts the daily dose by 25.05% in 14 days (from 40 to "
                f"29.98 mg diazepam-equivalent on the {ASHTON} table; on the {VADOD} table a "
                f"cut of 20%, within the ceiling){TAIL}{SWITCH}"
            },
        )
