"""What a prescriber asks a plan to be, named as the taper command's options.

``PlanParameters`` holds the fields as given (the API's body, a future form); ``resolve``
fills in what the record knows (the drug and its doses from the patient's current
benzodiazepine regimen, the patient's age on the start date, today as the start), and
``taper_request`` turns the result into the taper core's ``TaperRequest``. The core
checks every value (a dose, a date, a method's options) and refuses with its own codes;
this module refuses only what the core cannot know: which regimen of the record to
plan from.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from typing import Any

from clonacare.core.errors import ClinicalError
from clonacare.core.taper import CustomStep, PatientFactors, TaperRequest
from clonacare.patients.models import Patient

# The longest texts the plan keeps (Plan.override_reason, Plan.confirmed_by).
REASON_MAX = 400
NAME_MAX = 120


@dataclass(frozen=True)
class PlanParameters:
    """A plan as asked for; each field is the taper command's option of the same name
    (``interval`` is ``--interval``, ``switch_at`` ``--switch-at``, ``steps`` ``--steps``).

    ``drug`` and ``doses`` left out: the patient's current regimen. ``start`` left out:
    today. ``age`` is never given: it is the record's (``resolve``).
    """

    method: str
    drug: str | None = None
    doses: tuple[tuple[str, Decimal], ...] | None = None
    step: Decimal | None = None
    interval: int | None = None
    start: dt.date | None = None
    switch_to: str | None = None
    switch_at: Decimal | None = None
    band_cut: str | None = None
    crossover_order: tuple[str, ...] | None = None
    crossover_days: int | None = None
    reduce_first: tuple[str, ...] | None = None
    equivalence: str = "ashton"
    equivalent_mg: Decimal | None = None
    end_dose: Decimal | None = None
    final_hold: int | None = None
    discontinuation_dose: Decimal | None = None
    override_reason: str | None = None
    confirmed_by: str | None = None
    indication: str | None = None
    pregnant: bool = False
    opioid_use: bool = False
    history_withdrawal_seizure: bool = False
    history_withdrawal_delirium: bool = False
    steps: tuple[CustomStep, ...] = ()
    age: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """The parameters as JSON (stored with the plan): numbers as JSON numbers (whole
        ones as integers), dates as ``YYYY-MM-DD``, ``doses`` as ``{"night": 1}``."""
        data = asdict(self)
        data["doses"] = None if self.doses is None else {t: _number(mg) for t, mg in self.doses}
        data["steps"] = [
            {"start": s.start.isoformat(), "doses": {t: _number(mg) for t, mg in s.doses}}
            for s in self.steps
        ]
        for key in ("crossover_order", "reduce_first"):
            data[key] = list(data[key]) if data[key] is not None else None
        for key, value in data.items():
            if isinstance(value, Decimal):
                data[key] = _number(value)
            elif isinstance(value, dt.date):
                data[key] = value.isoformat()
        return data


def _number(value: Decimal) -> int | float | str:
    """A JSON number; the exact text where a float cannot hold it (the core refuses
    such values first, so this only keeps the stored JSON valid)."""
    if value == value.to_integral_value():
        return int(value)
    number = float(value)
    return number if math.isfinite(number) else str(value)


def _text(value: str | None, limit: int, label: str) -> str | None:
    """``value`` stripped, None when empty; refused when longer than ``limit``."""
    cleaned = (value or "").strip()
    if len(cleaned) > limit:
        raise ClinicalError("too-long", f"The {label} is longer than {limit} characters.")
    return cleaned or None


def _current_regimen(
    patient: Patient, drug: str | None
) -> tuple[str, tuple[tuple[str, Decimal], ...]]:
    """The drug and doses of the patient's current use of ``drug`` (None: their only
    current benzodiazepine). Refused (``missing``) when the record cannot say."""
    current = list(patient.benzo_uses.filter(ended_on__isnull=True).order_by("drug"))
    if drug is None:
        if not current:
            raise ClinicalError(
                "missing",
                "The record lists no benzodiazepine this patient takes now: give the drug "
                "and the doses to plan from.",
            )
        if len(current) > 1:
            names = ", ".join(use.drug for use in current)
            raise ClinicalError(
                "missing",
                f"This patient takes more than one benzodiazepine now ({names}): name the "
                "drug to taper.",
            )
        use = current[0]
    else:
        found = [use for use in current if use.drug == drug]
        if not found:
            raise ClinicalError(
                "missing",
                f"The record lists no current use of {drug} for this patient: give the "
                "doses to plan from.",
            )
        use = found[0]
    return use.drug, tuple((time, _plain(mg)) for time, mg in use.doses())


def _plain(mg: Decimal) -> Decimal:
    """A recorded dose without the column's trailing zeros (0.500 → 0.5, 10.000 → 10)."""
    return mg.quantize(Decimal(1)) if mg == mg.to_integral_value() else mg.normalize()


def resolve(parameters: PlanParameters, patient: Patient, *, today: dt.date) -> PlanParameters:
    """``parameters`` with what the record knows filled in: the drug and the doses (the
    current regimen, where not given), the start (today, where not given) and the
    patient's age on the start date. Texts are stripped; an empty one is left out."""
    drug = parameters.drug.strip().lower() if parameters.drug is not None else None
    doses = parameters.doses
    if drug is None or doses is None:
        recorded_drug, recorded_doses = _current_regimen(patient, drug or None)
        drug = drug or recorded_drug
        doses = doses if doses is not None else recorded_doses
    start = parameters.start or today
    if start < today:
        raise ClinicalError(
            "plan-start",
            f"A plan starts today ({today.isoformat()}) or later, not on "
            f"{start.isoformat()}: a draft cannot schedule doses in the past.",
        )
    return replace(
        parameters,
        drug=drug,
        doses=doses,
        start=start,
        age=patient.age_on(start),
        override_reason=_text(parameters.override_reason, REASON_MAX, "override reason"),
        confirmed_by=_text(parameters.confirmed_by, NAME_MAX, "confirming prescriber's name"),
        indication=_text(parameters.indication, NAME_MAX, "indication"),
    )


def taper_request(parameters: PlanParameters) -> TaperRequest:
    """The taper core's request for resolved ``parameters`` (see ``resolve``)."""
    if parameters.drug is None or parameters.doses is None or parameters.start is None:
        raise ValueError("resolve the parameters first")
    switch_to = parameters.switch_to
    if switch_to is None and parameters.switch_at is not None:
        switch_to = "diazepam"  # as the taper command: a switch point implies the switch
    return TaperRequest(
        drug=parameters.drug,
        doses=parameters.doses,
        start=parameters.start,
        method=parameters.method,
        step=parameters.step,
        interval_days=parameters.interval,
        switch_to=switch_to,
        switch_at_de_mg=parameters.switch_at,
        band_cut=parameters.band_cut,
        crossover_order=parameters.crossover_order,
        crossover_days=parameters.crossover_days,
        reduce_first=parameters.reduce_first,
        equivalence=parameters.equivalence,
        equivalent_mg=parameters.equivalent_mg,
        end_dose_mg=parameters.end_dose,
        final_hold_days=parameters.final_hold,
        discontinuation_de_mg=parameters.discontinuation_dose,
        override_reason=parameters.override_reason,
        patient=PatientFactors(
            age=parameters.age,
            indication=parameters.indication,
            pregnant=parameters.pregnant,
            opioid_use=parameters.opioid_use,
            history_withdrawal_seizure=parameters.history_withdrawal_seizure,
            history_withdrawal_delirium=parameters.history_withdrawal_delirium,
            confirmed_by=parameters.confirmed_by,
        ),
        custom_steps=parameters.steps,
    )
