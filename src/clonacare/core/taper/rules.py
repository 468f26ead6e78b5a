"""The taper rules (ceiling, minimum step, bands, defaults), loaded from ``data/rules.toml``.

Every number here comes from the data file, which names its source; values the file
marks as a Clonacare default are configuration, not guideline values.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

from clonacare.core.sourced import (
    fail,
    load_toml,
    number,
    require_source,
    required_text,
    table,
    text_list,
    true_or_false,
    whole_number,
)
from clonacare.core.taper.numbers import fraction_of

DATA_FILE = Path(__file__).parent / "data" / "rules.toml"


@dataclass(frozen=True)
class Band:
    """A NICE/Ashton diazepam band: applies to a daily dose above ``above_mg``, or at it
    too when ``includes_bound`` (rules.toml ``at_least_mg``: the 5–10 mg band holds 5 mg)."""

    above_mg: Decimal
    cut_low_mg: Decimal
    cut_high_mg: Decimal
    includes_bound: bool = False

    def holds(self, daily_mg: Fraction) -> bool:
        """Is ``daily_mg`` at or above this band's lower bound (as the band counts it)?"""
        bound = fraction_of(self.above_mg)
        # daily_mg > bound, cross-multiplied (denominators are positive): cheaper than
        # Fraction's comparison, which first checks an abstract base class.
        higher = daily_mg.numerator * bound.denominator - bound.numerator * daily_mg.denominator
        return higher > 0 or (self.includes_bound and higher == 0)


@dataclass(frozen=True)
class PatientRule:
    code: str
    blocking: bool
    message: str
    source: str


@dataclass(frozen=True)
class IndicationTerms:
    """Words in a free-text indication that mark a seizure disorder, with their source."""

    words: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Rules:
    max_cut_pct: Decimal
    window_days: int
    ceiling_source: str
    min_step_days: int
    min_step_source: str
    initial_cut_low_pct: Decimal
    initial_cut_high_pct: Decimal
    initial_cut_source: str
    initial_cut_window_days: int
    initial_cut_window_source: str
    default_interval_days: int
    interval_source: str
    max_interval_days: int
    max_interval_source: str
    bands: tuple[Band, ...]
    bands_top_mg: Decimal
    bands_interval_min_days: int
    bands_interval_max_days: int
    bands_source: str
    bands_interval_source: str
    discontinuation_de_mg: Decimal
    discontinuation_source: str
    stop_source: str
    crossover_days: int
    crossover_source: str
    crossover_order: tuple[str, ...]
    crossover_order_source: str
    crossover_max_share: Decimal
    crossover_min_steps: int
    crossover_min_step_days: int
    crossover_portion_source: str
    reduce_first_order: tuple[str, ...]
    reduce_first_source: str
    max_daily_de_mg: Decimal
    max_steps: int
    plausibility_source: str
    max_plan_days: int
    max_plan_days_source: str
    min_percent_step: Decimal
    min_percent_step_source: str
    patient: dict[str, PatientRule]
    older_adult_age: int
    seizure_terms: tuple[IndicationTerms, ...]
    sources: dict[str, str]

    @property
    def seizure_keywords(self) -> tuple[str, ...]:
        """Every word that marks a seizure disorder, lower case."""
        return tuple(word for terms in self.seizure_terms for word in terms.words)


def _indication_terms(raw: dict[str, Any], where: str) -> tuple[IndicationTerms, ...]:
    entries = raw.get("indication_terms")
    here = f"{where} [[patient.seizure-disorder.indication_terms]]"
    if not isinstance(entries, list) or not entries:
        raise fail(here, "at least one list of words is needed.")
    terms = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise fail(here, "each entry is a table { words, source }.")
        words = text_list(entry, "words", here)
        if not words:
            raise fail(here, "'words' must be a list of strings.")
        terms.append(
            IndicationTerms(
                words=tuple(w.lower() for w in words), source=require_source(entry, here)
            )
        )
    return tuple(terms)


@cache
def load_rules() -> Rules:
    """Load and check ``rules.toml``; ClinicalError("data-file") names the table and key
    of a missing or malformed value."""
    data = load_toml(DATA_FILE)
    name = DATA_FILE.name

    def section(key: str) -> tuple[dict[str, Any], str]:
        """The table ``[key]`` and how messages name it."""
        return table(data, key, name), f"{name} [{key}]"

    ceiling, at_ceiling = section("ceiling")
    min_step, at_min_step = section("min_step")
    initial, at_initial = section("initial_cut")
    interval, at_interval = section("interval")
    bands, at_bands = section("bands")
    disc, at_disc = section("discontinuation")
    crossover, at_crossover = section("crossover")
    reduce_first, at_reduce_first = section("reduce_first")
    plaus, at_plaus = section("plausibility")
    patient_raw, at_patient = section("patient")
    sources, _ = section("sources")
    raw_bands = bands.get("band")
    if not isinstance(raw_bands, list) or not raw_bands:
        raise fail(at_bands, "at least one [[bands.band]] is needed.")
    band_list = tuple(
        Band(
            above_mg=number(b, "above_mg" if "above_mg" in b else "at_least_mg", at_bands),
            cut_low_mg=number(b, "cut_low_mg", at_bands),
            cut_high_mg=number(b, "cut_high_mg", at_bands),
            includes_bound="above_mg" not in b,
        )
        for b in raw_bands
    )
    band_list = tuple(
        sorted(band_list, key=lambda b: (b.above_mg, not b.includes_bound), reverse=True)
    )
    patient = {}
    for code, raw in patient_raw.items():
        where = f"{name} [patient.{code}]"
        patient[code] = PatientRule(
            code=code,
            blocking=true_or_false(raw, "blocking", where),
            message=required_text(raw, "message", where),
            source=require_source(raw, where),
        )
    older, at_older = table(patient_raw, "older-adult", at_patient), f"{name} [patient.older-adult]"
    return Rules(
        max_cut_pct=number(ceiling, "max_cut_pct", at_ceiling),
        window_days=whole_number(ceiling, "window_days", at_ceiling),
        ceiling_source=require_source(ceiling, at_ceiling),
        min_step_days=whole_number(min_step, "days", at_min_step),
        min_step_source=require_source(min_step, at_min_step),
        initial_cut_low_pct=number(initial, "usual_low_pct", at_initial),
        initial_cut_high_pct=number(initial, "usual_high_pct", at_initial),
        initial_cut_source=require_source(initial, at_initial),
        initial_cut_window_days=whole_number(initial, "window_days", at_initial),
        initial_cut_window_source=required_text(initial, "window_source", at_initial),
        default_interval_days=whole_number(interval, "default_days", at_interval),
        interval_source=require_source(interval, at_interval),
        max_interval_days=whole_number(interval, "max_days", at_interval),
        max_interval_source=required_text(interval, "max_days_source", at_interval),
        bands=band_list,
        bands_top_mg=number(bands, "top_mg", at_bands),
        bands_interval_min_days=whole_number(bands, "interval_min_days", at_bands),
        bands_interval_max_days=whole_number(bands, "interval_max_days", at_bands),
        bands_source=require_source(bands, at_bands),
        bands_interval_source=required_text(bands, "interval_source", at_bands),
        discontinuation_de_mg=number(disc, "default_diazepam_equivalent_mg", at_disc),
        discontinuation_source=require_source(disc, at_disc),
        stop_source=required_text(disc, "stop_source", at_disc),
        crossover_days=whole_number(crossover, "default_days", at_crossover),
        crossover_source=require_source(crossover, at_crossover),
        crossover_order=text_list(crossover, "default_order", at_crossover),
        crossover_order_source=required_text(crossover, "order_source", at_crossover),
        crossover_max_share=number(crossover, "max_share_per_step", at_crossover),
        crossover_min_steps=whole_number(crossover, "min_steps", at_crossover),
        crossover_min_step_days=whole_number(crossover, "min_step_days", at_crossover),
        crossover_portion_source=required_text(crossover, "portion_source", at_crossover),
        reduce_first_order=text_list(reduce_first, "default_order", at_reduce_first),
        reduce_first_source=require_source(reduce_first, at_reduce_first),
        max_daily_de_mg=number(plaus, "max_daily_diazepam_equivalent_mg", at_plaus),
        max_steps=whole_number(plaus, "max_steps", at_plaus),
        plausibility_source=require_source(plaus, at_plaus),
        max_plan_days=whole_number(plaus, "max_plan_days", at_plaus),
        max_plan_days_source=required_text(plaus, "max_plan_days_source", at_plaus),
        min_percent_step=number(plaus, "min_percent_step", at_plaus),
        min_percent_step_source=required_text(plaus, "min_percent_step_source", at_plaus),
        patient=patient,
        older_adult_age=whole_number(older, "age_years", at_older),
        seizure_terms=_indication_terms(table(patient_raw, "seizure-disorder", at_patient), name),
        sources={str(k): str(v) for k, v in sources.items()},
    )
