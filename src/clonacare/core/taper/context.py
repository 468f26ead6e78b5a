"""The resolved settings of one plan: rules, formulary, equivalents, defaults applied.

``PlanContext`` is built once per request (checking every input) and shared by the
planner, the reduction loop and revisions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from clonacare.core.drugs import (
    EquivalenceTable,
    Formulary,
    drug_facts,
    equivalence_table,
    load_formulary,
)
from clonacare.core.errors import ClinicalError
from clonacare.core.taper.formulary_solver import DoseMaker, dose_maker
from clonacare.core.taper.model import DOSE_TIMES, METHODS, PlanWarning, TaperRequest
from clonacare.core.taper.rules import Rules, load_rules

Regimen = tuple[tuple[str, str, Decimal], ...]  # (time, drug, mg), in DOSE_TIMES order


@dataclass
class Draft:
    """A step while the plan is being built: days counted from the plan's start."""

    day: int
    days: int
    kind: str
    regimen: Regimen
    planned: Fraction | None = None
    note: str = ""
    cut_short: bool = False


@dataclass(frozen=True)
class PlanContext:
    request: TaperRequest
    rules: Rules
    formulary: Formulary
    table: EquivalenceTable
    equivalent_mg: Decimal  # amount of the original drug equal to diazepam 10 mg
    taper_drug: str
    interval_days: int
    crossover_days: int
    crossover_order: tuple[str, ...]
    reduce_order: tuple[str, ...]
    discontinuation_de_mg: Fraction
    override: str | None
    makers: dict[str, DoseMaker] = field(default_factory=dict)
    _de_cache: dict[Regimen, Fraction] = field(default_factory=dict)

    def maker(self, drug: str) -> DoseMaker:
        return self.makers[drug]

    def equivalent_of(self, drug: str) -> Fraction:
        if drug == self.request.drug:
            return Fraction(self.equivalent_mg)
        return Fraction(self.table.equivalent_mg(drug))

    def de(self, drug: str, mg: Decimal | Fraction) -> Fraction:
        """Diazepam-equivalent of ``mg`` of ``drug`` (exact)."""
        return Fraction(mg) * 10 / self.equivalent_of(drug)

    def regimen_de(self, regimen: Regimen) -> Fraction:
        cached = self._de_cache.get(regimen)
        if cached is None:
            cached = sum((self.de(drug, mg) for _, drug, mg in regimen), Fraction(0))
            self._de_cache[regimen] = cached
        return cached

    def to_taper_mg(self, de: Fraction) -> Fraction:
        return de * self.equivalent_of(self.taper_drug) / 10

    @property
    def discontinuation_mg(self) -> Fraction:
        """The discontinuation dose in mg of the drug being tapered."""
        return self.to_taper_mg(self.discontinuation_de_mg)


def mg_text(value: Decimal | Fraction) -> str:
    """A dose for people: exact decimals as written, others to 3 places."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
        value = (
            value.quantize(Decimal("0.001")) if value != value.quantize(Decimal("0.001")) else value
        )
    return format(value.normalize(), "f")


def clean(value: Decimal) -> Decimal:
    """``value`` without trailing zeros or an exponent (20.0 → 20, 0.250 → 0.25)."""
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


def _order(named: tuple[str, ...] | None, default: tuple[str, ...], option: str) -> tuple[str, ...]:
    if named is None:
        return default
    for time in named:
        if time not in DOSE_TIMES:
            raise ClinicalError(
                "bad-option",
                f"{option}: unknown dose time {time!r}; use {', '.join(DOSE_TIMES)}.",
            )
    if len(set(named)) != len(named):
        raise ClinicalError("bad-option", f"{option}: a dose time is named twice.")
    return tuple(named) + tuple(t for t in default if t not in named)


def build_context(request: TaperRequest, formulary: Formulary | None = None) -> PlanContext:
    """Check a request and resolve its defaults; ClinicalError names the first bad input."""
    rules = load_rules()
    if request.method not in METHODS:
        raise ClinicalError(
            "bad-option", f"Unknown method {request.method!r}; use {', '.join(METHODS)}."
        )
    table = equivalence_table(request.equivalence)
    entry = table.equivalent(request.drug)  # unknown-drug lists the known drugs
    drug_facts(request.drug)
    equivalent = table.equivalent_mg(request.drug, request.equivalent_mg)
    if request.equivalent_mg is not None and request.equivalent_mg <= 0:
        raise ClinicalError("bad-option", "--equivalent-mg must be more than 0 mg.")
    del entry
    if request.switch_to is not None:
        if request.switch_to != "diazepam":
            raise ClinicalError("bad-option", "--switch-to: only diazepam is supported.")
        if request.drug == "diazepam":
            raise ClinicalError(
                "bad-option", "--switch-to diazepam: the patient already takes diazepam."
            )
    else:
        if request.crossover_order is not None:
            raise ClinicalError("bad-option", "--crossover-order needs --switch-to diazepam.")
        if request.crossover_days is not None:
            raise ClinicalError("bad-option", "--crossover-days needs --switch-to diazepam.")
    taper_drug = request.switch_to or request.drug

    _check_doses(request)
    times_with_dose = tuple(t for t, _ in request.doses)

    interval = request.interval_days
    if interval is None:
        interval = rules.default_interval_days
    if not 1 <= interval <= rules.max_interval_days:
        raise ClinicalError(
            "bad-option", f"--interval must be 1 to {rules.max_interval_days} days."
        )
    if request.method == "bands" and not (
        rules.bands_interval_min_days <= interval <= rules.bands_interval_max_days
    ):
        raise ClinicalError(
            "bad-option",
            f"--interval for --method bands must be {rules.bands_interval_min_days} to "
            f"{rules.bands_interval_max_days} days ({rules.bands_interval_source}).",
        )
    crossover_days = request.crossover_days
    if crossover_days is None:
        crossover_days = rules.crossover_days
    if not 1 <= crossover_days <= rules.max_interval_days:
        raise ClinicalError(
            "bad-option", f"--crossover-days must be 1 to {rules.max_interval_days} days."
        )
    crossover_order = _order(request.crossover_order, rules.crossover_order, "--crossover-order")
    for time in request.crossover_order or ():
        if time not in times_with_dose:
            raise ClinicalError(
                "bad-option", f"--crossover-order: there is no {time} dose to switch."
            )
    reduce_order = _order(request.reduce_first, rules.reduce_first_order, "--reduce-first")

    _check_method_options(request, rules)
    if request.final_hold_days is not None and not (
        1 <= request.final_hold_days <= rules.max_interval_days
    ):
        raise ClinicalError(
            "bad-option", f"--final-hold must be 1 to {rules.max_interval_days} days."
        )
    disc = request.discontinuation_de_mg
    if disc is None:
        disc = rules.discontinuation_de_mg
    if disc <= 0:
        raise ClinicalError("bad-option", "--discontinuation-dose must be more than 0 mg.")
    override = (request.override_reason or "").strip() or None

    if formulary is None:
        formulary = load_formulary(request.formulary_path)
    makers = {request.drug: dose_maker(formulary, request.drug)}
    if taper_drug != request.drug:
        makers[taper_drug] = dose_maker(formulary, taper_drug)
    if not makers[taper_drug].has_products:
        raise ClinicalError(
            "formulary",
            f"The formulary '{formulary.name}' has no {taper_drug} product; use a site "
            "formulary (--formulary FILE) that lists one.",
        )
    context = PlanContext(
        request=request,
        rules=rules,
        formulary=formulary,
        table=table,
        equivalent_mg=equivalent,
        taper_drug=taper_drug,
        interval_days=interval,
        crossover_days=crossover_days,
        crossover_order=crossover_order,
        reduce_order=reduce_order,
        discontinuation_de_mg=Fraction(disc),
        override=override,
        makers=makers,
    )
    daily_de = context.regimen_de(tuple((t, request.drug, mg) for t, mg in request.doses))
    if daily_de > Fraction(rules.max_daily_de_mg):
        daily = sum((mg for _, mg in request.doses), Decimal(0))
        raise ClinicalError(
            "implausible-dose",
            f"{request.drug.capitalize()} {mg_text(daily)} mg/day is "
            f"{mg_text(daily_de)} mg diazepam-equivalent, above the "
            f"{mg_text(rules.max_daily_de_mg)} mg this tool accepts "
            f"({rules.plausibility_source}); check the dose.",
        )
    return context


def _check_doses(request: TaperRequest) -> None:
    if not request.doses:
        raise ClinicalError("bad-dose", "Give the current dose: --dose TIME=MG, one per dose time.")
    seen: set[str] = set()
    for time, mg in request.doses:
        if time not in DOSE_TIMES:
            raise ClinicalError(
                "bad-dose", f"Unknown dose time {time!r}; use {', '.join(DOSE_TIMES)}."
            )
        if time in seen:
            raise ClinicalError("bad-dose", f"The {time} dose is given twice.")
        seen.add(time)
        if mg <= 0:
            raise ClinicalError(
                "bad-dose", f"The {time} dose must be more than 0 mg (got {mg_text(mg)})."
            )


def _check_method_options(request: TaperRequest, rules: Rules) -> None:
    method = request.method
    step = request.step
    if method in ("percent", "fixed"):
        if step is None:
            unit = "a percentage" if method == "percent" else "mg"
            raise ClinicalError("bad-option", f"--method {method} needs --step ({unit}).")
        if method == "percent" and not Decimal(0) < step < Decimal(100):
            raise ClinicalError(
                "bad-option", "--step for --method percent must be more than 0 and below 100."
            )
        if method == "fixed" and step <= 0:
            raise ClinicalError("bad-option", "--step for --method fixed must be more than 0 mg.")
    elif step is not None:
        raise ClinicalError("bad-option", f"--step does not apply to --method {method}.")
    if method == "custom":
        if not request.custom_steps:
            raise ClinicalError("bad-option", "--method custom needs --steps.")
        if request.end_dose_mg is not None:
            raise ClinicalError(
                "bad-option",
                "--end-dose does not apply to --method custom: end --steps with the dose to hold.",
            )
    elif request.custom_steps:
        raise ClinicalError("bad-option", "--steps applies to --method custom only.")
    if request.end_dose_mg is not None and request.end_dose_mg <= 0:
        raise ClinicalError(
            "bad-option", "--end-dose must be more than 0 mg (to stop the drug, leave it out)."
        )


def equivalence_warnings(context: PlanContext) -> list[PlanWarning]:
    """``equivalence-range`` (a range's midpoint used) and ``equivalence-approximate``."""
    request = context.request
    warnings: list[PlanWarning] = []
    entry = context.table.equivalent(request.drug)
    if entry.is_range and request.equivalent_mg is None:
        warnings.append(
            PlanWarning(
                code="equivalence-range",
                message=(
                    f"The {context.table.title} table gives {request.drug} "
                    f"{mg_text(entry.low_mg)}–{mg_text(entry.high_mg)} mg as equal to diazepam "
                    f"10 mg; this plan uses the midpoint, {mg_text(entry.midpoint_mg)} mg. "
                    "Give --equivalent-mg MG to choose the value."
                ),
                source=context.table.source,
            )
        )
    if request.drug != "diazepam":
        others = []
        for name in ("ashton", "vadod"):
            if name == context.table.name:
                continue
            other = equivalence_table(name)
            if request.drug in other.entries:
                e = other.equivalent(request.drug)
                span = (
                    f"{mg_text(e.low_mg)}–{mg_text(e.high_mg)}" if e.is_range else mg_text(e.low_mg)
                )
                others.append(f"{other.title}: {span} mg")
        use = "sets the diazepam doses" if request.switch_to else "gives the diazepam-equivalents"
        message = (
            f"The {context.table.title} table {use} ({request.drug} "
            f"{mg_text(context.equivalent_mg)} mg = diazepam 10 mg); equivalents are "
            "approximate and the published tables disagree"
            + (f" ({'; '.join(others)})" if others else "")
            + "."
        )
        warnings.append(
            PlanWarning(
                code="equivalence-approximate",
                message=message,
                source=context.rules.sources["equivalence_approximate"],
            )
        )
    return warnings
