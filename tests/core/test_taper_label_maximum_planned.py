"""Every planned daily dose above its drug's label maximum blocks the plan until the
prescriber confirms it (clinical reference: "Above the label maximum is a blocking
warning, never a refusal"), not only the starting dose: the diazepam a switch makes (a
reversal: it was a plain warning) and a dose the prescriber's custom steps raise. An
indication that is given but not one the label names takes the drug's lowest maximum,
and the warning says which maximum it used and why."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from clonacare.cli import main
from clonacare.core.drugs import applicable_label_maximums

PLAN = ["taper", "plan", "--start", "2027-01-04"]
SOURCE = "FDA labels: DailyMed prescribing information"
CONFIRM = "Give --confirmed-by NAME once the responsible clinician has confirmed.\n"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([*PLAN, *args, "--format", "json"])
    out, err = capsys.readouterr()
    return code, out, err


def label_warnings(out: str) -> list[dict[str, object]]:
    return [w for w in json.loads(out)["warnings"] if w["code"] == "label-maximum"]


def test_the_diazepam_of_a_switch_above_its_maximum_needs_the_prescriber(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ("--drug", "clonazepam", "--dose", "night=6", "--method", "bands")
    code, out, err = run(capsys, *args, "--switch-to", "diazepam")
    assert (code, out) == (2, "")
    assert err == (
        "clonacare taper: Plan blocked until a clinician confirms: Diazepam 120 mg/day from "
        "step 2 (2027-01-18), after the switch to diazepam, is above the label maximum (40 "
        "mg/day for anxiety): the prescriber confirms this planned dose before the plan is "
        f"made. [{SOURCE}] {CONFIRM}"
    )


def test_one_confirmation_covers_the_starting_dose_and_the_switch(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(
        capsys,
        *("--drug", "clonazepam", "--dose", "morning=10", "--dose", "night=12"),
        *("--method", "bands", "--switch-to", "diazepam", "--confirmed-by", "Dr Okafor"),
    )
    assert (code, err) == (0, "")
    assert label_warnings(out) == [
        {
            "code": "label-maximum",
            "message": (
                "Clonazepam 22 mg/day is above the label maximum (20 mg/day for seizure "
                "disorders): the prescriber confirms this starting dose before the plan is "
                "made; it may include use beyond the prescription. Confirmed by Dr Okafor."
            ),
            "source": SOURCE,
            "blocking": True,
            "confirmed_by": "Dr Okafor",
        },
        {
            "code": "label-maximum",
            "message": (
                "Diazepam 440 mg/day from step 3 (2027-01-25), after the switch to diazepam, "
                "is above the label maximum (40 mg/day for anxiety): the prescriber confirms "
                "this planned dose before the plan is made. Confirmed by Dr Okafor."
            ),
            "source": SOURCE,
            "blocking": True,
            "confirmed_by": "Dr Okafor",
        },
    ]


RAISED = (
    "--drug", "clonazepam", "--dose", "night=2", "--method", "custom",
    "--indication", "panic disorder", "--override-reason", "inpatient unit",
    "--steps", "2027-01-18:night=6;2027-02-01:night=5;2027-02-15:night=4",
)  # fmt: skip


def test_a_custom_increase_above_the_maximum_needs_the_prescriber(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, *RAISED)
    assert (code, out) == (2, "")
    assert err == (
        "clonacare taper: Plan blocked until a clinician confirms: Clonazepam 6 mg/day from "
        "step 1 (2027-01-18), raised by the prescriber's steps, is above the label maximum "
        "(4 mg/day for panic disorder): the prescriber confirms this planned dose before the "
        f"plan is made. [{SOURCE}] {CONFIRM}"
    )
    code, out, err = run(capsys, *RAISED, "--confirmed-by", "Dr Okafor")
    assert (code, err) == (0, "")
    (warning,) = label_warnings(out)
    assert (warning["blocking"], warning["confirmed_by"]) == (True, "Dr Okafor")
    codes = [w["code"] for w in json.loads(out)["warnings"]]
    assert "dose-increase" in codes


def test_a_custom_increase_within_the_maximum_is_only_a_dose_increase(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(
        capsys,
        *("--drug", "clonazepam", "--dose", "night=2", "--method", "custom"),
        *("--indication", "panic disorder", "--steps", "2027-01-18:night=2.5"),
    )
    assert (code, err) == (0, "")
    assert label_warnings(out) == []


@pytest.mark.parametrize("indication", ["panic", "panic attacks", "PD", "nerves"])
def test_an_unrecognised_indication_takes_the_lowest_maximum_and_says_so(
    capsys: pytest.CaptureFixture[str], indication: str
) -> None:
    # Clonazepam 6 mg: within the 20 mg seizure maximum, above the 4 mg panic maximum.
    args = ("--drug", "clonazepam", "--dose", "night=6", "--method", "bands")
    code, out, err = run(capsys, *args, "--indication", indication)
    assert (code, out) == (2, "")
    assert err == (
        "clonacare taper: Plan blocked until a clinician confirms: Clonazepam 6 mg/day is "
        "above the label maximum (4 mg/day for panic disorder; the indication "
        f"{indication!r} is not one the label names, so its lowest maximum applies): the "
        "prescriber confirms this starting dose before the plan is made; it may include use "
        f"beyond the prescription. [{SOURCE}] {CONFIRM}"
    )


def test_the_lookup_takes_the_lowest_only_when_asked_and_an_indication_is_given() -> None:
    lowest = applicable_label_maximums("alprazolam", "GAD", unrecognised="lowest")
    assert lowest is not None
    assert ([m.mg_per_day for m in lowest.maximums], lowest.named, lowest.lowest) == (
        [Decimal(4)],
        False,
        True,
    )
    for indication in (None, ""):
        highest = applicable_label_maximums("alprazolam", indication, unrecognised="lowest")
        assert highest is not None
        assert [m.mg_per_day for m in highest.maximums] == [Decimal(10)]
    # Other callers (level of care) keep the highest for an indication the label lacks.
    other = applicable_label_maximums("alprazolam", "GAD")
    assert other is not None
    assert [m.mg_per_day for m in other.maximums] == [Decimal(10)]
