"""A switch to diazepam is gradual (ASAM 2025 Rec 7: over 1–2 weeks, not 1–2 days;
Ashton: a portion at a time): no crossover step replaces more than half of the daily
diazepam-equivalent, and the switch takes at least two steps of at least 7 days each.
The values are in rules.toml with their source."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from clonacare.cli import main
from clonacare.core.taper import TaperRequest, plan_taper
from clonacare.core.taper.rules import load_rules

PLAN = ["taper", "plan", "--start", "2027-01-04"]
PORTION_SOURCE = (
    "Clonacare rule (issue 8), not a guideline value: no switch step replaces more than half "
    "of the daily diazepam-equivalent, and the switch takes at least two steps of at least 7 "
    "days; built on ASAM 2025 Rec 7: transition to the longer-acting benzodiazepine over 1–2 "
    "weeks rather than 1–2 days; and Ashton 2002 (crossover method): substitute a portion of "
    "one dose time's amount at a time (for example a quarter or half), roughly weekly, so no "
    "day sees the whole regimen change"
)


def fails(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """The one line on stderr of a refused command (exit 2, nothing on stdout)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    return err


def test_a_single_night_dose_is_switched_in_portions(capsys: pytest.CaptureFixture[str]) -> None:
    # Clonazepam 2 mg at night is 40 mg diazepam-equivalent (Ashton): never diazepam 40 mg
    # on day one, but half (clonazepam 1 mg + diazepam 20 mg) for a week, then the rest.
    args = [*PLAN, "--drug", "clonazepam", "--dose", "night=2", "--method", "bands"]
    assert main([*args, "--switch-to", "diazepam", "--format", "json"]) == 0
    out, _ = capsys.readouterr()
    steps = json.loads(out)["steps"]
    doses = [[(d["drug"], d["mg"]) for d in s["doses"]] for s in steps[:4]]
    assert doses == [
        [("clonazepam", 2.0)],
        [("clonazepam", 1.0), ("diazepam", 20.0)],
        [("diazepam", 40.0)],
        [("diazepam", 36.0)],
    ]
    assert [(s["kind"], s["start"], s["days"]) for s in steps[:3]] == [
        ("start", "2027-01-04", 7),
        ("crossover", "2027-01-11", 7),
        ("crossover", "2027-01-18", 7),
    ]
    assert [s["diazepam_equivalent_mg"] for s in steps[:3]] == [40.0, 40.0, 40.0]
    assert main([*args, "--switch-to", "diazepam", "--format", "table"]) == 0
    table, _ = capsys.readouterr()
    assert "   1  2027-01-11     7  switch        1 clonazepam + 20 diazepam" in table


def test_a_dose_time_above_half_the_daily_dose_is_switched_in_portions() -> None:
    plan = plan_taper(
        TaperRequest(
            drug="lorazepam",
            doses=(("morning", Decimal("0.5")), ("night", Decimal(2))),
            start=date(2027, 1, 4),
            method="bands",
            switch_to="diazepam",
        )
    )
    # Lorazepam 1 mg = diazepam 10 mg (Ashton): 25 mg a day, so at most 12.5 mg a step;
    # the night's 20 mg goes in halves, then the morning's 5 mg.
    switched = [s for s in plan.steps if s.kind == "crossover"]
    assert [s.note for s in switched] == [
        "Switch part of the night dose: lorazepam 2 mg → lorazepam 1 mg + diazepam 10 mg.",
        "Switch the rest of the night dose: lorazepam 1 mg + diazepam 10 mg → diazepam 20 mg.",
        "Switch the morning dose: lorazepam 0.5 mg → diazepam 5 mg.",
    ]


def test_the_half_and_the_two_weekly_steps_are_sourced_data() -> None:
    rules = load_rules()
    assert rules.crossover_max_share == Decimal("0.5")
    assert (rules.crossover_min_steps, rules.crossover_min_step_days) == (2, 7)
    assert rules.crossover_portion_source == PORTION_SOURCE


def test_a_crossover_step_shorter_than_7_days_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    err = fails(
        capsys,
        *PLAN,
        *("--drug", "clonazepam", "--dose", "night=2", "--method", "bands"),
        *("--switch-to", "diazepam", "--crossover-days", "5", "--format", "json"),
    )
    assert err == (
        "clonacare taper: --crossover-days must be 7 to 365 days: the switch to diazepam is "
        f"gradual ({PORTION_SOURCE}).\n"
    )


def test_a_dose_the_products_cannot_portion_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Temazepam comes as capsules (never split) of 7.5 mg and more: one 7.5 mg capsule at
    # night cannot be switched half at a time. Reversal: the refusal has the "Refused
    # (rule): … Ways out: …" form, and no longer offers tapering without the switch, which
    # the formulary floor refuses for this dose; an override reason switches it in one step
    # (test_taper_floor_smallest_product.py).
    err = fails(
        capsys,
        *PLAN,
        *("--drug", "temazepam", "--dose", "night=7.5", "--method", "bands"),
        *("--switch-to", "diazepam", "--format", "json"),
    )
    assert err == (
        "clonacare taper: Refused (gradual-switch): the formulary 'US default' cannot make a "
        "portion of temazepam 7.5 mg (night) small enough to switch to diazepam gradually: a "
        "step may replace at most 50% of the daily dose (1.875 mg diazepam-equivalent) "
        f"[{PORTION_SOURCE}]. Ways out: a site formulary (--formulary FILE) with smaller "
        "products; or give --override-reason TEXT to switch it in fewer, larger portions.\n"
    )


def test_the_switch_rounds_the_whole_amount_switched_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Temazepam 15 mg = diazepam 7.5 mg, switched in halves: 3.75 mg is made as 3.7 mg,
    # then the whole 7.5 mg (not 3.7 + 3.75 rounded again, 7.4 mg), which is makeable.
    assert (
        main(
            [
                *PLAN,
                *("--drug", "temazepam", "--dose", "night=15", "--method", "bands"),
                *("--switch-to", "diazepam", "--format", "json"),
            ]
        )
        == 0
    )
    steps = json.loads(capsys.readouterr().out)["steps"]
    assert [s["daily_mg"].get("diazepam") for s in steps[1:3]] == [3.7, 7.5]
