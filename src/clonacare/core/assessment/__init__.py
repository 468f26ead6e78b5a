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

from clonacare.core.assessment.level_of_care import (
    LevelOfCare,
    LevelOfCareRules,
    Reason,
    level_of_care,
    level_of_care_rules,
)
from clonacare.core.assessment.record import (
    FIELDS,
    INDICATIONS,
    SUICIDE_SCREENS,
    AssessmentRecord,
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
    reasons: tuple[Reason, ...]
    alerts: tuple[Alert, ...]
    crisis_resources: tuple[CrisisResource, ...]
    notes: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``clonacare assess --format json``."""
        return {
            "level": self.level,
            "level_description": self.level_description,
            "withdrawal_risk": self.withdrawal.level,
            "withdrawal": self.withdrawal.as_dict(),
            "equivalence_table": self.equivalence_table,
            "equivalence_source": self.equivalence_source,
            "diazepam_equivalent_mg": float(round(self.diazepam_equivalent_mg, 2)),
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


def _check_plausible_dose(record: AssessmentRecord, table: EquivalenceTable) -> None:
    """Refuse a daily dose above the taper core's plausibility limit.

    The limit (a diazepam-equivalent) is turned into mg of the drug, so an absurd dose
    such as 1e30 mg is compared, never multiplied.
    """
    rules = load_rules()
    most_mg = table.from_diazepam_mg(record.drug, rules.max_daily_de_mg)
    if record.daily_dose_mg > most_mg:
        raise ClinicalError(
            "assessment-field",
            f"field 'daily_dose_mg': {record.drug} {shown(record.daily_dose_mg)} mg/day is "
            f"above the {_mg(most_mg)} mg/day this tool accepts ({_mg(rules.max_daily_de_mg)} mg "
            f"diazepam-equivalent on the {table.title} table; {rules.plausibility_source}); "
            f"check the dose.",
        )


def assess(
    record: AssessmentRecord,
    *,
    table: EquivalenceTable,
    settings: AssessmentSettings,
    crisis: CrisisResources,
) -> AssessmentResult:
    """Evaluate ``record``: diazepam-equivalent dose, withdrawal risk, level of care, alerts.

    ``table`` is the taper core's equivalence table (the result names it). Raises
    ClinicalError("assessment-field") naming ``drug`` when the table does not know it, and
    naming ``daily_dose_mg`` when the dose is above the diazepam-equivalent the taper core
    accepts (its sourced plausibility limit, a typo guard). For a drug the table gives as
    a range, the midpoint is used and a note says so.
    """
    if record.drug not in table.entries:
        raise ClinicalError(
            "assessment-field",
            f"field 'drug': {record.drug!r} is not in the {table.title} table; "
            f"known drugs: {', '.join(sorted(table.entries))}.",
        )
    _check_plausible_dose(record, table)
    notes = [APPROXIMATE_NOTE]
    entry = table.equivalent(record.drug)
    if entry.is_range:
        notes.append(
            f"The {table.title} table gives {record.drug} {entry.low_mg}–{entry.high_mg} mg "
            f"as equal to diazepam 10 mg; the midpoint ({entry.midpoint_mg} mg) was used "
            f"(marked as such); the clinician picks the value."
        )
    diazepam_mg = table.diazepam_equivalent_mg(record.drug, record.daily_dose_mg)
    risk = withdrawal_risk(record.days_per_week, record.duration_months, diazepam_mg)
    care = level_of_care(record, settings)
    alerts = tuple(alert(code) for code in care.alert_codes)
    return AssessmentResult(
        level=care.level,
        level_description=care.description,
        withdrawal=risk,
        equivalence_table=table.name,
        equivalence_title=table.title,
        equivalence_source=table.source,
        diazepam_equivalent_mg=diazepam_mg,
        reasons=care.reasons,
        alerts=alerts,
        crisis_resources=crisis.resources if alerts else (),
        notes=tuple(notes),
    )


__all__ = [
    "APPROXIMATE_NOTE",
    "FIELDS",
    "INDICATIONS",
    "SUICIDE_SCREENS",
    "AssessmentRecord",
    "AssessmentResult",
    "AssessmentSettings",
    "LevelOfCare",
    "LevelOfCareRules",
    "Reason",
    "UpperBound",
    "WithdrawalRisk",
    "WithdrawalRules",
    "assess",
    "level_of_care",
    "level_of_care_rules",
    "load_settings",
    "parse_assessment",
    "record_bounds",
    "withdrawal_risk",
    "withdrawal_rules",
]
