"""The assessment record: unknown, missing and wrong-typed fields are named."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clonacare.core.assessment import FIELDS, INDICATIONS, OPTIONAL, parse_assessment
from clonacare.core.errors import ClinicalError
from tests.samples import ALICE_RECORD

ALICE = ALICE_RECORD


def error(data: object) -> str:
    with pytest.raises(ClinicalError) as exc:
        parse_assessment(data)
    assert exc.value.code == "assessment-field"
    return exc.value.message


def test_it_reads_the_issues_example() -> None:
    record = parse_assessment(ALICE)
    assert record.drug == "clonazepam"
    assert record.benzodiazepines[0].daily_dose_mg == Decimal("1.5")
    assert record.previous_failed_tapers == 0
    # Every field but the optional ones and the list form of the drugs.
    assert set(FIELDS) - set(OPTIONAL) - {"benzodiazepines"} == set(ALICE)


def test_numbers_may_be_decimals() -> None:
    record = parse_assessment({**ALICE, "duration_months": 0.5, "days_per_week": Decimal("3.5")})
    assert record.duration_months == Decimal("0.5")
    assert record.days_per_week == Decimal("3.5")


def test_it_names_an_unknown_field() -> None:
    assert error({**ALICE, "weight_kg": 70}) == "unknown field 'weight_kg'."


def test_it_names_every_unknown_field() -> None:
    assert error({**ALICE, "b": 1, "a": 2}) == "unknown fields 'a', 'b'."


def test_it_names_a_missing_field() -> None:
    data = dict(ALICE)
    del data["support_at_home"]
    assert error(data) == "missing field 'support_at_home'."


def test_it_names_every_missing_field_in_file_order() -> None:
    data = {k: v for k, v in ALICE.items() if k not in ("age", "drug")}
    assert error(data) == "missing fields 'drug', 'age'."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("age", "44", "field 'age' must be a number; got \"44\"."),
        ("age", True, "field 'age' must be a number; got true."),
        ("daily_dose_mg", None, "field 'daily_dose_mg' must be a number; got null."),
        ("pregnant", "no", "field 'pregnant' must be true or false; got \"no\"."),
        ("opioid_use", 0, "field 'opioid_use' must be true or false; got 0."),
        ("drug", 5, "field 'drug' must be a string; got 5."),
        (
            "previous_failed_tapers",
            1.5,
            "field 'previous_failed_tapers' must be a whole number; got 1.5.",
        ),
        ("previous_failed_tapers", -1, "field 'previous_failed_tapers' must be 0 or more; got -1."),
        ("daily_dose_mg", 0, "field 'daily_dose_mg' must be more than 0; got 0."),
        ("duration_months", -2, "field 'duration_months' must be 0 or more; got -2."),
        ("days_per_week", 8, "field 'days_per_week' must be more than 0 and at most 7; got 8."),
        ("days_per_week", 0, "field 'days_per_week' must be more than 0 and at most 7; got 0."),
        ("age", float("nan"), "field 'age' must be a finite number."),
        (
            "suicide_screen",
            "positive",
            "field 'suicide_screen' must be one of: negative, non-acute positive, acute positive, "
            'incomplete; got "positive".',
        ),
    ],
)
def test_it_names_a_wrong_value(field: str, value: object, message: str) -> None:
    assert error({**ALICE, field: value}) == message


def test_it_lists_the_indications() -> None:
    assert error({**ALICE, "indication": "migraine"}) == (
        "field 'indication' must be one of: panic disorder, anxiety, insomnia, epilepsy, "
        'seizure disorder, restless legs syndrome, other; got "migraine".'
    )


@pytest.mark.parametrize("indication", INDICATIONS)
def test_it_accepts_every_indication(indication: str) -> None:
    assert parse_assessment({**ALICE, "indication": indication}).indication == indication


def test_it_refuses_anything_but_an_object() -> None:
    assert error([ALICE]) == "the assessment must be a JSON object."
