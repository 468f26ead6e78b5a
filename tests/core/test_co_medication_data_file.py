"""The co-medications data file (core/drugs/data/co-medications.toml): the drug classes
that matter beside a benzodiazepine, each with its members and its source, and the
loader's refusals of a malformed file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clonacare.core.drugs import co_medications, load_co_medications
from clonacare.core.drugs.co_medications import DATA_FILE
from clonacare.core.errors import ClinicalError

SHIPPED = DATA_FILE.read_text(encoding="utf-8")

# The classes issue 11 names, in the order the file lists them.
CLASSES = (
    "opioids",
    "gabapentinoids",
    "z-drugs",
    "sedating-antihistamines",
    "benzodiazepines",
    "barbiturates",
    "muscle-relaxants",
    "sedating-antidepressants",
    "sedating-antipsychotics",
)


def test_it_lists_every_class_the_issue_names_each_with_drugs_and_a_source() -> None:
    table = co_medications()
    assert tuple(c.id for c in table.classes) == CLASSES
    for drug_class in table.classes:
        assert drug_class.drugs, drug_class.id
        assert drug_class.source.strip(), drug_class.id


def test_methadone_and_buprenorphine_are_marked_for_opioid_use_disorder() -> None:
    table = co_medications()
    assert table.drug("methadone").class_id == "opioids"
    assert table.drug("methadone").moud
    assert table.drug("buprenorphine").moud
    assert not table.drug("oxycodone").moud
    assert table.drug_class("opioids").moud == ("methadone", "buprenorphine")


def test_it_names_drugs_by_generic_name_and_holds_no_dose() -> None:
    table = co_medications()
    for drug in table.drug_ids():
        assert re.fullmatch(r"[a-z]+", drug), drug
    assert not re.search(r"\d\s*(mg|mcg|g)\b", SHIPPED)


def test_every_flag_rule_has_a_source() -> None:
    for rule in co_medications().rules:
        assert rule.source.strip(), rule.code


def test_an_unknown_drug_is_refused_with_its_message() -> None:
    with pytest.raises(ClinicalError) as refused:
        co_medications().drug("aspirin")
    assert refused.value.code == "unknown-co-medication"
    assert refused.value.message == (
        "Unknown drug 'aspirin': choose one of the listed drugs, or leave the drug out and "
        "write the medication's name."
    )
    assert refused.value.kind.status == 400


def planted(tmp_path: Path, old: str, new: str) -> Path:
    assert old in SHIPPED
    path = tmp_path / "co-medications.toml"
    path.write_text(SHIPPED.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'source = "FDA 2020 boxed warning on benzodiazepines: concomitant opioids '
            '(clinical reference, Clonazepam)"',
            "",
            "co-medications.toml [classes.opioids]: every clinical value needs a 'source'.",
        ),
        (
            'source = "FDA 2016 Drug Safety Communication on opioids with benzodiazepines or '
            'other CNS depressants, including alcohol (reference additions)"',
            'source = " "',
            "co-medications.toml [[flags]] opioid-with-cns-depressant: every clinical value "
            "needs a 'source'.",
        ),
        (
            'drugs = ["gabapentin", "pregabalin"]',
            'drugs = ["gabapentin", "oxycodone"]',
            "co-medications.toml [classes.gabapentinoids]: 'oxycodone' is in the class "
            "'opioids' already.",
        ),
        (
            'moud = ["methadone", "buprenorphine"]',
            'moud = ["methadone", "naltrexone"]',
            "co-medications.toml [classes.opioids]: 'moud' names naltrexone, not among its drugs.",
        ),
        (
            'drugs = ["phenobarbital", "butalbital", "pentobarbital"]',
            "drugs = []",
            "co-medications.toml [classes.barbiturates]: 'drugs' must list at least one drug.",
        ),
        (
            'subject = ["gabapentinoids"]',
            'subject = ["gabapentin"]',
            "co-medications.toml [[flags]] gabapentinoid-with-cns-depressant: 'subject' names "
            "'gabapentin', which is not a class or a selector.",
        ),
        (
            'Weigh the combination."\nsource = "{sources}"',
            'Weigh {dose}."\nsource = "{sources}"',
            "co-medications.toml [[flags]] cns-depressants-together: the message may name "
            "{drug} and {other} only, not dose.",
        ),
        (
            'moud_member = "a medication for opioid use disorder"',
            "",
            "co-medications.toml: 'moud_member' must be a non-empty string.",
        ),
    ],
)
def test_a_malformed_file_is_refused_naming_the_table(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    with pytest.raises(ClinicalError) as refused:
        load_co_medications(planted(tmp_path, old, new))
    assert refused.value.code == "data-file"
    assert refused.value.message == message


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "none.toml"
    with pytest.raises(ClinicalError) as refused:
        load_co_medications(missing)
    assert refused.value.message == f"Data file not found: {missing}."
