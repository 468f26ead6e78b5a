"""A discontinuation dose above the default lets a plan stop from a higher dose: it is
judged only when the plan can end in a stop. A plan that holds an end dose (or custom
steps ending on a dose) never stops, so ``--discontinuation-dose`` is not refused there."""

from __future__ import annotations

import json

import pytest

from clonacare.cli import main

PLAN = ["taper", "plan", "--start", "2027-01-04", "--drug", "diazepam", "--dose", "night=10"]


def test_it_is_not_refused_for_a_plan_that_holds_an_end_dose(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["--method", "percent", "--step", "10", "--end-dose", "2"]
    assert main([*PLAN, *args, "--discontinuation-dose", "1", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["outcome"] == "end-dose"
    assert "rate-limit" not in [w["code"] for w in data["warnings"]]


def test_it_is_not_refused_for_custom_steps_ending_on_a_dose(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["--method", "custom", "--steps", "2027-01-18:night=9"]
    assert main([*PLAN, *args, "--discontinuation-dose", "1", "--format", "json"]) == 0
    capsys.readouterr()


def test_it_is_still_refused_for_a_plan_that_stops(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--method", "custom", "--steps", "2027-01-18:night=9;2027-02-01:stop"]
    assert main([*PLAN, *args, "--discontinuation-dose", "1", "--format", "json"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(
        "clonacare taper: Refused (rate-limit): The discontinuation dose, 1 mg "
        "diazepam-equivalent, is above the 0.5 mg a plan stops from"
    )
