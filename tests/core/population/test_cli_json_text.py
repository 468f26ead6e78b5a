"""`clonacare population screen --format json` writes the text ``json.dumps(document,
indent=1)`` gives, character for character (the CLI writes it faster, the same way):
text escaped as ASCII, nulls, empty and filled lists, nested objects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clonacare.cli import main
from clonacare.core.population import result_to_dict
from tests.core.population.dispensing import OLDER, PERIOD, fill, run_screen


def test_the_json_text_is_the_standard_librarys(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rows = [fill('Zoë "z" 1', d, strength=10, quantity=120, born=OLDER) for d in (0, 30, 60, 90)]
    rows += [fill("falls", d, born=OLDER, days=7) for d in (0, 50)]
    rows += [fill("opioid", d, drug="oxycodone", born=OLDER) for d in (0, 40)]
    rows += [fill("opioid", d, born=OLDER) for d in (0, 40)]
    diagnoses = [("falls", "W19", "2026-03-01"), ("opioid", "C50.9", "2026-02-01")]
    expected = json.dumps(result_to_dict(run_screen(tmp_path, rows, diagnoses)), indent=1)
    # What the screen gave has each kind of value the writer must get right.
    for part in ('"diagnoses": [\n', '"diagnoses": []', "\\u00eb", '\\"z\\"', "null"):
        assert part in expected

    code = main(
        [
            "population", "screen", str(tmp_path / "fills.csv"), "--diagnoses",
            str(tmp_path / "diagnoses.csv"), "--as-of", PERIOD.end.isoformat(),
            "--format", "json",
        ]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert out == expected + "\n"
