"""Plan a taper: ``plan_taper(request) -> TaperPlan``.

Step 0 is the current dose from the start date. A switch to diazepam then replaces one
dose time at a time at equal diazepam-equivalent. The method's reductions follow, and the
plan ends with a discontinuation step (no doses) or by holding the end dose. The
guardrails judge the whole plan: a breach is refused unless an override reason is given.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from clonacare.core.drugs import Formulary
from clonacare.core.errors import ClinicalError
from clonacare.core.taper.context import (
    Draft,
    PlanContext,
    Regimen,
    build_context,
    equivalence_warnings,
)
from clonacare.core.taper.guardrails import (
    Breach,
    find_breaches,
    label_maximum_warning,
    patient_warnings,
    require_confirmation,
)
from clonacare.core.taper.limits import check_mg
from clonacare.core.taper.model import (
    CROSSOVER,
    CUSTOM,
    DISCONTINUATION,
    DOSE_TIMES,
    END_DOSE,
    PAUSE,
    REDUCTION,
    START,
    STEP_BACK,
    Dose,
    PlanWarning,
    Revision,
    Step,
    TaperPlan,
    TaperRequest,
)
from clonacare.core.taper.numbers import clean, mg_text
from clonacare.core.taper.reduction import (
    MethodSettings,
    ideal_percent_breach,
    level_of,
    reduce,
    too_long_way_out,
)

CUT_KINDS = (REDUCTION, CUSTOM, END_DOSE)


def plan_taper(request: TaperRequest, formulary: Formulary | None = None) -> TaperPlan:
    """Plan a taper from ``request``.

    Raises ClinicalError for bad input (codes such as "unknown-drug", "bad-dose",
    "bad-option", "formulary"), for a blocking warning no clinician has confirmed
    ("confirmation-required") and for a plan that breaks a limit without an override
    reason ("rate-limit").
    """
    context = build_context(request, formulary)
    rules = context.rules
    warnings, unconfirmed = patient_warnings(request.patient, request.drug, rules)
    require_confirmation(unconfirmed)
    warnings.extend(equivalence_warnings(context))
    start = tuple(
        sorted(
            ((time, request.drug, clean(mg)) for time, mg in request.doses),
            key=lambda d: DOSE_TIMES.index(d[0]),
        )
    )
    warnings.extend(_check_start_makeable(context, start))
    daily = sum((mg for _, _, mg in start), Decimal(0))
    seizure = any(w.code == "seizure-disorder" for w in warnings)
    label = label_maximum_warning(request.drug, daily, seizure, request.patient.indication)
    if label is not None:
        warnings.append(label)

    if request.switch_to is not None:
        drafts = crossover(context, start)
    else:
        drafts = [Draft(day=0, days=context.interval_days, kind=START, regimen=start)]

    settings = method_settings(context)
    parameters: str | None = None
    if request.method == "custom":
        outcome = custom(context, drafts)
        warnings.extend(_increase_warnings(context, drafts))
    else:
        _check_end_dose(context, drafts[-1].regimen)
        parameters = percent_parameters(context, len(drafts) - 1, drafts, settings)
        result = reduce(context, drafts, settings)
        outcome = result.outcome
        warnings.extend(result.warnings)
    context.check_length(drafts[-1].day + drafts[-1].days, too_long_way_out(request.method))
    if request.switch_to is not None:
        highest = max(
            (
                sum((mg for _, d, mg in draft.regimen if d == context.taper_drug), Decimal(0))
                for draft in drafts
            ),
            default=Decimal(0),
        )
        label = label_maximum_warning(context.taper_drug, highest)
        if label is not None:
            warnings.append(label)
    warnings.extend(judge(context, drafts, parameters))
    steps = build_steps(context, drafts)
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


def method_settings(context: PlanContext) -> MethodSettings:
    request = context.request
    return MethodSettings(
        method=request.method,
        step=request.step,
        interval_days=context.interval_days,
        end_dose_mg=request.end_dose_mg,
        final_hold_days=request.final_hold_days,
    )


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
        raise ClinicalError(
            "formulary",
            f"The formulary '{context.formulary.name}' cannot make {drug} {mg_text(mg)} mg "
            f"({time}) (its {drug} products: {have}); use --switch-to diazepam or a site "
            "formulary (--formulary FILE).",
        )
    return warnings


def crossover(context: PlanContext, start: Regimen) -> list[Draft]:
    """Step 0, then one step per dose time switched to diazepam at equal equivalent."""
    days = context.crossover_days
    drafts = [Draft(day=0, days=days, kind=START, regimen=start)]
    current = {time: (drug, mg) for time, drug, mg in start}
    planned = Fraction(0)
    for number, time in enumerate(t for t in context.crossover_order if t in current):
        drug, mg = current[time]
        wanted = context.de(drug, mg)  # diazepam mg equal to this dose
        made = _largest_makeable_at_most(context, wanted)
        if made is None:
            raise ClinicalError(
                "formulary",
                f"The formulary '{context.formulary.name}' cannot make diazepam "
                f"{mg_text(wanted)} mg (or less) to replace {drug} {mg_text(mg)} mg ({time}).",
            )
        current[time] = (context.taper_drug, made)
        planned += wanted
        regimen = tuple((t, current[t][0], current[t][1]) for t in DOSE_TIMES if t in current)
        drafts.append(
            Draft(
                day=(number + 1) * days,
                days=days,
                kind=CROSSOVER,
                regimen=regimen,
                planned=planned,
                note=(
                    f"Switch the {time} dose: {drug} {mg_text(mg)} mg → "
                    f"{context.taper_drug} {mg_text(made)} mg."
                ),
            )
        )
    return drafts


def _largest_makeable_at_most(context: PlanContext, wanted: Fraction) -> Decimal | None:
    maker = context.maker(context.taper_drug)
    if maker.quantum is None:
        return None
    q = Fraction(maker.quantum)
    j = int(wanted // q)
    while j >= 1:
        mg = maker.quantum * j
        if maker.can_make(mg):
            return clean(mg)
        j -= 1
    return None


def custom(context: PlanContext, drafts: list[Draft]) -> str:
    """Append the prescriber's own steps; returns the outcome."""
    request = context.request
    maker = context.maker(context.taper_drug)
    outcome = "end-dose"
    for number, step in enumerate(request.custom_steps, start=1):
        last = drafts[-1]
        if last.kind == DISCONTINUATION:
            raise ClinicalError(
                "bad-option",
                f"Custom step {number - 1} stops the drug; it must be the last step.",
            )
        day = (step.start - request.start).days
        if day <= last.day:
            previous = request.start + timedelta(days=last.day)
            raise ClinicalError(
                "bad-option",
                f"Custom step {number} ({step.start.isoformat()}) must come after "
                f"{previous.isoformat()}; list the steps in date order.",
            )
        last.days = day - last.day
        seen: set[str] = set()
        doses: list[tuple[str, str, Decimal]] = []
        for time, mg in step.doses:
            if time not in DOSE_TIMES:
                raise ClinicalError(
                    "bad-option",
                    f"Custom step {number}: unknown dose time {time!r}; "
                    f"use {', '.join(DOSE_TIMES)}.",
                )
            if time in seen:
                raise ClinicalError(
                    "bad-option", f"Custom step {number}: the {time} dose is given twice."
                )
            seen.add(time)
            if mg < 0:
                raise ClinicalError(
                    "bad-option", f"Custom step {number}: the {time} dose cannot be negative."
                )
            if mg == 0:
                continue
            check_mg(
                context,
                mg,
                f"--steps: step {number} ({step.start.isoformat()}) {time}",
                context.taper_drug,
            )
            if not maker.can_make(mg):
                raise ClinicalError(
                    "formulary",
                    f"Custom step {number} ({step.start.isoformat()}): the formulary "
                    f"'{context.formulary.name}' cannot make {context.taper_drug} "
                    f"{mg_text(mg)} mg ({time}).",
                )
            doses.append((time, context.taper_drug, clean(mg)))
        regimen = tuple(sorted(doses, key=lambda d: DOSE_TIMES.index(d[0])))
        if not regimen:
            drafts.append(Draft(day=day, days=0, kind=DISCONTINUATION, regimen=()))
            outcome = "discontinued"
            continue
        drafts.append(Draft(day=day, days=context.interval_days, kind=CUSTOM, regimen=regimen))
    last = drafts[-1]
    if last.kind == DISCONTINUATION:
        if request.final_hold_days is not None:
            raise ClinicalError(
                "bad-option",
                "--final-hold does not apply to --method custom: set the dates in --steps.",
            )
        return outcome
    last.kind = END_DOSE
    last.days = request.final_hold_days or context.interval_days
    last.note = "End dose: hold this dose; review rather than stop."
    return outcome


def _check_end_dose(context: PlanContext, regimen: Regimen) -> None:
    end = context.request.end_dose_mg
    if end is None:
        return
    current = sum((mg for _, d, mg in regimen if d == context.taper_drug), Decimal(0))
    drug = context.taper_drug
    if end >= current:
        raise ClinicalError(
            "bad-option",
            f"--end-dose {mg_text(end)} mg must be below the {drug} dose the taper starts "
            f"from ({mg_text(current)} mg/day).",
        )
    if not context.maker(drug).can_make(end):
        raise ClinicalError(
            "formulary",
            f"The formulary '{context.formulary.name}' cannot make an end dose of {drug} "
            f"{mg_text(end)} mg.",
        )


def percent_parameters(
    context: PlanContext, before_cuts: int, drafts: list[Draft], settings: MethodSettings
) -> str | None:
    """Refuse a percentage that breaks the ceiling by itself; overridden, return the text
    that the plan's one ``rate-limit`` warning starts with (None when it does not break it
    or the method is not ``percent``).

    ``drafts[before_cuts]`` is the step the first cut follows (step 0 or the last
    crossover step).
    """
    if settings.method != "percent":
        return None
    percent = settings.step or Decimal(0)
    breach = ideal_percent_breach(context, percent, settings.interval_days)
    if breach is None:
        return None
    offset, left = breach
    rules = context.rules
    first = drafts[before_cuts]
    first_cut = first.day + first.days
    start = context.request.start + timedelta(days=first_cut + offset)
    end = start + timedelta(days=rules.window_days)
    de = context.regimen_de(first.regimen)
    text = (
        f"--step {mg_text(percent)} every {settings.interval_days} days cuts more than "
        f"{mg_text(rules.max_cut_pct)}% in {rules.window_days} days: from "
        f"{mg_text(de)} mg diazepam-equivalent/day on {start.isoformat()} to "
        f"{mg_text(de * left)} on {end.isoformat()} ({_pct(left - 1)}%) "
        f"[{rules.ceiling_source}]"
    )
    if context.override is None:
        raise ClinicalError(
            "rate-limit",
            f"Refused (rate-limit): {text}. Choose a smaller --step or a longer --interval, "
            "or give --override-reason TEXT to plan it anyway.",
        )
    return text


def judge(
    context: PlanContext, drafts: list[Draft], parameters: str | None = None
) -> list[PlanWarning]:
    """Check the whole plan against the ceiling and the minimum step.

    Without an override reason the first breach is refused (ClinicalError "rate-limit",
    naming the step, the days and doses and how to override); with one, the breaches are
    kept as one ``rate-limit`` warning, which starts with ``parameters`` (the text of
    percent parameters that break the ceiling by themselves) when given.
    """
    levels = [level_of(context, d) for d in drafts]
    breaches = find_breaches(levels, context.rules)
    if not breaches and parameters is None:
        return []
    texts = [_breach_text(context, drafts, b) for b in breaches]
    if context.override is None:
        raise ClinicalError(
            "rate-limit", f"Refused (rate-limit): {texts[0]}. {_way_out(context, breaches[0])}"
        )
    shown = "; ".join(texts[:3]) + (f"; and {len(texts) - 3} more" if len(texts) > 3 else "")
    if parameters is not None:
        several = len(texts) > 1
        shown = parameters + (
            f"; the step{'s' if several else ''} that break{'' if several else 's'} a limit: "
            + shown
            if texts
            else ""
        )
    rules = context.rules
    sources = {b.rule for b in breaches} | ({"ceiling"} if parameters is not None else set())
    source = "; ".join(
        s
        for rule, s in (("ceiling", rules.ceiling_source), ("min-step", rules.min_step_source))
        if rule in sources
    )
    return [
        PlanWarning(
            code="rate-limit",
            message=f"Overridden ({context.override}): {shown}.",
            source=source,
        )
    ]


def _breach_text(context: PlanContext, drafts: list[Draft], breach: Breach) -> str:
    rules = context.rules
    draft = drafts[breach.index]
    start = context.request.start
    when = (start + timedelta(days=draft.day)).isoformat()
    if breach.rule == "min-step":
        return (
            f"step {breach.index} ({when}) lasts {breach.days} day"
            f"{'s' if breach.days != 1 else ''}: a dose step shorter than "
            f"{rules.min_step_days} days [{rules.min_step_source}]"
        )
    first = start + timedelta(days=breach.from_day)
    second = first + timedelta(days=rules.window_days)
    change = breach.to_de / breach.from_de - 1
    return (
        f"step {breach.index} ({when}) cuts more than {mg_text(rules.max_cut_pct)}% in "
        f"{rules.window_days} days: {mg_text(breach.from_de)} mg diazepam-equivalent/day on "
        f"{first.isoformat()} to {mg_text(breach.to_de)} on {second.isoformat()} "
        f"({_pct(change)}%) [{rules.ceiling_source}]"
    )


def _way_out(context: PlanContext, breach: Breach) -> str:
    method = context.request.method
    override = "or give --override-reason TEXT to plan it anyway."
    if breach.rule == "min-step":
        return f"Use steps of {context.rules.min_step_days} days or more, {override}"
    if method == "fixed":
        return f"Use --method percent or a smaller --step from step {breach.index}, {override}"
    if method == "custom":
        return f"Make the cut at step {breach.index} smaller or later, {override}"
    return f"Slow the plan, {override}"


def _pct(change: Fraction) -> str:
    value = round(float(change) * 100, 2)
    return f"{value:+.2f}".rstrip("0").rstrip(".").replace("-", "−")


def build_steps(context: PlanContext, drafts: list[Draft]) -> tuple[Step, ...]:
    """Turn drafts into numbered, dated steps with products and equivalents."""
    steps: list[Step] = []
    previous: Fraction | None = None
    for number, draft in enumerate(drafts):
        doses = tuple(_dose(context, time, drug, mg) for time, drug, mg in draft.regimen)
        de = context.regimen_de(draft.regimen)
        change = Fraction(0) if not previous else (de - previous) / previous * 100
        planned = (
            None
            if draft.planned is None
            else (Decimal(draft.planned.numerator) / Decimal(draft.planned.denominator)).quantize(
                Decimal("0.0001")
            )
        )
        planned = clean(planned) if planned is not None else None
        steps.append(
            Step(
                number=number,
                start=context.request.start + timedelta(days=draft.day),
                days=draft.days,
                kind=draft.kind,
                doses=doses,
                diazepam_equivalent_mg=de,
                change_pct=change,
                planned_daily_mg=planned,
                note=draft.note,
                cut_short=draft.cut_short,
            )
        )
        previous = de
    return tuple(steps)


def _dose(context: PlanContext, time: str, drug: str, mg: Decimal) -> Dose:
    products = context.maker(drug).make(mg)
    if products is None:
        return Dose(time=time, drug=drug, mg=mg, products=(), supply="current")
    return Dose(time=time, drug=drug, mg=mg, products=products)


def step_warnings(context: PlanContext, steps: tuple[Step, ...]) -> list[PlanWarning]:
    """``initial-cut`` (first cut above ASAM's usual 5–10%) and ``rounding``."""
    rules = context.rules
    warnings: list[PlanWarning] = []
    for step in steps:
        if step.kind in CUT_KINDS and step.change_pct < 0:
            if -step.change_pct > Fraction(rules.initial_cut_high_pct):
                warnings.append(
                    PlanWarning(
                        code="initial-cut",
                        message=(
                            f"The first cut (step {step.number}, {step.start.isoformat()}) is "
                            f"{_pct(step.change_pct / 100).lstrip('−')}%, above the usual "
                            f"initial {mg_text(rules.initial_cut_low_pct)}–"
                            f"{mg_text(rules.initial_cut_high_pct)}%."
                        ),
                        source=rules.initial_cut_source,
                    )
                )
            break
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
    return sum((d.mg for d in step.doses if d.drug == drug), Decimal(0))


def is_rounded(drug: str, step: Step) -> bool:
    return step.planned_daily_mg is not None and step.planned_daily_mg != taper_daily(drug, step)


def _increase_warnings(context: PlanContext, drafts: list[Draft]) -> list[PlanWarning]:
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


__all__ = [
    "PAUSE",
    "STEP_BACK",
    "build_steps",
    "judge",
    "method_settings",
    "percent_parameters",
    "plan_taper",
]
