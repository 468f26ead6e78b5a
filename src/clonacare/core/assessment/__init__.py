"""Assessment: withdrawal risk, level of care and the assessment record.

Public API::

    record = parse_assessment(json.loads(text, parse_float=Decimal))
    result = assess(record, table=equivalence_table("ashton"), settings=load_settings(),
                    crisis=load_crisis_resources())
    result.level, result.withdrawal.level, result.reasons, result.alerts
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from clonacare.core.assessment.duration import continuous_use_since
from clonacare.core.assessment.level_of_care import (
    LevelOfCare,
    LevelOfCareRules,
    Reason,
    label_indications_of,
    level_of_care,
    level_of_care_rules,
)
from clonacare.core.assessment.record import (
    FIELDS,
    INDICATIONS,
    OPIOID_AGONIST_TREATMENTS,
    OPTIONAL,
    SUICIDE_SCREENS,
    AssessmentRecord,
    Benzodiazepine,
    UpperBound,
    parse_assessment,
    record_bounds,
    shown,
)
from clonacare.core.assessment.settings import AssessmentSettings, load_settings
from clonacare.core.assessment.withdrawal import (
    WithdrawalRisk,
    WithdrawalRules,
    withdrawal_risk,
    withdrawal_rules,
)
from clonacare.core.crisis import CrisisResource, CrisisResources
from clonacare.core.drugs import EquivalenceTable
from clonacare.core.errors import ClinicalError
from clonacare.core.instruments.alerts import Alert, alert
from clonacare.core.taper.rules import load_rules

APPROXIMATE_NOTE = "Dose equivalents are approximate; the clinician confirms the conversion."


@dataclass(frozen=True)
class BenzodiazepineDose:
    """One drug of the record with its daily dose and diazepam-equivalent on the table."""

    drug: str
    daily_dose_mg: Decimal
    diazepam_equivalent_mg: Decimal

    def as_dict(self) -> dict[str, object]:
        return {
            "drug": self.drug,
            "daily_dose_mg": float(self.daily_dose_mg),
            "diazepam_equivalent_mg": float(round(self.diazepam_equivalent_mg, 2)),
        }


@dataclass(frozen=True)
class AssessmentResult:
    """The evaluation of one assessment record.

    ``crisis_resources`` is non-empty exactly when ``alerts`` is.
    """

    level: str
    level_description: str
    withdrawal: WithdrawalRisk
    equivalence_table: str
    equivalence_title: str
    equivalence_source: str
    diazepam_equivalent_mg: Decimal
    benzodiazepines: tuple[BenzodiazepineDose, ...]
    reasons: tuple[Reason, ...]
    alerts: tuple[Alert, ...]
    crisis_resources: tuple[CrisisResource, ...]
    notes: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of the result (what ``clonacare assess`` prints as JSON)."""
        return {
            "level": self.level,
            "level_description": self.level_description,
            "withdrawal_risk": self.withdrawal.level,
            "withdrawal": self.withdrawal.as_dict(),
            "equivalence_table": self.equivalence_table,
            "equivalence_source": self.equivalence_source,
            "diazepam_equivalent_mg": float(round(self.diazepam_equivalent_mg, 2)),
            "benzodiazepines": [b.as_dict() for b in self.benzodiazepines],
            "reasons": [
                {"code": r.code, "message": r.message, "source": r.source, "level": r.level}
                for r in self.reasons
            ],
            "alerts": [a.as_dict() for a in self.alerts],
            "crisis_resources": [r.as_dict() for r in self.crisis_resources],
            "notes": list(self.notes),
        }


def _mg(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _check_drug(benzo: Benzodiazepine, table: EquivalenceTable) -> None:
    """Refuse a drug the table does not know, and a daily dose above the taper core's
    plausibility limit.

    The limit (a diazepam-equivalent) is turned into mg of the drug, so an absurd dose
    such as 1e30 mg is compared, never multiplied.
    """
    if benzo.drug not in table.entries:
        raise ClinicalError(
            "assessment-field",
            f"field '{benzo.field_path}drug': {benzo.drug!r} is not in the {table.title} "
            f"table; known drugs: {', '.join(sorted(table.entries))}.",
        )
    rules = load_rules()
    most_mg = table.from_diazepam_mg(benzo.drug, rules.max_daily_de_mg)
    if benzo.daily_dose_mg > most_mg:
        raise ClinicalError(
            "assessment-field",
            f"field '{benzo.field_path}daily_dose_mg': {benzo.drug} "
            f"{shown(benzo.daily_dose_mg)} mg/day is above the {_mg(most_mg)} mg/day this "
            f"tool accepts ({_mg(rules.max_daily_de_mg)} mg diazepam-equivalent on the "
            f"{table.title} table; {rules.plausibility_source}); check the dose.",
        )


def _check_total(record: AssessmentRecord, total_mg: Decimal, table: EquivalenceTable) -> None:
    """Refuse drugs that each pass the plausibility limit but together exceed it."""
    rules = load_rules()
    if total_mg > rules.max_daily_de_mg:
        raise ClinicalError(
            "assessment-field",
            f"field 'benzodiazepines': {record.drug} together come to {_mg(round(total_mg, 2))} "
            f"mg/day diazepam-equivalent on the {table.title} table, above the "
            f"{_mg(rules.max_daily_de_mg)} mg this tool accepts ({rules.plausibility_source}); "
            f"check the doses.",
        )


def assess(
    record: AssessmentRecord,
    *,
    table: EquivalenceTable,
    settings: AssessmentSettings,
    crisis: CrisisResources,
) -> AssessmentResult:
    """Evaluate ``record``: diazepam-equivalent dose, withdrawal risk, level of care, alerts.

    ``table`` is the taper core's equivalence table (the result names it); the
    diazepam-equivalent is the total over every benzodiazepine of the record. Raises
    ClinicalError("assessment-field") naming a drug's ``drug`` field when the table does
    not know it, its ``daily_dose_mg`` when the dose is above the diazepam-equivalent the
    taper core accepts (its sourced plausibility limit, a typo guard), and
    ``benzodiazepines`` when the drugs' total is. For a drug the table gives as a range,
    the midpoint is used and a note says so. ASAM Table 2's withdrawal risk is computed
    from the total and shown beside the level; a note says it does not raise the level.
    """
    for benzo in record.benzodiazepines:
        _check_drug(benzo, table)
    notes = [APPROXIMATE_NOTE]
    for benzo in record.benzodiazepines:
        entry = table.equivalent(benzo.drug)
        if entry.is_range:
            notes.append(
                f"The {table.title} table gives {benzo.drug} {entry.low_mg}–{entry.high_mg} mg "
                f"as equal to diazepam 10 mg; the midpoint ({entry.midpoint_mg} mg) was used "
                f"(marked as such); the clinician picks the value."
            )
    doses = tuple(
        BenzodiazepineDose(
            drug=b.drug,
            daily_dose_mg=b.daily_dose_mg,
            diazepam_equivalent_mg=table.diazepam_equivalent_mg(b.drug, b.daily_dose_mg),
        )
        for b in record.benzodiazepines
    )
    diazepam_mg = sum((d.diazepam_equivalent_mg for d in doses), Decimal(0))
    if len(record.benzodiazepines) > 1:
        _check_total(record, diazepam_mg, table)
    risk = withdrawal_risk(record.days_per_week, record.duration_months, diazepam_mg)
    rules = level_of_care_rules()
    notes.append(f"{rules.withdrawal_risk_note} [{rules.withdrawal_risk_note_source}]")
    care = level_of_care(record, settings, rules)
    alerts = tuple(alert(code) for code in care.alert_codes)
    return AssessmentResult(
        level=care.level,
        level_description=care.description,
        withdrawal=risk,
        equivalence_table=table.name,
        equivalence_title=table.title,
        equivalence_source=table.source,
        diazepam_equivalent_mg=diazepam_mg,
        benzodiazepines=doses,
        reasons=care.reasons,
        alerts=alerts,
        crisis_resources=crisis.resources if alerts else (),
        notes=tuple(notes),
    )


__all__ = [
    "APPROXIMATE_NOTE",
    "FIELDS",
    "INDICATIONS",
    "OPIOID_AGONIST_TREATMENTS",
    "OPTIONAL",
    "SUICIDE_SCREENS",
    "AssessmentRecord",
    "AssessmentResult",
    "AssessmentSettings",
    "Benzodiazepine",
    "BenzodiazepineDose",
    "LevelOfCare",
    "LevelOfCareRules",
    "Reason",
    "UpperBound",
    "WithdrawalRisk",
    "WithdrawalRules",
    "assess",
    "continuous_use_since",
    "label_indications_of",
    "level_of_care",
    "level_of_care_rules",
    "load_settings",
    "parse_assessment",
    "record_bounds",
    "withdrawal_risk",
    "withdrawal_rules",
]
