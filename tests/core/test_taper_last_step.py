"""The last step is a cut like any other: a plan stops the drug only from a daily dose at
or below the discontinuation dose. A stop from above it is a 100% cut, refused (exit 2,
one line naming the rule and the ways out) unless an override reason accepts it; the
``rate-limit`` warning then lists it with its size in mg diazepam-equivalent."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from clonacare.cli import main
from clonacare.core.errors import ClinicalError
from clonacare.core.taper import CustomStep, TaperRequest, plan_taper

START = date(2027, 1, 4)
PLAN = ["taper", "plan", "--start", "2027-01-04"]
STOP = (
    "[FDA 2020 boxed warning: withdrawal reactions can be life-threatening (seizures) if the "
    "drug is stopped abruptly or reduced too quickly; ASAM 2025 Rec 6: the pace should "
    "typically not exceed 25% every 2 weeks]"
)
CUSTOM_TO_STOP = [
    "--drug",
    "diazepam",
    "--dose",
    "night=10",
    "--method",
    "custom",
    "--steps",
    "2027-01-18:night=9;2027-02-01:night=8;2027-02-15:stop",
]


def fails(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """The one line on stderr of a refused command (exit 2, nothing on stdout)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    return err


def planned(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main([*args, "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    data: dict[str, object] = json.loads(out)
    return data


def rate_limit(data: dict[str, object]) -> str:
    warnings = data["warnings"]
    assert isinstance(warnings, list)
    (message,) = [w["message"] for w in warnings if w["code"] == "rate-limit"]
    return str(message)


def test_percent_makes_the_last_cut_to_the_discontinuation_dose_then_stops() -> None:
    # Diazepam 20 mg at 10% every 14 days: the cuts go on past 0.6 mg (where the plan
    # used to stop) to 0.5 mg, the discontinuation dose, and the drug stops from there.
    plan = plan_taper(
        TaperRequest(
            drug="diazepam",
            doses=(("night", Decimal(20)),),
            start=START,
            method="percent",
            step=Decimal(10),
        )
    )
    tail = [(s.kind, sum((d.mg for d in s.doses), Decimal(0))) for s in plan.steps[-4:]]
    assert tail == [
        ("reduction", Decimal("0.7")),
        ("reduction", Decimal("0.6")),
        ("reduction", Decimal("0.5")),
        ("discontinuation", 0),
    ]
    assert plan.steps[-1].diazepam_equivalent_mg == 0
    assert plan.steps[-2].diazepam_equivalent_mg <= Fraction(1, 2)
    assert "rate-limit" not in [w.code for w in plan.warnings]


def test_bands_make_the_last_cut_to_the_discontinuation_dose_then_stop(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = planned(capsys, *PLAN, "--drug", "diazepam", "--dose", "night=5", "--method", "bands")
    steps = data["steps"]
    assert isinstance(steps, list)
    assert [s["daily_mg"]["diazepam"] for s in steps[-3:]] == [0.6, 0.5, 0.0]
    assert steps[-1]["note"] == (
        "Stops: the daily dose, 0.5 mg (0.5 mg diazepam-equivalent), is at or below the "
        "discontinuation dose (0.5 mg diazepam-equivalent, a Clonacare default, not a "
        "guideline value)."
    )


def test_custom_steps_ending_in_a_stop_from_above_are_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    err = fails(capsys, *PLAN, *CUSTOM_TO_STOP, "--format", "json")
    assert err == (
        "clonacare taper: Refused (rate-limit): step 3 (2027-02-15) stops the drug from 8 mg "
        "diazepam-equivalent/day, above the discontinuation dose (0.5 mg "
        f"diazepam-equivalent): a 100% cut of 8 mg diazepam-equivalent {STOP}. Add steps "
        "that bring the dose to 0.5 mg diazepam-equivalent/day or less before the stop, or "
        "end on a dose to hold, or give --override-reason TEXT to plan it anyway.\n"
    )


def test_an_overridden_stop_is_listed_in_the_rate_limit_warning_with_its_size(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = planned(capsys, *PLAN, *CUSTOM_TO_STOP, "--override-reason", "inpatient unit")
    assert rate_limit(data) == (
        "Overridden (inpatient unit): step 3 (2027-02-15) stops the drug from 8 mg "
        "diazepam-equivalent/day, above the discontinuation dose (0.5 mg "
        f"diazepam-equivalent): a 100% cut of 8 mg diazepam-equivalent {STOP}."
    )


def test_custom_steps_that_stop_from_the_discontinuation_dose_are_planned() -> None:
    plan = plan_taper(
        TaperRequest(
            drug="diazepam",
            doses=(("night", Decimal("0.6")),),
            start=START,
            method="custom",
            custom_steps=(
                CustomStep(date(2027, 1, 18), (("night", Decimal("0.5")),)),
                CustomStep(date(2027, 2, 1), ()),
            ),
        )
    )
    assert plan.outcome == "discontinued"
    assert "rate-limit" not in [w.code for w in plan.warnings]


def test_a_discontinuation_dose_above_the_default_is_itself_a_breach(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = [*PLAN, "--drug", "diazepam", "--dose", "night=20", "--method", "percent"]
    args += ["--step", "10", "--discontinuation-dose", "2"]
    err = fails(capsys, *args, "--format", "json")
    parameter = (
        "The discontinuation dose, 2 mg diazepam-equivalent, is above the 0.5 mg a plan stops "
        "from (Clonacare default, not a guideline value: the smallest cut in the NICE CKS "
        "bands (0.5 mg diazepam)): the plan would stop the drug from up to 2 mg "
        f"diazepam-equivalent/day, a 100% cut {STOP}"
    )
    assert err == (
        f"clonacare taper: Refused (rate-limit): {parameter}. Use --discontinuation-dose 0.5 "
        "or less, or give --override-reason TEXT to plan it anyway.\n"
    )
    data = planned(capsys, *args, "--override-reason", "short-term use, 6 weeks")
    assert rate_limit(data) == (
        f"Overridden (short-term use, 6 weeks): {parameter}; the step that breaks a limit: "
        "step 25 (2027-12-20) stops the drug from 2 mg diazepam-equivalent/day, above the "
        "discontinuation dose (0.5 mg diazepam-equivalent): a 100% cut of 2 mg "
        f"diazepam-equivalent {STOP}."
    )


def test_a_smaller_discontinuation_dose_needs_no_override() -> None:
    plan = plan_taper(
        TaperRequest(
            drug="diazepam",
            doses=(("night", Decimal(2)),),
            start=START,
            method="percent",
            step=Decimal(25),
            discontinuation_de_mg=Decimal("0.3"),
        )
    )
    assert plan.steps[-2].diazepam_equivalent_mg <= Fraction(3, 10)
    assert "rate-limit" not in [w.code for w in plan.warnings]


def test_a_fixed_cut_that_takes_the_whole_dose_is_a_stop_from_above() -> None:
    # Fixed cuts are literal: 0.5 mg from 1 mg leaves 0.5 mg; the next 0.5 mg cut takes
    # the whole 0.5 mg, at the discontinuation dose, so that stop needs no override.
    plan = plan_taper(
        TaperRequest(
            drug="diazepam",
            doses=(("night", Decimal(1)),),
            start=START,
            method="fixed",
            step=Decimal("0.5"),
            override_reason="the 50% cut from 1 mg was agreed",
        )
    )
    assert [sum((d.mg for d in s.doses), Decimal(0)) for s in plan.steps] == [
        1,
        Decimal("0.5"),
        0,
    ]
    warning = next(w for w in plan.warnings if w.code == "rate-limit")
    assert "stops the drug" not in warning.message
    # A 1 mg cut from 1 mg stops from 1 mg diazepam-equivalent: a stop from above.
    with pytest.raises(ClinicalError) as refused:
        plan_taper(
            TaperRequest(
                drug="diazepam",
                doses=(("night", Decimal(2)),),
                start=START,
                method="fixed",
                step=Decimal(1),
            )
        )
    assert refused.value.code == "rate-limit"
    assert refused.value.message.startswith("Refused (rate-limit): step 1 (2027-01-18) cuts")
