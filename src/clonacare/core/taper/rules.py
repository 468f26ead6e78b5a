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

from clonacare.core.errors import ClinicalError
from clonacare.core.sourced import load_toml, require_source, to_decimal

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
        bound = Fraction(self.above_mg)
        return daily_mg > bound or (self.includes_bound and daily_mg == bound)


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


def _int(table: dict[str, Any], key: str, where: str) -> int:
    value = table.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ClinicalError("data-file", f"{where}: '{key}' must be a whole number.")
    return value


def _text(table: dict[str, Any], key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ClinicalError("data-file", f"{where}: '{key}' must be text.")
    return value


def _indication_terms(table: dict[str, Any], where: str) -> tuple[IndicationTerms, ...]:
    raw = table.get("indication_terms")
    here = f"{where} [[patient.seizure-disorder.indication_terms]]"
    if not isinstance(raw, list) or not raw:
        raise ClinicalError("data-file", f"{here}: at least one list of words is needed.")
    terms = []
    for entry in raw:
        words = entry.get("words") if isinstance(entry, dict) else None
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise ClinicalError("data-file", f"{here}: 'words' must be a list of text.")
        terms.append(
            IndicationTerms(
                words=tuple(w.lower() for w in words), source=require_source(entry, here)
            )
        )
    return tuple(terms)


@cache
def load_rules() -> Rules:
    """Load and check ``rules.toml``; ClinicalError("data-file") names a missing value."""
    data = load_toml(DATA_FILE)
    name = DATA_FILE.name
    try:
        ceiling = data["ceiling"]
        min_step = data["min_step"]
        initial = data["initial_cut"]
        interval = data["interval"]
        bands = data["bands"]
        disc = data["discontinuation"]
        crossover = data["crossover"]
        reduce_first = data["reduce_first"]
        plaus = data["plausibility"]
        patient_raw = data["patient"]
        sources = data["sources"]
    except KeyError as exc:
        raise ClinicalError("data-file", f"{name}: missing table {exc}.") from None
    band_list = tuple(
        Band(
            above_mg=to_decimal(
                b["above_mg"] if "above_mg" in b else b["at_least_mg"], f"{name} band"
            ),
            cut_low_mg=to_decimal(b["cut_low_mg"], f"{name} band"),
            cut_high_mg=to_decimal(b["cut_high_mg"], f"{name} band"),
            includes_bound="above_mg" not in b,
        )
        for b in bands["band"]
    )
    band_list = tuple(
        sorted(band_list, key=lambda b: (b.above_mg, not b.includes_bound), reverse=True)
    )
    patient = {
        code: PatientRule(
            code=code,
            blocking=bool(raw["blocking"]),
            message=str(raw["message"]),
            source=require_source(raw, f"{name} [patient.{code}]"),
        )
        for code, raw in patient_raw.items()
    }
    return Rules(
        max_cut_pct=to_decimal(ceiling["max_cut_pct"], f"{name} ceiling"),
        window_days=_int(ceiling, "window_days", name),
        ceiling_source=require_source(ceiling, f"{name} [ceiling]"),
        min_step_days=_int(min_step, "days", name),
        min_step_source=require_source(min_step, f"{name} [min_step]"),
        initial_cut_low_pct=to_decimal(initial["usual_low_pct"], f"{name} initial_cut"),
        initial_cut_high_pct=to_decimal(initial["usual_high_pct"], f"{name} initial_cut"),
        initial_cut_source=require_source(initial, f"{name} [initial_cut]"),
        initial_cut_window_days=_int(initial, "window_days", name),
        initial_cut_window_source=_text(initial, "window_source", name),
        default_interval_days=_int(interval, "default_days", name),
        interval_source=require_source(interval, f"{name} [interval]"),
        max_interval_days=_int(interval, "max_days", name),
        max_interval_source=_text(interval, "max_days_source", name),
        bands=band_list,
        bands_top_mg=to_decimal(bands["top_mg"], f"{name} bands"),
        bands_interval_min_days=_int(bands, "interval_min_days", name),
        bands_interval_max_days=_int(bands, "interval_max_days", name),
        bands_source=require_source(bands, f"{name} [bands]"),
        bands_interval_source=str(bands["interval_source"]),
        discontinuation_de_mg=to_decimal(
            disc["default_diazepam_equivalent_mg"], f"{name} discontinuation"
        ),
        discontinuation_source=require_source(disc, f"{name} [discontinuation]"),
        stop_source=_text(disc, "stop_source", name),
        crossover_days=_int(crossover, "default_days", name),
        crossover_source=require_source(crossover, f"{name} [crossover]"),
        crossover_order=tuple(crossover["default_order"]),
        crossover_order_source=str(crossover["order_source"]),
        crossover_max_share=to_decimal(crossover["max_share_per_step"], f"{name} crossover"),
        crossover_min_steps=_int(crossover, "min_steps", name),
        crossover_min_step_days=_int(crossover, "min_step_days", name),
        crossover_portion_source=_text(crossover, "portion_source", name),
        reduce_first_order=tuple(reduce_first["default_order"]),
        reduce_first_source=require_source(reduce_first, f"{name} [reduce_first]"),
        max_daily_de_mg=to_decimal(
            plaus["max_daily_diazepam_equivalent_mg"], f"{name} plausibility"
        ),
        max_steps=_int(plaus, "max_steps", name),
        plausibility_source=require_source(plaus, f"{name} [plausibility]"),
        max_plan_days=_int(plaus, "max_plan_days", name),
        max_plan_days_source=_text(plaus, "max_plan_days_source", name),
        min_percent_step=to_decimal(plaus["min_percent_step"], f"{name} plausibility"),
        min_percent_step_source=_text(plaus, "min_percent_step_source", name),
        patient=patient,
        older_adult_age=_int(patient_raw["older-adult"], "age_years", name),
        seizure_terms=_indication_terms(patient_raw["seizure-disorder"], name),
        sources={str(k): str(v) for k, v in sources.items()},
    )
