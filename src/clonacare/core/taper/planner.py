"""Plan a taper: ``plan_taper(request) -> TaperPlan``.

Step 0 is the current dose from the start date. A switch to diazepam then replaces one
dose time at a time, a portion at a time (never more than half the daily dose in a step),
at equal diazepam-equivalent; with a switch point the drug taken now is cut first and the
switch begins at or below it. The method's reductions follow, and the plan ends with a
discontinuation step (no doses) from the discontinuation dose or below, or by holding the
end dose. The guardrails judge the whole plan: a breach is refused unless an override
reason is given.

The pieces live beside it: the methods (methods.py), the switch (switch.py), the
reductions (reduction.py), the limits (guardrails.py) and their judgement of the whole
plan (judging.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from clonacare.core.drugs import EquivalenceTable, Formulary
from clonacare.core.errors import ClinicalError
from clonacare.core.taper.context import (
    Draft,
    PlanContext,
    Regimen,
    build_context,
    equivalence_warnings,
)
from clonacare.core.taper.formulary_solver import DoseMaker
from clonacare.core.taper.guardrails import (
    CUT_KINDS,
    Level,
    confirmed_start,
    initial_cut_warning,
    label_maximum_warning,
    require_confirmation,
)
from clonacare.core.taper.judging import Parameter, judge, plan_parameters
from clonacare.core.taper.methods import MethodSettings, custom, method_settings
from clonacare.core.taper.model import (
    DOSE_TIMES,
    START,
    Dose,
    PlanWarning,
    Revision,
    Step,
    TaperPlan,
    TaperRequest,
)
from clonacare.core.taper.numbers import clean, mg_text
from clonacare.core.taper.reduction import reduce, too_long_way_out
from clonacare.core.taper.rules import Rules
from clonacare.core.taper.switch import crossover
from clonacare.core.taper.terms import refused, verbatim


def plan_taper(
    request: TaperRequest,
    formulary: Formulary | None = None,
    *,
    rules: Rules | None = None,
    table: EquivalenceTable | None = None,
) -> TaperPlan:
    """Plan a taper from ``request`` with the data given as loaded objects: ``formulary``
    (default: the one the request names, loaded), ``rules`` and the equivalence ``table``
    (defaults: the shipped ones; see ``build_context``).

    Raises ClinicalError for bad input (codes such as "unknown-drug", "bad-dose",
    "bad-option", "formulary"), for a blocking warning no clinician has confirmed
    ("confirmation-required") and for a plan that breaks a limit without an override
    reason ("rate-limit").
    """
    context = build_context(request, formulary, rules=rules, table=table)
    warnings, label = confirmed_start(request, context.rules)
    warnings.extend(equivalence_warnings(context))
    start = start_regimen(request)
    warnings.extend(_check_start_makeable(context, start))
    if label is not None:
        warnings.append(label)

    settings = method_settings(context)
    tail = request.switch_to is not None and request.switch_at_de_mg is not None
    oversized: list[Parameter] = []
    levels: list[Level] | None = None  # the drafts' levels, from the reduction loop
    if request.switch_to is not None and not tail:
        drafts = [Draft(day=0, days=context.crossover_days, kind=START, regimen=start)]
        warnings.extend(crossover(context, drafts, oversized))
    else:
        drafts = [Draft(day=0, days=context.interval_days, kind=START, regimen=start)]

    parameters = plan_parameters(context, len(drafts) - 1, drafts, settings)
    if request.method == "custom":
        outcome = custom(context, drafts)
        warnings.extend(increase_warnings(context, drafts))
    else:
        if tail:
            warnings.extend(taper_before_the_switch(context, drafts, settings))
            warnings.extend(crossover(context, drafts, oversized))
        _check_end_dose(context, drafts[-1].regimen)
        result = reduce(context, drafts, settings)
        outcome = result.outcome
        warnings.extend(result.warnings)
        levels = result.levels
    context.check_length(drafts[-1].day + drafts[-1].days, too_long_way_out(request.method))
    warnings.extend(planned_dose_warnings(context, drafts, warnings))
    warnings.extend(judge(context, drafts, parameters + oversized, levels=levels))
    steps = build_steps(context, drafts, levels)
    warnings.extend(step_warnings(context, steps))
    return TaperPlan(
        request=request,
        drug=request.drug,
        taper_drug=context.taper_drug,
        equivalence_table=context.table.name,
        equivalence_version=context.table.version,
        equivalent_mg=context.equivalent_mg,
        formulary_name=context.formulary.name,
        steps=steps,
        warnings=tuple(warnings),
        outcome=outcome,
        revisions=(Revision(number=1, on=request.start, action="planned", reason=""),),
    )


def start_regimen(request: TaperRequest) -> Regimen:
    """The doses taken now, in dose-time order."""
    return tuple(
        sorted(
            ((time, request.drug, clean(mg)) for time, mg in request.doses),
            key=lambda d: DOSE_TIMES.index(d[0]),
        )
    )


def planned_dose_warnings(
    context: PlanContext, drafts: list[Draft], warnings: list[PlanWarning]
) -> list[PlanWarning]:
    """A blocking ``label-maximum`` warning for each drug whose planned daily dose rises
    above its label maximum after step 0 (the diazepam of a switch, a dose the
    prescriber's steps raise), naming the drug, the dose, the step and the maximum;
    refused (ClinicalError "confirmation-required") until the prescriber confirms it
    with the plan's one ``confirmed_by``. A dose no higher than the starting dose is
    covered by the starting dose's warning."""
    request = context.request
    seizure = any(w.code == "seizure-disorder" for w in warnings)
    found: list[PlanWarning] = []
    drugs = dict.fromkeys((request.drug, context.taper_drug))
    for drug in drugs:
        dailies = [_daily_mg(draft.regimen, drug) for draft in drafts]
        highest = max(dailies[1:], default=Decimal(0))
        if highest <= dailies[0]:
            continue
        index = dailies.index(highest, 1)
        when = (request.start + timedelta(days=drafts[index].day)).isoformat()
        why = (
            "after the switch to diazepam"
            if drug != request.drug
            else "raised by the prescriber's steps"
        )
        label = label_maximum_warning(
            drug,
            highest,
            seizure,
            request.patient.indication,
            confirmed_by=request.patient.confirmed_by,
            dose_text=f"from step {index} ({when}), {why},",
        )
        if label is not None:
            found.append(label)
    require_confirmation([w for w in found if w.confirmed_by is None])
    return found


def _daily_mg(regimen: Regimen, drug: str) -> Decimal:
    """The daily mg of ``drug`` in ``regimen``: its doses added in order from 0 (what
    ``sum`` gives, without a generator per step)."""
    total = _NO_MG
    for _, each, mg in regimen:
        if each == drug:
            total += mg
    return total


_NO_MG = Decimal(0)


def _check_start_makeable(context: PlanContext, start: Regimen) -> list[PlanWarning]:
    request = context.request
    maker = context.maker(request.drug)
    warnings: list[PlanWarning] = []
    for time, drug, mg in start:
        if maker.can_make(mg):
            continue
        if request.switch_to is not None:
            warnings.append(
                PlanWarning(
                    code="formulary-current-dose",
                    message=(
                        f"The formulary '{context.formulary.name}' cannot make {drug} "
                        f"{mg_text(mg)} mg ({time}); the plan records it as the patient's "
                        "current supply until the switch to diazepam replaces it."
                    ),
                    source=context.rules.sources["rounding"],
                )
            )
            continue
        have = (
            ", ".join(
                f"{mg_text(p.mg_per_unit)} mg{'/mL' if p.form == 'liquid' else ''} {p.form}"
                for p in maker.products
            )
            or "none"
        )
        raise refused(
            "formulary",
            f"The formulary '{verbatim(context.formulary.name)}' cannot make {drug} "
            f"{mg_text(mg)} mg ({time}) (its {drug} products: {verbatim(have)}); use "
            "{a_switch_to_diazepam} or a site formulary{site_formulary_file}.",
        )
    return warnings


def _check_end_dose(context: PlanContext, regimen: Regimen) -> None:
    end = context.request.end_dose_mg
    if end is None:
        return
    current = sum((mg for _, d, mg in regimen if d == context.taper_drug), Decimal(0))
    drug = context.taper_drug
    if end >= current:
        raise refused(
            "bad-option",
            f"{{End_dose}} {mg_text(end)} mg must be below the {drug} dose the taper starts "
            f"from ({mg_text(current)} mg/day).",
        )
    if not context.maker(drug).can_make(end):
        raise ClinicalError(
            "formulary",
            f"The formulary '{context.formulary.name}' cannot make an end dose of {drug} "
            f"{mg_text(end)} mg.",
        )


def taper_before_the_switch(
    context: PlanContext, drafts: list[Draft], settings: MethodSettings
) -> list[PlanWarning]:
    """A tail switch: cut the drug taken now by the method until its daily dose is at or
    below the switch point (never earlier); the switch to diazepam follows."""
    before = replace(context, taper_drug=context.request.drug)
    at = Fraction(context.request.switch_at_de_mg or 0)
    result = reduce(
        before,
        drafts,
        replace(settings, end_dose_mg=None, final_hold_days=None),
        switch_at_mg=before.to_taper_mg(at),
    )
    return result.warnings


# A planned daily dose is shown to 4 decimal places.
_PLANNED_PLACES = Decimal("0.0001")


def build_steps(
    context: PlanContext, drafts: list[Draft], levels: list[Level] | None = None
) -> tuple[Step, ...]:
    """Turn drafts into numbered, dated steps with products and equivalents. ``levels``:
    the drafts' levels, one per draft, when the caller has them (their
    diazepam-equivalents are the regimens')."""
    steps: list[Step] = []
    previous: Fraction | None = None
    # Each step's date as the start's day number plus its day: date.fromordinal is the
    # same date as start + timedelta(days=day), at a fifth of the cost (once per step).
    first_day = context.request.start.toordinal()
    on_day = date.fromordinal
    regimen_de = context.regimen_de
    makers = context.makers
    known = levels is not None and len(levels) == len(drafts)
    for number, draft in enumerate(drafts):
        doses = tuple([_dose(makers[drug], time, drug, mg) for time, drug, mg in draft.regimen])
        de = levels[number].de if known and levels is not None else regimen_de(draft.regimen)
        change = _NO_CHANGE if not previous else change_pct(de, previous)
        planned = None if draft.planned is None else _planned_mg(draft.planned)
        steps.append(
            _step(
                number,
                on_day(first_day + draft.day),
                draft.days,
                draft.kind,
                doses,
                de,
                change,
                planned,
                draft.note,
                draft.cut_short,
                draft.note_template,
            )
        )
        previous = de
    return tuple(steps)


_NO_CHANGE = Fraction(0)
_new = object.__new__


def _step(
    number: int,
    start: date,
    days: int,
    kind: str,
    doses: tuple[Dose, ...],
    de: Fraction,
    change: Fraction,
    planned: Decimal | None,
    note: str,
    cut_short: bool,
    note_template: str | None,
) -> Step:
    """``Step(...)`` with these fields, made without the frozen dataclass's ``__init__``
    (one ``object.__setattr__`` per field, about four times the cost): the object is
    the same in every way (fields, equality, repr, frozen). A plan makes one per step."""
    step: Step = _new(Step)
    step.__dict__.update(
        number=number,
        start=start,
        days=days,
        kind=kind,
        doses=doses,
        diazepam_equivalent_mg=de,
        change_pct=change,
        planned_daily_mg=planned,
        note=note,
        cut_short=cut_short,
        note_template=note_template,
    )
    return step


def _planned_mg(planned: Fraction) -> Decimal:
    """A method's planned daily dose as shown: to 4 decimal places, written cleanly."""
    return _planned_text_mg(planned.numerator, planned.denominator)


@lru_cache(maxsize=16384)
def _planned_text_mg(numerator: int, denominator: int) -> Decimal:
    """:func:`_planned_mg` of numerator / denominator, cached by the two ints (cheap to
    hash, unlike a Fraction): plans of the same drug and doses ask for the same targets."""
    return clean((Decimal(numerator) / Decimal(denominator)).quantize(_PLANNED_PLACES))


def change_pct(de: Fraction, previous: Fraction) -> Fraction:
    """(de - previous) / previous × 100, exact, made as one Fraction from integers."""
    return Fraction(
        (de.numerator * previous.denominator - previous.numerator * de.denominator) * 100,
        de.denominator * previous.numerator,
    )


def _dose(maker: DoseMaker, time: str, drug: str, mg: Decimal) -> Dose:
    """``Dose(...)`` made from the formulary's products (or the patient's current supply
    when it cannot make ``mg``), without the frozen dataclass's ``__init__`` (see
    :func:`_step`). A Dose is a value: the one made last for this dose time and this very
    ``mg`` object (the reduction loop reuses its dose objects) is returned again."""
    doses = maker.doses
    key = (time, mg)
    dose = doses.get(key)
    if dose is not None and dose.mg is mg:
        return dose
    products = maker.make(mg)
    dose = _new(Dose)
    dose.__dict__.update(
        time=time,
        drug=drug,
        mg=mg,
        products=() if products is None else products,
        supply="current" if products is None else "formulary",
    )
    doses[key] = dose
    return dose


def step_warnings(context: PlanContext, steps: tuple[Step, ...]) -> list[PlanWarning]:
    """``initial-cut`` (first cut above ASAM's usual 5–10%) and ``rounding``."""
    rules = context.rules
    warnings: list[PlanWarning] = []
    initial = initial_cut_warning(rules, steps)
    if initial is not None:
        warnings.append(initial)
    rounded = [s for s in steps if is_rounded(context.taper_drug, s)]
    if rounded:
        parts = [
            f"step {s.number} planned {mg_text(s.planned_daily_mg or Decimal(0))}, "
            f"given {mg_text(taper_daily(context.taper_drug, s))} mg/day"
            for s in rounded[:4]
        ]
        more = f"; and {len(rounded) - 4} more steps" if len(rounded) > 4 else ""
        warnings.append(
            PlanWarning(
                code="rounding",
                message=(
                    f"Doses rounded to what the formulary '{context.formulary.name}' can make: "
                    + "; ".join(parts)
                    + more
                    + "."
                ),
                source=rules.sources["rounding"],
            )
        )
    return warnings


def taper_daily(drug: str, step: Step) -> Decimal:
    """The daily mg of the drug a step's planned dose is in: ``drug`` (the drug being
    tapered), or before a tail switch the one drug the step gives."""
    doses = step.doses
    if len(doses) == 1:
        # One dose: its drug is the one the step gives (what the loop below adds up).
        return _NO_MG + doses[0].mg
    if doses:
        only = doses[0].drug
        if all(dose.drug == only for dose in doses):
            drug = only
    total = _NO_MG
    for dose in doses:
        if dose.drug == drug:
            total += dose.mg
    return total


def is_rounded(drug: str, step: Step) -> bool:
    return step.planned_daily_mg is not None and step.planned_daily_mg != taper_daily(drug, step)


def increase_warnings(context: PlanContext, drafts: list[Draft]) -> list[PlanWarning]:
    raised = []
    previous: Fraction | None = None
    for number, draft in enumerate(drafts):
        de = context.regimen_de(draft.regimen)
        if previous is not None and draft.kind in CUT_KINDS and de > previous:
            raised.append(number)
        previous = de
    if not raised:
        return []
    return [
        PlanWarning(
            code="dose-increase",
            message=(
                "The prescriber's steps raise the dose at step"
                f"{'s' if len(raised) > 1 else ''} {', '.join(map(str, raised))}."
            ),
            source="Prescriber's custom steps",
        )
    ]


def dates_of(steps: tuple[Step, ...]) -> list[date]:
    return [s.start for s in steps]
