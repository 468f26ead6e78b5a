"""US brand names in the drug data: each with the openFDA record that names it."""

from __future__ import annotations

from pathlib import Path

import pytest

from clonacare.core.drugs import brand_index, brand_names, drug_facts, known_drugs
from clonacare.core.errors import ClinicalError


def test_it_names_the_brands_asked_for_with_their_drug() -> None:
    names = brand_names()
    assert names["klonopin"] == "clonazepam"
    assert names["xanax"] == names["xanax xr"] == "alprazolam"
    assert names["ativan"] == "lorazepam"
    assert names["valium"] == "diazepam"
    assert names["restoril"] == "temazepam"
    assert names["halcion"] == "triazolam"
    assert names["librium"] == "chlordiazepoxide"
    assert names["tranxene"] == names["tranxene t-tab"] == "clorazepate"
    assert names["doral"] == "quazepam"


def test_every_brand_names_the_record_it_was_found_in() -> None:
    brands = [b for drug in known_drugs() for b in drug_facts(drug).brands]
    assert len(brands) == len(brand_names()) == 14
    for brand in brands:
        assert brand.source.startswith(
            ("openFDA ", "DailyMed ", "FDA label: ", "Recordati Rare Diseases, ")
        ), brand
        # An address to open, or the FDA's own reference number of the label.
        assert "https://" in brand.source or "FDA reference ID" in brand.source, brand


def test_the_first_brand_is_still_read_as_brand() -> None:
    assert drug_facts("clonazepam").brand == "Klonopin"
    assert drug_facts("alprazolam").brand == "Xanax"
    assert drug_facts("oxazepam").brand is None
    assert drug_facts("oxazepam").brands == ()


def _data(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "drugs.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_a_brand_without_a_source_is_refused_naming_the_drug(tmp_path: Path) -> None:
    path = _data(tmp_path, '[drugs.lorazepam]\nbrands = [{ name = "Ativan" }]\n')
    with pytest.raises(ClinicalError) as refused:
        brand_index(path)
    assert refused.value.code == "data-file"
    assert str(refused.value.message) == (
        "drugs.toml [drugs.lorazepam] Ativan: every clinical value needs a 'source'."
    )


def test_a_brand_without_a_name_is_refused(tmp_path: Path) -> None:
    path = _data(tmp_path, '[drugs.lorazepam]\nbrands = [{ name = " ", source = "x" }]\n')
    with pytest.raises(ClinicalError, match=r"drugs.toml \[drugs.lorazepam\]: every brand needs"):
        brand_index(path)


def test_one_brand_for_two_drugs_is_refused(tmp_path: Path) -> None:
    path = _data(
        tmp_path,
        '[drugs.alprazolam]\nbrands = [{ name = "Calmo", source = "a" }]\n'
        '[drugs.lorazepam]\nbrands = [{ name = "CALMO", source = "b" }]\n',
    )
    with pytest.raises(ClinicalError) as refused:
        brand_index(path)
    assert str(refused.value.message) == (
        "drugs.toml [drugs.lorazepam]: brand 'CALMO' is also a brand of alprazolam."
    )
