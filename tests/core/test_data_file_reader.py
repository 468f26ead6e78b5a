"""One reader for the core's clinical data files: each malformed value is refused with a
message naming the file, the table and the key, the same way in every package."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from clonacare.core.assessment import load_settings
from clonacare.core.errors import ClinicalError
from clonacare.core.sourced import (
    number,
    one_of,
    optional_text,
    required_text,
    table,
    text_list,
    true_or_false,
    whole_number,
)

WHERE = "rules.toml [ceiling]"


@pytest.mark.parametrize(
    ("read", "message"),
    [
        (
            lambda: number({}, "max_cut_pct", WHERE),
            "rules.toml [ceiling]: 'max_cut_pct' is missing.",
        ),
        (
            lambda: number({"max_cut_pct": "many"}, "max_cut_pct", WHERE),
            "rules.toml [ceiling] max_cut_pct: expected a number, got 'many'.",
        ),
        (
            lambda: whole_number({"window_days": 1.5}, "window_days", WHERE),
            "rules.toml [ceiling]: 'window_days' must be a whole number.",
        ),
        (
            lambda: whole_number({"window_days": 0}, "window_days", WHERE, 1, 28),
            "rules.toml [ceiling]: 'window_days' must be a whole number from 1 to 28.",
        ),
        (
            lambda: whole_number({"window_days": True}, "window_days", WHERE, 1),
            "rules.toml [ceiling]: 'window_days' must be a whole number of 1 or more.",
        ),
        (
            lambda: required_text({"source": " "}, "source", WHERE),
            "rules.toml [ceiling]: 'source' must be a non-empty string.",
        ),
        (
            lambda: optional_text({"label": 3}, "label", WHERE),
            "rules.toml [ceiling]: 'label' must be a non-empty string.",
        ),
        (
            lambda: true_or_false({"blocking": "yes"}, "blocking", WHERE),
            "rules.toml [ceiling]: 'blocking' must be true or false.",
        ),
        (
            lambda: one_of({"level": "ward"}, "level", WHERE, ("outpatient", "inpatient")),
            "rules.toml [ceiling]: 'level' must be one of outpatient, inpatient; got 'ward'.",
        ),
        (
            lambda: text_list({"default_order": ["night", 2]}, "default_order", WHERE),
            "rules.toml [ceiling]: 'default_order' must be a list of strings.",
        ),
        (
            lambda: table({"ceiling": 25}, "ceiling", "rules.toml"),
            "rules.toml: the [ceiling] table is missing.",
        ),
    ],
)
def test_it_refuses_a_malformed_value_naming_the_file_table_and_key(
    read: object, message: str
) -> None:
    with pytest.raises(ClinicalError) as refused:
        read()  # type: ignore[operator]
    assert (refused.value.code, refused.value.message) == ("data-file", message)


def test_it_reads_values_exactly() -> None:
    raw = {"max_cut_pct": 0.1, "window_days": 14, "order": ["night", "morning"]}
    assert number(raw, "max_cut_pct", WHERE) == Decimal("0.1")
    assert whole_number(raw, "window_days", WHERE, 1, 28) == 14
    assert text_list(raw, "order", WHERE) == ("night", "morning")
    assert optional_text(raw, "label", WHERE) is None


def test_a_settings_file_is_refused_with_its_own_code(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(
        '[sds]\ndependence_cutoff = 6\nsource = "site"\n'
        '[failed_tapers]\nat_least = 0\nsource = "site"\n',
        encoding="utf-8",
    )
    with pytest.raises(ClinicalError) as refused:
        load_settings(path)
    assert (refused.value.code, refused.value.message) == (
        "settings",
        "settings.toml [failed_tapers]: 'at_least' must be a whole number of 1 or more.",
    )
