"""Synthetic dispensing data for the population screen: realistic shapes (most people a
fill or two, some steady monthly use, some with opioids, a few chaotic), and planted
patients with known answers: for each flag one at its threshold and one just short
of it (docs/population.md, "Generator").

Deterministic for a seed. Strengths of benzodiazepines are the tablet and capsule
strengths of the US formulary (core/drugs); every other number here shapes made-up
people, not clinical facts. Values are written as text, as claims exports carry them,
so that the planted bad rows (a date that is not a date, a strength that is not a
number) fit in either format.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from clonacare.core.drugs import load_formulary
from clonacare.core.errors import ClinicalError
from clonacare.core.population.definitions import Definitions
from clonacare.core.population.model import Period

FILL_COLUMNS = (
    "patient_id",
    "birth_date",
    "fill_date",
    "drug",
    "strength_mg",
    "quantity",
    "days_supply",
    "prescriber_id",
    "pharmacy_id",
    "ndc",
)
DIAGNOSIS_COLUMNS = ("patient_id", "code", "date")

# How common each benzodiazepine is among the made-up people (US dispensing is led by
# alprazolam, clonazepam and lorazepam); the rest of the table's drugs appear rarely.
_COMMON = {"alprazolam": 30, "clonazepam": 25, "lorazepam": 20, "diazepam": 15, "temazepam": 10}
# Made-up opioid strengths (mg) for the synthetic opioid fills.
_OPIOID_STRENGTHS = {"oxycodone": (5, 10), "hydrocodone": (5, 10), "tramadol": (50,)}
_OTHER_CODES = ("F41.1", "F41.0", "G47.00", "I10", "E11.9")
_RISK_CODES = ("C50.911", "D57.1", "Z51.5", "W19.XXXA", "Z91.81", "F03.90", "G30.9")


@dataclass
class GeneratedPopulation:
    """The rows of a dispensing file and a diagnoses file, column by column, and the
    planted patients: ``planted[patient_id] = (flag, True)`` for one that meets the flag,
    ``(flag, False)`` for a near miss; ``bad_rows[reason]`` the rows planted bad."""

    period: Period
    fills: dict[str, list[str]] = field(default_factory=lambda: {c: [] for c in FILL_COLUMNS})
    diagnoses: dict[str, list[str]] = field(
        default_factory=lambda: {c: [] for c in DIAGNOSIS_COLUMNS}
    )
    planted: dict[str, tuple[str, bool]] = field(default_factory=dict)
    bad_rows: dict[str, int] = field(default_factory=dict)

    @property
    def fill_count(self) -> int:
        return len(self.fills["patient_id"])

    def fill(
        self,
        patient: str,
        born: date | str,
        day: int | str,
        drug: str,
        strength: float | str,
        quantity: float | str,
        days: int | str,
        prescriber: str = "DR-1",
        pharmacy: str = "RX-1",
    ) -> None:
        """Add one fill, ``day`` days after the period's first day (or a raw text)."""
        on = (self.period.start + timedelta(days=day)).isoformat() if isinstance(day, int) else day
        values = (
            patient,
            born.isoformat() if isinstance(born, date) else born,
            on,
            drug,
            _text(strength),
            _text(quantity),
            _text(days),
            prescriber,
            pharmacy,
            "",
        )
        for column, value in zip(FILL_COLUMNS, values, strict=True):
            self.fills[column].append(value)

    def diagnosis(self, patient: str, code: str, day: int) -> None:
        on = self.period.start + timedelta(days=day)
        for column, value in zip(DIAGNOSIS_COLUMNS, (patient, code, on.isoformat()), strict=True):
            self.diagnoses[column].append(value)


def _text(value: float | int | str) -> str:
    if isinstance(value, str):
        return value
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def _plant(population: GeneratedPopulation, definitions: Definitions) -> None:
    """Patients at each flag's threshold and just short of it (docs/population.md)."""
    p = population
    end = p.period.days
    adult = _years_before(p.period.end, 50)

    def planted(flag: str, meets: bool) -> str:
        patient = f"{'planted' if meets else 'near'}-{flag}"
        p.planted[patient] = (flag, meets)
        return patient

    # long-term-use: 120 days covered, and 119.
    for meets in (True, False):
        who = planted("long-term-use", meets)
        for n, day in enumerate((0, 30, 60, 90)):
            p.fill(who, adult, day, "diazepam", 5, 30, 30 if meets or n < 3 else 29)
    # high-dose: 40 mg a day of diazepam on average, and 39.
    for meets in (True, False):
        p.fill(planted("high-dose", meets), adult, 100, "diazepam", 10, 120 if meets else 117, 30)
    # multiple-providers: a 4th prescriber and pharmacy on day 180 of a run, and day 181.
    for meets in (True, False):
        who = planted("multiple-providers", meets)
        for n, day in enumerate((10, 40, 70, 189 if meets else 190)):
            p.fill(who, adult, day, "lorazepam", 1, 14, 7, f"DR-{n + 1}", f"RX-{n + 1}")
    # early-refill: two fills 22 days into 30-day supplies (< 22.5), and one of them at 23.
    for meets in (True, False):
        who = planted("early-refill", meets)
        for day in (0, 22, 44 if meets else 45):
            p.fill(who, adult, day, "clonazepam", 0.5, 60, 30)
    # opioid-overlap: 30 days of both, and 29; the same 30 days excluded by a cancer code.
    for who, meets, excluded in (
        (planted("opioid-overlap", True), True, False),
        (planted("opioid-overlap", False), False, False),
        ("excluded-opioid-overlap", True, True),
    ):
        p.fill(who, adult, 200, "alprazolam", 0.5, 60, 30)
        p.fill(who, adult, 230, "alprazolam", 0.5, 60, 30)
        p.fill(who, adult, 200, "oxycodone", 5, 60, 15)
        p.fill(who, adult, 215, "oxycodone", 5, 60, 15 if meets else 14)
        if excluded:
            p.planted[who] = ("opioid-overlap", False)
            p.diagnosis(who, "C50.911", 150)
    # older-adult: 65 on the period's last day (with a fall on record), and 64.
    older = definitions.flag("older-adult")["min_age_years"]
    for meets in (True, False):
        who = planted("older-adult", meets)
        born = _years_before(p.period.end, older)
        born = born if meets else born + timedelta(days=1)
        p.fill(who, born, 50, "temazepam", 15, 7, 7)
        p.fill(who, born, 120, "temazepam", 15, 7, 7)
        if meets:
            p.diagnosis(who, "W19.XXXA", 40)
    # dose-escalation: 10 mg a day at first, 15 at the end (+50%), and 14.83 (+48%).
    for meets in (True, False):
        who = planted("dose-escalation", meets)
        for day in (0, 30, 60):
            p.fill(who, adult, day, "diazepam", 10, 30, 30)
        for day in (end - 90, end - 60, end - 30):
            p.fill(who, adult, day, "diazepam", 5, 90 if meets else 89, 30)
    # One bad row of each reason, for a patient otherwise not flagged.
    bad = "bad-rows"
    p.fill(bad, adult, 5, "diazepam", 5, 30, 30)
    bad_rows: tuple[tuple[str, int | str, str, float | str, int, str], ...] = (
        ("missing-value", 10, "diazepam", 5, 30, ""),
        ("bad-date", "2026-02-30", "diazepam", 5, 30, "DR-1"),
        ("bad-number", 10, "diazepam", "five", 30, "DR-1"),
        ("unknown-drug", 10, "zolpidem", 10, 30, "DR-1"),
        ("negative-days-supply", 10, "diazepam", 5, -30, "DR-1"),
        ("zero-days-supply", 10, "diazepam", 5, 0, "DR-1"),
        ("fill-before-period", -10, "diazepam", 5, 30, "DR-1"),
        ("fill-after-period", end + 3, "diazepam", 5, 30, "DR-1"),
    )
    for reason, when, drug, strength, days, prescriber in bad_rows:
        p.fill(bad, adult, when, drug, strength, 30, days, prescriber)
        p.bad_rows[reason] = p.bad_rows.get(reason, 0) + 1


def generate_population(
    patients: int, seed: int, period: Period, definitions: Definitions
) -> GeneratedPopulation:
    """``patients`` made-up people (ids P0000001...) with fills in ``period``, plus the
    planted patients; the same ``seed`` gives the same rows.

    Raises ClinicalError("bad-option") for a negative number of patients.
    """
    if patients < 0:
        raise ClinicalError(
            "bad-option",
            "{patients} must be 0 or more.",
            terms={"patients": "the number of patients"},
        )
    # Made-up data, not secrets: a seeded generator is what makes it repeatable.
    rng = random.Random(seed)  # noqa: S311
    population = GeneratedPopulation(period=period)
    formulary = load_formulary()
    drugs = [b.drug for b in definitions.benzodiazepines]
    weights = [_COMMON.get(d, 1) for d in drugs]
    strengths = {
        d: sorted({float(x.mg_per_unit) for x in formulary.products_for(d) if x.form != "liquid"})
        or [1.0]
        for d in drugs
    }
    length = period.days
    for n in range(1, patients + 1):
        who = f"P{n:07d}"
        born = period.end - timedelta(days=round(rng.triangular(18, 92, 52) * 365.25))
        drug = rng.choices(drugs, weights)[0]
        # the lower strengths are the common ones
        strength = strengths[drug][min(int(rng.expovariate(1.5)), len(strengths[drug]) - 1)]
        shape = rng.random()
        prescriber = f"DR-{rng.randint(1, 5000)}"
        pharmacy = f"RX-{rng.randint(1, 2000)}"
        if shape < 0.65:  # occasional: a fill or two of a week to a month
            for _ in range(rng.randint(1, 2)):
                days = rng.choice((7, 14, 30))
                day = rng.randint(0, length - 1)
                population.fill(
                    who,
                    born,
                    day,
                    drug,
                    strength,
                    days * rng.choice((1, 2)),
                    days,
                    prescriber,
                    pharmacy,
                )
            continue
        # steady: monthly fills from a start day to the period's end, sometimes late
        per_day = rng.choices((1, 2, 3), (70, 25, 5))[0]
        day = rng.randint(0, length // 2)
        chaotic = shape >= 0.97
        while day < length:
            if chaotic and rng.random() < 0.4:
                prescriber = f"DR-{rng.randint(1, 5000)}"
                pharmacy = f"RX-{rng.randint(1, 2000)}"
                per_day += rng.choice((0, 1))
            population.fill(who, born, day, drug, strength, 30 * per_day, 30, prescriber, pharmacy)
            day += rng.randint(16, 24) if chaotic else rng.randint(28, 36)
        if 0.9 <= shape < 0.97:  # with an opioid for a while
            opioid = rng.choice(sorted(_OPIOID_STRENGTHS))
            mg = rng.choice(_OPIOID_STRENGTHS[opioid])
            day = rng.randint(0, length - 60)
            for _ in range(rng.randint(1, 4)):
                if day >= length:
                    break
                population.fill(who, born, day, opioid, mg, 60, 15, prescriber, pharmacy)
                day += rng.randint(15, 30)
        if rng.random() < 0.1:
            code = rng.choice(_RISK_CODES if rng.random() < 0.5 else _OTHER_CODES)
            population.diagnosis(who, code, rng.randint(0, length - 1))
    _plant(population, definitions)
    return population


def diagnoses_path(out: Path) -> Path:
    """Where the diagnoses of ``out`` go: beside it, its stem + "-diagnoses"."""
    return out.with_name(f"{out.stem}-diagnoses{out.suffix}")


def write_population(population: GeneratedPopulation, out: Path) -> tuple[Path, Path]:
    """Write the fills to ``out`` (.csv or .parquet) and the diagnoses beside it.

    Raises ClinicalError("output") when a file cannot be written or the suffix is not
    .csv or .parquet.
    """
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise ClinicalError("output", f"Cannot write {out}: name a .csv or .parquet file.")
    written = []
    for path, columns in (
        (out, population.fills),
        (diagnoses_path(out), population.diagnoses),
    ):
        try:
            if suffix == ".csv":
                _write_csv(path, columns)
            else:
                _write_parquet(path, columns)
        except OSError as exc:
            raise ClinicalError("output", f"Cannot write {path}: {exc.strerror}.") from None
        written.append(path)
    return written[0], written[1]


def _write_csv(path: Path, columns: dict[str, list[str]]) -> None:
    import csv

    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        writer.writerows(zip(*columns.values(), strict=True))


def _write_parquet(path: Path, columns: dict[str, list[str]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({name: pa.array(v, pa.string()) for name, v in columns.items()}), path)
