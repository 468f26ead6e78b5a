"""Bands let the clinician choose the end of each band's cut: ``--band-cut low|high``
(default high, the earlier behaviour), in the plan JSON as ``parameters.band_cut`` and in
the table's header."""

from __future__ import annotations

import json

import pytest

from clonacare.cli import main

BANDS = [
    *("taper", "plan", "--start", "2027-01-04", "--drug", "diazepam", "--dose", "night=20"),
    *("--method", "bands"),
]


def dailies(data: dict[str, list[dict[str, dict[str, float]]]]) -> list[float]:
    return [s["daily_mg"]["diazepam"] for s in data["steps"]]


def test_the_low_end_cuts_the_smallest_amount_of_each_band(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # NICE CKS: 10–20 mg cut 1–2 mg; 5–10 mg cut 1 mg.
    assert main([*BANDS, "--band-cut", "low", "--format", "json"]) == 0
    low = json.loads(capsys.readouterr().out)
    assert low["parameters"]["band_cut"] == "low"
    assert dailies(low)[:13] == [20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8]
    assert main([*BANDS, "--format", "json"]) == 0
    high = json.loads(capsys.readouterr().out)
    assert high["parameters"]["band_cut"] == "high"
    assert dailies(high)[:7] == [20, 18, 16, 14, 12, 10, 9]


def test_the_table_header_names_the_end(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*BANDS, "--band-cut", "low", "--format", "table"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == (
        "Method: bands (NICE CKS / Ashton diazepam bands, the low end of each band's cut) "
        "every 14 days"
    )
    assert main([*BANDS, "--format", "table"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == (
        "Method: bands (NICE CKS / Ashton diazepam bands, the high end of each band's cut) "
        "every 14 days"
    )


def test_other_methods_have_no_band_cut(capsys: pytest.CaptureFixture[str]) -> None:
    args = [*BANDS[:-1], "percent", "--step", "10"]
    assert main([*args, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["parameters"]["band_cut"] is None
    assert main([*args, "--band-cut", "low", "--format", "json"]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", "clonacare taper: --band-cut applies to --method bands only.\n")
