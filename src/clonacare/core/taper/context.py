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
from clonacare.core.taper.numbers import fraction_of, mg_text
from clonacare.core.taper.rules import Rules, load_rules
from clonacare.core.taper.terms import refused, termed_warning, verbatim

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
    note_template: str | None = None  # ``note`` naming the engine's terms, if it names any


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
    # Per-plan caches of pure figures, keyed by drug or regimen (never by taper_drug
    # alone: ``dataclasses.replace(context, taper_drug=...)`` shares these dicts).
    _de_cache: dict[Regimen, Fraction] = field(default_factory=dict)
    _equivalent_cache: dict[str, Fraction] = field(default_factory=dict)
    _de_per_mg: dict[str, Fraction] = field(default_factory=dict)
    _mg_per_de: dict[str, Fraction] = field(default_factory=dict)

    def maker(self, drug: str) -> DoseMaker:
        return self.makers[drug]

    def equivalent_of(self, drug: str) -> Fraction:
        cached = self._equivalent_cache.get(drug)
        if cached is None:
            if drug == self.request.drug:
                cached = fraction_of(self.equivalent_mg)
            else:
                cached = fraction_of(self.table.equivalent_mg(drug))
            self._equivalent_cache[drug] = cached
        return cached

    def de_per_mg(self, drug: str) -> Fraction:
        """Diazepam-equivalent of 1 mg of ``drug`` (10 / its equivalent), computed once
        per plan so that each conversion is one exact multiplication."""
        cached = self._de_per_mg.get(drug)
        if cached is None:
            cached = 10 / self.equivalent_of(drug)
            self._de_per_mg[drug] = cached
        return cached

    def de(self, drug: str, mg: Decimal | Fraction) -> Fraction:
        """Diazepam-equivalent of ``mg`` of ``drug`` (exact)."""
        exact = mg if isinstance(mg, Fraction) else fraction_of(mg)
        return exact * self.de_per_mg(drug)

    def regimen_de(self, regimen: Regimen) -> Fraction:
        """The daily diazepam-equivalent of ``regimen`` (exact): the sum of each dose
        converted, added as one unreduced pair of integers and made one Fraction (exact
        arithmetic: the same number, so the same Fraction, as adding Fractions)."""
        cached = self._de_cache.get(regimen)
        if cached is None:
            total_n, total_d = 0, 1
            for _, drug, mg in regimen:
                exact = fraction_of(mg)
                per = self.de_per_mg(drug)
                n = exact.numerator * per.numerator
                d = exact.denominator * per.denominator
                total_n, total_d = total_n * d + n * total_d, total_d * d
            cached = Fraction(total_n, total_d)
            self._de_cache[regimen] = cached
        return cached

    def known_de(self, regimen: Regimen, de: Fraction) -> None:
        """Record ``de`` as the daily diazepam-equivalent of ``regimen``, computed by a
        caller that already had it (the reduction loop: one drug, its daily dose known),
        so that later steps (judging, building the steps) find it instead of adding the
        doses up again. ``de`` must be what :meth:`regimen_de` would compute."""
        self._de_cache[regimen] = de

    def mg_per_de(self, drug: str) -> Fraction:
        """mg of ``drug`` per 1 mg diazepam-equivalent (its equivalent / 10), once per plan."""
        cached = self._mg_per_de.get(drug)
        if cached is None:
            cached = self.equivalent_of(drug) / 10
            self._mg_per_de[drug] = cached
        return cached

    def to_taper_mg(self, de: Fraction) -> Fraction:
        return de * self.mg_per_de(self.taper_drug)

    @property
    def discontinuation_mg(self) -> Fraction:
        """The discontinuation dose in mg of the drug being tapered."""
        return self.to_taper_mg(self.discontinuation_de_mg)

    @property
    def stop_threshold_de(self) -> Fraction:
        """The highest daily diazepam-equivalent the drug may stop from without an override:
        the plan's discontinuation dose, never above the rules' default (a larger one is
        itself a breach)."""
        return min(self.discontinuation_de_mg, fraction_of(self.rules.discontinuation_de_mg))

    def check_length(self, end_day: int, way_out: str, what: str = "This plan") -> None:
        """Refuse a plan whose steps run past the longest plan this tool makes.

        ``end_day`` counts days from the start; ``way_out`` says what to change (a
        template naming the engine's terms, core/taper/terms.py).
        ClinicalError("plan-too-long") names the limit, its source and the way out.
        """
        rules = self.rules
        if end_day > rules.max_plan_days:
            raise refused(
                "plan-too-long",
                f"{what} would last more than {rules.max_plan_days} days "
                f"({verbatim(rules.max_plan_days_source)}); {way_out}",
            )


def _order(named: tuple[str, ...] | None, default: tuple[str, ...], term: str) -> tuple[str, ...]:
    """The dose times ``named`` (else ``default``), refused naming ``term`` (a key of the
    engine's terms) when one is unknown or named twice."""
    if named is None:
        return default
    for time in named:
        if time not in DOSE_TIMES:
            raise refused(
                "bad-option",
                f"{{{term}}}: unknown dose time {verbatim(repr(time))}; "
                f"use {', '.join(DOSE_TIMES)}.",
            )
    if len(set(named)) != len(named):
        raise refused("bad-option", f"{{{term}}}: a dose time is named twice.")
    return tuple(named) + tuple(t for t in default if t not in named)


BAND_CUTS = ("low", "high")


def _band_cut(request: TaperRequest) -> str:
    """The end of each band's cut (``bands`` only): "high" unless the request says "low"."""
    if request.band_cut is None:
        return "high"
    if request.band_cut not in BAND_CUTS:
        raise refused(
            "bad-option",
            f"{{Band_cut}} must be {' or '.join(BAND_CUTS)}, "
            f"not {verbatim(repr(request.band_cut))}.",
        )
    if request.method != "bands":
        raise refused("bad-option", "{Band_cut} applies to {bands_method} only.")
    return request.band_cut


def _check_switch_at(request: TaperRequest, rules: Rules, discontinuation_de: Fraction) -> None:
    """A tail switch needs a switch to diazepam, a method that chooses its own cuts
    (``percent`` or ``bands``: a ``fixed`` cut is in mg of diazepam), and a switch point
    above the discontinuation dose and within the plausibility limit."""
    at = request.switch_at_de_mg
    if at is None:
        return
    if request.switch_to is None:
        raise refused("bad-option", "{Switch_point} needs {a_switch_to_diazepam}.")
    if request.method == "custom":
        raise refused(
            "bad-option",
            "{Switch_point} does not apply to {custom_method}: the prescriber's steps give the "
            "doses after the switch.",
        )
    if request.method == "fixed":
        raise refused(
            "bad-option",
            "{Switch_point} does not apply to {fixed_method}: its cut is in mg of diazepam "
            "after the switch; use {percent_or_bands}, or switch at the start.",
        )
    if at <= 0:
        raise refused("bad-option", "{Switch_point} must be more than 0 mg.")
    if at > rules.max_daily_de_mg:
        raise refused(
            "implausible-dose",
            f"{{Switch_point}} {mg_text(at)} mg is above the {mg_text(rules.max_daily_de_mg)} mg "
            f"diazepam-equivalent this tool accepts ({verbatim(rules.plausibility_source)}); "
            "check the value.",
        )
    if at <= discontinuation_de:
        raise refused(
            "bad-option",
            f"{{Switch_point}} {mg_text(at)} mg diazepam-equivalent must be above the "
            f"discontinuation dose ({mg_text(discontinuation_de)} mg diazepam-equivalent): "
            "the switch to diazepam has to come before the stop.",
        )


def build_context(
    request: TaperRequest,
    formulary: Formulary | None = None,
    *,
    rules: Rules | None = None,
    table: EquivalenceTable | None = None,
) -> PlanContext:
    """Check a request and resolve its defaults; ClinicalError names the first bad input.

    The data to plan with are objects, already loaded: ``rules`` (default: the shipped
    rules.toml), ``table`` (default: the shipped table the request names) and
    ``formulary`` (default: :func:`request_formulary`, for a request that names its
    formulary by path only). The checks run in a fixed order (the drug and its
    equivalent, the switch, the doses and dates, the lengths, the method, the
    discontinuation dose, the formulary), so the first bad input is the one named.
    """
    rules = rules if rules is not None else load_rules()
    if request.method not in METHODS:
        raise ClinicalError(
            "bad-option", f"Unknown method {request.method!r}; use {', '.join(METHODS)}."
        )
    table = table if table is not None else equivalence_table(request.equivalence)
    equivalent = _equivalent_mg(request, table)
    _check_switch_to(request)
    taper_drug = request.switch_to or request.drug

    check_doses(request)
    check_start(request, rules)
    check_age(request)
    interval = _interval_days(request, rules)
    crossover_days = _crossover_days(request, rules)
    crossover_order = _crossover_order(request, rules)
    reduce_order = _order(request.reduce_first, rules.reduce_first_order, "Reduce_first")

    check_method_options(request, rules)
    _check_final_hold(request, rules)
    disc = _discontinuation_de_mg(request, rules)
    override = (request.override_reason or "").strip() or None
    band_cut = _band_cut(request)
    _check_switch_at(request, rules, disc)

    formulary = formulary if formulary is not None else request_formulary(request)
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
        discontinuation_de_mg=disc,
        override=override,
        makers=_makers(request, formulary, taper_drug),
        band_cut=band_cut,
    )
    check_taper_amounts(context)
    return context


def _equivalent_mg(request: TaperRequest, table: EquivalenceTable) -> Decimal:
    """The mg of the drug equal to diazepam 10 mg: the request's choice within the table's
    range, else the table's value (unknown-drug lists the known drugs)."""
    table.equivalent(request.drug)
    drug_facts(request.drug)
    if request.equivalent_mg is not None and request.equivalent_mg <= 0:
        raise refused("bad-option", "{Equivalent_dose} must be more than 0 mg.")
    try:
        return table.equivalent_mg(request.drug, request.equivalent_mg)
    except ClinicalError as exc:
        raise refused(exc.code, f"{{Equivalent_dose}}: {verbatim(exc.message)}") from None


def _check_switch_to(request: TaperRequest) -> None:
    """A switch is to diazepam, from another drug; its order and pace need the switch."""
    if request.switch_to is not None:
        if request.switch_to != "diazepam":
            raise refused("bad-option", "{Switch_to}: only diazepam is supported.")
        if request.drug == "diazepam":
            raise refused(
                "bad-option", "{A_switch_to_diazepam}: the patient already takes diazepam."
            )
        return
    if request.crossover_order is not None:
        raise refused("bad-option", "{Crossover_order} needs {a_switch_to_diazepam}.")
    if request.crossover_days is not None:
        raise refused("bad-option", "{Crossover_days} needs {a_switch_to_diazepam}.")


def _interval_days(request: TaperRequest, rules: Rules) -> int:
    """The days between cuts: the request's, else the rules' default, within the bounds
    (narrower for the bands method)."""
    interval = request.interval_days
    if interval is None:
        interval = rules.default_interval_days
    if not 1 <= interval <= rules.max_interval_days:
        raise refused("bad-option", f"{{Interval}} must be 1 to {rules.max_interval_days} days.")
    if request.method == "bands" and not (
        rules.bands_interval_min_days <= interval <= rules.bands_interval_max_days
    ):
        raise refused(
            "bad-option",
            f"{{Interval}} for {{bands_method}} must be {rules.bands_interval_min_days} to "
            f"{rules.bands_interval_max_days} days ({verbatim(rules.bands_interval_source)}).",
        )
    return interval


def _crossover_days(request: TaperRequest, rules: Rules) -> int:
    """The days of each step of the switch to diazepam (a gradual switch)."""
    crossover_days = request.crossover_days
    if crossover_days is None:
        crossover_days = rules.crossover_days
    if not rules.crossover_min_step_days <= crossover_days <= rules.max_interval_days:
        raise refused(
            "bad-option",
            f"{{Crossover_days}} must be {rules.crossover_min_step_days} to "
            f"{rules.max_interval_days} days: the switch to diazepam is gradual "
            f"({verbatim(rules.crossover_portion_source)}).",
        )
    return crossover_days


def _crossover_order(request: TaperRequest, rules: Rules) -> tuple[str, ...]:
    """The dose times switched first: each named one must have a dose to switch."""
    order = _order(request.crossover_order, rules.crossover_order, "Crossover_order")
    times_with_dose = tuple(t for t, _ in request.doses)
    for time in request.crossover_order or ():
        if time not in times_with_dose:
            raise refused("bad-option", f"{{Crossover_order}}: there is no {time} dose to switch.")
    return order


def _check_final_hold(request: TaperRequest, rules: Rules) -> None:
    if request.final_hold_days is not None and not (
        1 <= request.final_hold_days <= rules.max_interval_days
    ):
        raise refused("bad-option", f"{{Final_hold}} must be 1 to {rules.max_interval_days} days.")


def _discontinuation_de_mg(request: TaperRequest, rules: Rules) -> Fraction:
    """The dose (diazepam-equivalent) a plan stops from: the request's, else the rules'
    default; above 0 and within the plausibility limit."""
    disc = request.discontinuation_de_mg
    if disc is None:
        disc = rules.discontinuation_de_mg
    if disc <= 0:
        raise refused("bad-option", "{Discontinuation_dose} must be more than 0 mg.")
    if disc > rules.max_daily_de_mg:
        raise refused(
            "implausible-dose",
            f"{{Discontinuation_dose}} {mg_text(disc)} mg is above the "
            f"{mg_text(rules.max_daily_de_mg)} mg diazepam-equivalent this tool accepts "
            f"({verbatim(rules.plausibility_source)}); check the value.",
        )
    return fraction_of(disc)


def _makers(request: TaperRequest, formulary: Formulary, taper_drug: str) -> dict[str, DoseMaker]:
    """A dose maker for the drug taken now and for the drug tapered; refused when the
    formulary has no product of the drug tapered."""
    makers = {request.drug: dose_maker(formulary, request.drug)}
    if taper_drug != request.drug:
        makers[taper_drug] = dose_maker(formulary, taper_drug)
    if not makers[taper_drug].has_products:
        switch = (
            "{a_switch_to_diazepam} (it lists diazepam) or "
            if taper_drug != "diazepam" and formulary.products_for("diazepam")
            else ""
        )
        raise refused(
            "formulary",
            f"The formulary '{verbatim(formulary.name)}' has no {taper_drug} product; use "
            f"{switch}a site formulary{{site_formulary_file}} that lists one.",
        )
    return makers


def request_formulary(request: TaperRequest) -> Formulary:
    """The formulary a request names by path (``formulary_path``; None: the US default),
    loaded: for a caller that did not load it. ClinicalError("formulary") as
    :func:`load_formulary`."""
    return load_formulary(request.formulary_path)


def equivalence_warnings(context: PlanContext) -> list[PlanWarning]:
    """``equivalence-range`` (a range's midpoint used) and ``equivalence-approximate``."""
    request = context.request
    warnings: list[PlanWarning] = []
    entry = context.table.equivalent(request.drug)
    if entry.is_range and request.equivalent_mg is None:
        warnings.append(
            termed_warning(
                "equivalence-range",
                f"The {verbatim(context.table.title)} table gives {request.drug} "
                f"{mg_text(entry.low_mg)}–{mg_text(entry.high_mg)} mg as equal to diazepam "
                f"10 mg; this plan uses the midpoint, {mg_text(entry.midpoint_mg)} mg. "
                "Give {an_equivalent_dose} to choose the value.",
                context.table.source,
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
