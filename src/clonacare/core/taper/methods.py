"""The taper methods: each says which daily dose it would like next.

The planner then picks a dose the formulary can make inside the limits: for percent
and bands the smallest at or above the target, for fixed the nearest to it.
Targets are exact Fractions in mg of the drug being tapered. The custom method takes
the prescriber's own steps (:func:`custom`); :class:`MethodSettings` holds the method
and its parameters as the reductions use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_CEILING, Decimal, localcontext
from fractions import Fraction
from functools import cache
from typing import NamedTuple

from clonacare.core.errors import ClinicalError
from clonacare.core.taper.context import Draft, PlanContext
from clonacare.core.taper.limits import check_mg
from clonacare.core.taper.model import CUSTOM, DISCONTINUATION, DOSE_TIMES, END_DOSE
from clonacare.core.taper.numbers import below, clean, fraction_of, mg_text
from clonacare.core.taper.rules import Band, Rules
from clonacare.core.taper.terms import refused


class Target(NamedTuple):
    """A method's wish for the next daily dose; ``band`` is set by the bands method.
    (A named tuple: one is made per step, and it is cheaper than a frozen dataclass.)"""

    mg: Fraction
    band: Band | None = None
    above_bands: bool = False


# Significant digits of the share kept after several intervals: bounded precision, so a
# dose held for many intervals never grows an exact fraction of thousands of digits.
_KEEP_DIGITS = 34


def percent_target(current_mg: Fraction, percent: Decimal, intervals: int = 1) -> Target:
    """Cut ``percent`` of the current dose per interval, compounded over ``intervals``
    (a dose held because the formulary's smallest change is larger): cuts shrink as the
    dose falls (hyperbolic). The share kept is rounded up, so never more is cut."""
    return percent_target_of(current_mg.numerator, current_mg.denominator, percent, intervals)


def percent_target_of(mg_n: int, mg_d: int, percent: Decimal, intervals: int = 1) -> Target:
    """:func:`percent_target` of the daily dose ``mg_n / mg_d`` mg, given as two ints
    (``mg_d`` > 0, the pair not necessarily reduced: the reduction loop counts its dose in
    quanta of the formulary): the same Fraction, made once from integers."""
    keep = _kept_share(percent, intervals)
    return Target(mg=Fraction(mg_n * keep.numerator, mg_d * keep.denominator))


@cache
def _kept_share(percent: Decimal, intervals: int) -> Fraction:
    """The share of the dose kept after ``intervals`` cuts of ``percent``, rounded up
    (a pure function of its arguments: cached, as every step asks for it)."""
    with localcontext() as ctx:
        ctx.prec = _KEEP_DIGITS
        ctx.rounding = ROUND_CEILING
        keep = (1 - percent / 100) ** intervals
    return Fraction(keep)


def fixed_target(current_mg: Fraction, step_mg: Fraction) -> Target:
    """Cut the same amount every time (literal; the guardrails judge the result)."""
    return fixed_target_of(current_mg.numerator, current_mg.denominator, step_mg)


def fixed_target_of(mg_n: int, mg_d: int, step_mg: Fraction) -> Target:
    """:func:`fixed_target` of the daily dose ``mg_n / mg_d`` mg, given as two ints (see
    :func:`percent_target_of`): the same Fraction, made once from integers."""
    step_n, step_d = step_mg.numerator, step_mg.denominator
    return Target(mg=Fraction(mg_n * step_d - step_n * mg_d, mg_d * step_d))


def bands_target(
    current_de: Fraction,
    rules: Rules,
    mg_per_de: Fraction,
    intervals: int = 1,
    band_cut: str = "high",
) -> Target:
    """Cut the band's amount for the current daily diazepam-equivalent (``band_cut``
    "high": the largest the band allows; "low": the smallest), once per interval the dose
    has lasted (``intervals`` > 1 for a dose held because the formulary's smallest change
    is larger than the band's cut); in mg of the drug tapered (``mg_per_de`` of it per mg
    diazepam-equivalent)."""
    band = band_for(current_de, rules)
    above = below(fraction_of(rules.bands_top_mg), current_de)
    cut = fraction_of(band.cut_low_mg if band_cut == "low" else band.cut_high_mg)
    # (current_de - cut × intervals) × mg_per_de, exact: one Fraction made from integers
    # instead of three Fraction operations (the same number, so the same Fraction).
    de_n, de_d = current_de.numerator, current_de.denominator
    cut_n, cut_d = cut.numerator, cut.denominator
    mg = Fraction(
        (de_n * cut_d - intervals * cut_n * de_d) * mg_per_de.numerator,
        de_d * cut_d * mg_per_de.denominator,
    )
    return Target(mg=mg, band=band, above_bands=above)


def band_for(daily_de: Fraction, rules: Rules) -> Band:
    """The band whose range holds ``daily_de`` (above the top band: the top band)."""
    for band in rules.bands:
        if band.holds(daily_de):
            return band
    if not rules.bands:
        raise ClinicalError("data-file", "rules.toml: the bands method needs [[bands.band]].")
    return rules.bands[-1]


@dataclass(frozen=True)
class MethodSettings:
    """The method and its parameters for the reductions (revisions may change them)."""

    method: str
    step: Decimal | None
    interval_days: int
    end_dose_mg: Decimal | None
    final_hold_days: int | None


def method_settings(context: PlanContext) -> MethodSettings:
    request = context.request
    return MethodSettings(
        method=request.method,
        step=request.step,
        interval_days=context.interval_days,
        end_dose_mg=request.end_dose_mg,
        final_hold_days=request.final_hold_days,
    )


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
                f"{{Custom_steps}}: step {number} ({step.start.isoformat()}) {time}",
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
            raise refused(
                "bad-option",
                "{Final_hold} does not apply to {custom_method}: set the dates in {custom_steps}.",
            )
        return outcome
    last.kind = END_DOSE
    last.days = request.final_hold_days or context.interval_days
    last.note = "End dose: hold this dose; review rather than stop."
    return outcome
