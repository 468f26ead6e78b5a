"""Value objects of the taper engine: what a prescriber asks for and the plan it gets back.

All dose arithmetic is exact: mg are Decimals (every dose is a product of the formulary),
diazepam-equivalents and percentages are Fractions, rounded only when shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

DOSE_TIMES = ("morning", "midday", "evening", "night")
METHODS = ("percent", "fixed", "bands", "custom")

# Step kinds. A clinician orders every kind that may raise the dose ("custom", "step-back").
START = "start"
CROSSOVER = "crossover"
REDUCTION = "reduction"
END_DOSE = "end-dose"
DISCONTINUATION = "discontinuation"
PAUSE = "pause"
STEP_BACK = "step-back"
CUSTOM = "custom"
STEP_KINDS = (START, CROSSOVER, REDUCTION, END_DOSE, DISCONTINUATION, PAUSE, STEP_BACK, CUSTOM)


@dataclass(frozen=True)
class PatientFactors:
    """Facts about the patient that add warnings; some block until a clinician confirms."""

    age: int | None = None
    indication: str | None = None
    pregnant: bool = False
    opioid_use: bool = False
    history_withdrawal_seizure: bool = False
    history_withdrawal_delirium: bool = False
    confirmed_by: str | None = None


@dataclass(frozen=True)
class CustomStep:
    """One step of a ``custom`` plan: from ``start``, these doses (none: stop the drug)."""

    start: date
    doses: tuple[tuple[str, Decimal], ...]


@dataclass(frozen=True)
class TaperRequest:
    """Everything a plan is made from. ``doses`` pairs a dose time with mg of ``drug``.

    ``step`` is a percentage (``percent``) or mg (``fixed``); ``end_dose_mg`` and
    ``custom_steps`` are in mg of the drug being tapered (diazepam after a switch);
    ``discontinuation_de_mg`` is in diazepam-equivalent (None: the rules' default).
    ``switch_at_de_mg`` (a diazepam-equivalent, with ``switch_to``) delays the switch until
    the daily dose is at or below it: the drug taken now is tapered first (a tail switch).
    ``band_cut`` chooses the end of each band's cut for ``bands``: "low" or "high" (None:
    "high").
    """

    drug: str
    doses: tuple[tuple[str, Decimal], ...]
    start: date
    method: str
    step: Decimal | None = None
    interval_days: int | None = None
    switch_to: str | None = None
    switch_at_de_mg: Decimal | None = None
    band_cut: str | None = None
    crossover_order: tuple[str, ...] | None = None
    crossover_days: int | None = None
    reduce_first: tuple[str, ...] | None = None
    equivalence: str = "ashton"
    equivalent_mg: Decimal | None = None
    formulary_path: str | None = None
    end_dose_mg: Decimal | None = None
    final_hold_days: int | None = None
    discontinuation_de_mg: Decimal | None = None
    override_reason: str | None = None
    patient: PatientFactors = field(default_factory=PatientFactors)
    custom_steps: tuple[CustomStep, ...] = ()


@dataclass(frozen=True)
class ProductQuantity:
    """How much of one product makes (part of) a dose: ``mg_per_unit × quantity``.

    A half tablet is quantity 0.5; a liquid has unit "mL", ``mg_per_unit`` its
    concentration and quantity the volume.
    """

    name: str
    mg_per_unit: Decimal
    unit: str
    quantity: Decimal

    @property
    def mg(self) -> Decimal:
        return self.mg_per_unit * self.quantity


@dataclass(frozen=True)
class Dose:
    """The dose of one drug at one dose time.

    ``supply`` is "formulary" when ``products`` make it exactly, or "current" for a dose
    the formulary cannot make that the patient takes now from their own supply (only
    before a switch to diazepam replaces it; ``products`` is then empty).
    """

    time: str
    drug: str
    mg: Decimal
    products: tuple[ProductQuantity, ...]
    supply: str = "formulary"


@dataclass(frozen=True)
class Step:
    """One period of the plan with constant doses, from ``start`` for ``days`` days.

    ``change_pct`` is the change of the diazepam-equivalent from the previous step
    (negative for a cut). ``planned_daily_mg`` is the daily dose the method asked for
    before the formulary rounded it (None when the step was not computed by a method).
    A discontinuation step has no doses and lasts 0 days: the drug stops on ``start``.
    """

    number: int
    start: date
    days: int
    kind: str
    doses: tuple[Dose, ...]
    diazepam_equivalent_mg: Fraction
    change_pct: Fraction
    planned_daily_mg: Decimal | None = None
    note: str = ""
    cut_short: bool = False
    # ``note`` as a template naming the engine's terms (core/taper/terms.py), for a face
    # to word in its own names; None when the note names none.
    note_template: str | None = field(default=None, compare=False, repr=False)

    @property
    def end(self) -> date:
        """The first day after this step."""
        return self.start + timedelta(days=self.days)

    def daily_mg(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for dose in self.doses:
            totals[dose.drug] = totals.get(dose.drug, Decimal(0)) + dose.mg
        return totals


@dataclass(frozen=True)
class PlanWarning:
    """A warning with a stable ``code`` and the source it rests on.

    ``message`` is in clinical words; ``template`` is the same message naming the engine's
    terms (core/taper/terms.py) for a face to word in its own names (None when it names
    none)."""

    code: str
    message: str
    source: str
    blocking: bool = False
    confirmed_by: str | None = None
    template: str | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Revision:
    number: int
    on: date | None
    action: str
    reason: str


@dataclass(frozen=True)
class TaperPlan:
    """A planned taper. ``outcome`` is "discontinued" (last step stops the drug) or
    "end-dose" (the plan holds a lower dose)."""

    request: TaperRequest
    drug: str
    taper_drug: str
    equivalence_table: str
    equivalence_version: str
    equivalent_mg: Decimal
    formulary_name: str
    steps: tuple[Step, ...]
    warnings: tuple[PlanWarning, ...]
    outcome: str
    revision: int = 1
    revisions: tuple[Revision, ...] = ()

    @property
    def end_date(self) -> date:
        return self.steps[-1].start if self.outcome == "discontinued" else self.steps[-1].end
