"""An overridden plan's ``rate-limit`` warning lists every stop and every parameter that
breaks a limit in full: an overridden stop is never hidden behind "and N more". Only
ceiling and minimum-step breaches after the first three are counted; each source is
named once."""

from __future__ import annotations

import json

import pytest

from clonacare.cli import main

CEILING = "ASAM 2025 Rec 6: the pace should typically not exceed 25% every 2 weeks"
FDA = (
    "FDA 2020 boxed warning: withdrawal reactions can be life-threatening (seizures) if the "
    "drug is stopped abruptly or reduced too quickly"
)
STOP = f"{FDA}; {CEILING}"


def rate_limit(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    base = ["taper", "plan", "--start", "2027-01-04", "--drug", "diazepam", "--method", "fixed"]
    assert main([*base, *args, "--override-reason", "inpatient unit", "--format", "json"]) == 0
    warnings = json.loads(capsys.readouterr().out)["warnings"]
    (warning,) = [w for w in warnings if w["code"] == "rate-limit"]
    return warning


def cut(step: int, when: str, frm: str, on: str, to: str, by: str, pct: str) -> str:
    return (
        f"step {step} ({when}) cuts more than 25% in 14 days: {frm} mg diazepam-equivalent/day "
        f"on {on} to {to} on {by} ({pct}) [{CEILING}]"
    )


def test_the_stop_is_listed_after_three_ceiling_breaches(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The reviewer's case: 10 → 7 → 4 → 1 mg every 14 days, then a stop from 1 mg.
    warning = rate_limit(capsys, "--dose", "night=10", "--step", "3")
    assert warning["message"] == (
        "Overridden (inpatient unit): "
        + "; ".join(
            [
                cut(1, "2027-01-18", "10", "2027-01-04", "7", "2027-01-18", "−30%"),
                cut(2, "2027-02-01", "7", "2027-01-18", "4", "2027-02-01", "−42.86%"),
                cut(3, "2027-02-15", "4", "2027-02-01", "1", "2027-02-15", "−75%"),
                "step 4 (2027-03-01) stops the drug from 1 mg diazepam-equivalent/day, above "
                "the discontinuation dose (0.5 mg diazepam-equivalent): a 100% cut of 1 mg "
                f"diazepam-equivalent [{STOP}]",
            ]
        )
        + "."
    )
    assert warning["source"] == f"{CEILING}; {FDA}"


def test_only_ceiling_breaches_beyond_three_are_counted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # 20 mg cut by 3 mg weekly: five ceiling breaches, then a stop from 2 mg.
    warning = rate_limit(capsys, "--dose", "night=20", "--step", "3", "--interval", "7")
    message = str(warning["message"])
    assert message.count("cuts more than 25% in 14 days") == 3
    assert (
        "step 7 (2027-02-22) stops the drug from 2 mg diazepam-equivalent/day, above the "
        "discontinuation dose (0.5 mg diazepam-equivalent): a 100% cut of 2 mg "
        f"diazepam-equivalent [{STOP}]; and 2 more that cut too fast or too often."
    ) in message
