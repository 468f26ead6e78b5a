"""The screen's definitions as Ibis expressions, run on an embedded DuckDB.

Imported only by the code that runs a screen (the CLI, inside its command): ibis and duckdb
are plain libraries, but loading them takes time no other command should pay. Every
figure is computed over fills with window functions and joins of intervals, never by
expanding a fill into one row per day:

- same-drug supply is shifted forward (PQA): with the fills of one patient and drug in
  date order, S_i the running total of days' supply and t_j the fill days, a fill's
  supply ends (exclusive) on S_i + max over j <= i of (t_j - S_(j-1)), and starts its
  days' supply earlier; the shifted fills of one drug never overlap;
- days covered are the union of those intervals across drugs (gaps and islands: an
  island starts where a fill starts after every earlier one has ended);
- doses are mg a day per fill times the days of that fill inside a span.

Days are counted from the period's first day (day 0) to its length (exclusive).
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir

from clonacare.core.errors import ClinicalError
from clonacare.core.population.definitions import FLAG_CODES, Definitions
from clonacare.core.population.model import (
    DIAGNOSIS_REJECT_REASONS,
    ENGINES,
    REJECT_REASONS,
    Period,
    RowCounts,
    ScreenItem,
    ScreenResult,
)

DISPENSING_COLUMNS = (
    "patient_id",
    "birth_date",
    "fill_date",
    "drug",
    "strength_mg",
    "quantity",
    "days_supply",
    "prescriber_id",
    "pharmacy_id",
)
DIAGNOSIS_COLUMNS = ("patient_id", "code", "date")
STEPS = ("reading the files", "checking the rows", "working out the flags", "collecting")

Progress = Callable[[int, str], None]
"""Told the number of each step done (1 to len(STEPS)) and what comes next."""

_ORDER = ("day", "days", "prescriber_id", "pharmacy_id", "strength", "quantity")


LOCAL_SPARK = "local[*]"


class _Engine:
    """A connection to one engine, how it reads files, and the errors it raises."""

    def __init__(self, name: str, spark_master: str | None) -> None:
        self.name = name
        if name == "duckdb":
            self.con = ibis.duckdb.connect()
            self.errors: tuple[type[BaseException], ...] = (duckdb.Error,)
            return
        # Imported here: pyspark is an extra (``pip install 'clonacare[spark]'``) and
        # starts a JVM; only a Spark screen needs it.
        try:
            from py4j.protocol import Py4JError
            from pyspark.errors import PySparkException
            from pyspark.sql import SparkSession
        except ImportError:
            raise ClinicalError(
                "engine-unavailable",
                "The Spark engine needs pyspark: install Clonacare with its spark extra.",
            ) from None
        master = spark_master or LOCAL_SPARK
        builder = (
            SparkSession.builder.master(master)
            .appName("clonacare-population")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")  # the CLI draws its own
        )
        if master.startswith("local"):
            # Small shuffles on one machine: Spark's default of 200 partitions is for clusters.
            builder = builder.config("spark.sql.shuffle.partitions", "4")
        try:
            session = builder.getOrCreate()
        except (PySparkException, Py4JError, RuntimeError) as exc:
            raise ClinicalError(
                "engine-unavailable", f"Spark could not start at {master}: {_first_line(exc)}."
            ) from None
        session.sparkContext.setLogLevel("ERROR")  # the JVM's warnings are not the user's
        self.con = ibis.pyspark.connect(session)
        self.errors = (PySparkException, Py4JError)

    def read(self, path: Path, what: str, columns: tuple[str, ...]) -> ir.Table:
        suffix = path.suffix.lower()
        if suffix not in (".csv", ".parquet"):
            raise ClinicalError(
                "population-file",
                f"Cannot read the {what} file {path}: it must be a .csv or .parquet file.",
            )
        if not path.is_file():
            raise ClinicalError(
                "population-file", f"Cannot read the {what} file {path}: no such file."
            )
        unreadable: tuple[type[BaseException], ...] = (*self.errors, OSError)
        try:
            if suffix == ".csv" and self.name == "duckdb":
                table = self.con.read_csv(path, all_varchar=True, header=True)
            elif suffix == ".csv":  # Spark: every column as text, as DuckDB reads it
                table = self.con.read_csv(str(path.resolve()), header=True, inferSchema=False)
            elif self.name == "spark":
                table = self.con.read_parquet(str(path.resolve()))
            else:
                table = self.con.read_parquet(path)
        except unreadable as exc:
            raise ClinicalError(
                "population-file", f"Cannot read the {what} file {path}: {_first_line(exc)}."
            ) from None
        names = {c.lower(): c for c in table.columns}
        missing = [c for c in columns if c not in names]
        if missing:
            raise ClinicalError(
                "population-columns",
                f"The {what} file {path} has no column {', '.join(missing)} "
                f"(it needs {', '.join(columns)}).",
            )
        return table.select(**{c: table[names[c]].cast("string").strip() for c in columns})

    def keep(self, name: str, table: ir.Table) -> ir.Table:
        """``table`` computed once and kept for the queries that read it."""
        if self.name == "duckdb":
            return self.con.create_table(name, table, temp=True)
        return table.cache()

    def close(self) -> None:
        if self.name == "duckdb":
            self.con.disconnect()
        # A Spark session is left running: the next screen in this process reuses it
        # (getOrCreate), and it ends with the process.


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__).rstrip(".")


def _blank(value: ir.StringValue) -> ir.BooleanValue:
    return value.isnull() | (value == "")


def _drug_values(drug: ir.StringValue, definitions: Definitions) -> dict[str, ir.Value]:
    """The class and conversion factors of each listed drug, as expressions (a mapping
    written into the query rather than a table joined: both engines run it the same)."""
    benzodiazepines = {b.drug: float(b.de_factor) for b in definitions.benzodiazepines}
    opioids = {o.drug: float(o.mme_factor) for o in definitions.opioids}
    classes = dict.fromkeys(benzodiazepines, "benzodiazepine") | dict.fromkeys(opioids, "opioid")
    return {
        "drug_class": drug.substitute(classes, else_=ibis.null("string")),
        "de_factor": drug.substitute(benzodiazepines, else_=ibis.literal(0.0)),
        "mme_factor": drug.substitute(opioids, else_=ibis.literal(0.0)),
    }


def _checked_fills(raw: ir.Table, definitions: Definitions, period: Period) -> ir.Table:
    """Every row with its parsed values and ``reason`` (null for a row that is screened)."""
    parsed = raw.mutate(
        drug=raw.drug.lower(),
        fill=raw.fill_date.try_cast("date"),
        born=raw.birth_date.try_cast("date"),
        strength=raw.strength_mg.try_cast("float64"),
        quantity_n=raw.quantity.try_cast("float64"),
        supply=raw.days_supply.try_cast("float64"),
    )
    parsed = parsed.mutate(**_drug_values(parsed.drug, definitions))
    missing = functools.reduce(operator.or_, [_blank(parsed[c]) for c in DISPENSING_COLUMNS])
    start, end = ibis.literal(period.start), ibis.literal(period.end)
    reason = ibis.cases(
        (missing, "missing-value"),
        (parsed.fill.isnull() | parsed.born.isnull(), "bad-date"),
        (
            parsed.strength.isnull()
            | parsed.quantity_n.isnull()
            | parsed.supply.isnull()
            | (parsed.supply != parsed.supply.floor())
            | (parsed.strength <= 0)
            | (parsed.quantity_n <= 0),
            "bad-number",
        ),
        (parsed.drug_class.isnull(), "unknown-drug"),
        (parsed.supply < 0, "negative-days-supply"),
        (parsed.supply == 0, "zero-days-supply"),
        (parsed.fill < start, "fill-before-period"),
        (parsed.fill > end, "fill-after-period"),
        else_=ibis.null("string"),
    )
    return parsed.mutate(reason=reason)


def _fills(checked: ir.Table, period: Period) -> ir.Table:
    """The screened fills, each with its supply shifted past earlier fills of the same
    drug and clipped to the period: ``[start, end)`` in days of the period."""
    good = checked.filter(checked.reason.isnull())
    fills = good.select(
        "patient_id",
        "drug",
        "drug_class",
        "prescriber_id",
        "pharmacy_id",
        "strength",
        "born",
        "fill",
        day=good.fill.delta(ibis.literal(period.start), unit="day").cast("int64"),
        days=good.supply.cast("int64"),
        quantity=good.quantity_n,
        de_per_day=good.strength * good.quantity_n / good.supply * good.de_factor,
        mme_per_day=good.strength * good.quantity_n / good.supply * good.mme_factor,
    )
    same_drug = ibis.window(group_by=["patient_id", "drug"], order_by=list(_ORDER), rows=(None, 0))
    total = fills.days.sum().over(same_drug)
    fills = fills.mutate(supplied=total, lead=(fills.day - (total - fills.days)))
    shifted_end = fills.supplied + fills.lead.max().over(same_drug)
    length = ibis.literal(period.days)
    fills = fills.mutate(
        start=ibis.least(shifted_end - fills.days, length),
        end=ibis.least(shifted_end, length),
    )
    return fills.drop("supplied", "lead")


def _islands(fills: ir.Table) -> ir.Table:
    """The union of the fills' intervals, per patient: one row per run of covered days."""
    earlier = ibis.window(group_by="patient_id", order_by=["start", "end"], rows=(None, -1))
    fills = fills.filter(fills.end > fills.start)
    marked = fills.mutate(reach=fills.end.max().over(earlier))
    marked = marked.mutate(
        new=(marked.reach.isnull() | (marked.start > marked.reach)).cast("int64")
    )
    running = ibis.window(group_by="patient_id", order_by=["start", "end"], rows=(None, 0))
    marked = marked.mutate(island=marked.new.sum().over(running))
    return marked.group_by(["patient_id", "island"]).aggregate(
        start=marked.start.min(), end=marked.end.max()
    )


def _overlap(start: Any, end: Any, low: Any, high: Any) -> Any:
    """Days of ``[start, end)`` inside ``[low, high)``, never below 0."""
    return ibis.greatest(ibis.least(end, high) - ibis.greatest(start, low), 0)


def _benzodiazepine_figures(benzo: ir.Table, definitions: Definitions, period: Period) -> ir.Table:
    escalation = definitions.flag("dose-escalation")
    window = escalation["window_days"]
    length = period.days
    benzo = benzo.mutate(first_day=benzo.day.min().over(group_by="patient_id"))
    first_high = benzo.first_day + window
    covered = benzo.end - benzo.start
    figures = benzo.group_by("patient_id").aggregate(
        fills=benzo.count(),
        fill_dates=benzo.fill.nunique(),
        prescribers=benzo.prescriber_id.nunique(),
        pharmacies=benzo.pharmacy_id.nunique(),
        born=benzo.born.max(),
        first_day=benzo.first_day.min(),
        de_mg=(benzo.de_per_day * covered).sum(),
        first_de_mg=(
            benzo.de_per_day * _overlap(benzo.start, benzo.end, benzo.first_day, first_high)
        ).sum(),
        last_de_mg=(
            benzo.de_per_day * _overlap(benzo.start, benzo.end, length - window, length)
        ).sum(),
    )
    islands = _islands(benzo)
    days = islands.group_by("patient_id").aggregate(
        days_covered=(islands.end - islands.start).sum()
    )
    return figures.left_join(days, "patient_id").drop("patient_id_right")


def _early_refills(benzo: ir.Table, definitions: Definitions) -> ir.Table:
    percent = definitions.flag("early-refill")["early_before_percent"]
    same_drug = ibis.window(group_by=["patient_id", "drug"], order_by=list(_ORDER))
    fills = benzo.mutate(
        previous_day=benzo.day.lag().over(same_drug),
        previous_days=benzo.days.lag().over(same_drug),
    )
    early = (fills.day - fills.previous_day) * 100 < fills.previous_days * percent
    return fills.group_by("patient_id").aggregate(
        early_refills=early.fill_null(False).cast("int64").sum()
    )


def _providers(benzo: ir.Table, definitions: Definitions) -> ir.Table:
    """For each patient, the 180 days (ending on a fill) with the most prescribers and
    pharmacies: a join of each fill day with the fills of the days before it."""
    span = definitions.flag("multiple-providers")["window_days"]
    anchors = benzo.select(patient_id=benzo.patient_id, anchor=benzo.day).distinct()
    inside = benzo.select("patient_id", "day", "prescriber_id", "pharmacy_id")
    joined = anchors.join(
        inside,
        [
            anchors.patient_id == inside.patient_id,
            inside.day <= anchors.anchor,
            inside.day > anchors.anchor - span,
        ],
    )
    counts = joined.group_by(["patient_id", "anchor"]).aggregate(
        window_prescribers=joined.prescriber_id.nunique(),
        window_pharmacies=joined.pharmacy_id.nunique(),
    )
    best = ibis.window(
        group_by="patient_id",
        order_by=[
            ibis.least(counts.window_prescribers, counts.window_pharmacies).desc(),
            counts.window_prescribers.desc(),
            counts.window_pharmacies.desc(),
            counts.anchor,
        ],
    )
    ranked = counts.mutate(rank=ibis.row_number().over(best))
    return ranked.filter(ranked.rank == 0).drop("rank")


def _opioid_figures(fills: ir.Table) -> ir.Table:
    opioids = fills.filter(fills.drug_class == "opioid")
    return opioids.group_by("patient_id").aggregate(
        opioid_fill_dates=opioids.fill.nunique(),
        opioid_days_supply=opioids.days.sum(),
        opioid_max_daily_mme=opioids.mme_per_day.max(),
    )


def _overlap_days(benzo: ir.Table, fills: ir.Table) -> ir.Table:
    mine = _islands(benzo)
    theirs = _islands(fills.filter(fills.drug_class == "opioid"))
    theirs = theirs.select(patient_id=theirs.patient_id, o_start=theirs.start, o_end=theirs.end)
    pairs = mine.join(
        theirs,
        [
            mine.patient_id == theirs.patient_id,
            theirs.o_start < mine.end,
            mine.start < theirs.o_end,
        ],
    )
    return pairs.group_by("patient_id").aggregate(
        overlap_days=_overlap(pairs.start, pairs.end, pairs.o_start, pairs.o_end).sum()
    )


def _checked_diagnoses(raw: ir.Table) -> ir.Table:
    parsed = raw.mutate(code=raw.code.upper().replace(".", ""), on=raw.date.try_cast("date"))
    missing = functools.reduce(operator.or_, [_blank(parsed[c]) for c in DIAGNOSIS_COLUMNS])
    reason = ibis.cases(
        (missing, "missing-value"), (parsed.on.isnull(), "bad-date"), else_=ibis.null("string")
    )
    return parsed.mutate(reason=reason)


def _diagnosis_groups(
    checked: ir.Table, definitions: Definitions, period: Period
) -> tuple[ir.Table, tuple[str, ...]]:
    """One row per patient with a diagnosis: for each group, whether a code of it is
    dated in the period (exclusions) or on or before its last day (named risks)."""
    good = checked.filter(checked.reason.isnull() & (checked.on <= ibis.literal(period.end)))
    in_period = good.on >= ibis.literal(period.start)
    exclusions = definitions.flag("opioid-overlap").diagnosis_groups
    named = definitions.flag("older-adult").diagnosis_groups
    names = tuple(dict.fromkeys((*exclusions, *named)))
    columns = {}
    for name in names:
        group = definitions.diagnosis_groups[name]
        matches = functools.reduce(
            operator.or_,
            [good.code.substr(0, len(r.low)).between(r.low, r.high) for r in group.ranges],
        )
        if name in exclusions:
            columns[f"dx_{name}"] = (matches & in_period).any()
        if name in named:
            columns[f"history_{name}"] = matches.any()
    return good.group_by("patient_id").aggregate(**columns), names


def _age(born: Any, period: Period) -> Any:
    end = period.end
    before_birthday = (born.month() > end.month) | (
        (born.month() == end.month) & (born.day() > end.day)
    )
    return end.year - born.year() - before_birthday.cast("int64")


def _screen_table(
    fills: ir.Table,
    diagnoses: ir.Table | None,
    definitions: Definitions,
    period: Period,
) -> ir.Table:
    """One row per patient with a benzodiazepine fill, every figure and every flag."""
    benzo = fills.filter(fills.drug_class == "benzodiazepine")
    patients = _benzodiazepine_figures(benzo, definitions, period)
    for extra in (
        _early_refills(benzo, definitions),
        _providers(benzo, definitions),
        _opioid_figures(fills),
        _overlap_days(benzo, fills),
    ):
        patients = patients.left_join(extra, "patient_id").drop("patient_id_right")
    exclusions = definitions.flag("opioid-overlap").diagnosis_groups
    named = definitions.flag("older-adult").diagnosis_groups
    if diagnoses is not None:
        groups, _ = _diagnosis_groups(diagnoses, definitions, period)
        patients = patients.left_join(groups, "patient_id").drop("patient_id_right")
    p = patients.mutate(
        days_covered=patients.days_covered.fill_null(0),
        early_refills=patients.early_refills.fill_null(0),
        opioid_fill_dates=patients.opioid_fill_dates.fill_null(0),
        opioid_days_supply=patients.opioid_days_supply.fill_null(0),
        overlap_days=patients.overlap_days.fill_null(0),
        age=_age(patients.born, period),
    )
    if diagnoses is not None:
        p = p.mutate(
            **{f"dx_{n}": p[f"dx_{n}"].fill_null(False) for n in exclusions},
            **{f"history_{n}": p[f"history_{n}"].fill_null(False) for n in named},
        )
    long_term = definitions.flag("long-term-use")
    high = definitions.flag("high-dose")
    providers = definitions.flag("multiple-providers")
    early = definitions.flag("early-refill")
    cob = definitions.flag("opioid-overlap")
    older = definitions.flag("older-adult")
    escalation = definitions.flag("dose-escalation")
    excluded = ibis.literal(False)
    if diagnoses is not None:
        for n in exclusions:
            excluded = excluded | p[f"dx_{n}"]
    judged = p.first_day + escalation["window_days"] <= period.days - escalation["window_days"]
    flags = {
        "long-term-use": p.days_covered >= long_term["min_days_covered"],
        "high-dose": (p.days_covered > 0)
        & (p.de_mg >= p.days_covered * high["min_average_daily_de_mg"]),
        "multiple-providers": (p.window_prescribers >= providers["min_prescribers"])
        & (p.window_pharmacies >= providers["min_pharmacies"]),
        "early-refill": p.early_refills >= early["min_early_fills"],
        "opioid-overlap": (p.opioid_fill_dates >= cob["min_opioid_fills"])
        & (p.opioid_days_supply >= cob["min_opioid_days_supply"])
        & (p.fill_dates >= cob["min_benzodiazepine_fills"])
        & (p.overlap_days >= cob["min_overlap_days"])
        & ~excluded,
        "older-adult": (p.age >= older["min_age_years"])
        & (p.fill_dates >= older["min_benzodiazepine_fills"]),
        "dose-escalation": judged
        & (p.first_de_mg > 0)
        & (p.last_de_mg * 100 >= p.first_de_mg * (100 + escalation["min_increase_percent"])),
    }
    p = p.mutate(
        excluded=excluded,
        judged=judged,
        **{f"flag_{code.replace('-', '_')}": cond.fill_null(False) for code, cond in flags.items()},
    )
    count = functools.reduce(
        operator.add, [p[f"flag_{c.replace('-', '_')}"].cast("int64") for c in FLAG_CODES]
    )
    p = p.mutate(flag_count=count)
    return p.filter(p.flag_count > 0).order_by([p.flag_count.desc(), p.patient_id])


def _counts(checked: ir.Table, reasons: tuple[str, ...]) -> RowCounts:
    grouped = checked.group_by("reason").aggregate(n=checked.count()).to_pyarrow().to_pylist()
    by_reason = {row["reason"]: int(row["n"]) for row in grouped}
    read = sum(by_reason.values())
    rejected = {r: by_reason[r] for r in reasons if r in by_reason}
    return RowCounts(read=read, rejected=MappingProxyType(rejected))


def _number(value: Any, places: int = 2) -> float | None:
    if value is None or value != value:  # None or NaN
        return None
    return round(float(value), places)


def _details(
    row: dict[str, Any], definitions: Definitions, period: Period, has_dx: bool
) -> dict[str, Any]:
    days = int(row["days_covered"])
    reported = definitions.flag("long-term-use").reported_days_covered
    span = definitions.flag("multiple-providers")["window_days"]
    anchor = period.start + timedelta(days=int(row["anchor"]))
    de_mg = float(row["de_mg"])
    escalation_ratio = None
    if row["judged"] and float(row["first_de_mg"]) > 0:
        escalation_ratio = _number(float(row["last_de_mg"]) / float(row["first_de_mg"]))
    details: dict[str, Any] = {
        "days_covered": days,
        "days_covered_at_least": {str(n): days >= n for n in reported},
        "average_daily_de_mg": _number(de_mg / days) if days else None,
        "benzodiazepine_fills": int(row["fills"]),
        "benzodiazepine_fill_dates": int(row["fill_dates"]),
        "prescribers_in_window": int(row["window_prescribers"]),
        "pharmacies_in_window": int(row["window_pharmacies"]),
        "window": {
            "start": (anchor - timedelta(days=span - 1)).isoformat(),
            "end": anchor.isoformat(),
        },
        "early_refills": int(row["early_refills"]),
        "opioid_fill_dates": int(row["opioid_fill_dates"]),
        "opioid_days_supply": int(row["opioid_days_supply"]),
        "opioid_max_daily_mme": _number(row["opioid_max_daily_mme"]),
        "overlap_days": int(row["overlap_days"]),
        "age": int(row["age"]),
        "escalation_ratio": escalation_ratio,
    }
    if has_dx:
        cob = definitions.flag("opioid-overlap").diagnosis_groups
        named = definitions.flag("older-adult").diagnosis_groups
        details["excluded_from_opioid_overlap"] = [n for n in cob if row[f"dx_{n}"]]
        details["diagnoses"] = [n for n in named if row[f"history_{n}"]]
    return details


def run_screen(
    dispensing: Path,
    diagnoses: Path | None,
    period: Period,
    definitions: Definitions,
    progress: Progress | None = None,
    engine: str = "duckdb",
    spark_master: str | None = None,
) -> ScreenResult:
    """Screen ``dispensing`` (and ``diagnoses``) for ``period`` on ``engine``: an
    in-memory DuckDB, or Spark (``spark_master``, local mode by default).

    Raises ClinicalError("population-file") when a file cannot be read,
    ("population-columns") when it lacks a column, and ("engine-unavailable") when Spark
    is not installed or does not start; bad rows are counted, never raised.
    """
    if engine not in ENGINES:
        raise ClinicalError(
            "bad-option", f"Unknown engine {engine!r}; engines: {', '.join(ENGINES)}."
        )
    tell = progress or (lambda done, label: None)
    tell(0, STEPS[0])
    backend = _Engine(engine, spark_master)
    try:
        raw = backend.read(dispensing, "dispensing", DISPENSING_COLUMNS)
        raw_dx = (
            backend.read(diagnoses, "diagnoses", DIAGNOSIS_COLUMNS)
            if diagnoses is not None
            else None
        )
        tell(1, STEPS[1])
        # Cached so the checks run once, not once per query that reads them.
        checked = backend.keep("checked", _checked_fills(raw, definitions, period))
        rows = _counts(checked, REJECT_REASONS)
        checked_dx = None
        dx_rows = None
        if raw_dx is not None:
            checked_dx = backend.keep("checked_dx", _checked_diagnoses(raw_dx))
            dx_rows = _counts(checked_dx, DIAGNOSIS_REJECT_REASONS)
        tell(2, STEPS[2])
        fills = backend.keep("fills", _fills(checked, period))
        flagged = _screen_table(fills, checked_dx, definitions, period).to_pyarrow().to_pylist()
        tell(3, STEPS[3])
        items = []
        for row in flagged:
            codes = tuple(c for c in FLAG_CODES if row[f"flag_{c.replace('-', '_')}"])
            items.append(
                ScreenItem(
                    patient_id=str(row["patient_id"]),
                    flags=codes,
                    details=MappingProxyType(
                        _details(row, definitions, period, checked_dx is not None)
                    ),
                )
            )
        tell(4, "done")
    except backend.errors as exc:
        raise ClinicalError(
            "population-file", f"Cannot read the dispensing data: {_first_line(exc)}."
        ) from None
    finally:
        backend.close()
    return ScreenResult(
        period=period,
        engine=engine,
        equivalence_table=definitions.equivalence_table,
        rows=rows,
        diagnoses=dx_rows,
        items=tuple(items),
    )
