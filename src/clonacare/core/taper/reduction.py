"""The reduction loop shared by ``percent``, ``fixed`` and ``bands``.

From the last step's doses it asks the method for a target, then picks the dose nearest
to it that the formulary can make, taking each cut off the dose times in the reduce-first
order, and (for the methods that choose their own cuts) never below what the ceiling
allows. It ends with a discontinuation step or by holding the end dose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from math import ceil, floor

from clonacare.core.errors import ClinicalError
from clonacare.core.taper.context import Draft, PlanContext, Regimen, clean, mg_text
from clonacare.core.taper.guardrails import Level, keep_fraction, lowest_allowed_de
from clonacare.core.taper.methods import Target, bands_target, fixed_target, percent_target
from clonacare.core.taper.model import DISCONTINUATION, DOSE_TIMES, END_DOSE, REDUCTION, PlanWarning


@dataclass(frozen=True)
class MethodSettings:
    """The method and its parameters for the reductions (revisions may change them)."""

    method: str
    step: Decimal | None
    interval_days: int
    end_dose_mg: Decimal | None
    final_hold_days: int | None


@dataclass
class ReductionResult:
    outcome: str
    warnings: list[PlanWarning] = field(default_factory=list)


def level_of(context: PlanContext, draft: Draft) -> Level:
    return Level(
        day=draft.day,
        days=draft.days,
        de=context.regimen_de(draft.regimen),
        kind=draft.kind,
        cut_short=draft.cut_short,
    )


def allocation(context: PlanContext, regimen: Regimen) -> dict[str, Decimal]:
    """The taper drug's dose at each dose time (the regimen must be all taper drug)."""
    return {time: mg for time, drug, mg in regimen if drug == context.taper_drug}


def regimen_of(context: PlanContext, alloc: dict[str, Decimal]) -> Regimen:
    return tuple(
        (time, context.taper_drug, clean(alloc[time]))
        for time in DOSE_TIMES
        if alloc.get(time, Decimal(0)) > 0
    )


def apply_cut(
    alloc: dict[str, Decimal], order: tuple[str, ...], cut: Decimal
) -> tuple[dict[str, Decimal], str | None]:
    """Take ``cut`` mg off the dose times in ``order``; returns the new doses and the dose
    time left partly cut (None when every touched time went to zero)."""
    new = dict(alloc)
    remaining = cut
    partial: str | None = None
    for time in order:
        if remaining <= 0:
            break
        have = new.get(time, Decimal(0))
        if have <= 0:
            continue
        take = min(remaining, have)
        new[time] = have - take
        remaining -= take
        partial = time if new[time] > 0 else None
    return new, partial


def choose(
    context: PlanContext,
    alloc: dict[str, Decimal],
    target: Fraction,
    lowest: Fraction,
    allow_hold: bool = False,
) -> dict[str, Decimal] | None:
    """The makeable doses nearest to ``target`` mg/day with ``lowest`` ≤ daily < current
    (≤ current with ``allow_hold``: the current doses may be the answer).

    Ties go to the larger dose (the smaller cut). None when no makeable dose is in range.
    """
    first = 0 if allow_hold else 1
    maker = context.maker(context.taper_drug)
    quantum = maker.quantum
    if quantum is None:
        return None
    q = Fraction(quantum)
    current = Fraction(sum(alloc.values(), Decimal(0)))
    max_j = floor((current - max(lowest, Fraction(0))) / q)
    if max_j < first:
        return None
    ideal = (current - target) / q
    low = min(max(floor(ideal), first), max_j)
    high = low + 1
    # Walk outwards from the ideal cut: nearest first, the smaller cut on a tie.
    while low >= first or high <= max_j:
        pick_low = low >= first and (high > max_j or abs(ideal - low) <= abs(high - ideal))
        j = low if pick_low else high
        if pick_low:
            low -= 1
        else:
            high += 1
        if j == 0:
            return dict(alloc)
        cut = quantum * j
        new, partial = apply_cut(alloc, context.reduce_order, cut)
        if partial is None or maker.can_make(new[partial]):
            return new
    return None


def _target(context: PlanContext, settings: MethodSettings, current: Fraction) -> Target:
    # build_context has checked that percent and fixed have a step.
    step = Fraction(settings.step or 0)
    if settings.method == "percent":
        return percent_target(current, step)
    if settings.method == "fixed":
        return fixed_target(current, step)
    return bands_target(context.de(context.taper_drug, current), context.rules, context.to_taper_mg)


def reduce(context: PlanContext, drafts: list[Draft], settings: MethodSettings) -> ReductionResult:
    """Append reduction steps to ``drafts`` (whose last step holds the taper drug only)
    until the plan stops the drug or holds the end dose."""
    result = ReductionResult(outcome="discontinued")
    levels = [level_of(context, d) for d in drafts]
    interval = settings.interval_days
    end = Fraction(settings.end_dose_mg) if settings.end_dose_mg is not None else None
    literal = settings.method == "fixed"
    # The percent method follows its curve (start × (1 − P)^k, one cut per interval); the
    # dose is the makeable one nearest the curve, held where a cut would overshoot it.
    curve = settings.method == "percent"
    override = context.override is not None
    warned_above = False
    ideal = Fraction(sum(allocation(context, drafts[-1].regimen).values(), Decimal(0)))
    while True:
        if len(drafts) > context.rules.max_steps:
            raise ClinicalError(
                "bad-option",
                f"This plan would need more than {context.rules.max_steps} steps "
                f"({context.rules.plausibility_source}); choose a larger --step.",
            )
        last = drafts[-1]
        alloc = allocation(context, last.regimen)
        current = Fraction(sum(alloc.values(), Decimal(0)))
        if end is not None and current <= end:
            _hold_end(last, settings, levels, context)
            result.outcome = "end-dose"
            return result
        target = _target(context, settings, ideal if curve else current)
        ideal = target.mg
        if target.above_bands and not warned_above:
            warned_above = True
            result.warnings.append(_above_bands_warning(context, current))
        day = last.day + last.days
        lowest = context.to_taper_mg(lowest_allowed_de(levels, day, interval, context.rules))
        wish = target.mg
        if override or (literal and wish < lowest):
            lowest = Fraction(0)  # a literal cut is judged afterwards, never rounded
        elif not literal:
            wish = max(wish, lowest)  # methods that choose their cuts stay inside the ceiling
        if end is not None:
            wish = max(wish, end)
            lowest = max(lowest, end)
        elif wish <= context.discontinuation_mg:
            _discontinue(context, drafts, levels, settings, wish, floor_warning=None)
            return result
        new = choose(context, alloc, wish, lowest, allow_hold=curve)
        if new == alloc:
            new = None  # the curve has not gone far enough below the dose: hold or floor
        if new is None:
            floor_mg = current * keep_fraction(context.rules) if not override else Fraction(0)
            if end is not None:
                floor_mg = max(floor_mg, end)
            if choose(context, alloc, floor_mg, floor_mg) is not None:
                # Only the earlier cuts of this window hold it back: wait one interval.
                last.days += interval
                levels[-1] = level_of(context, last)
                continue
            warning = _floor_warning(context, alloc, current, end)
            if end is not None:
                _hold_end(last, settings, levels, context)
                result.outcome = "end-dose"
                result.warnings.append(warning)
                return result
            _discontinue(context, drafts, levels, settings, wish, floor_warning=warning)
            result.warnings.append(warning)
            return result
        daily = Fraction(sum(new.values(), Decimal(0)))
        if end is None and daily <= context.discontinuation_mg:
            _discontinue(context, drafts, levels, settings, daily, floor_warning=None)
            return result
        draft = Draft(
            day=day,
            days=interval,
            kind=REDUCTION,
            regimen=regimen_of(context, new),
            planned=wish,
        )
        drafts.append(draft)
        levels.append(level_of(context, draft))


def _hold_end(
    last: Draft, settings: MethodSettings, levels: list[Level], context: PlanContext
) -> None:
    if last.kind == REDUCTION:
        last.kind = END_DOSE
    last.days = settings.final_hold_days or settings.interval_days
    last.note = "End dose: hold this dose; review rather than stop."
    levels[-1] = level_of(context, last)


def _discontinue(
    context: PlanContext,
    drafts: list[Draft],
    levels: list[Level],
    settings: MethodSettings,
    wish: Fraction,
    floor_warning: PlanWarning | None,
) -> None:
    last = drafts[-1]
    if settings.final_hold_days is not None:
        last.days = settings.final_hold_days
        levels[-1] = level_of(context, last)
    disc = context.discontinuation_de_mg
    if floor_warning is not None:
        note = "Stops at the formulary's floor: see the formulary-floor warning."
    else:
        note = (
            f"Stops: the next cut would take the dose to {mg_text(wish)} mg/day, at or below "
            f"the discontinuation dose ({mg_text(disc)} mg diazepam-equivalent, a Clonacare "
            "default, not a guideline value)."
        )
    drafts.append(
        Draft(day=last.day + last.days, days=0, kind=DISCONTINUATION, regimen=(), note=note)
    )
    levels.append(level_of(context, drafts[-1]))


def _above_bands_warning(context: PlanContext, current: Fraction) -> PlanWarning:
    top = context.rules.bands_top_mg
    return PlanWarning(
        code="bands-above-range",
        message=(
            f"The bands are written for up to diazepam {mg_text(top)} mg/day; above it "
            f"(now {mg_text(context.de(context.taper_drug, current))} mg diazepam-equivalent) "
            "the plan uses the top band's cut."
        ),
        source=context.rules.bands_source,
    )


def _floor_warning(
    context: PlanContext, alloc: dict[str, Decimal], current: Fraction, end: Fraction | None
) -> PlanWarning:
    drug = context.taper_drug
    rules = context.rules
    de_now = context.de(drug, current)
    below = choose(context, alloc, Fraction(0), Fraction(0))
    nearest = ""
    if below is not None:
        # The nearest makeable dose under the current one, and the cut it would be.
        step_down = choose(context, alloc, current - Fraction(1, 10**9), Fraction(0))
        if step_down is not None:
            value = Fraction(sum(step_down.values(), Decimal(0)))
            pct = (current - value) / current * 100
            nearest = (
                f" (the nearest dose below, {mg_text(value)} mg/day, would be a "
                f"{mg_text(round(pct, 1))}% cut)"
            )
    ways = ["a liquid or compounded form in the site formulary"]
    ways.append("a smaller orally disintegrating tablet")
    if drug != "diazepam":
        ways.append("--switch-to diazepam")
    if end is not None:
        outcome = (
            f"the plan holds {mg_text(current)} mg/day instead of the end dose {mg_text(end)} mg"
        )
    else:
        outcome = (
            f"the plan stops from {mg_text(current)} mg/day, a last step of 100% "
            f"({mg_text(de_now)} mg diazepam-equivalent)"
        )
    return PlanWarning(
        code="formulary-floor",
        message=(
            f"The formulary '{context.formulary.name}' cannot make a {drug} dose below "
            f"{mg_text(current)} mg/day within {mg_text(rules.max_cut_pct)}% in "
            f"{rules.window_days} days{nearest}: {outcome}. Ways out: {', '.join(ways)}."
        ),
        source=rules.sources["formulary_floor"],
    )


def ideal_percent_breach(
    context: PlanContext, percent: Decimal, interval: int
) -> tuple[int, Fraction] | None:
    """Does cutting ``percent`` every ``interval`` days break the ceiling by itself?

    Returns (offset in days from the first cut to the start of the first window that
    breaks it, a negative number or zero; share of the dose left after it), or None.
    """
    rules = context.rules
    cuts_in_window = ceil(Fraction(rules.window_days, interval))
    left = (1 - Fraction(percent) / 100) ** cuts_in_window
    if left >= keep_fraction(rules):
        return None
    # The window starts before the first cut and ends on the last one it holds.
    return ((cuts_in_window - 1) * interval - rules.window_days, left)
