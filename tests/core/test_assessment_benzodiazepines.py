"""More than one benzodiazepine (issue 8): the record takes a ``benzodiazepines`` list,
the one-drug fields stay accepted, and the diazepam-equivalent is the total over the
list on the equivalence table in use (clinical reference, Dose equivalence)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from clonacare.core.assessment import AssessmentResult, assess, load_settings, parse_assessment
from clonacare.core.crisis import load_crisis_resources
from clonacare.core.drugs import equivalence_table
from clonacare.core.errors import ClinicalError
from tests.samples import ALICE_RECORD

WITHOUT_DRUG = {k: v for k, v in ALICE_RECORD.items() if k not in ("drug", "daily_dose_mg")}
TWO = [
    {"drug": "clonazepam", "daily_dose_mg": 1},
    {"drug": "alprazolam", "daily_dose_mg": 0.5},
]


def listed(benzodiazepines: object, **changes: Any) -> dict[str, Any]:
    return {**WITHOUT_DRUG, "benzodiazepines": benzodiazepines, **changes}


def assessed(data: dict[str, Any], table: str = "ashton") -> AssessmentResult:
    return assess(
        parse_assessment(data),
        table=equivalence_table(table),
        settings=load_settings(),
        crisis=load_crisis_resources(),
    )


def error(data: object, table: str = "ashton") -> str:
    with pytest.raises(ClinicalError) as exc:
        assessed(data, table)  # type: ignore[arg-type]
    assert exc.value.code == "assessment-field"
    return exc.value.message


def test_the_total_diazepam_equivalent_adds_every_drug_on_the_table_in_use() -> None:
    # Ashton: clonazepam 0.5 and alprazolam 0.5 each equal diazepam 10 mg.
    assert assessed(listed(TWO)).diazepam_equivalent_mg == Decimal(30)
    # VA/DoD: clonazepam 1 and alprazolam 1 each equal diazepam 10 mg.
    assert assessed(listed(TWO), "vadod").diazepam_equivalent_mg == Decimal(15)


def test_the_withdrawal_risk_uses_the_total() -> None:
    # Ashton: clonazepam 0.25 mg is diazepam 5 mg (low); with lorazepam 1 mg, 15 mg.
    one = [{"drug": "clonazepam", "daily_dose_mg": 0.25}]
    two = [*one, {"drug": "lorazepam", "daily_dose_mg": 1}]
    short = {"duration_months": 2}
    assert assessed(listed(one, **short)).withdrawal.dose_tier == "low"
    assert assessed(listed(two, **short)).withdrawal.dose_tier == "moderate"
    assert assessed(listed(two, **short)).withdrawal.level == "likely"


def test_a_list_of_one_is_the_same_as_the_one_drug_fields() -> None:
    one = assessed(listed([{"drug": "clonazepam", "daily_dose_mg": 1.5}]))
    assert one.as_dict() == assessed(dict(ALICE_RECORD)).as_dict()


def test_an_entry_has_its_own_indication_or_the_records() -> None:
    record = parse_assessment(
        listed([{**TWO[0], "indication": "epilepsy"}, TWO[1]], indication="anxiety")
    )
    assert [(b.drug, b.indication) for b in record.benzodiazepines] == [
        ("clonazepam", "epilepsy"),
        ("alprazolam", "anxiety"),
    ]
    assert record.drug == "clonazepam and alprazolam"


def test_a_drug_with_an_ashton_range_in_the_list_is_noted() -> None:
    notes = assessed(listed([*TWO, {"drug": "estazolam", "daily_dose_mg": 1}])).notes
    assert any("estazolam 1–2 mg" in n and "midpoint (1.5 mg)" in n for n in notes)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {**ALICE_RECORD, "benzodiazepines": TWO},
            "give the drugs either as 'benzodiazepines' or as 'drug' and 'daily_dose_mg', "
            "not both.",
        ),
        (
            listed([]),
            "field 'benzodiazepines' must be a list of one or more {drug, daily_dose_mg} "
            "objects; got [].",
        ),
        (
            listed("clonazepam"),
            "field 'benzodiazepines' must be a list of one or more {drug, daily_dose_mg} "
            'objects; got "clonazepam".',
        ),
        (listed([TWO[0], 3]), "field 'benzodiazepines[1]' must be an object; got 3."),
        (
            listed([{"drug": "clonazepam"}]),
            "field 'benzodiazepines[0]': missing key 'daily_dose_mg'.",
        ),
        (
            listed([{**TWO[0], "since": "2024"}]),
            "field 'benzodiazepines[0]': unknown key 'since'.",
        ),
        (
            listed([TWO[0], {"drug": "alprazolam", "daily_dose_mg": 0}]),
            "field 'benzodiazepines[1].daily_dose_mg' must be more than 0; got 0.",
        ),
        (
            listed([TWO[0], {**TWO[1], "indication": "migraine"}]),
            "field 'benzodiazepines[1].indication' must be one of: panic disorder, anxiety, "
            'insomnia, epilepsy, seizure disorder, restless legs syndrome, other; got "migraine".',
        ),
        (
            listed([TWO[0], {"drug": "Clonazepam", "daily_dose_mg": 1}]),
            "field 'benzodiazepines[1].drug': clonazepam is listed twice; give its total daily "
            "dose once.",
        ),
        (
            {k: v for k, v in ALICE_RECORD.items() if k != "drug"},
            "missing field 'drug'.",
        ),
    ],
)
def test_a_wrong_list_is_refused_naming_the_entry(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ClinicalError) as exc:
        parse_assessment(data)
    assert exc.value.message == message


def test_an_unknown_drug_in_the_list_is_named_by_its_place() -> None:
    assert error(listed([TWO[0], {"drug": "aspirin", "daily_dose_mg": 1}])).startswith(
        "field 'benzodiazepines[1].drug': 'aspirin' is not in the Ashton (2002/2007) table; "
        "known drugs: alprazolam, "
    )


def test_an_implausible_dose_in_the_list_is_named_by_its_place() -> None:
    assert error(listed([TWO[0], {"drug": "alprazolam", "daily_dose_mg": 1e30}])).startswith(
        "field 'benzodiazepines[1].daily_dose_mg': alprazolam 1E+30 mg/day is above the "
    )


def test_drugs_each_plausible_but_together_not_are_refused() -> None:
    # Ashton: clonazepam 40 mg is diazepam 800 mg and alprazolam 20 mg is 400 mg, each
    # under the taper core's typo guard (1000 mg), together above it.
    each_ok = [
        {"drug": "clonazepam", "daily_dose_mg": 40},
        {"drug": "alprazolam", "daily_dose_mg": 20},
    ]
    assert error(listed(each_ok)) == (
        "field 'benzodiazepines': clonazepam and alprazolam together come to 1200 mg/day "
        "diazepam-equivalent on the Ashton (2002/2007) table, above the 1000 mg this tool "
        "accepts (Clonacare configuration: a typo guard, not a guideline value); check the "
        "doses."
    )
