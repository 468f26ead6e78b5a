"""The assessment record: what a clinician records before a taper is planned.

:func:`parse_assessment` turns a JSON object into an :class:`AssessmentRecord`, refusing
unknown fields, missing fields, wrong types and implausible values with a message that
names the field. The upper bounds on numbers are typo guards from ``data/record.toml``.

The benzodiazepines taken are either one drug (``drug`` and ``daily_dose_mg``, the
original format) or a list (``benzodiazepines``: ``[{"drug", "daily_dose_mg",
"indication"?}]``). Fields added after the first release are optional, each with the
safe default of :data:`OPTIONAL`, so records written before them stay valid.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from types import MappingProxyType
from typing import Literal, cast

from clonacare.core.age import BOUNDS_FILE, read_upper_bound
from clonacare.core.age import UpperBound as UpperBound  # the record's bounds are this type
from clonacare.core.errors import ClinicalError
from clonacare.core.sourced import load_toml

# "incomplete": no completed screen (not done, refused, or stopped part way). It is never
# read as negative: it raises the suicide-screen-incomplete alert (level-of-care.toml).
# The field stays required, with no default, so a record that leaves it out is refused
# rather than read as negative.
SuicideScreen = Literal["negative", "non-acute positive", "acute positive", "incomplete"]
SUICIDE_SCREENS: tuple[SuicideScreen, ...] = (
    "negative",
    "non-acute positive",
    "acute positive",
    "incomplete",
)
INDICATIONS = (
    "panic disorder",
    "anxiety",
    "insomnia",
    "epilepsy",
    "seizure disorder",
    "restless legs syndrome",
    "other",
)
OpioidAgonistTreatment = Literal["none", "methadone", "buprenorphine"]
OPIOID_AGONIST_TREATMENTS: tuple[OpioidAgonistTreatment, ...] = (
    "none",
    "methadone",
    "buprenorphine",
)


@dataclass(frozen=True)
class Benzodiazepine:
    """One benzodiazepine taken: its daily dose and the indication it is taken for.

    ``field_path`` is how the record names it in messages: ``""`` for the one-drug
    fields, ``"benzodiazepines[0]."`` for the first entry of the list.
    """

    drug: str
    daily_dose_mg: Decimal
    indication: str
    field_path: str = ""


@dataclass(frozen=True)
class AssessmentRecord:
    benzodiazepines: tuple[Benzodiazepine, ...]
    days_per_week: Decimal
    duration_months: Decimal
    indication: str
    age: Decimal
    pregnant: bool
    history_withdrawal_seizure: bool
    history_withdrawal_delirium: bool
    alcohol_use_disorder: bool
    opioid_use: bool
    other_sedatives: bool
    suicide_screen: SuicideScreen
    unstable_medical: bool
    unstable_psychiatric: bool
    previous_failed_tapers: int
    support_at_home: bool
    seizure_now: bool = False
    delirium_or_psychosis_now: bool = False
    falls_past_year: bool = False
    opioid_nonprescribed: bool = False
    opioid_use_disorder_untreated: bool = False
    opioid_agonist_treatment: OpioidAgonistTreatment = "none"

    @property
    def drug(self) -> str:
        """The drug, or the drugs joined with "and" (as messages name them)."""
        return " and ".join(b.drug for b in self.benzodiazepines)

    def field(self, name: str) -> object:
        """The value of one field by name (level-of-care rules read fields this way)."""
        if name not in FIELDS:
            raise ClinicalError("data-file", f"level-of-care rule names unknown field {name!r}.")
        value: object = getattr(self, name)
        return value


# field → kind; the order is the documented order of the file format.
FIELDS: dict[str, str] = {
    "drug": "text",
    "daily_dose_mg": "positive",
    "days_per_week": "days",
    "duration_months": "non-negative",
    "indication": "indication",
    "age": "non-negative",
    "pregnant": "bool",
    "history_withdrawal_seizure": "bool",
    "history_withdrawal_delirium": "bool",
    "alcohol_use_disorder": "bool",
    "opioid_use": "bool",
    "other_sedatives": "bool",
    "suicide_screen": "suicide_screen",
    "unstable_medical": "bool",
    "unstable_psychiatric": "bool",
    "previous_failed_tapers": "count",
    "support_at_home": "bool",
    "benzodiazepines": "benzodiazepines",
    "seizure_now": "bool",
    "delirium_or_psychosis_now": "bool",
    "falls_past_year": "bool",
    "opioid_nonprescribed": "bool",
    "opioid_use_disorder_untreated": "bool",
    "opioid_agonist_treatment": "opioid_agonist_treatment",
}
# Fields a record may leave out, with the value it then has. Each default is the safe
# one: the finding is absent, so it adds no reason.
OPTIONAL: dict[str, object] = {
    "seizure_now": False,
    "delirium_or_psychosis_now": False,
    "falls_past_year": False,
    "opioid_nonprescribed": False,
    "opioid_use_disorder_untreated": False,
    "opioid_agonist_treatment": "none",
}
# The one-drug fields, required unless the record gives ``benzodiazepines`` instead.
ONE_DRUG_FIELDS = ("drug", "daily_dose_mg")
BENZODIAZEPINE_KEYS = ("drug", "daily_dose_mg", "indication")
DAYS_PER_WEEK = Decimal(7)
MONTHS_PER_YEAR = 12
SHOWN_DIGITS = 24  # a longer number is shown in scientific notation in messages


@cache
def record_bounds() -> Mapping[str, UpperBound]:
    """The upper bounds of ``data/record.toml``, by field name, and ``duration_months``
    bounded by the bound on age, in months.

    Raises ClinicalError("data-file") naming the table for an unknown field, a bound that
    is not a positive number, or a missing source.
    """
    bounds: dict[str, UpperBound] = {}
    for name, raw in load_toml(BOUNDS_FILE).items():
        where = f"{BOUNDS_FILE.name} [{name}]"
        if name not in FIELDS or FIELDS[name] not in ("non-negative", "count"):
            raise ClinicalError("data-file", f"{where}: not a numeric field of the record.")
        bounds[name] = read_upper_bound(name, raw, where)
    if "age" not in bounds:
        raise ClinicalError("data-file", f"{BOUNDS_FILE.name}: the [age] bound is missing.")
    # Nobody has taken a drug for longer than the oldest age accepted.
    bounds["duration_months"] = UpperBound(
        field="duration_months",
        max=bounds["age"].max * MONTHS_PER_YEAR,
        source=f"the bound on age, in months ({bounds['age'].source})",
    )
    return MappingProxyType(bounds)


def _quoted(names: list[str]) -> str:
    return ", ".join(repr(n) for n in names)


def shown(value: object) -> str:
    """A value as it was written in the JSON file (``"44"``, ``true``, ``2.5``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)  # str() refuses an int of thousands of digits
    if isinstance(value, Decimal):
        for text in (str(value), str(value.normalize())):
            if len(text) <= SHOWN_DIGITS:
                return text
        return format(value, ".6e")  # thousands of digits: the magnitude says enough
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _number(name: str, value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ClinicalError(
            "assessment-field", f"field {name!r} must be a number; got {shown(value)}."
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise ClinicalError("assessment-field", f"field {name!r} must be a finite number.")
    try:
        # An int directly: str() refuses one of thousands of digits.
        number = Decimal(value) if isinstance(value, int) else Decimal(str(value))
    except InvalidOperation:  # pragma: no cover - str() of an int/float/Decimal always parses
        raise ClinicalError("assessment-field", f"field {name!r} must be a number.") from None
    if not number.is_finite():
        raise ClinicalError("assessment-field", f"field {name!r} must be a finite number.")
    return number


def _value(name: str, kind: str, value: object) -> object:
    if kind == "bool":
        if not isinstance(value, bool):
            raise ClinicalError(
                "assessment-field", f"field {name!r} must be true or false; got {shown(value)}."
            )
        return value
    if kind in ("text", "indication", "suicide_screen", "opioid_agonist_treatment"):
        if not isinstance(value, str) or not value.strip():
            raise ClinicalError(
                "assessment-field", f"field {name!r} must be a string; got {shown(value)}."
            )
        choices = {
            "indication": INDICATIONS,
            "suicide_screen": SUICIDE_SCREENS,
            "opioid_agonist_treatment": OPIOID_AGONIST_TREATMENTS,
        }.get(kind)
        if choices is not None and value not in choices:
            raise ClinicalError(
                "assessment-field",
                f"field {name!r} must be one of: {', '.join(choices)}; got {shown(value)}.",
            )
        return value.strip().lower() if kind == "text" else value
    number = _number(name, value)
    bound = record_bounds().get(name)
    if bound is not None and number > bound.max:
        # Checked first: a count such as 1e999999 is not turned into a million-digit int.
        raise ClinicalError(
            "assessment-field",
            f"field {name!r} must be at most {bound.max} (a typo guard); got {shown(value)}.",
        )
    if kind == "count":
        if number != number.to_integral_value():
            raise ClinicalError(
                "assessment-field", f"field {name!r} must be a whole number; got {shown(value)}."
            )
        if number < 0:
            raise ClinicalError(
                "assessment-field", f"field {name!r} must be 0 or more; got {number}."
            )
        return int(number)
    if kind == "positive" and number <= 0:
        raise ClinicalError(
            "assessment-field", f"field {name!r} must be more than 0; got {number}."
        )
    if kind == "non-negative" and number < 0:
        raise ClinicalError("assessment-field", f"field {name!r} must be 0 or more; got {number}.")
    if kind == "days" and not Decimal(0) < number <= DAYS_PER_WEEK:
        raise ClinicalError(
            "assessment-field",
            f"field {name!r} must be more than 0 and at most {DAYS_PER_WEEK}; got {number}.",
        )
    return number


def _benzodiazepines(value: object, indication: str) -> tuple[Benzodiazepine, ...]:
    """The ``benzodiazepines`` list: one entry or more, each drug once."""
    if not isinstance(value, list) or not value:
        raise ClinicalError(
            "assessment-field",
            f"field 'benzodiazepines' must be a list of one or more "
            f"{{drug, daily_dose_mg}} objects; got {shown(value)}.",
        )
    entries: list[Benzodiazepine] = []
    for index, raw in enumerate(value):
        path = f"benzodiazepines[{index}]"
        if not isinstance(raw, Mapping):
            raise ClinicalError(
                "assessment-field", f"field {path!r} must be an object; got {shown(raw)}."
            )
        unknown = sorted(str(k) for k in raw if k not in BENZODIAZEPINE_KEYS)
        if unknown:
            raise ClinicalError(
                "assessment-field", f"field {path!r}: unknown key {_quoted(unknown[:1])}."
            )
        missing = [k for k in ONE_DRUG_FIELDS if k not in raw]
        if missing:
            raise ClinicalError(
                "assessment-field", f"field {path!r}: missing key {_quoted(missing[:1])}."
            )
        drug = cast(str, _value(f"{path}.drug", "text", raw["drug"]))
        if any(e.drug == drug for e in entries):
            raise ClinicalError(
                "assessment-field",
                f"field {path + '.drug'!r}: {drug} is listed twice; "
                "give its total daily dose once.",
            )
        entries.append(
            Benzodiazepine(
                drug=drug,
                daily_dose_mg=cast(
                    Decimal, _value(f"{path}.daily_dose_mg", "positive", raw["daily_dose_mg"])
                ),
                indication=cast(str, _value(f"{path}.indication", "indication", raw["indication"]))
                if "indication" in raw
                else indication,
                field_path=f"{path}.",
            )
        )
    return tuple(entries)


def parse_assessment(data: object) -> AssessmentRecord:
    """Validate one assessment (a parsed JSON object) and return the record.

    Numbers may be integers, floats or Decimals (decimals such as 0.5 are fine);
    ``previous_failed_tapers`` must be whole; ``age``, ``duration_months`` and
    ``previous_failed_tapers`` have the upper bounds of :func:`record_bounds`. The drugs
    are either ``drug`` and ``daily_dose_mg`` or a ``benzodiazepines`` list (never both;
    an entry without ``indication`` has the record's). The fields of :data:`OPTIONAL` may
    be left out. Raises ClinicalError("assessment-field") naming the field: unknown fields
    first, then missing ones, then the first wrong value in the documented field order.
    The drugs, and each daily dose's plausibility in diazepam-equivalent, are checked
    against an equivalence table by :func:`clonacare.core.assessment.assess`, not here.
    """
    if not isinstance(data, Mapping):
        raise ClinicalError("assessment-field", "the assessment must be a JSON object.")
    unknown = sorted(str(k) for k in data if k not in FIELDS)
    if unknown:
        noun = "field" if len(unknown) == 1 else "fields"
        raise ClinicalError("assessment-field", f"unknown {noun} {_quoted(unknown)}.")
    listed = "benzodiazepines" in data
    if listed and any(k in data for k in ONE_DRUG_FIELDS):
        raise ClinicalError(
            "assessment-field",
            "give the drugs either as 'benzodiazepines' or as 'drug' and 'daily_dose_mg', "
            "not both.",
        )
    optional = {*OPTIONAL, "benzodiazepines", *(ONE_DRUG_FIELDS if listed else ())}
    missing = [k for k in FIELDS if k not in data and k not in optional]
    if missing:
        noun = "field" if len(missing) == 1 else "fields"
        raise ClinicalError("assessment-field", f"missing {noun} {_quoted(missing)}.")
    values: dict[str, object] = {}
    for name, kind in FIELDS.items():
        if name in data and kind != "benzodiazepines":
            values[name] = _value(name, kind, data[name])
    values = {**OPTIONAL, **values}
    indication = cast(str, values["indication"])
    if listed:
        benzodiazepines = _benzodiazepines(data["benzodiazepines"], indication)
    else:
        benzodiazepines = (
            Benzodiazepine(
                drug=cast(str, values["drug"]),
                daily_dose_mg=cast(Decimal, values["daily_dose_mg"]),
                indication=indication,
            ),
        )
    return AssessmentRecord(
        benzodiazepines=benzodiazepines,
        days_per_week=cast(Decimal, values["days_per_week"]),
        duration_months=cast(Decimal, values["duration_months"]),
        indication=indication,
        age=cast(Decimal, values["age"]),
        pregnant=cast(bool, values["pregnant"]),
        history_withdrawal_seizure=cast(bool, values["history_withdrawal_seizure"]),
        history_withdrawal_delirium=cast(bool, values["history_withdrawal_delirium"]),
        alcohol_use_disorder=cast(bool, values["alcohol_use_disorder"]),
        opioid_use=cast(bool, values["opioid_use"]),
        other_sedatives=cast(bool, values["other_sedatives"]),
        suicide_screen=cast(SuicideScreen, values["suicide_screen"]),
        unstable_medical=cast(bool, values["unstable_medical"]),
        unstable_psychiatric=cast(bool, values["unstable_psychiatric"]),
        previous_failed_tapers=cast(int, values["previous_failed_tapers"]),
        support_at_home=cast(bool, values["support_at_home"]),
        seizure_now=cast(bool, values["seizure_now"]),
        delirium_or_psychosis_now=cast(bool, values["delirium_or_psychosis_now"]),
        falls_past_year=cast(bool, values["falls_past_year"]),
        opioid_nonprescribed=cast(bool, values["opioid_nonprescribed"]),
        opioid_use_disorder_untreated=cast(bool, values["opioid_use_disorder_untreated"]),
        opioid_agonist_treatment=cast(OpioidAgonistTreatment, values["opioid_agonist_treatment"]),
    )
