"""Patients with opioid fills and no benzodiazepine fill are not listed, whatever their
opioids: the screen is of benzodiazepine use."""

from __future__ import annotations

from pathlib import Path

from tests.core.population.dispensing import OLDER, fill, flagged


def test_patients_with_opioid_fills_only_are_not_listed(tmp_path: Path) -> None:
    rows = [fill("opioids", d, drug="oxycodone", days=30, born=OLDER) for d in (0, 20, 40, 60)] + [
        fill("two opioids", d, drug=drug, born=OLDER)
        for d, drug in ((0, "oxycodone"), (10, "morphine"))
    ]
    rows += [fill("p", d, born=OLDER) for d in (0, 30)]
    assert list(flagged(tmp_path, rows)) == ["p"]
