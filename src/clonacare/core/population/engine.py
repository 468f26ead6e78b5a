"""The screen's definitions as Ibis expressions, run on an embedded DuckDB.

Imported only by the code that runs a screen (the CLI, inside its command): ibis and duckdb
are plain libraries, but loading them takes time no other command should pay. Every
figure is computed over fills with window functions and joins of intervals, never by
expanding a fill into one row per day:

- same-drug supply is shifted forward (PQA): with the fills of one patient and drug in
  date order, S_i the running total of days' supply and t_j the fill days, a fill's
  supply ends (exclusive) on S_i + max over j <= i of (t_j - S_(j-1)), and starts its
  days' supply earlier; the shifted fills of one drug never overlap;
- days covered are the union of those intervals across drugs, in one more window pass:
  taken in order of start, a fill adds the days from the furthest end of the fills
  before it (its reach) to its own end; benzodiazepines' union, opioids' union and the
  union of both come from the same pass, and days of both are benzodiazepine days plus
  opioid days minus the days of either;
- doses are mg a day per fill times the days of that fill inside a span.

What costs time (docs/benchmarks.md, "Population screen") is the window passes, each a
sort of the fills: two by patient and drug (the running supply, then the shift with the
previous fill and the drug's first day), and, only for patients with fills of more than
one drug, the sweep and a pass by class and day that marks each fill on a date of its
own. A patient with one drug needs no sweep: that drug's shifted fills never overlap,
and its previous fill gives the new dates. The window passes partition and sort on
numbers, not text: each patient gets one (``person``, in the order of ``patient_id``)
from a grouping of the fills that also tells which patients have one drug, and each drug
one from the drug table. Patients of one drug and of several are worked out in separate
queries, each ending in one aggregation, and the one join of fills with fills (the
provider windows) is made only for patients with more than one prescriber or pharmacy.
The flagged patients come back in three parts (``_flagged_parts``), so that the items of
one are made while DuckDB works out the next.

Days are counted from the period's first day (day 0) to its length (exclusive).
"""

from __future__ import annotations

import functools
import gc
import operator
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

import duckdb
import ibis
import ibis.expr.types as ir
import numpy as np
import numpy.typing as npt
import pyarrow as pa

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

# The order of one patient's fills of one drug. Fills alike in all three are alike in
# every figure (a fill's strength and quantity count only through its daily amount, and
# prescriber and pharmacy only through the day), so the order among them does not change
# a result, and sorting on more would only cost time.
_ORDER = ("day", "days", "per_day")


LOCAL_SPARK = "local[*]"


class _Engine:
    """A connection to one engine, how it reads files, and the errors it raises."""

    def __init__(self, name: str, spark_master: str | None) -> None:
        self.name = name
        if name == "duckdb":
            self.con = ibis.duckdb.connect()
            # Nothing here depends on the order rows were read in (the result is sorted
            # at the end): without keeping it, DuckDB needs less memory for big files.
            self.con.raw_sql("SET preserve_insertion_order = false")
            self.errors: tuple[type[BaseException], ...] = (duckdb.Error,)
            # DuckDB runs the statements on a thread of its own, in the order they come,
            # while this thread builds and compiles the next: compiling a query takes
            # Ibis a tenth of a second or more, time DuckDB need not wait for.
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="duckdb")
            self._failure: BaseException | None = None
            self._last: Future[pa.Table | None] | None = None
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
        # As text, not yet stripped of the spaces around it: the checks strip what
        # needs it (``_checked_fills``, ``_checked_diagnoses``).
        return table.select(**{c: table[names[c]].cast("string") for c in columns})

    def keep(self, name: str, table: ir.Table) -> ir.Table:
        """``table`` computed once and kept for the queries that read it. On DuckDB the
        table is made in the background: the next statements run after it (``_run``)."""
        if self.name == "duckdb":
            sql = self.con.compile(table)
            statement = f'CREATE TEMP TABLE "{name}" AS {sql}'
            self._last = self._worker.submit(self._run, statement, False)
            return ibis.table(table.schema(), name=name)
        return table.cache()

    def small(self, name: str, schema: ibis.Schema, rows: list[tuple[Any, ...]]) -> ir.Table:
        """A small table of ``rows`` registered with the engine under ``name``."""
        if self.name == "duckdb":
            # Made and filled with SQL: Ibis's in-memory tables load pandas, a quarter
            # of a second before DuckDB could start (pyarrow loads it later anyway,
            # while DuckDB works: see ``run_screen``).
            table = self.con.create_table(name, schema=schema, temp=True)
            marks = ", ".join("?" * len(schema))
            # ``name`` is one of this module's own, never a user's.
            insert = f"INSERT INTO temp.main.{name} VALUES ({marks})"  # noqa: S608
            self.con.con.executemany(insert, rows)
            return table
        columns = {c: [row[i] for row in rows] for i, c in enumerate(schema.names)}
        memtable = ibis.memtable(columns, schema=schema)
        return self.con.create_view(f"clonacare_{name}", memtable, overwrite=True)

    def fetch(self, table: ir.Table, meanwhile: Callable[[], object] | None = None) -> pa.Table:
        """The rows of ``table`` (``later``), with ``meanwhile`` called while DuckDB works."""
        result = self.later(table)
        if meanwhile is not None:
            meanwhile()
        return result()

    def later(self, table: ir.Table) -> Callable[[], pa.Table]:
        """A call that returns the rows of ``table``, as Arrow columns of the engine's
        types (the callers cast what they read), once every table kept before it is
        made. On DuckDB the query starts now, on the statements' thread, through
        DuckDB's own connection, and this thread is free until it calls for the rows;
        on Spark it runs when they are called for."""
        if self.name == "duckdb":
            sql = self.con.compile(table)
            future = self._last = self._worker.submit(self._run, sql, True)

            def rows() -> pa.Table:
                # ``_run`` returns the rows when asked for them, as here.
                return cast(pa.Table, future.result())

            return rows

        def computed() -> pa.Table:
            result: pa.Table = table.to_pyarrow()
            return result

        return computed

    def _run(self, sql: str, rows: bool) -> pa.Table | None:
        """On DuckDB's thread: run ``sql`` (its rows as Arrow when ``rows``), unless a
        statement before it failed, whose error is then raised again: the caller hears
        of the first failure, not of a table it left missing."""
        if self._failure is not None:
            raise self._failure
        try:
            result = self.con.con.sql(sql)
            return result.to_arrow_table() if rows else None
        except BaseException as exc:
            self._failure = exc
            raise

    def close(self) -> None:
        if self.name == "duckdb":
            if self._last is not None and not self._last.done():
                # Stopped early (an error here, or Ctrl-C): stop DuckDB's statement too.
                self.con.con.interrupt()
            self._worker.shutdown(cancel_futures=True)
            self.con.disconnect()
        # A Spark session is left running: the next screen in this process reuses it
        # (getOrCreate), and it ends with the process.


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__).rstrip(".")


def _blank(value: ir.StringValue) -> ir.BooleanValue:
    return value.isnull() | (value == "")


_DRUG_SCHEMA = ibis.schema(
    {"listed_drug": "string", "drug_no": "int64", "drug_class": "string", "factor": "float64"}
)


def _drugs(definitions: Definitions) -> list[tuple[str, int, str, float]]:
    """The class and conversion factor of each listed drug (diazepam-equivalent for a
    benzodiazepine, MME for an opioid: a fill's class tells which), numbered, as rows of
    ``_DRUG_SCHEMA``: a small table joined to the fills (a hash join with a tiny side,
    cheaper per row than a CASE over every drug name, and the same on both engines)."""
    benzodiazepines = [
        (b.drug, "benzodiazepine", float(b.de_factor)) for b in definitions.benzodiazepines
    ]
    opioids = [(o.drug, "opioid", float(o.mme_factor)) for o in definitions.opioids]
    return [
        (drug, number, drug_class, factor)
        for number, (drug, drug_class, factor) in enumerate([*benzodiazepines, *opioids])
    ]


# The columns read as dates and numbers, with the name and type of each parsed value.
_PARSED = {
    "birth_date": ("born", "date"),
    "fill_date": ("fill", "date"),
    "strength_mg": ("strength", "float64"),
    "quantity": ("quantity_n", "float64"),
    "days_supply": ("supply", "float64"),
}


# 2**63, the first number past the largest 64-bit integer, as the float it is.
_INT64_END = ibis.literal(2.0**63, "float64")


def _not_finite(number: ir.FloatingValue) -> ir.BooleanValue:
    """Whether ``number`` is infinite or not a number (NaN), as both engines tell it:
    only then is ``number - number`` not 0. (Ibis's ``isinf`` is never true on Spark.)"""
    return (number - number) != 0


# The first character above every whitespace character (the six of Python's
# ``string.whitespace``, which Ibis's ``strip`` removes on both engines, are all below
# it): a text that starts or ends with whitespace starts or ends with a character
# before this one.
_ABOVE_WHITESPACE = ibis.literal("!")


def _stripped(text: ir.StringValue) -> ir.StringValue:
    """``text.strip()``, stripped only where its first or last character could be
    whitespace (a comparison of the text, and of its last character, with ``!``):
    most values have none, and stripping every value of a column costs more than this
    test (docs/benchmarks.md, "Population screen"). Stripping a text that neither
    starts nor ends with whitespace gives it back unchanged, so the result is the same."""
    edged = (text < _ABOVE_WHITESPACE) | (text.right(1) < _ABOVE_WHITESPACE)
    return ibis.ifelse(edged, text.strip(), text)


def _parsed(text: ir.StringValue, to: str) -> ir.Value:
    """``text`` parsed as a ``to``, as its text stripped of spaces, tabs and line breaks
    around it would be. Both engines parse most such values as they are (DuckDB and
    Spark skip that whitespace when they parse a date or a number), so the text is
    stripped only where that fails: stripping every value of a column costs more than
    parsing it (docs/benchmarks.md, "Population screen")."""
    return ibis.coalesce(text.try_cast(to), text.strip().try_cast(to))


# Text columns kept unstripped in the checked rows (``_checked_fills``).
_UNSTRIPPED = ("prescriber_id", "pharmacy_id", "drug")


def _only_whitespace(text: ir.StringValue) -> ir.BooleanValue:
    """Whether ``text`` is missing or only whitespace (empty included): then its first
    character is whitespace, below ``!``, and only then is it stripped."""
    return text.isnull() | ((text < _ABOVE_WHITESPACE) & (text.strip() == ""))


def _with_drug(rows: ir.Table, drugs: ir.Table) -> ir.Table:
    """``rows`` with the number, class and factor of their drug (null for a drug not in
    the drug table), matched as ``drug.strip().lower()``. The drug table writes names in
    lower case without spaces, so a value written so is matched as it is read; only
    the rest (another case, spaces around it, an unknown drug) is stripped, lowered and
    matched again, instead of every value of the column."""
    exact = rows.left_join(drugs, rows.drug == drugs.listed_drug).drop("listed_drug")
    other = drugs.rename(lambda name: f"other_{name}")
    again = exact.mutate(
        again=ibis.ifelse(exact.drug_no.isnull(), exact.drug.strip().lower(), ibis.null("string"))
    )
    both = again.left_join(other, again.again == other.other_listed_drug)
    return both.mutate(
        **{c: both[c].coalesce(both[f"other_{c}"]) for c in ("drug_no", "drug_class", "factor")}
    ).drop("again", *(f"other_{c}" for c in _DRUG_SCHEMA.names))


def _checked_fills(raw: ir.Table, drugs: ir.Table, period: Period) -> ir.Table:
    """Every row with its parsed values and ``reason`` (null for a row that is screened),
    with only the columns the screen reads after this, as numbers where it can (the drug
    and its class as the drug table's number and a flag, the fill as its day in the
    period): they are kept in memory, and text costs more to keep and to read."""
    text = [c for c in DISPENSING_COLUMNS if c not in _PARSED]
    # The prescriber, pharmacy and drug are kept as they were read, spaces and all: the
    # first two are stripped where they are compared, in the provider windows
    # (``_people``, ``_providers``), for a few fills in a hundred instead of every fill,
    # and the drug only where it does not match as read (``_with_drug``).
    stripped = raw.mutate(**{c: _stripped(raw[c]) for c in text if c not in _UNSTRIPPED})
    parsed = stripped.mutate(
        **{name: _parsed(stripped[c], to) for c, (name, to) in _PARSED.items()},
    )
    parsed = _with_drug(parsed, drugs)
    # A value that does not parse is missing when it is only whitespace.
    missing = functools.reduce(
        operator.or_,
        [
            *(_blank(parsed[c]) for c in text if c not in _UNSTRIPPED),
            *(_only_whitespace(parsed[c]) for c in _UNSTRIPPED),
            *(
                parsed[c].isnull() | (parsed[name].isnull() & (parsed[c].strip() == ""))
                for c, (name, _) in _PARSED.items()
            ),
        ],
    )
    start, end = ibis.literal(period.start), ibis.literal(period.end)
    numbers = (parsed.strength, parsed.quantity_n, parsed.supply)
    reason = ibis.cases(
        (missing, "missing-value"),
        (parsed.fill.isnull() | parsed.born.isnull(), "bad-date"),
        (
            functools.reduce(operator.or_, [n.isnull() | _not_finite(n) for n in numbers])
            # Not whole (the remainder, not ``floor()``: Ibis casts a floor to a 64-bit
            # integer, which fails on a huge value before it can be counted).
            | (parsed.supply % 1 != 0)
            | (parsed.strength <= 0)
            | (parsed.quantity_n <= 0)
            # Too large to compute with: a days' supply that is no 64-bit integer, or a
            # daily amount (at most strength x quantity x factor) past the largest float.
            # (An unknown drug has no factor: it is counted under unknown-drug below.)
            | (parsed.supply >= _INT64_END)
            | _not_finite(parsed.strength * parsed.quantity_n * parsed.factor),
            "bad-number",
        ),
        (parsed.drug_class.isnull(), "unknown-drug"),
        (parsed.supply < 0, "negative-days-supply"),
        (parsed.supply == 0, "zero-days-supply"),
        (parsed.fill < start, "fill-before-period"),
        (parsed.fill > end, "fill-after-period"),
        else_=ibis.null("string"),
    )
    return parsed.select(
        "patient_id",
        "drug_no",
        "prescriber_id",
        "pharmacy_id",
        "born",
        "supply",
        benzodiazepine=parsed.drug_class == "benzodiazepine",
        # The daily amount, read only for screened rows (whose days' supply is above
        # 0): a 0 divides nothing here, since Spark refuses a division by zero.
        per_day=parsed.strength * parsed.quantity_n / parsed.supply.nullif(0) * parsed.factor,
        day=parsed.fill.delta(start, unit="day").cast("int64"),
        reason=reason,
    )


def _fills(checked: ir.Table) -> ir.Table:
    """The screened fills: their day in the period and daily amount (``per_day``: mg of
    diazepam-equivalent for a benzodiazepine, MME for an opioid; one column, not two of
    which one would be 0, so every sort after this moves fewer bytes)."""
    good = checked.filter(checked.reason.isnull())
    return good.select(
        "patient_id",
        "drug_no",
        "prescriber_id",
        "pharmacy_id",
        "born",
        "benzodiazepine",
        "day",
        "per_day",
        days=good.supply.cast("int64"),
    )


def _people(fills: ir.Table) -> ir.Table:
    """One row per patient with a screened fill: a number, ``person``, in the order of
    ``patient_id``, which the window passes partition and sort on instead of the text
    (sorting numbers costs half as much), and what one grouping of the fills, no sort,
    tells of them: whether all their fills are of one drug, whether their
    benzodiazepine fills may have more than one prescriber or pharmacy (all the
    provider windows need to know: cheaper as a smallest and largest than as a count),
    and their birth date.

    The prescribers and pharmacies compared here are as they were read, unstripped
    (``_checked_fills``): fills whose values are all the same as read are all the same
    stripped, so a patient this finds with one prescriber and one pharmacy has one of
    each. One whose values differ only in whitespace around them is taken for a patient
    with several, and goes through the provider windows, which strip them and count
    one of each all the same: the answer a patient with one of each is given."""
    benzo = fills.benzodiazepine
    people = fills.group_by("patient_id").aggregate(
        one_drug=fills.drug_no.min() == fills.drug_no.max(),
        several_providers=(
            fills.prescriber_id.min(where=benzo) != fills.prescriber_id.max(where=benzo)
        )
        | (fills.pharmacy_id.min(where=benzo) != fills.pharmacy_id.max(where=benzo)),
        born=fills.born.max(where=benzo),
    )
    return people.mutate(person=ibis.row_number().over(order_by="patient_id"))


def _shifted(fills: ir.Table, period: Period, by: tuple[str, ...], percent: Any) -> ir.Table:
    """``fills``, each with its supply shifted past earlier fills of the same drug and
    clipped to the period (``[start, end)`` in days of the period), whether it is an
    early refill (``early``: dispensed before ``percent`` % of the previous fill of the
    drug's days' supply had passed) and whether that previous fill was on the same day
    (``same_day``). ``by`` is what makes one drug's fills: the person and the drug, or
    the person alone for patients whose fills are all of one drug (one partition key
    less to sort on). Both marks come from the previous fill, in the same pass as the
    shift, so the passes after it carry two booleans instead of its day and supply."""
    same_drug = ibis.window(group_by=list(by), order_by=list(_ORDER), rows=(None, 0))
    length = ibis.literal(period.days)
    # A fill's supply counted here at most the period's length: a fill of more days
    # than that ends (clipped) on the last day wherever it starts, and so do the fills
    # after it, whose start is the end of the one before or later; so every start and
    # end is the same. The running total is then small enough to add exactly as a
    # float64 (below 2**53) and to cast back to a 64-bit integer: DuckDB adds integers
    # into 128-bit ones, which cost more to add, compare and sort in every step after.
    counted = ibis.least(fills.days, length)
    fills = fills.mutate(supplied=counted.cast("float64").sum().over(same_drug).cast("int64"))
    counted = ibis.least(fills.days, length)  # the same, bound to the new table
    # One pass over the same window: the shift, and the previous fill of the drug.
    shifted_end = fills.supplied + (fills.day - (fills.supplied - counted)).max().over(same_drug)
    previous = ibis.window(group_by=list(by), order_by=list(_ORDER))
    previous_day = fills.day.lag().over(previous)
    # The previous supply counted here at most 10**9 days: no two dates are that far
    # apart (the calendar spans about 3.65 million days), so an early refill is judged
    # as on the whole supply, while the product stays far inside 64-bit integers
    # (a supply of 10**17 days times the percent would overflow them).
    previous_days = ibis.least(fills.days.lag().over(previous), 10**9)
    fills = fills.mutate(
        start=ibis.least(shifted_end - counted, length),
        end=ibis.least(shifted_end, length),
        early=((fills.day - previous_day) * 100 < previous_days * percent).fill_null(False),
        same_day=(fills.day == previous_day).fill_null(False),
        # The drug's first fill day: fills come in order of day, so the smallest day so
        # far is the first (the same window as the shift, so no sort of its own).
        drug_first=fills.day.min().over(same_drug),
    )
    return fills.drop("supplied")


def _overlap(start: Any, end: Any, low: Any, high: Any) -> Any:
    """Days of ``[start, end)`` inside ``[low, high)``, never below 0."""
    return ibis.greatest(ibis.least(end, high) - ibis.greatest(start, low), 0)


def _new_days(start: Any, end: Any, reach: Any) -> Any:
    """Days of ``[start, end)`` not covered by earlier intervals that reach ``reach``.

    With intervals taken in order of start, every earlier one starts on or before
    ``start``, so what they cover from ``start`` on is ``[start, reach)``: the days the
    interval adds to their union are ``[max(start, reach), end)``. Summed, these give
    the union's days without forming its runs (gaps and islands in one window pass)."""
    return ibis.greatest(end - ibis.greatest(start, reach.fill_null(0)), 0)


def _numbered(fills: ir.Table, people: ir.Table, *columns: str) -> ir.Table:
    """The ``columns`` of the fills of ``people`` (a selection of ``_people``), each with
    its patient's number, ``person``."""
    return fills.join(people, "patient_id").select("person", *columns)


# A patient's figures, in one order and of one type whichever kind of patient they are
# worked out for (``_one_drug_figures``, ``_several_drug_figures``): the flags read
# them alike, and the two tables are put together for the provider windows.
_FIGURES = ibis.schema(
    {
        "person": "int64",
        "patient_id": "string",
        "several_providers": "boolean",
        "born": "date",
        "fills": "int64",
        "fill_dates": "int64",
        "first_day": "int64",
        "de_mg": "float64",
        "first_de_mg": "float64",
        "last_de_mg": "float64",
        "days_covered": "int64",
        "early_refills": "int64",
        "opioid_fill_dates": "int64",
        "opioid_days_supply": "int64",
        "opioid_max_daily_mme": "float64",
        "overlap_days": "int64",
    }
)


def _as_figures(table: ir.Table) -> ir.Table:
    """The columns of ``_FIGURES`` in ``table``, of its types. (Cast again after Spark
    caches a table: it types a constant 0 as a 32-bit integer whatever Ibis asked for.)"""
    return table.select(**{name: table[name].cast(dtype) for name, dtype in _FIGURES.items()})


def _with_people(figures: ir.Table, people: ir.Table) -> ir.Table:
    """``figures`` (one row per ``person``) with their patient's columns, as ``_FIGURES``."""
    return _as_figures(figures.join(people, "person"))


def _one_drug_figures(
    fills: ir.Table, people: ir.Table, definitions: Definitions, period: Period
) -> ir.Table:
    """``_FIGURES`` of the patients whose screened fills are all of one drug, with a
    benzodiazepine fill among them (most patients): so every fill of theirs is of that
    benzodiazepine, and they have no opioid figures. Their shifted fills never overlap,
    so each adds all its days to the days covered (no sweep, no reach), a fill is on a
    date of its own unless the one before it was on the same day (fills come in order
    of day), and the drug's first day is their first."""
    chosen = people.filter(people.one_drug & people.born.notnull())
    percent = definitions.flag("early-refill")["early_before_percent"]
    window = definitions.flag("dose-escalation")["window_days"]
    length = period.days
    s = _shifted(_numbered(fills, chosen, "day", "days", "per_day"), period, ("person",), percent)
    days = s.end - s.start
    figures = s.group_by("person").aggregate(
        fills=s.count(),
        fill_dates=(~s.same_day).cast("int64").sum(),
        first_day=s.drug_first.min(),
        de_mg=(s.per_day * days).sum(),
        first_de_mg=(
            s.per_day * _overlap(s.start, s.end, s.drug_first, s.drug_first + window)
        ).sum(),
        last_de_mg=(s.per_day * _overlap(s.start, s.end, length - window, length)).sum(),
        days_covered=days.sum(),
        early_refills=s.early.cast("int64").sum(),
    )
    none = ibis.literal(0, "int64")
    figures = figures.mutate(
        opioid_fill_dates=none,
        opioid_days_supply=none,
        opioid_max_daily_mme=ibis.null("float64"),
        overlap_days=none,
    )
    return _with_people(figures, chosen)


def _several_drug_figures(
    fills: ir.Table, people: ir.Table, definitions: Definitions, period: Period
) -> ir.Table:
    """``_FIGURES`` of the patients with fills of more than one drug, a benzodiazepine
    fill among them: the shift by drug, then the sweep, a window pass in order of the
    shifted fills' starts that gives each fill its reach (the furthest end of the fills
    before it: of any class, of benzodiazepines, of opioids), and one aggregation. Days
    of both classes are benzodiazepine days plus opioid days minus the days of either;
    the fill dates of each class are its fills on a date of their own."""
    chosen = people.filter(~people.one_drug & people.born.notnull())
    fills = _numbered(fills, chosen, "drug_no", "benzodiazepine", "day", "days", "per_day")
    # A fill on a date of its own among the fills of its class (benzodiazepines or
    # opioids): its day differs from the one before it in order of day. One window pass
    # in the same query, rather than a grouping of the fills by class and day joined
    # back, which needed the fills twice (docs/benchmarks.md, "Population screen").
    same_class = ibis.window(group_by=["person", "benzodiazepine"], order_by="day")
    fills = fills.mutate(new_date=(fills.day != fills.day.lag().over(same_class)).fill_null(True))
    percent = definitions.flag("early-refill")["early_before_percent"]
    window = definitions.flag("dose-escalation")["window_days"]
    length = period.days
    earlier = ibis.window(group_by="person", order_by=["start", "end"], rows=(None, -1))
    everything = ibis.window(group_by="person", order_by=["start", "end"])
    no_day = ibis.null("int64")
    s = _shifted(fills, period, ("person", "drug_no"), percent)
    benzo = s.benzodiazepine
    s = s.mutate(
        reach_benzo=ibis.ifelse(benzo, s.end, no_day).max().over(earlier),
        reach_opioid=ibis.ifelse(~benzo, s.end, no_day).max().over(earlier),
        first_day=ibis.ifelse(benzo, s.day, no_day).min().over(everything),
    )
    first_high = s.first_day + window
    benzo_days = _new_days(s.start, s.end, s.reach_benzo)
    opioid_days = _new_days(s.start, s.end, s.reach_opioid)
    # The reach of every fill before one is the further of the two classes' reaches
    # (one window function less). Ends are never below 0, so 0 stands for none.
    either = ibis.greatest(s.reach_benzo.fill_null(0), s.reach_opioid.fill_null(0))
    either_days = _new_days(s.start, s.end, either)
    figures = s.group_by("person").aggregate(
        fills=s.benzodiazepine.cast("int64").sum(),
        first_day=s.first_day.min(),
        de_mg=(s.per_day * (s.end - s.start)).sum(where=s.benzodiazepine),
        first_de_mg=(s.per_day * _overlap(s.start, s.end, s.first_day, first_high)).sum(
            where=s.benzodiazepine
        ),
        last_de_mg=(s.per_day * _overlap(s.start, s.end, length - window, length)).sum(
            where=s.benzodiazepine
        ),
        days_covered=ibis.ifelse(s.benzodiazepine, benzo_days, 0).sum(),
        opioid_covered=ibis.ifelse(~s.benzodiazepine, opioid_days, 0).sum(),
        either_covered=either_days.sum(),
        early_refills=(s.benzodiazepine & s.early).cast("int64").sum(),
        opioid_days_supply=ibis.ifelse(~s.benzodiazepine, s.days, 0).sum(),
        opioid_max_daily_mme=s.per_day.max(where=~s.benzodiazepine),
        fill_dates=(s.benzodiazepine & s.new_date).cast("int64").sum(),
        opioid_fill_dates=(~s.benzodiazepine & s.new_date).cast("int64").sum(),
    )
    figures = figures.mutate(
        overlap_days=figures.days_covered + figures.opioid_covered - figures.either_covered
    )
    return _with_people(figures, chosen)


def _providers(fills: ir.Table, people: ir.Table, definitions: Definitions) -> ir.Table:
    """For each patient with more than one benzodiazepine prescriber or pharmacy, the
    180 days (ending on a fill) with the most prescribers and pharmacies: a join of each
    fill day with the fills of the days before it. A patient with one prescriber and one
    pharmacy has 1 and 1 in every such window, the earliest ending on their first fill;
    they are left out of the join (most patients) and given that answer by the caller.

    A window's prescribers are counted as the fills in it whose prescriber's previous
    fill (in order of day) is not in it, which only the first of each prescriber's fills
    there is (of several on one day, one comes first, and the others follow it); the
    same for pharmacies. A count with a condition, instead of the distinct prescribers
    of every window: a sort of these fills by prescriber and by pharmacy costs less than
    finding what is distinct among the millions of rows of the join."""
    span = definitions.flag("multiple-providers")["window_days"]
    several = people.filter(people.several_providers)
    benzo = fills.filter(fills.benzodiazepine)
    # Numbered (``person``) by the join that picks these patients' fills: the windows,
    # the join and the grouping below are then on a number rather than the text id.
    benzo = benzo.join(several, "patient_id").select(
        "person",
        "day",
        prescriber_id=_stripped(benzo.prescriber_id),
        pharmacy_id=_stripped(benzo.pharmacy_id),
    )
    by_prescriber = ibis.window(group_by=["person", "prescriber_id"], order_by="day")
    by_pharmacy = ibis.window(group_by=["person", "pharmacy_id"], order_by="day")
    benzo = benzo.select(
        "person",
        "day",
        prescriber_before=benzo.day.lag().over(by_prescriber),
        pharmacy_before=benzo.day.lag().over(by_pharmacy),
    )
    anchors = benzo.select(person=benzo.person, anchor=benzo.day).distinct()
    joined = anchors.join(
        benzo,
        [
            anchors.person == benzo.person,
            benzo.day <= anchors.anchor,
            benzo.day > anchors.anchor - span,
        ],
    )

    def first_in_window(before: ir.IntegerColumn) -> ir.IntegerValue:
        return (before.isnull() | (before <= joined.anchor - span)).cast("int64").sum()

    counts = joined.group_by(["person", "anchor"]).aggregate(
        window_prescribers=first_in_window(joined.prescriber_before),
        window_pharmacies=first_in_window(joined.pharmacy_before),
    )
    best = ibis.window(
        group_by="person",
        order_by=[
            ibis.least(counts.window_prescribers, counts.window_pharmacies).desc(),
            counts.window_prescribers.desc(),
            counts.window_pharmacies.desc(),
            counts.anchor,
        ],
    )
    ranked = counts.mutate(rank=ibis.row_number().over(best))
    return ranked.filter(ranked.rank == 0).drop("rank")


def _checked_diagnoses(raw: ir.Table) -> ir.Table:
    raw = raw.mutate(**{c: _stripped(raw[c]) for c in DIAGNOSIS_COLUMNS})
    parsed = raw.mutate(code=raw.code.upper().replace(".", ""), on=raw.date.try_cast("date"))
    missing = functools.reduce(operator.or_, [_blank(parsed[c]) for c in DIAGNOSIS_COLUMNS])
    reason = ibis.cases(
        (missing, "missing-value"), (parsed.on.isnull(), "bad-date"), else_=ibis.null("string")
    )
    return parsed.mutate(reason=reason)


def _diagnosis_groups(checked: ir.Table, definitions: Definitions, period: Period) -> ir.Table:
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
    return good.group_by("patient_id").aggregate(**columns)


# Doses are sums of fractions added in whatever order an engine chooses, so a figure
# exactly at a threshold can come out a few parts in 10^16 below it. Thresholds are
# "or more": a figure within one part in 10^9 of one meets it (docs/population.md).
_TOLERANCE = 1e-9


def _at_least(value: Any, limit: Any) -> Any:
    """``value >= limit``, allowing for the rounding of floating-point sums."""
    return value >= limit - ibis.greatest(limit.abs(), 1) * _TOLERANCE


def _age(born: Any, period: Period) -> Any:
    end = period.end
    before_birthday = (born.month() > end.month) | (
        (born.month() == end.month) & (born.day() > end.day)
    )
    return end.year - born.year() - before_birthday.cast("int64")


def _flagged(
    patients: ir.Table,
    best: ir.Table | None,
    groups: ir.Table | None,
    definitions: Definitions,
    period: Period,
) -> ir.Table:
    """The rows of ``patients`` (``_FIGURES``) with a flag, with every figure and flag,
    in no order (the caller puts the parts of a screen in order). ``best`` is their
    provider windows (``_providers``), or None for patients with one benzodiazepine
    prescriber and one pharmacy, who have 1 and 1 in every window, the earliest ending
    on their first fill; ``groups`` is their diagnosis groups (``_diagnosis_groups``),
    or None when no diagnoses are given."""
    if best is None:
        one = ibis.literal(1, "int64")
        patients = patients.mutate(
            anchor=patients.first_day, window_prescribers=one, window_pharmacies=one
        )
    else:
        patients = patients.left_join(best, "person").drop("person_right")
    exclusions = definitions.flag("opioid-overlap").diagnosis_groups
    named = definitions.flag("older-adult").diagnosis_groups
    if groups is not None:
        patients = patients.left_join(groups, "patient_id").drop("patient_id_right")
    p = patients.mutate(
        anchor=patients.anchor.fill_null(patients.first_day),
        window_prescribers=patients.window_prescribers.fill_null(1),
        window_pharmacies=patients.window_pharmacies.fill_null(1),
        age=_age(patients.born, period),
    )
    if groups is not None:
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
    if groups is not None:
        for n in exclusions:
            excluded = excluded | p[f"dx_{n}"]
    judged = p.first_day + escalation["window_days"] <= period.days - escalation["window_days"]
    flags = {
        "long-term-use": p.days_covered >= long_term["min_days_covered"],
        "high-dose": (p.days_covered > 0)
        & _at_least(p.de_mg, p.days_covered * high["min_average_daily_de_mg"]),
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
        & _at_least(p.last_de_mg * 100, p.first_de_mg * (100 + escalation["min_increase_percent"])),
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
    return p.filter(p.flag_count > 0)


def _counts(backend: _Engine, checked: ir.Table, reasons: tuple[str, ...]) -> RowCounts:
    grouped = backend.fetch(checked.group_by("reason").aggregate(n=checked.count())).to_pylist()
    by_reason = {row["reason"]: int(row["n"]) for row in grouped}
    read = sum(by_reason.values())
    rejected = {r: by_reason[r] for r in reasons if r in by_reason}
    return RowCounts(read=read, rejected=MappingProxyType(rejected))


def _number(value: Any, places: int = 2) -> float | None:
    """``value`` rounded to ``places``, through 9 places first: sums of the same fills
    added in another order differ in the last bits, and that must not decide whether
    a figure ending in 5 rounds up or down (docs/population.md, "Engines")."""
    if value is None or value != value:  # None or NaN
        return None
    return round(round(float(value), 9), places)


def _rounded(
    values: npt.NDArray[np.float64],
    exact: Callable[[float], float | None],
    shown: npt.NDArray[np.bool_],
) -> list[float | None]:
    """``[exact(v) if s else None for v, s in zip(values, shown)]`` for ``exact`` that
    rounds as ``_number`` does (to 9 places, then to 2), worked out with numpy for every
    value but those within a hair of a tie at either place, negative, NaN or large,
    which go through ``exact`` itself (only where ``shown``: a figure the item shows as
    null is not rounded at all).

    Why it is the same float: for 0 <= v < 10^5, ``v * 1e9`` is within 0.02 of the exact
    product, so when it is within 0.45 of an integer k (the exact product then within
    0.47, never at a half), k is v to 9 places; that float
    lies within 10^-11 of k / 10^9, so unless k ends in 5000000 (a tie) its rounding to
    2 places is k's hundredths, rounded by the digits below them; and m / 100, divided
    in IEEE arithmetic, is the float nearest to m hundredths, as Python's round gives."""
    with np.errstate(invalid="ignore"):
        scaled = values * 1e9
        nines = np.rint(scaled)
        hundredths, rest = np.divmod(nines, 1e7)
        result = (hundredths + (rest > 5e6)) / 100
        plain = (
            (np.abs(scaled - nines) < 0.45) & ~np.signbit(values) & (values < 1e5) & (rest != 5e6)
        )
    # An object array holds floats and None alike; its tolist() hands them over as they are.
    out = result.astype(object)
    out[~shown] = None
    for i in np.flatnonzero(shown & ~plain).tolist():
        out[i] = exact(float(values[i]))
    rounded: list[float | None] = out.tolist()
    return rounded


def _twice_rounded(value: float) -> float:
    return round(round(value, 9), 2)


_SMALL_RANGE = 1 << 16


def _per_row(keys: npt.NDArray[np.int64], make: Callable[[int], Any]) -> list[Any]:
    """``[make(k) for k in keys]``, with ``make`` called once per distinct key: rows
    with the same key get the same object."""
    if len(keys) == 0:
        return []
    low = int(keys.min())
    offsets = keys - low
    if int(offsets.max()) > _SMALL_RANGE:  # never so in a screen (days, flag bits)
        distinct, where = np.unique(keys, return_inverse=True)
        each = [make(k) for k in distinct.tolist()]
        return list(map(each.__getitem__, where.tolist()))
    # Keys in a small range: a list indexed by the key, no sort.
    present = np.flatnonzero(np.bincount(offsets)).tolist()
    made: list[Any] = [None] * (present[-1] + 1)
    for offset in present:
        made[offset] = make(low + offset)
    return list(map(made.__getitem__, offsets.tolist()))


def _bits(table: pa.Table, names: list[str]) -> npt.NDArray[np.int64]:
    """Per row, the true ones of the boolean columns ``names`` as the bits of a number
    (the first column the lowest bit); a null counts as false."""
    code = np.zeros(table.num_rows, dtype=np.int64)
    for bit, name in enumerate(names):
        on = table[name].fill_null(False).to_numpy(zero_copy_only=False)
        code |= on.astype(np.int64) << bit
    return code


def _chosen(names: tuple[str, ...], code: int) -> tuple[str, ...]:
    """The ``names`` whose bit is set in ``code`` (``_bits``), in their order."""
    return tuple(n for bit, n in enumerate(names) if code >> bit & 1)


def _names(names: tuple[str, ...], code: int) -> list[str]:
    """``_chosen`` as a list (as the details show diagnosis groups)."""
    return list(_chosen(names, code))


_new = object.__new__
_set = object.__setattr__


def _items(
    table: pa.Table, definitions: Definitions, period: Period, has_dx: bool
) -> tuple[ScreenItem, ...]:
    """One item per row of the flagged table, with every figure of ``details``.

    With hundreds of thousands of flagged patients, this loop is the longest stretch
    of a screen on one core, so whatever can be is worked out a whole column at a time
    before it: the rounding in numpy, and each value that only a few distinct numbers
    decide (the flags, the days-covered marks, the window, the diagnosis groups) once
    per distinct number. The loop then only assembles each item. Items with the same
    marks, window or diagnosis groups share that dict or list: an item is read-only
    (frozen, its ``details`` a read-only mapping), and nothing changes what is inside
    it; a copy for each item would add a third of a second and a third of the memory
    at a million patients (docs/benchmarks.md, "Population screen")."""
    reported = definitions.flag("long-term-use").reported_days_covered
    span = definitions.flag("multiple-providers")["window_days"]
    cob = definitions.flag("opioid-overlap").diagnosis_groups
    named = definitions.flag("older-adult").diagnosis_groups

    def whole(name: str) -> list[int | None]:
        values: list[int | None] = table[name].cast(pa.int64()).to_pylist()
        return values

    def numbers(name: str) -> npt.NDArray[np.float64]:
        return np.asarray(table[name].cast(pa.float64()).to_numpy(), dtype=np.float64)

    days_covered = whole("days_covered")
    covered = np.asarray(days_covered, dtype=np.float64)  # None (never seen) as NaN
    with np.errstate(invalid="ignore", divide="ignore"):
        average = numbers("de_mg") / covered
        first_de_mg = numbers("first_de_mg")
        ratio = numbers("last_de_mg") / first_de_mg
        judged = table["judged"].fill_null(False).to_numpy(zero_copy_only=False)
        # As ``x if days else None``: shown when the days are neither 0 nor missing.
        averages = _rounded(average, _twice_rounded, (covered != 0) & ~np.isnan(covered))
        ratios = _rounded(ratio, _twice_rounded, judged & (first_de_mg > 0))
        mme = numbers("opioid_max_daily_mme")
        opioid_mme = _rounded(mme, _number, ~np.isnan(mme))  # _number: NaN is None

    flags = _per_row(
        _bits(table, [f"flag_{c.replace('-', '_')}" for c in FLAG_CODES]),
        functools.partial(_chosen, FLAG_CODES),
    )

    def marks(days: int) -> dict[str, bool]:
        return {str(n): days >= n for n in reported}

    def window(anchor: int) -> dict[str, str]:
        end = period.start + timedelta(days=anchor)
        return {"start": (end - timedelta(days=span - 1)).isoformat(), "end": end.isoformat()}

    # Worked out once per distinct value, and shared by the items that have it.
    # (Days covered are never missing: a -1 in their place would only stand for it.)
    at_least = _per_row(np.nan_to_num(covered, nan=-1).astype(np.int64), marks)
    windows = _per_row(table["anchor"].cast(pa.int64()).to_numpy(), window)
    excluded: list[list[str]] | list[None] = [None] * table.num_rows
    diagnosed: list[list[str]] | list[None] = excluded
    if has_dx:
        excluded = _per_row(_bits(table, [f"dx_{n}" for n in cob]), functools.partial(_names, cob))
        history = _bits(table, [f"history_{n}" for n in named])
        diagnosed = _per_row(history, functools.partial(_names, named))
    rows = zip(
        table["patient_id"].cast(pa.string()).to_pylist(), flags, days_covered, at_least,
        averages, whole("fills"), whole("fill_dates"), whole("window_prescribers"),
        whole("window_pharmacies"), windows, whole("early_refills"),
        whole("opioid_fill_dates"), whole("opioid_days_supply"), opioid_mme,
        whole("overlap_days"), whole("age"), ratios, excluded, diagnosed, strict=True,
    )  # fmt: skip
    items: list[ScreenItem] = []
    append = items.append
    for (
        patient_id, codes, days, reached, average_daily, fills, fill_dates, prescribers,
        pharmacies, days_window, early_refills, opioid_fill_dates, opioid_days_supply,
        opioid_max_daily_mme, overlap_days, age, escalation, excluded_groups, groups,
    ) in rows:  # fmt: skip
        details: dict[str, Any] = {
            "days_covered": days,
            "days_covered_at_least": reached,
            "average_daily_de_mg": average_daily,
            "benzodiazepine_fills": fills,
            "benzodiazepine_fill_dates": fill_dates,
            "prescribers_in_window": prescribers,
            "pharmacies_in_window": pharmacies,
            "window": days_window,
            "early_refills": early_refills,
            "opioid_fill_dates": opioid_fill_dates,
            "opioid_days_supply": opioid_days_supply,
            "opioid_max_daily_mme": opioid_max_daily_mme,
            "overlap_days": overlap_days,
            "age": age,
            "escalation_ratio": escalation,
        }
        if has_dx:
            details["excluded_from_opioid_overlap"] = excluded_groups
            details["diagnoses"] = groups
        # ScreenItem(patient_id, codes, details), made as its frozen __init__ makes
        # it (object.__setattr__ per field) without the call to __init__: the same
        # object in every way, for 0.26 µs instead of 0.45. (Filling its __dict__
        # would be cheaper still, but makes that dict: 64 bytes more per item.)
        item: ScreenItem = _new(ScreenItem)
        _set(item, "patient_id", patient_id)
        _set(item, "flags", codes)
        _set(item, "details", MappingProxyType(details))
        append(item)
    return tuple(items)


def _flagged_parts(
    backend: _Engine,
    fills: ir.Table,
    people: ir.Table,
    groups: ir.Table | None,
    definitions: Definitions,
    period: Period,
) -> list[Callable[[], pa.Table]]:
    """The flagged patients (``_flagged``) in three parts, each asked of the engine now
    and called for in turn: those with fills of one drug, then of several drugs, both
    with one benzodiazepine prescriber and one pharmacy, then those with more than one
    (a few in a hundred), who need the provider windows. On DuckDB the statements run in
    that order on a thread of their own, so the caller makes one part's items while
    DuckDB works out the next, instead of every item after the last query; the largest
    part comes first, and the part the caller waits for at the end is the smallest."""
    one = backend.keep("one_drug", _one_drug_figures(fills, people, definitions, period))
    one_plain = one.filter(~one.several_providers.fill_null(False))
    parts = [backend.later(_flagged(one_plain, None, groups, definitions, period))]
    several = backend.keep(
        "several_drugs", _several_drug_figures(fills, people, definitions, period)
    )
    several_plain = several.filter(~several.several_providers.fill_null(False))
    parts.append(backend.later(_flagged(several_plain, None, groups, definitions, period)))
    providers = _as_figures(one.filter(one.several_providers)).union(
        _as_figures(several.filter(several.several_providers))
    )
    best = _providers(fills, people, definitions)
    parts.append(backend.later(_flagged(providers, best, groups, definitions, period)))
    return parts


def _in_order(
    tables: list[pa.Table], items: list[tuple[ScreenItem, ...]]
) -> tuple[ScreenItem, ...]:
    """The ``items`` of the flagged ``tables``, most flags first, then in the order of
    ``patient_id`` (``person`` numbers patients in that order, and sorts faster)."""

    def column(name: str) -> npt.NDArray[np.int64]:
        return np.concatenate(
            [np.asarray(t[name].cast(pa.int64()).to_numpy(), dtype=np.int64) for t in tables]
        )

    order = np.lexsort((column("person"), -column("flag_count")))
    every = [item for part in items for item in part]
    return tuple(map(every.__getitem__, order.tolist()))


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
        drugs = backend.small("drugs", _DRUG_SCHEMA, _drugs(definitions))
        # Cached so the checks run once, not once per query that reads them.
        checked = backend.keep("checked", _checked_fills(raw, drugs, period))
        rows = _counts(backend, checked, REJECT_REASONS)
        checked_dx = None
        dx_rows = None
        if raw_dx is not None:
            checked_dx = backend.keep("checked_dx", _checked_diagnoses(raw_dx))
            dx_rows = _counts(backend, checked_dx, DIAGNOSIS_REJECT_REASONS)
        tell(2, STEPS[2])
        fills = _fills(checked)
        people = backend.keep("people", _people(fills))
        groups = None
        if checked_dx is not None:
            groups = backend.keep("groups", _diagnosis_groups(checked_dx, definitions, period))
        parts = _flagged_parts(backend, fills, people, groups, definitions, period)
        # pyarrow loads pandas the first time it turns columns into Python values, a
        # quarter of a second the items would otherwise wait for.
        pa.array([0]).to_pylist()
        # Hundreds of thousands of small dicts and tuples, none in a cycle: without the
        # cyclic collector walking them again and again, this takes a fifth of the time.
        collecting = gc.isenabled()
        gc.disable()
        try:
            tables = []
            made = []
            for number, part in enumerate(parts):
                tables.append(part())
                if number == 0:
                    tell(3, STEPS[3])
                # Each part's items are made while DuckDB works out the next part.
                made.append(_items(tables[-1], definitions, period, groups is not None))
            items = _in_order(tables, made)
        finally:
            if collecting:
                # The items go straight to the collector's oldest generation (frozen
                # and thawed, a move of a list): a young collection would walk all of
                # them at the next allocation (a quarter of a second at a million
                # patients), and again as they age, only to find them alive.
                gc.freeze()
                gc.unfreeze()
                gc.enable()
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
        items=items,
    )
