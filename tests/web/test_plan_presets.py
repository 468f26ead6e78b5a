"""The draft page's presets are sourced data (plans/data/presets.toml): each fills only
taper options, names its source, and a file that breaks either rule is refused."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from clonacare.core.errors import ClinicalError
from clonacare.plans.presets import load_presets, preset, presets

GOOD = """
[[presets]]
id = "gentle"
title = "Gentle"
summary = "A test preset."
source = "ASAM 2025 Rec 6"
[presets.parameters]
method = "percent"
step = "5"
interval = 28
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "presets.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_shipped_preset_names_its_source() -> None:
    shipped = presets()
    assert [p.id for p in shipped] == ["standard", "slower", "nice-bands", "one-eighth"]
    assert all(p.source.strip() for p in shipped)


def test_the_standard_preset_fills_a_percent_method() -> None:
    standard = preset("standard")
    assert standard is not None
    assert standard.parameters == (
        ("method", "percent"),
        ("step", Decimal(10)),
        ("interval", 14),
    )
    assert preset("no-such-preset") is None


def test_it_reads_a_preset(tmp_path: Path) -> None:
    (gentle,) = load_presets(write(tmp_path, GOOD))
    assert (gentle.id, gentle.value("step"), gentle.value("interval")) == (
        "gentle",
        Decimal(5),
        28,
    )
    assert gentle.value("band_cut") is None


def test_it_refuses_a_preset_without_a_source(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('source = "ASAM 2025 Rec 6"\n', ""))
    with pytest.raises(ClinicalError) as refused:
        load_presets(path)
    assert refused.value.code == "data-file"
    assert refused.value.message == (
        "presets.toml [presets gentle]: every clinical value needs a 'source'."
    )


def test_it_refuses_an_option_a_preset_may_not_fill(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + 'end_dose = "1"\n')
    with pytest.raises(ClinicalError) as refused:
        load_presets(path)
    assert refused.value.message == (
        "presets.toml [presets gentle]: a preset fills only step, interval, method, "
        "switch_to, band_cut; not 'end_dose'."
    )


def test_it_refuses_an_unknown_method(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('method = "percent"', 'method = "hyperbolic"'))
    with pytest.raises(ClinicalError) as refused:
        load_presets(path)
    assert refused.value.message == (
        "presets.toml [presets gentle]: method must be one of percent, fixed, bands, custom, "
        "not 'hyperbolic'."
    )
