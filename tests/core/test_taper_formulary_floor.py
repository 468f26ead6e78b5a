"""The formulary floor no longer ends in a warned stop (a reversal): where the products
cannot make a next step within the limits (clonazepam 0.375 → 0.25 mg is 33%), the plan
is refused, naming the ways out, unless it finishes on diazepam (``--switch-to diazepam``,
or ``--switch-at MG``: the switch begins once the daily dose is at or below MG
diazepam-equivalent, never earlier) or an override reason accepts the stop."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from clonacare.cli import main
from clonacare.core.errors import ClinicalError
from clonacare.core.taper import (
    CustomStep,
    SlowStep,
    TaperRequest,
    adjust_plan,
    plan_from_dict,
    plan_taper,
    plan_to_dict,
)
from clonacare.core.taper.guardrails import Level, find_breaches
from clonacare.core.taper.rules import load_rules

START = date(2027, 1, 4)
CLONAZEPAM = [
    *("taper", "plan", "--start", "2027-01-04", "--drug", "clonazepam", "--dose", "night=1"),
    *("--method", "percent", "--step", "10"),
]
FLOOR = (
    "The formulary 'US default' cannot make a clonazepam dose below 0.375 mg/day within 25% "
    "in 14 days (the nearest dose below, 0.25 mg/day, would be a 33.3% cut)"
)


def fails(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """The one line on stderr of a refused command (exit 2, nothing on stdout)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    return err


def request(**kw: object) -> TaperRequest:
    base: dict[str, object] = {
        "drug": "clonazepam",
        "doses": (("night", Decimal(1)),),
        "start": START,
        "method": "percent",
        "step": Decimal(10),
    }
    base.update(kw)
    return TaperRequest(**base)  # type: ignore[arg-type]


def test_a_plan_that_reaches_the_floor_is_refused_naming_both_ways_out(
    capsys: pytest.CaptureFixture[str],
) -> None:
    err = fails(capsys, *CLONAZEPAM, "--format", "json")
    assert err == (
        f"clonacare taper: Refused (formulary-floor): {FLOOR}: the plan would stop from "
        "0.375 mg/day, a 100% cut (7.5 mg diazepam-equivalent), above the discontinuation "
        "dose (0.5 mg diazepam-equivalent). Ways out: finish on diazepam (--switch-to "
        "diazepam, or --switch-at MG to switch once the daily dose is at or below MG mg "
        "diazepam-equivalent, with MG 7.5 or more), a liquid or compounded form in a site "
        "formulary (--formulary FILE); or give --override-reason TEXT to plan the stop "
        "anyway.\n"
    )
    # 0.125 mg is the smallest US clonazepam ODT: no smaller one to suggest.
    assert "orally disintegrating" not in err


def test_an_overridden_floor_stop_is_listed_with_its_size() -> None:
    plan = plan_taper(request(override_reason="inpatient unit, supervised stop"))
    warning = next(w for w in plan.warnings if w.code == "rate-limit")
    assert warning.message.startswith(
        "Overridden (inpatient unit, supervised stop): step 6 (2027-07-05) stops the drug "
        "from 7.5 mg diazepam-equivalent/day, above the discontinuation dose (0.5 mg "
        "diazepam-equivalent): a 100% cut of 7.5 mg diazepam-equivalent ["
    )
    assert plan.steps[-1].note == (
        "Stops at the formulary's floor: see the formulary-floor and rate-limit warnings."
    )


def test_a_tail_switch_begins_at_the_switch_point_never_earlier(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([*CLONAZEPAM, "--switch-at", "7.5", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    data = json.loads(out)
    assert data["taper_drug"] == "diazepam"
    assert data["parameters"]["switch_to"] == "diazepam"
    assert data["parameters"]["switch_at_diazepam_equivalent_mg"] == 7.5
    steps = data["steps"]
    first_switch = next(i for i, s in enumerate(steps) if s["kind"] == "crossover")
    before = [s["diazepam_equivalent_mg"] for s in steps[:first_switch]]
    # Clonazepam alone is cut until 0.375 mg (7.5 mg diazepam-equivalent), then switched.
    assert before == [20.0, 17.5, 15.0, 12.5, 10.0, 7.5]
    assert {d["drug"] for s in steps[:first_switch] for d in s["doses"]} == {"clonazepam"}
    assert steps[-1]["kind"] == "discontinuation"
    assert steps[-2]["diazepam_equivalent_mg"] <= 0.5
    assert "rate-limit" not in [w["code"] for w in data["warnings"]]


def test_a_switch_point_below_the_floor_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    err = fails(capsys, *CLONAZEPAM, "--switch-at", "5", "--format", "json")
    assert err == (
        f"clonacare taper: Refused (formulary-floor): {FLOOR}, so the dose cannot reach the "
        "switch point (5 mg diazepam-equivalent, clonazepam 0.25 mg/day). Give --switch-at "
        "7.5 or more (the switch then begins at 0.375 mg/day), or --switch-to diazepam "
        "without --switch-at.\n"
    )


@pytest.mark.parametrize(
    ("kw", "code", "message"),
    [
        (
            {"switch_at_de_mg": Decimal(10)},
            "bad-option",
            "The switch point needs a switch to diazepam.",
        ),
        (
            {"switch_to": "diazepam", "switch_at_de_mg": Decimal("0.5")},
            "bad-option",
            "The switch point 0.5 mg diazepam-equivalent must be above the discontinuation dose "
            "(0.5 mg diazepam-equivalent): the switch to diazepam has to come before the stop.",
        ),
        (
            {"switch_to": "diazepam", "switch_at_de_mg": Decimal(0)},
            "bad-option",
            "The switch point must be more than 0 mg.",
        ),
        (
            {"switch_to": "diazepam", "switch_at_de_mg": Decimal(5000)},
            "implausible-dose",
            "The switch point 5000 mg is above the 1000 mg diazepam-equivalent this tool accepts "
            "(Clonacare configuration: a typo guard, not a guideline value); check the value.",
        ),
        (
            {"switch_to": "diazepam", "switch_at_de_mg": Decimal(10), "method": "fixed"},
            "bad-option",
            "The switch point does not apply to the fixed method: its cut is in mg of diazepam "
            "after the switch; use the percent or bands method, or switch at the start.",
        ),
        (
            {"switch_to": "diazepam", "switch_at_de_mg": Decimal(10), "method": "custom"},
            "bad-option",
            "The switch point does not apply to the custom method: the prescriber's steps give the "
            "doses after the switch.",
        ),
    ],
)
def test_it_refuses_a_switch_point_it_cannot_use(
    kw: dict[str, object], code: str, message: str
) -> None:
    if kw.get("method") == "custom":
        kw = {**kw, "step": None, "custom_steps": (CustomStep(date(2027, 2, 1), ()),)}
    if kw.get("method") == "fixed":
        kw = {**kw, "step": Decimal(1)}
    with pytest.raises(ClinicalError) as refused:
        plan_taper(request(**kw))
    assert (refused.value.code, refused.value.message) == (code, message)


def test_it_holds_longer_before_a_cut_where_holding_keeps_the_pace_within_the_ceiling() -> None:
    # Weekly bands from clonazepam: 0.625 → 0.5 mg (−20%) and then 0.375 mg a week later
    # would take 40% in 14 days; the 0.5 mg dose is held until the window allows the cut.
    plan = plan_taper(
        request(
            method="bands",
            step=None,
            interval_days=7,
            switch_to="diazepam",
            switch_at_de_mg=Decimal("7.5"),
        )
    )
    levels = [
        Level(
            day=(s.start - START).days,
            days=s.days,
            de=s.diazepam_equivalent_mg,
            kind=s.kind,
        )
        for s in plan.steps
    ]
    assert find_breaches(levels, load_rules()) == []
    at_half = next(s for s in plan.steps if s.diazepam_equivalent_mg == 10)
    # Held past the week (a cut in its second week would break the ceiling; then the
    # band's 1 mg a week allows the 2.5 mg cut in its third).
    assert at_half.days == 21
    assert plan.steps[at_half.number + 1].diazepam_equivalent_mg == Fraction(15, 2)


def test_a_tail_switch_plan_can_be_slowed_before_the_switch() -> None:
    plan = plan_taper(request(switch_to="diazepam", switch_at_de_mg=Decimal(10)))
    again = plan_from_dict(json.loads(json.dumps(plan_to_dict(plan))))
    assert again.request.switch_at_de_mg == 10
    revised = adjust_plan(again, date(2027, 2, 10), SlowStep(step=Decimal(5)))
    switch = next(s for s in revised.steps if s.kind == "crossover")
    assert revised.steps[switch.number - 1].diazepam_equivalent_mg <= 10
    assert all(s.diazepam_equivalent_mg > 10 for s in revised.steps[: switch.number - 1])
    assert revised.steps[-1].kind == "discontinuation"
