"""The initial pace is judged over the first 14 days of reductions, not cut by cut: cuts
that take more than 10% together within them raise ``initial-cut`` (ASAM 2025 Rec 6:
initial reductions of 5–10% every 2–4 weeks)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clonacare.cli import main
from clonacare.core.taper import CustomStep, TaperRequest, plan_taper

DIAZEPAM = [
    *("taper", "plan", "--start", "2027-01-04", "--drug", "diazepam", "--dose", "night=20"),
    *("--method", "percent", "--step", "10", "--format", "json"),
]


def initial_cut(capsys: pytest.CaptureFixture[str], *extra: str) -> list[dict[str, object]]:
    assert main([*DIAZEPAM, *extra]) == 0
    out, _ = capsys.readouterr()
    return [w for w in json.loads(out)["warnings"] if w["code"] == "initial-cut"]


def test_weekly_cuts_of_10_percent_raise_initial_cut(capsys: pytest.CaptureFixture[str]) -> None:
    # 20 → 18 → 16.2 mg within 14 days: 19% together.
    assert initial_cut(capsys, "--interval", "7") == [
        {
            "code": "initial-cut",
            "message": (
                "The cuts in the first 14 days of reductions (steps 1–2, 2027-01-11 to "
                "2027-01-24) take 19% together, above the usual initial 5–10%."
            ),
            "source": (
                "ASAM 2025 Rec 6: initial reductions of 5–10% of the current total daily "
                "dose every 2–4 weeks; Clonacare rule, not a guideline value: the initial "
                "pace is judged over the shortest of ASAM's periods (2 weeks), so weekly "
                "cuts count together"
            ),
            "blocking": False,
            "confirmed_by": None,
        }
    ]


def test_cuts_of_10_percent_every_14_days_do_not(capsys: pytest.CaptureFixture[str]) -> None:
    assert initial_cut(capsys) == []


def test_weekly_cuts_of_5_percent_do_not() -> None:
    # 20 → 19 → 18.05 mg: 9.75% in the first 14 days, inside ASAM's 5–10%.
    plan = plan_taper(
        TaperRequest(
            drug="diazepam",
            doses=(("night", Decimal(20)),),
            start=date(2027, 1, 4),
            method="percent",
            step=Decimal(5),
            interval_days=7,
        )
    )
    assert "initial-cut" not in [w.code for w in plan.warnings]


def test_the_stop_is_not_counted_as_an_initial_cut(capsys: pytest.CaptureFixture[str]) -> None:
    # Diazepam 0.6 mg weekly: 0.6 → 0.5 mg, then the stop seven days later. The stop is
    # judged by the stop rule; the initial pace counts the one cut (16.67%), not "100%".
    args = [*DIAZEPAM[:7], "night=0.6", "--method", "bands", "--interval", "7"]
    assert main([*args, "--format", "json"]) == 0
    warnings = json.loads(capsys.readouterr().out)["warnings"]
    assert [w["message"] for w in warnings if w["code"] == "initial-cut"] == [
        "The first cut (step 1, 2027-01-11) is 16.67%, above the usual initial 5–10%."
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    start_tenths=st.integers(50, 400),
    steps=st.lists(st.tuples(st.integers(7, 21), st.integers(0, 40)), min_size=1, max_size=5),
)
def test_initial_cut_warns_exactly_when_the_first_14_days_take_more_than_10_percent(
    start_tenths: int, steps: list[tuple[int, int]]
) -> None:
    # Custom diazepam steps (any 0.1 mg dose is made with the liquid), never raised and
    # ending on a dose; each step cuts 0–40% of the dose before it (rounded to 0.1 mg).
    start = date(2027, 1, 4)
    doses = [Decimal(start_tenths) / 10]
    days = [0]
    for gap, cut_pct in steps:
        nxt = (doses[-1] * (100 - cut_pct) / 100).quantize(Decimal("0.1"), rounding="ROUND_UP")
        doses.append(max(nxt, Decimal("0.1")))
        days.append(days[-1] + gap)
    custom = tuple(
        CustomStep(start=start + timedelta(days=day), doses=(("night", mg),))
        for day, mg in zip(days[1:], doses[1:], strict=True)
    )
    plan = plan_taper(
        TaperRequest(
            drug="diazepam",
            doses=(("night", doses[0]),),
            start=start,
            method="custom",
            custom_steps=custom,
            override_reason="property",
        )
    )
    warned = any(w.code == "initial-cut" for w in plan.warnings)
    first = next((i for i in range(1, len(doses)) if doses[i] < doses[i - 1]), None)
    if first is None:
        assert not warned
        return
    window_end = days[first] + 14
    lowest = min(d for d, day in zip(doses[first:], days[first:], strict=True) if day < window_end)
    before = doses[first - 1]
    assert warned == ((before - lowest) / before * 100 > 10)
