"""Plan a taper: ``plan_taper(request) -> TaperPlan``.

Step 0 is the current dose from the start date. A switch to diazepam then replaces one
dose time at a time, a portion at a time (never more than half the daily dose in a step),
at equal diazepam-equivalent; with a switch point the drug taken now is cut first and the
switch begins at or below it. The method's reductions follow, and the plan ends with a
discontinuation step (no doses) from the discontinuation dose or below, or by holding the
end dose. The guardrails judge the whole plan: a breach is refused unless an override
reason is given.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from math import ceil

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
    lowest_allowed_de,
    patient_warnings,
    require_confirmation,
    stop_breaches,
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
    choose,
    ideal_percent_breach,
    level_of,
    reduce,
    too_long_way_out,
)
from clonacare.core.taper.rules import Rules

CUT_KINDS = (REDUCTION, CUSTOM, END_DOSE)


def plan_taper(request: TaperRequest, formulary: Formulary | None = None) -> TaperPlan:
    """Plan a taper from ``request``.

    Raises ClinicalError for bad input (codes such as "unknown-drug", "bad-dose",
    "bad-option", "formulary"), for a blocking warning no clinician has confirmed
    ("confirmation-required") and for a plan that breaks a limit without an override
    reason ("rate-limit").
    """
    context = build_context(request, formulary)
    warnings, label = confirmed_start(request, context.rules)
    warnings.extend(equivalence_warnings(context))
    start = start_regimen(request)
    warnings.extend(_check_start_makeable(context, start))
    if label is not None:
        warnings.append(label)

    settings = method_settings(context)
    tail = request.switch_to is not None and request.switch_at_de_mg is not None
    oversized: list[Parameter] = []
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
    context.check_length(drafts[-1].day + drafts[-1].days, too_long_way_out(request.method))
    warnings.extend(planned_dose_warnings(context, drafts, warnings))
    warnings.extend(judge(context, drafts, parameters + oversized))
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


def start_regimen(request: TaperRequest) -> Regimen:
    """The doses taken now, in dose-time order."""
    return tuple(
        sorted(
            ((time, request.drug, clean(mg)) for time, mg in request.doses),
            key=lambda d: DOSE_TIMES.index(d[0]),
        )
    )


def confirmed_start(
    request: TaperRequest, rules: Rules
) -> tuple[list[PlanWarning], PlanWarning | None]:
    """The patient's warnings and the starting dose's ``label-maximum`` warning (or None).

    Refuses (ClinicalError "confirmation-required") while a blocking one has no
    ``confirmed_by``: a plan and each revision of it are held the same way.
    """
    warnings, unconfirmed = patient_warnings(request.patient, request.drug, rules)
    daily = sum((mg for _, _, mg in start_regimen(request)), Decimal(0))
    seizure = any(w.code == "seizure-disorder" for w in warnings)
    label = label_maximum_warning(
        request.drug,
        daily,
        seizure,
        request.patient.indication,
        starting_dose=True,
        confirmed_by=request.patient.confirmed_by,
    )
    if label is not None and label.confirmed_by is None:
        unconfirmed.append(label)
    require_confirmation(unconfirmed)
    return warnings, label


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
        dailies = [
            sum((mg for _, d, mg in draft.regimen if d == drug), Decimal(0)) for draft in drafts
        ]
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


def crossover(
    context: PlanContext, drafts: list[Draft], oversized: list[Parameter] | None = None
) -> list[PlanWarning]:
    """Append the switch to diazepam after ``drafts[-1]`` (whose doses are all of the drug
    taken now); returns the warnings for portions only the patient's supply can make.

    The switch is gradual (ASAM 2025 Rec 7; Ashton): one dose time at a time, in the
    crossover order, and no step replaces more than the rules' share of the daily
    diazepam-equivalent (half), so a dose time above it is switched in portions and the
    switch takes at least the rules' number of steps. Each step lasts the crossover days.
    The diazepam that replaces a dose equals it by the chosen table, rounded down (never
    up) to what the formulary makes.

    Where the products cannot make a portion that small (a dose that is already the
    smallest product: temazepam 7.5 mg), the switch is refused (ClinicalError
    "formulary", "Refused (gradual-switch): …", naming the ways out) unless an override
    reason accepts a larger portion: the smallest the products make, the whole dose time
    at the most; each such step is appended to ``oversized`` for the ``rate-limit``
    warning, with its size.
    """
    rules = context.rules
    last = drafts[-1]
    total = context.regimen_de(last.regimen)
    share = min(Fraction(rules.crossover_max_share), Fraction(1, rules.crossover_min_steps))
    budget = total * share  # the most diazepam-equivalent one step may replace
    days = context.crossover_days
    taper = context.taper_drug
    kept = {time: (drug, mg) for time, drug, mg in last.regimen}
    switched: dict[str, Decimal] = {}
    exact_at: dict[str, Fraction] = {}
    planned = Fraction(0)
    current_supply: list[str] = []
    day = last.day + last.days
    for time in (t for t in context.crossover_order if t in kept):
        drug, mg = kept[time]
        whole = mg
        portions = max(1, ceil(context.de(drug, mg) / budget))
        done = 0
        while kept[time][1] > 0:
            done += 1
            keep_now = kept[time][1]
            aim = Fraction(whole) * (portions - done) / portions
            new_keep, supply = _portion_keep(context, drug, keep_now, aim, budget)
            if new_keep is None:
                if context.override is None:
                    _refuse_the_portion(context, drafts, drug, keep_now, time, share, budget)
                new_keep = _largest_makeable_below(context, drug, keep_now)
                portion = context.de(drug, keep_now - new_keep)
                if oversized is not None:
                    when = context.request.start + timedelta(days=day)
                    oversized.append(
                        Parameter(
                            text=(
                                f"step {len(drafts)} ({when.isoformat()}) switches {drug} "
                                f"{mg_text(keep_now - new_keep)} mg ({time}), "
                                f"{mg_text(portion)} mg diazepam-equivalent or "
                                f"{mg_text(round(portion / total * 100, 1))}% of the daily "
                                f"dose, in one step: more than the {mg_text(share * 100)}% "
                                f"a step may replace [{rules.crossover_portion_source}]"
                            ),
                            rule="switch",
                        )
                    )
            if supply:
                current_supply.append(f"{drug} {mg_text(new_keep)} mg ({time})")
            # The diazepam at this dose time: the equivalent of everything switched there
            # so far, rounded down once (not portion by portion, which would lose a little
            # at each step), so no step of the switch is higher than the one before.
            exact_at[time] = exact_at.get(time, Fraction(0)) + context.to_taper_mg(
                context.de(drug, keep_now - new_keep)
            )
            wanted = exact_at[time]
            made = _largest_makeable_at_most(context, wanted)
            if made is None:
                raise ClinicalError(
                    "formulary",
                    f"The formulary '{context.formulary.name}' cannot make diazepam "
                    f"{mg_text(wanted)} mg (or less) to replace "
                    f"{drug} {mg_text(whole - new_keep)} mg ({time}).",
                )
            planned += context.to_taper_mg(context.de(drug, keep_now - new_keep))
            before = _time_text(drug, keep_now, taper, switched.get(time))
            kept[time] = (drug, new_keep)
            switched[time] = made
            after = _time_text(drug, new_keep, taper, made)
            what = (
                "the"
                if done == 1 and new_keep == 0
                else "part of the"
                if done == 1
                else "the rest of the"
                if new_keep == 0
                else "more of the"
            )
            regimen: list[tuple[str, str, Decimal]] = []
            for t in DOSE_TIMES:
                if t in kept and kept[t][1] > 0:
                    regimen.append((t, kept[t][0], kept[t][1]))
                if switched.get(t):
                    regimen.append((t, taper, switched[t]))
            day = _hold_within_the_ceiling(context, drafts, day, tuple(regimen))
            drafts.append(
                Draft(
                    day=day,
                    days=days,
                    kind=CROSSOVER,
                    regimen=tuple(regimen),
                    planned=planned,
                    note=f"Switch {what} {time} dose: {before} → {after}.",
                )
            )
            day += days
    if not current_supply:
        return []
    return [
        PlanWarning(
            code="formulary-current-dose",
            message=(
                f"The formulary '{context.formulary.name}' cannot make "
                + ", ".join(current_supply)
                + ", a portion of a dose switched to diazepam step by step; the plan "
                "records it as part of the patient's current supply until the switch "
                "replaces it."
            ),
            source=rules.crossover_portion_source,
        )
    ]


def _refuse_the_portion(
    context: PlanContext,
    drafts: list[Draft],
    drug: str,
    keep: Decimal,
    time: str,
    share: Fraction,
    budget: Fraction,
) -> None:
    """No portion small enough for a gradual switch: refused, naming the ways out. To
    taper without the switch is one only where the drug taken now can be cut within the
    ceiling (not at the formulary's floor, where it would be refused again)."""
    rules = context.rules
    ways = ["a site formulary (--formulary FILE) with smaller products"]
    if _can_cut_now(context, drafts[-1].regimen):
        ways.append("taper without the switch")
    raise ClinicalError(
        "formulary",
        f"Refused (gradual-switch): the formulary '{context.formulary.name}' cannot make "
        f"a portion of {drug} {mg_text(keep)} mg ({time}) small enough to switch to "
        f"diazepam gradually: a step may replace at most {mg_text(share * 100)}% of the "
        f"daily dose ({mg_text(budget)} mg diazepam-equivalent) "
        f"[{rules.crossover_portion_source}]. Ways out: {', '.join(ways)}; or give "
        "--override-reason TEXT to switch it in fewer, larger portions.",
    )


def _can_cut_now(context: PlanContext, regimen: Regimen) -> bool:
    """Can the drug taken now be cut within the ceiling from ``regimen`` (its doses only)?"""
    drug = context.request.drug
    if any(d != drug for _, d, _ in regimen):
        return False
    alone = replace(context, taper_drug=drug)
    alloc = {time: mg for time, _, mg in regimen}
    current = Fraction(sum(alloc.values(), Decimal(0)))
    floor_mg = current * (1 - Fraction(context.rules.max_cut_pct) / 100)
    return choose(alone, alloc, floor_mg, floor_mg) is not None


def _largest_makeable_below(context: PlanContext, drug: str, mg: Decimal) -> Decimal:
    """The largest amount of ``drug`` below ``mg`` the formulary makes (0 when none)."""
    maker = context.maker(drug)
    quantum = maker.quantum
    if quantum is None:
        return Decimal(0)
    j = ceil(Fraction(mg) / Fraction(quantum)) - 1
    while j >= 1:
        if maker.can_make(quantum * j):
            return clean(quantum * j)
        j -= 1
    return Decimal(0)


def _hold_within_the_ceiling(
    context: PlanContext, drafts: list[Draft], day: int, regimen: Regimen
) -> int:
    """The day a switch step may begin: after a recent cut (a tail switch), a step that
    rounding leaves a little lower waits, the step before it held longer, until the pace
    stays within the ceiling. Returns ``day`` or a later one; a step still outside the
    ceiling after a whole window is left for the guardrails to judge."""
    rules = context.rules
    de = context.regimen_de(regimen)
    waited = 0
    while waited < rules.window_days:
        levels = [level_of(context, d) for d in drafts]
        if de >= lowest_allowed_de(levels, day, context.crossover_days, rules):
            break
        drafts[-1].days += context.crossover_days
        day += context.crossover_days
        waited += context.crossover_days
    return day


def _time_text(drug: str, mg: Decimal, taper: str, switched: Decimal | None) -> str:
    parts = [f"{drug} {mg_text(mg)} mg"] if mg > 0 else []
    if switched:
        parts.append(f"{taper} {mg_text(switched)} mg")
    return " + ".join(parts)


def _portion_keep(
    context: PlanContext, drug: str, keep: Decimal, aim: Fraction, budget: Fraction
) -> tuple[Decimal | None, bool]:
    """How much of ``drug`` a dose time keeps after the next portion of the switch: the
    smallest makeable amount at or above ``aim`` that replaces at most ``budget``
    diazepam-equivalent, else the smallest makeable one below ``aim`` within it; where
    the formulary cannot make the dose itself (the patient's own supply), ``aim`` itself
    when exact, as a share of that supply.
    Returns (amount, taken from the patient's supply) or (None, False)."""
    lowest = Fraction(keep) - budget * context.equivalent_of(drug) / 10  # least it may keep
    if lowest <= 0 and aim <= 0:
        return Decimal(0), False
    maker = context.maker(drug)
    exact = Decimal(aim.numerator) / Decimal(aim.denominator)
    from_supply = Fraction(exact) == aim and aim >= lowest and aim > 0
    if from_supply and not maker.can_make(keep):
        return clean(exact), True  # a share of a dose the patient already has
    options: list[Decimal] = [Decimal(0)] if lowest <= 0 else []
    quantum = maker.quantum
    if quantum is not None:
        j = max(ceil(max(lowest, Fraction(0)) / Fraction(quantum)), 1)
        while quantum * j < keep:
            if maker.can_make(quantum * j):
                options.append(clean(quantum * j))
            j += 1
    above = [o for o in options if o >= aim]
    if above:
        return min(above), False
    if options:
        return max(options), False
    return None, False


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


@dataclass(frozen=True)
class Parameter:
    """A plan parameter that breaks a limit by itself, accepted by an override reason:
    ``text`` opens the plan's ``rate-limit`` warning, ``rule`` names the limit's source
    ("ceiling", "stop", or "switch": a switch step larger than a step may replace)."""

    text: str
    rule: str


def plan_parameters(
    context: PlanContext, before_cuts: int, drafts: list[Draft], settings: MethodSettings
) -> list[Parameter]:
    """The parameters that break a limit by themselves (a percentage above the ceiling,
    a discontinuation dose above the rules' default): refused without an override
    reason, else returned for the ``rate-limit`` warning."""
    found = percent_parameters(context, before_cuts, drafts, settings)
    parameters = [Parameter(text=found, rule="ceiling")] if found is not None else []
    return parameters + discontinuation_parameters(context)


def discontinuation_parameters(context: PlanContext) -> list[Parameter]:
    """A discontinuation dose above the rules' default lets the plan stop from a higher
    dose, a 100% cut: refused (ClinicalError "rate-limit") without an override reason."""
    rules = context.rules
    default = Fraction(rules.discontinuation_de_mg)
    disc = context.discontinuation_de_mg
    if disc <= default or not ends_in_a_stop(context):
        return []
    text = (
        f"The discontinuation dose, {mg_text(disc)} mg diazepam-equivalent, is above the "
        f"{mg_text(default)} mg a plan stops from ({rules.discontinuation_source}): the plan "
        f"would stop the drug from up to {mg_text(disc)} mg diazepam-equivalent/day, a 100% "
        f"cut [{rules.stop_source}]"
    )
    if context.override is None:
        raise ClinicalError(
            "rate-limit",
            f"Refused (rate-limit): {text}. Use --discontinuation-dose {mg_text(default)} or "
            "less, or give --override-reason TEXT to plan it anyway.",
        )
    return [Parameter(text=text, rule="stop")]


def ends_in_a_stop(context: PlanContext) -> bool:
    """Can the plan end by stopping the drug? Not with an end dose to hold (the methods
    hold it, at the formulary's floor too), nor custom steps that end on a dose."""
    request = context.request
    if request.method == "custom":
        return bool(request.custom_steps) and not any(
            mg > 0 for _, mg in request.custom_steps[-1].doses
        )
    return request.end_dose_mg is None


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


def plan_breaches(context: PlanContext, drafts: list[Draft]) -> list[Breach]:
    """Every breach of the ceiling, the minimum step and the stop rule, in step order."""
    levels = [level_of(context, d) for d in drafts]
    breaches = find_breaches(levels, context.rules)
    breaches += stop_breaches(levels, context.stop_threshold_de)
    breaches.sort(key=lambda b: b.index)
    return breaches


def no_worse_than(breach: Breach, stored: list[Breach]) -> bool:
    """Is ``breach`` one the stored plan already had, or a milder one of the same rule?
    A stop from a dose no higher, a cut in the window no deeper, a step no shorter."""
    for old in stored:
        if old.rule != breach.rule:
            continue
        if breach.rule == "stop" and breach.from_de <= old.from_de:
            return True
        if breach.rule == "min-step" and breach.days >= old.days:
            return True
        if breach.rule == "ceiling" and breach.to_de * old.from_de >= old.to_de * breach.from_de:
            return True
    return False


# Breaches listed in full in a ``rate-limit`` warning: every stop, so an overridden stop
# is never hidden behind "and N more". Ceiling and minimum-step breaches are listed up to
# this many.
_SHOWN_PACE_BREACHES = 3


def judge(
    context: PlanContext,
    drafts: list[Draft],
    parameters: list[Parameter] | None = None,
    *,
    stored: list[Breach] | None = None,
    way_out: str | None = None,
) -> list[PlanWarning]:
    """Check the whole plan against the ceiling, the minimum step and the stop (the drug
    stops only from a dose at or below the discontinuation dose).

    Without an override reason the first breach is refused (ClinicalError "rate-limit",
    naming the step, the days and doses and how to override); with one, the breaches are
    kept as one ``rate-limit`` warning, which starts with the text of ``parameters`` that
    break a limit by themselves, when given. Every stop and every parameter is listed;
    ceiling and minimum-step breaches after the first three are counted.

    A revision passes ``stored``, the breaches of the plan it revises: a breach no worse
    than one of them is not the revision's doing and is never refused; without an
    override reason it is kept as a ``stored-plan-breach`` warning (with ``parameters``,
    which come from the stored plan too). ``way_out`` replaces the plan's options in a
    refusal (a revision names its own).
    """
    parameters = parameters or []
    breaches = plan_breaches(context, drafts)
    if not breaches and not parameters:
        return []
    if context.override is None:
        new = [b for b in breaches if stored is None or not no_worse_than(b, stored)]
        if new:
            first = new[0]
            out = way_out or _way_out(context, first)
            raise ClinicalError(
                "rate-limit",
                f"Refused (rate-limit): {_breach_text(context, drafts, first)}. {out}",
            )
        if stored is None:
            return []  # the parameters were refused before any step was planned
        return [
            PlanWarning(
                code="stored-plan-breach",
                message=(
                    "From the stored plan, made before this limit applied or without an "
                    f"override reason: {_listing(context, drafts, breaches, parameters)}. The "
                    "revision keeps it as it was; to fix it, plan the taper again from the "
                    "current dose (clonacare taper plan), or record why with "
                    "--override-reason TEXT."
                ),
                source=_sources(context, breaches, parameters),
            )
        ]
    return [
        PlanWarning(
            code="rate-limit",
            message=(
                f"Overridden ({context.override}): "
                f"{_listing(context, drafts, breaches, parameters)}."
            ),
            source=_sources(context, breaches, parameters),
        )
    ]


def _listing(
    context: PlanContext, drafts: list[Draft], breaches: list[Breach], parameters: list[Parameter]
) -> str:
    """The parameters, every stop, and the first ceiling and minimum-step breaches."""
    pace = [b for b in breaches if b.rule != "stop"]
    shown_pace = {id(b) for b in pace[:_SHOWN_PACE_BREACHES]}
    listed = [b for b in breaches if b.rule == "stop" or id(b) in shown_pace]
    texts = [_breach_text(context, drafts, b) for b in listed]
    hidden = len(pace) - len(shown_pace)
    shown = "; ".join(texts)
    if hidden:
        shown += f"; and {hidden} more that cut too fast or too often"
    if not parameters:
        return shown
    several = len(breaches) > 1
    return "; ".join(p.text for p in parameters) + (
        f"; the step{'s' if several else ''} that break{'' if several else 's'} a limit: " + shown
        if breaches
        else ""
    )


def _sources(context: PlanContext, breaches: list[Breach], parameters: list[Parameter]) -> str:
    """The sources of the limits broken, each part once ("ASAM 2025 Rec 6 …" is in both
    the ceiling's and the stop's)."""
    rules = context.rules
    rules_broken = {b.rule for b in breaches} | {p.rule for p in parameters}
    parts: list[str] = []
    for rule, source in (
        ("ceiling", rules.ceiling_source),
        ("min-step", rules.min_step_source),
        ("stop", rules.stop_source),
        ("switch", rules.crossover_portion_source),
    ):
        if rule in rules_broken:
            parts.extend(p for p in source.split("; ") if p not in parts)
    return "; ".join(parts)


def _breach_text(context: PlanContext, drafts: list[Draft], breach: Breach) -> str:
    rules = context.rules
    draft = drafts[breach.index]
    start = context.request.start
    when = (start + timedelta(days=draft.day)).isoformat()
    if breach.rule == "stop":
        return (
            f"step {breach.index} ({when}) stops the drug from {mg_text(breach.from_de)} mg "
            "diazepam-equivalent/day, above the discontinuation dose "
            f"({mg_text(context.stop_threshold_de)} mg diazepam-equivalent): a 100% cut of "
            f"{mg_text(breach.from_de)} mg diazepam-equivalent [{rules.stop_source}]"
        )
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
    if breach.rule == "stop":
        threshold = mg_text(context.stop_threshold_de)
        if method == "custom":
            return (
                f"Add steps that bring the dose to {threshold} mg diazepam-equivalent/day or "
                f"less before the stop, or end on a dose to hold, {override}"
            )
        if method == "fixed":
            return f"Use a smaller --step or --method percent, {override}"
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
    initial = _initial_cut_warning(rules, steps)
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


def _initial_cut_warning(rules: Rules, steps: tuple[Step, ...]) -> PlanWarning | None:
    """``initial-cut`` when the cuts of the first days of reductions (the rules' window,
    14 days, from the first cut) take more than ASAM's usual 5–10% together."""
    first = next((i for i, s in enumerate(steps) if s.kind in CUT_KINDS and s.change_pct < 0), None)
    if first is None or first == 0:
        return None
    before = steps[first - 1].diazepam_equivalent_mg
    if before <= 0:
        return None
    end = steps[first].start + timedelta(days=rules.initial_cut_window_days)
    # The stop is judged by the stop rule, not as a cut of the initial pace.
    window = [s for s in steps[first:] if s.start < end and s.kind != DISCONTINUATION]
    lowest = min(s.diazepam_equivalent_mg for s in window)
    total = (before - lowest) / before * 100
    if total <= Fraction(rules.initial_cut_high_pct):
        return None
    usual = f"{mg_text(rules.initial_cut_low_pct)}–{mg_text(rules.initial_cut_high_pct)}%"
    cuts = [s for s in window if s.change_pct < 0]
    shown = _pct(-total / 100).lstrip("−")
    if len(cuts) == 1:
        step = cuts[0]
        message = (
            f"The first cut (step {step.number}, {step.start.isoformat()}) is {shown}%, "
            f"above the usual initial {usual}."
        )
        source = rules.initial_cut_source
    else:
        last_day = end - timedelta(days=1)
        message = (
            f"The cuts in the first {rules.initial_cut_window_days} days of reductions "
            f"(steps {cuts[0].number}–{cuts[-1].number}, {steps[first].start.isoformat()} "
            f"to {last_day.isoformat()}) take {shown}% together, above the usual initial "
            f"{usual}."
        )
        source = f"{rules.initial_cut_source}; {rules.initial_cut_window_source}"
    return PlanWarning(code="initial-cut", message=message, source=source)


def taper_daily(drug: str, step: Step) -> Decimal:
    """The daily mg of the drug a step's planned dose is in: ``drug`` (the drug being
    tapered), or before a tail switch the one drug the step gives."""
    drugs = {d.drug for d in step.doses}
    if len(drugs) == 1:
        (drug,) = drugs
    return sum((d.mg for d in step.doses if d.drug == drug), Decimal(0))


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


__all__ = [
    "PAUSE",
    "STEP_BACK",
    "Parameter",
    "build_steps",
    "crossover",
    "judge",
    "method_settings",
    "percent_parameters",
    "plan_parameters",
    "plan_taper",
    "taper_before_the_switch",
]
