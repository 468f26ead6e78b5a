"""The outcomes data file (recovery/data/outcomes.toml): the shipped values, and a
table without its source or with a value out of bounds refused, naming where."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from clonacare.core.errors import ClinicalError
from clonacare.recovery.outcomes_rules import RULES_FILE, load_rules


def edited(tmp_path: Path, old: str, new: str) -> Path:
    text = RULES_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "outcomes.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_shipped_file_sets_eleven_fifty_per_cent_and_below_five() -> None:
    rules = load_rules()
    assert rules.smallest_shown == 11
    assert [(c.instrument, c.response_drop_pct, c.remission_below) for c in rules.instruments] == [
        ("phq9", Decimal(50), 5),
        ("gad7", Decimal(50), 5),
    ]


def test_a_small_cell_rule_without_its_source_is_refused(tmp_path: Path) -> None:
    path = edited(tmp_path, 'source = "CMS cell size', 'note = "CMS cell size')
    with pytest.raises(ClinicalError) as refused:
        load_rules(path)
    assert refused.value.code == "data-file"
    assert refused.value.message == (
        "outcomes.toml [small_cell]: every clinical value needs a 'source'."
    )


def test_a_cut_off_without_its_source_is_refused(tmp_path: Path) -> None:
    path = edited(tmp_path, "remission_source = ", "remission_note = ")
    with pytest.raises(ClinicalError) as refused:
        load_rules(path)
    assert refused.value.message == (
        "outcomes.toml [instruments.phq9]: 'remission_source' must be a non-empty string."
    )


def test_a_response_above_one_hundred_per_cent_is_refused(tmp_path: Path) -> None:
    path = edited(tmp_path, "response_drop_pct = 50", "response_drop_pct = 150")
    with pytest.raises(ClinicalError) as refused:
        load_rules(path)
    assert refused.value.message == (
        "outcomes.toml [instruments.phq9]: 'response_drop_pct' must be above 0 and at most 100."
    )
