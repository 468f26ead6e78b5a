"""Each band's bounds follow the reference (NICE CKS, from Ashton): "from > 20 to 40 mg/day
cut 2–4 mg; 10–20 mg cut 1–2 mg; 5–10 mg cut 1 mg; below 5 mg cut 0.5–1 mg". 20 mg is in
10–20 (the top band starts above 20); 5 mg is in 5–10 (a reversal: it was in the lowest
band, so ``--band-cut low`` cut 5 → 4.5); 10 mg, written in both 10–20 and 5–10, is in
5–10 (Clonacare's choice: the smaller cut). Checked on both sides of every bound."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import pytest

from clonacare.cli import main
from clonacare.core.taper.methods import band_for
from clonacare.core.taper.rules import load_rules


@pytest.mark.parametrize(
    ("daily", "cuts"),
    [
        ("20.5", ("2", "4")),
        ("20", ("1", "2")),
        ("10.5", ("1", "2")),
        ("10", ("1", "1")),
        ("5.5", ("1", "1")),
        ("5", ("1", "1")),
        ("4.9", ("0.5", "1")),
        ("0.6", ("0.5", "1")),
    ],
)
def test_each_bound_falls_in_the_band_the_reference_gives(
    daily: str, cuts: tuple[str, str]
) -> None:
    band = band_for(Fraction(daily), load_rules())
    assert (band.cut_low_mg, band.cut_high_mg) == (Decimal(cuts[0]), Decimal(cuts[1]))


@pytest.mark.parametrize(
    ("daily", "low", "high"),
    [
        ("20.5", "18.5", "16.5"),
        ("20", "19", "18"),
        ("10.5", "9.5", "8.5"),
        ("10", "9", "9"),
        ("5", "4", "4"),
        ("4.9", "4.4", "3.9"),
    ],
)
def test_the_first_cut_on_each_side_of_a_bound(
    capsys: pytest.CaptureFixture[str], daily: str, low: str, high: str
) -> None:
    for band_cut, expected in (("low", low), ("high", high)):
        args = [
            *("taper", "plan", "--start", "2027-01-04", "--drug", "diazepam"),
            *("--dose", f"night={daily}", "--method", "bands", "--band-cut", band_cut),
            *("--format", "json"),
        ]
        assert main(args) == 0
        steps = json.loads(capsys.readouterr().out)["steps"]
        assert Decimal(str(steps[1]["diazepam_equivalent_mg"])) == Decimal(expected)
