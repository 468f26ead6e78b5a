"""Very high doses are escalated, not just warned (a reversal): a starting dose above the
label maximum of its indication (without an indication, the drug's highest label maximum)
blocks the plan until ``--confirmed-by`` names the prescriber who confirms it."""

from __future__ import annotations

import json

import pytest

from clonacare.cli import main

CLONAZEPAM_6 = [
    *("taper", "plan", "--start", "2027-01-04", "--drug", "clonazepam", "--dose", "night=6"),
    *("--method", "bands", "--switch-to", "diazepam", "--format", "json"),
]
ABOVE = (
    "Clonazepam 6 mg/day is above the label maximum (4 mg/day for panic disorder): the "
    "prescriber confirms this starting dose before the plan is made; it may include use "
    "beyond the prescription."
)


def test_a_dose_above_its_indications_maximum_needs_the_prescriber(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([*CLONAZEPAM_6, "--indication", "panic disorder"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"clonacare taper: Plan blocked until a clinician confirms: {ABOVE} [FDA labels: "
        "DailyMed prescribing information] Give --confirmed-by NAME once the responsible "
        "clinician has confirmed.\n"
    )


def test_a_confirmed_dose_is_planned_with_the_confirmation_kept(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = [*CLONAZEPAM_6, "--indication", "panic disorder", "--confirmed-by", "Dr. Avery"]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    (warning,) = [w for w in data["warnings"] if w["message"].startswith("Clonazepam")]
    assert warning == {
        "code": "label-maximum",
        "message": f"{ABOVE} Confirmed by Dr. Avery.",
        "source": "FDA labels: DailyMed prescribing information",
        "blocking": True,
        "confirmed_by": "Dr. Avery",
    }


def test_without_an_indication_the_highest_maximum_counts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Clonazepam's highest label maximum is 20 mg/day (seizure disorders). (The switch
    # makes it diazepam 120 mg/day, above diazepam's 40: the prescriber confirms that.)
    assert main([*CLONAZEPAM_6, "--confirmed-by", "Dr. Avery"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert not [w for w in data["warnings"] if w["message"].startswith("Clonazepam")]
    args = [*CLONAZEPAM_6[:7], "night=21", *CLONAZEPAM_6[8:]]
    assert main(args) == 2
    assert capsys.readouterr().err.startswith(
        "clonacare taper: Plan blocked until a clinician confirms: Clonazepam 21 mg/day is "
        "above the label maximum (20 mg/day for seizure disorders): "
    )
