"""The initial pace is judged over the first 14 days of reductions, not cut by cut: cuts
that take more than 10% together within them raise ``initial-cut`` (ASAM 2025 Rec 6:
initial reductions of 5–10% every 2–4 weeks)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from clonacare.cli import main
from clonacare.core.taper import TaperRequest, plan_taper

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
