"""Benzodiazepine doses at the four dose times, and the checks every recorded dose passes.

Only what cannot be a dose is refused: a negative amount, something that is not a
number, more decimal places (or digits) than the record stores, and a total of 0 mg
where the patient is not off benzodiazepines. A dose above the label maximum is allowed
(people who misuse take more than labels allow) and is shown as a warning instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from clonacare.core.drugs import drug_facts, known_drugs
from clonacare.core.errors import ClinicalError
from clonacare.patients.models import (
    DOSE_TIMES,
    BenzodiazepineUse,
    Patient,
    label_maximum_exceeded,
)

ZERO_TOTAL = (
    "At least one dose must be above 0 mg. To record that the patient has stopped, set "
    f"the status to '{Patient.Status.RECOVERY.label}' first."
)

_FIELD = BenzodiazepineUse._meta.get_field("morning_mg")
# The record stores DecimalField(max_digits, decimal_places): these are storage limits,
# not clinical ones.
DECIMAL_PLACES: int = _FIELD.decimal_places
STORED_BELOW_MG = Decimal(10) ** (_FIELD.max_digits - DECIMAL_PLACES)


@dataclass(frozen=True)
class Doses:
    """The dose at each dose time, in mg (0 where none is taken)."""

    morning_mg: Decimal = Decimal(0)
    midday_mg: Decimal = Decimal(0)
    evening_mg: Decimal = Decimal(0)
    night_mg: Decimal = Decimal(0)

    @property
    def daily_mg(self) -> Decimal:
        return self.morning_mg + self.midday_mg + self.evening_mg + self.night_mg

    def as_fields(self) -> dict[str, Decimal]:
        """``{"morning_mg": ..., ...}``, the BenzodiazepineUse fields."""
        return {f"{t}_mg": getattr(self, f"{t}_mg") for t in DOSE_TIMES}

    @classmethod
    def of(cls, use: BenzodiazepineUse) -> Doses:
        return cls(**{f"{t}_mg": getattr(use, f"{t}_mg") for t in DOSE_TIMES})


def check_drug(drug: str) -> None:
    """ClinicalError("unknown-drug") naming the known drugs unless ``drug`` is one."""
    if drug not in known_drugs():
        drug_facts(drug)  # raises with the list of known drugs


def check_doses(doses: Doses, *, zero_total_allowed: bool) -> None:
    """Refuse what cannot be a dose; see the module docstring. Raises ClinicalError("dose")."""
    step = Decimal(1).scaleb(-DECIMAL_PLACES)
    for time in DOSE_TIMES:
        mg = getattr(doses, f"{time}_mg")
        if not isinstance(mg, Decimal) or not mg.is_finite():
            raise ClinicalError("dose", f"The {time} dose must be a number of mg.")
        if mg < 0:
            raise ClinicalError("dose", f"The {time} dose cannot be negative.")
        if mg >= STORED_BELOW_MG:
            raise ClinicalError("dose", f"The {time} dose must be less than {STORED_BELOW_MG} mg.")
        if mg != mg.quantize(step):
            raise ClinicalError(
                "dose", f"Give the {time} dose in mg with at most {DECIMAL_PLACES} decimals."
            )
    if doses.daily_mg == 0 and not zero_total_allowed:
        raise ClinicalError("dose", ZERO_TOTAL)


__all__ = ["Doses", "check_doses", "check_drug", "label_maximum_exceeded"]
