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
from clonacare.core.taper.limits import (
    check_age,
    check_doses,
    check_method_options,
    check_start,
    check_taper_amounts,
)
from clonacare.core.taper.model import DOSE_TIMES, METHODS, PlanWarning, TaperRequest
from clonacare.core.taper.numbers import mg_text
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
    band_cut: str = "high"
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

    @property
    def stop_threshold_de(self) -> Fraction:
        """The highest daily diazepam-equivalent the drug may stop from without an override:
        the plan's discontinuation dose, never above the rules' default (a larger one is
        itself a breach)."""
        return min(self.discontinuation_de_mg, Fraction(self.rules.discontinuation_de_mg))

    def check_length(self, end_day: int, way_out: str, what: str = "This plan") -> None:
        """Refuse a plan whose steps run past the longest plan this tool makes.

        ``end_day`` counts days from the start; ``way_out`` says what to change.
        ClinicalError("plan-too-long") names the limit, its source and the way out.
        """
        rules = self.rules
        if end_day > rules.max_plan_days:
            raise ClinicalError(
                "plan-too-long",
                f"{what} would last more than {rules.max_plan_days} days "
                f"({rules.max_plan_days_source}); {way_out}",
            )


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


BAND_CUTS = ("low", "high")


def _band_cut(request: TaperRequest) -> str:
    """The end of each band's cut (``bands`` only): "high" unless the request says "low"."""
    if request.band_cut is None:
        return "high"
    if request.band_cut not in BAND_CUTS:
        raise ClinicalError(
            "bad-option", f"--band-cut must be {' or '.join(BAND_CUTS)}, not {request.band_cut!r}."
        )
    if request.method != "bands":
        raise ClinicalError("bad-option", "--band-cut applies to --method bands only.")
    return request.band_cut


def _check_switch_at(request: TaperRequest, rules: Rules, discontinuation_de: Fraction) -> None:
    """A tail switch needs a switch to diazepam, a method that chooses its own cuts
    (``percent`` or ``bands``: a ``fixed`` cut is in mg of diazepam), and a switch point
    above the discontinuation dose and within the plausibility limit."""
    at = request.switch_at_de_mg
    if at is None:
        return
    if request.switch_to is None:
        raise ClinicalError("bad-option", "--switch-at needs --switch-to diazepam.")
    if request.method == "custom":
        raise ClinicalError(
            "bad-option",
            "--switch-at does not apply to --method custom: the prescriber's steps give the "
            "doses after the switch.",
        )
    if request.method == "fixed":
        raise ClinicalError(
            "bad-option",
            "--switch-at does not apply to --method fixed: its cut is in mg of diazepam "
            "after the switch; use --method percent or bands, or switch at the start.",
        )
    if at <= 0:
        raise ClinicalError("bad-option", "--switch-at must be more than 0 mg.")
    if at > rules.max_daily_de_mg:
        raise ClinicalError(
            "implausible-dose",
            f"--switch-at {mg_text(at)} mg is above the {mg_text(rules.max_daily_de_mg)} mg "
            f"diazepam-equivalent this tool accepts ({rules.plausibility_source}); check the "
            "value.",
        )
    if at <= discontinuation_de:
        raise ClinicalError(
            "bad-option",
            f"--switch-at {mg_text(at)} mg diazepam-equivalent must be above the "
            f"discontinuation dose ({mg_text(discontinuation_de)} mg diazepam-equivalent): "
            "the switch to diazepam has to come before the stop.",
        )


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
    if request.equivalent_mg is not None and request.equivalent_mg <= 0:
        raise ClinicalError("bad-option", "--equivalent-mg must be more than 0 mg.")
    try:
        equivalent = table.equivalent_mg(request.drug, request.equivalent_mg)
    except ClinicalError as exc:
        raise ClinicalError(exc.code, f"--equivalent-mg: {exc.message}") from None
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

    check_doses(request)
    check_start(request, rules)
    check_age(request)
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
    if not rules.crossover_min_step_days <= crossover_days <= rules.max_interval_days:
        raise ClinicalError(
            "bad-option",
            f"--crossover-days must be {rules.crossover_min_step_days} to "
            f"{rules.max_interval_days} days: the switch to diazepam is gradual "
            f"({rules.crossover_portion_source}).",
        )
    crossover_order = _order(request.crossover_order, rules.crossover_order, "--crossover-order")
    for time in request.crossover_order or ():
        if time not in times_with_dose:
            raise ClinicalError(
                "bad-option", f"--crossover-order: there is no {time} dose to switch."
            )
    reduce_order = _order(request.reduce_first, rules.reduce_first_order, "--reduce-first")

    check_method_options(request, rules)
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
    if disc > rules.max_daily_de_mg:
        raise ClinicalError(
            "implausible-dose",
            f"--discontinuation-dose {mg_text(disc)} mg is above the "
            f"{mg_text(rules.max_daily_de_mg)} mg diazepam-equivalent this tool accepts "
            f"({rules.plausibility_source}); check the value.",
        )
    override = (request.override_reason or "").strip() or None
    band_cut = _band_cut(request)
    _check_switch_at(request, rules, Fraction(disc))

    if formulary is None:
        formulary = load_formulary(request.formulary_path)
    makers = {request.drug: dose_maker(formulary, request.drug)}
    if taper_drug != request.drug:
        makers[taper_drug] = dose_maker(formulary, taper_drug)
    if not makers[taper_drug].has_products:
        switch = (
            "--switch-to diazepam (it lists diazepam) or "
            if taper_drug != "diazepam" and formulary.products_for("diazepam")
            else ""
        )
        raise ClinicalError(
            "formulary",
            f"The formulary '{formulary.name}' has no {taper_drug} product; use {switch}a "
            "site formulary (--formulary FILE) that lists one.",
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
        band_cut=band_cut,
    )
    check_taper_amounts(context)
    return context


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
