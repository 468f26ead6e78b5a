"""The taper methods: each says which daily dose it would like next.

The planner then picks the nearest dose the formulary can make inside the limits.
Targets are exact Fractions in mg of the drug being tapered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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


def percent_target(current_mg: Fraction, percent: Fraction) -> Target:
    """Cut ``percent`` of the current dose: cuts shrink as the dose falls (hyperbolic)."""
    return Target(mg=current_mg * (1 - percent / 100))


def fixed_target(current_mg: Fraction, step_mg: Fraction) -> Target:
    """Cut the same amount every time (literal; the guardrails judge the result)."""
    return Target(mg=current_mg - step_mg)


def bands_target(current_de: Fraction, rules: Rules, to_mg: ToMg) -> Target:
    """Cut the largest amount the band of the current daily diazepam-equivalent allows."""
    band = band_for(current_de, rules)
    above = current_de > Fraction(rules.bands_top_mg)
    return Target(mg=to_mg(current_de - Fraction(band.cut_high_mg)), band=band, above_bands=above)


def band_for(daily_de: Fraction, rules: Rules) -> Band:
    """The band whose range holds ``daily_de`` (above the top band: the top band)."""
    for band in rules.bands:
        if daily_de > Fraction(band.above_mg):
            return band
    if not rules.bands:
        raise ClinicalError("data-file", "rules.toml: the bands method needs [[bands.band]].")
    return rules.bands[-1]
