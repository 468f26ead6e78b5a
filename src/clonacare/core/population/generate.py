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

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clonacare.core.drugs import load_formulary
from clonacare.core.errors import ClinicalError
from clonacare.core.population.definitions import Definitions
from clonacare.core.population.model import Period

if TYPE_CHECKING:  # imported when data is made: `clonacare --version` never loads them
    import numpy as np
    import pyarrow as pa

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
# Made-up shares of people (``shape``, drawn from 0 to 1 for each): below _OCCASIONAL a
# fill or three; above it regular monthly fills, with an opioid from _OPIOID_FROM and
# chaotic from _CHAOTIC; _SECOND_DRUG of the steady regular users fill a second
# benzodiazepine too. Together about 8 fills a person (docs/population.md, "Generator").
_OCCASIONAL = 0.42
_OPIOID_FROM = 0.85
_CHAOTIC = 0.97
_SECOND_DRUG = 0.15


@dataclass
class GeneratedPopulation:
    """The rows of a dispensing file and a diagnoses file, column by column, and the
    planted patients: ``planted[patient_id] = (flag, True)`` for one that meets the flag,
    ``(flag, False)`` for a near miss; ``bad_rows[reason]`` the rows planted bad.

    The made-up people's fills are ``made_up`` (a pyarrow table of text columns, written
    first); ``fills`` holds the rows added one by one with ``fill`` (the planted ones).
    ``diagnoses`` holds every diagnosis row."""

    period: Period
    made_up: Any = None
    fills: dict[str, list[str]] = field(default_factory=lambda: {c: [] for c in FILL_COLUMNS})
    diagnoses: dict[str, list[str]] = field(
        default_factory=lambda: {c: [] for c in DIAGNOSIS_COLUMNS}
    )
    planted: dict[str, tuple[str, bool]] = field(default_factory=dict)
    bad_rows: dict[str, int] = field(default_factory=dict)

    @property
    def fill_count(self) -> int:
        made_up = 0 if self.made_up is None else int(self.made_up.num_rows)
        return made_up + len(self.fills["patient_id"])

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

    The made-up people are drawn column by column with numpy (``made_up``), not fill by
    fill, so that millions of fills take seconds (docs/population.md, "Generator").

    Raises ClinicalError("bad-option") for a negative number of patients.
    """
    if patients < 0:
        raise ClinicalError(
            "bad-option",
            "{patients} must be 0 or more.",
            terms={"patients": "the number of patients"},
        )
    population = GeneratedPopulation(period=period)
    population.made_up = _made_up(patients, seed, population, definitions)
    _plant(population, definitions)
    return population


def _made_up(
    patients: int, seed: int, population: GeneratedPopulation, definitions: Definitions
) -> pa.Table:
    """The made-up people's fills as a table of text columns (FILL_COLUMNS), patient by
    patient and in date order; their diagnoses are added to ``population``."""
    import numpy as np
    import pyarrow as pa

    rng = np.random.default_rng(seed)
    period = population.period
    length = period.days
    n = patients
    formulary = load_formulary()
    drugs = [b.drug for b in definitions.benzodiazepines]
    weights = np.array([_COMMON.get(d, 1) for d in drugs], dtype=float)
    strengths = [
        sorted({float(x.mg_per_unit) for x in formulary.products_for(d) if x.form != "liquid"})
        or [1.0]
        for d in drugs
    ]
    widest = max(len(s) for s in strengths)
    strength_count = np.array([len(s) for s in strengths])

    # One value per person.
    born = rng.triangular(18, 52, 92, n) * 365.25
    drug = rng.choice(len(drugs), n, p=weights / weights.sum())
    # the lower strengths are the common ones
    strength = np.minimum(rng.exponential(1 / 1.5, n).astype(np.int64), strength_count[drug] - 1)
    shape = rng.random(n)
    prescriber = rng.integers(1, 5001, n)
    pharmacy = rng.integers(1, 2001, n)
    second = rng.choice(len(drugs), n, p=weights / weights.sum())
    second = np.where(second == drug, (second + 1) % len(drugs), second)
    second_strength = np.minimum(
        rng.exponential(1 / 1.5, n).astype(np.int64), strength_count[second] - 1
    )

    parts: list[dict[str, np.ndarray]] = []

    def add(who: np.ndarray, day: np.ndarray, **columns: np.ndarray) -> None:
        parts.append({"who": who, "day": day, **columns})

    # Occasional (two in five): one to three fills of a week, two weeks or a month.
    occasional = np.flatnonzero(shape < _OCCASIONAL)
    count = rng.integers(1, 4, occasional.size)
    who = np.repeat(occasional, count)
    days = rng.choice(np.array((7, 14, 30)), who.size)
    add(
        who,
        rng.integers(0, length, who.size),
        drug=drug[who],
        strength=strength[who],
        quantity=days * rng.integers(1, 3, who.size),
        days=days,
        prescriber=prescriber[who],
        pharmacy=pharmacy[who],
    )

    # Regular: 30 days' supply about monthly, from a start day to the period's end; half
    # of them were already taking it when the period began. A few are chaotic: early
    # refills, changing prescriber and pharmacy and sometimes the dose.
    regular = np.flatnonzero(shape >= _OCCASIONAL)
    chaotic = shape[regular] >= _CHAOTIC
    per_day = rng.choice(np.array((1, 2, 3)), regular.size, p=np.array((70, 25, 5)) / 100)
    begun = rng.random(regular.size) < 0.5
    first = np.where(
        begun, rng.integers(0, 28, regular.size), rng.integers(0, length // 2 + 1, regular.size)
    )
    steps = np.where(
        chaotic[:, None],
        rng.integers(16, 25, (regular.size, length // 16 + 1)),
        rng.integers(28, 37, (regular.size, length // 16 + 1)),
    )
    fill_day = first[:, None] + np.concatenate(
        (np.zeros((regular.size, 1), dtype=np.int64), np.cumsum(steps[:, :-1], axis=1)), axis=1
    )
    changes = chaotic[:, None] & (rng.random(fill_day.shape) < 0.4)
    last_change = np.maximum.accumulate(np.where(changes, np.arange(fill_day.shape[1]), -1), axis=1)
    rows = np.arange(regular.size)[:, None]
    new_prescriber = rng.integers(1, 5001, fill_day.shape)
    new_pharmacy = rng.integers(1, 2001, fill_day.shape)
    prescribers = np.where(
        last_change >= 0,
        new_prescriber[rows, np.maximum(last_change, 0)],
        prescriber[regular][:, None],
    )
    pharmacies = np.where(
        last_change >= 0, new_pharmacy[rows, np.maximum(last_change, 0)], pharmacy[regular][:, None]
    )
    doses = per_day[:, None] + np.cumsum(changes * rng.integers(0, 2, fill_day.shape), axis=1)
    inside = fill_day < length
    who = np.broadcast_to(regular[:, None], fill_day.shape)[inside]
    add(
        who,
        fill_day[inside],
        drug=drug[who],
        strength=strength[who],
        quantity=30 * doses[inside],
        days=np.full(who.size, 30),
        prescriber=prescribers[inside],
        pharmacy=pharmacies[inside],
    )

    # A second benzodiazepine, monthly from its own start (one regular user in four).
    both = regular[~chaotic & (rng.random(regular.size) < _SECOND_DRUG)]
    first = rng.integers(0, length // 2 + 1, both.size)
    fill_day = first[:, None] + np.concatenate(
        (
            np.zeros((both.size, 1), dtype=np.int64),
            np.cumsum(rng.integers(28, 37, (both.size, length // 28)), axis=1),
        ),
        axis=1,
    )
    inside = fill_day < length
    who = np.broadcast_to(both[:, None], fill_day.shape)[inside]
    add(
        who,
        fill_day[inside],
        drug=second[who],
        strength=second_strength[who],
        quantity=np.full(who.size, 30),
        days=np.full(who.size, 30),
        prescriber=prescriber[who],
        pharmacy=pharmacy[who],
    )

    # An opioid for a while: one to four fills of 15 days, 15 to 30 days apart.
    opioids = sorted(_OPIOID_STRENGTHS)
    taking = regular[(shape[regular] >= _OPIOID_FROM) & ~chaotic]
    opioid = rng.integers(0, len(opioids), taking.size)
    mg = rng.integers(0, 2, taking.size)
    first = rng.integers(0, length - 59, taking.size)
    fill_day = first[:, None] + np.concatenate(
        (
            np.zeros((taking.size, 1), dtype=np.int64),
            np.cumsum(rng.integers(15, 31, (taking.size, 3)), axis=1),
        ),
        axis=1,
    )
    inside = (np.arange(4) < rng.integers(1, 5, taking.size)[:, None]) & (fill_day < length)
    who = np.broadcast_to(taking[:, None], fill_day.shape)[inside]
    which = np.broadcast_to(opioid[:, None], fill_day.shape)[inside]
    add(
        who,
        fill_day[inside],
        drug=len(drugs) + which,
        strength=np.broadcast_to(mg[:, None], fill_day.shape)[inside],
        quantity=np.full(who.size, 60),
        days=np.full(who.size, 15),
        prescriber=prescriber[who],
        pharmacy=pharmacy[who],
    )

    # A diagnosis row for one regular user in ten, half of them a code of the groups.
    coded = regular[rng.random(regular.size) < 0.1]
    risky = rng.random(coded.size) < 0.5
    codes = np.where(
        risky,
        rng.integers(0, len(_RISK_CODES), coded.size),
        len(_RISK_CODES) + rng.integers(0, len(_OTHER_CODES), coded.size),
    )
    on = rng.integers(0, length, coded.size)
    all_codes = (*_RISK_CODES, *_OTHER_CODES)
    ids = _patient_ids(n)
    for person, code, day in zip(coded.tolist(), codes.tolist(), on.tolist(), strict=True):
        population.diagnosis(ids[person], all_codes[code], day)

    if not n:
        return pa.table({c: pa.array([], pa.string()) for c in FILL_COLUMNS})
    columns = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    order = np.lexsort((columns["day"], columns["who"]))
    columns = {k: v[order] for k, v in columns.items()}
    who = columns["who"]

    # Text, as claims exports carry it: each distinct value written once, then taken.
    def taken(values: list[str], index: np.ndarray) -> pa.Array:
        return pa.array(values, pa.string()).take(pa.array(index))

    born_text = [(period.end - timedelta(days=round(float(d)))).isoformat() for d in born.tolist()]
    strength_text = [
        _text(strengths[d][i]) if i < len(strengths[d]) else ""
        for d in range(len(drugs))
        for i in range(widest)
    ] + [_text(mg) for o in opioids for mg in (*_OPIOID_STRENGTHS[o], *_OPIOID_STRENGTHS[o])[:2]]
    benzo = columns["drug"] < len(drugs)
    strength_index = np.where(
        benzo,
        columns["drug"] * widest + columns["strength"],
        len(drugs) * widest + (columns["drug"] - len(drugs)) * 2 + columns["strength"],
    )
    days_text = [(period.start + timedelta(days=d)).isoformat() for d in range(length)]
    return pa.table(
        {
            "patient_id": taken(ids, who),
            "birth_date": taken(born_text, who),
            "fill_date": taken(days_text, columns["day"]),
            "drug": taken([*drugs, *opioids], columns["drug"]),
            "strength_mg": taken(strength_text, strength_index),
            "quantity": pa.array(columns["quantity"]).cast(pa.string()),
            "days_supply": pa.array(columns["days"]).cast(pa.string()),
            "prescriber_id": _prefixed("DR-", columns["prescriber"]),
            "pharmacy_id": _prefixed("RX-", columns["pharmacy"]),
            "ndc": taken([""], np.zeros(who.size, dtype=np.int64)),
        }
    )


def _patient_ids(patients: int) -> list[str]:
    return [f"P{n:07d}" for n in range(1, patients + 1)]


def _prefixed(prefix: str, numbers: np.ndarray) -> pa.Array:
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.binary_join_element_wise(prefix, pa.array(numbers).cast(pa.string()), "")


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
    import pyarrow as pa

    planted = pa.table({c: pa.array(v, pa.string()) for c, v in population.fills.items()})
    fills = (
        planted if population.made_up is None else pa.concat_tables([population.made_up, planted])
    )
    diagnoses = pa.table({c: pa.array(v, pa.string()) for c, v in population.diagnoses.items()})
    written = []
    for path, table in ((out, fills), (diagnoses_path(out), diagnoses)):
        try:
            if suffix == ".csv":
                import pyarrow.csv as pcsv

                pcsv.write_csv(table, path, pcsv.WriteOptions(quoting_header="none"))
            else:
                import pyarrow.parquet as pq

                pq.write_table(table, path)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise ClinicalError("output", f"Cannot write {path}: {reason}.") from None
        written.append(path)
    return written[0], written[1]
