"""The taper methods: each says which daily dose it would like next.

The planner then picks a dose the formulary can make inside the limits: for percent
and bands the smallest at or above the target, for fixed the nearest to it.
Targets are exact Fractions in mg of the drug being tapered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, localcontext
from fractions import Fraction

from clonacare.core.errors import ClinicalError
from clonacare.core.taper.rules import Band, Rules

ToMg = Callable[[Fraction], Fraction]


@dataclass(frozen=True)
class Target:
    """A method's wish for the next daily dose; ``band`` is set by the bands method."""

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
    with localcontext() as ctx:
        ctx.prec = _KEEP_DIGITS
        ctx.rounding = ROUND_CEILING
        keep = (1 - percent / 100) ** intervals
    return Target(mg=current_mg * Fraction(keep))


def fixed_target(current_mg: Fraction, step_mg: Fraction) -> Target:
    """Cut the same amount every time (literal; the guardrails judge the result)."""
    return Target(mg=current_mg - step_mg)


def bands_target(
    current_de: Fraction, rules: Rules, to_mg: ToMg, intervals: int = 1, band_cut: str = "high"
) -> Target:
    """Cut the band's amount for the current daily diazepam-equivalent (``band_cut``
    "high": the largest the band allows; "low": the smallest), once per interval the dose
    has lasted (``intervals`` > 1 for a dose held because the formulary's smallest change
    is larger than the band's cut)."""
    band = band_for(current_de, rules)
    above = current_de > Fraction(rules.bands_top_mg)
    amount = band.cut_low_mg if band_cut == "low" else band.cut_high_mg
    cut = Fraction(amount) * intervals
    return Target(mg=to_mg(current_de - cut), band=band, above_bands=above)


def band_for(daily_de: Fraction, rules: Rules) -> Band:
    """The band whose range holds ``daily_de`` (above the top band: the top band)."""
    for band in rules.bands:
        if band.holds(daily_de):
            return band
    if not rules.bands:
        raise ClinicalError("data-file", "rules.toml: the bands method needs [[bands.band]].")
    return rules.bands[-1]
