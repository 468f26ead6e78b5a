"""Each opioid's MME factor equals the value of the table its row cites.

The tables are transcribed here from the publications, apart from the data file, so
that a wrong factor (or a factor cited to a table that does not hold it) fails."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from clonacare.core.errors import ClinicalError
from clonacare.core.population import definitions as population_definitions
from clonacare.core.population import load_definitions

# CDC Clinical Practice Guideline for Prescribing Opioids for Pain, 2022 (Dowell et al.,
# MMWR Recomm Rep 2022;71(No. RR-3)), Table. Fentanyl's factor is per mcg/hour.
CDC_2022 = {
    "codeine": Decimal("0.15"),
    "fentanyl": Decimal("2.4"),
    "hydrocodone": Decimal("1.0"),
    "hydromorphone": Decimal("5.0"),
    "methadone": Decimal("4.7"),
    "morphine": Decimal("1.0"),
    "oxycodone": Decimal("1.5"),
    "oxymorphone": Decimal("3.0"),
    "tapentadol": Decimal("0.4"),
    "tramadol": Decimal("0.2"),
}
# CMS "Opioid Oral Morphine Milligram Equivalent (MME) Conversion Factors", rows per mg
# that are the same in the 2014 version and the CDC 2017 compilation (methadone is
# tiered by dose in 2017, so it is left out).
CMS_MME = {
    "codeine": Decimal("0.15"),
    "dihydrocodeine": Decimal("0.25"),
    "hydrocodone": Decimal("1"),
    "morphine": Decimal("1"),
    "oxycodone": Decimal("1.5"),
    "oxymorphone": Decimal("3"),
    "tapentadol": Decimal("0.4"),
}
TABLES = {"cdc-2022": CDC_2022, "cms-mme": CMS_MME}


def test_it_gives_each_opioid_the_factor_of_the_table_it_cites() -> None:
    opioids = load_definitions().opioids
    assert opioids
    for opioid in opioids:
        table = TABLES[opioid.source]
        assert opioid.drug in table, f"{opioid.drug} is not in {opioid.source}"
        assert opioid.mme_factor == table[opioid.drug], opioid.drug
        assert opioid.citation


def test_it_prefers_cdc_2022_wherever_cdc_2022_lists_the_drug() -> None:
    for opioid in load_definitions().opioids:
        if opioid.drug in CDC_2022:
            assert opioid.source == "cdc-2022", opioid.drug


def test_it_names_the_guideline_in_the_citation() -> None:
    cited = {o.source: o.citation for o in load_definitions().opioids}
    assert "MMWR Recomm Rep 2022;71(No. RR-3)" in cited["cdc-2022"]
    assert "Conversion Factors" in cited["cms-mme"]


def _load_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    """Load the definitions with the opioids file changed (``old`` -> ``new``); a copy of
    the flags file at a new path, so the definitions are read afresh, not cached."""
    text = population_definitions.OPIOIDS_FILE.read_text(encoding="utf-8")
    assert old in text
    opioids = tmp_path / "opioids.toml"
    opioids.write_text(text.replace(old, new, 1), encoding="utf-8")
    flags = tmp_path / "flags.toml"
    flags.write_text(population_definitions.FLAGS_FILE.read_text(encoding="utf-8"))
    monkeypatch.setattr(population_definitions, "OPIOIDS_FILE", opioids)
    load_definitions(flags)


CODEINE = 'codeine = { factor = 0.15, source = "cdc-2022" }'


def test_it_refuses_a_factor_without_a_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ClinicalError, match=r"\[opioids\] codeine: every clinical value needs"):
        _load_with(tmp_path, monkeypatch, CODEINE, "codeine = { factor = 0.15 }")


def test_it_refuses_a_source_that_is_not_a_citation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cited = 'codeine = { factor = 0.15, source = "cdc-2016" }'
    with pytest.raises(ClinicalError, match=r"the source 'cdc-2016' is not one of \[citations\]"):
        _load_with(tmp_path, monkeypatch, CODEINE, cited)


def test_it_refuses_a_bare_factor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ClinicalError, match="expected a table with a 'factor' and a 'source'"):
        _load_with(tmp_path, monkeypatch, CODEINE, "codeine = 0.15")
