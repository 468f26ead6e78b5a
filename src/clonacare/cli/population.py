"""``clonacare population``: generate synthetic dispensing data, and screen dispensing
data for risky benzodiazepine use (docs/population.md)."""

from __future__ import annotations

import argparse
import csv
import gc
import io
import json
import operator
import sys
from datetime import date
from json.encoder import encode_basestring_ascii as _escaped
from pathlib import Path
from typing import Any, TextIO

from clonacare.cli import COMMANDS
from clonacare.core.errors import ClinicalError
from clonacare.core.population import (
    ENGINES,
    FLAG_CODES,
    Definitions,
    Period,
    ScreenResult,
    generate_population,
    load_definitions,
    result_to_dict,
    write_population,
)

FORMATS = ("table", "json", "csv", "parquet")
GENERATE_AS_OF = date(2026, 12, 31)
# The figures of a flagged patient, in the columns of --format csv and parquet.
DETAIL_COLUMNS = (
    "days_covered",
    "average_daily_de_mg",
    "benzodiazepine_fills",
    "benzodiazepine_fill_dates",
    "prescribers_in_window",
    "pharmacies_in_window",
    "window_start",
    "window_end",
    "early_refills",
    "opioid_fill_dates",
    "opioid_days_supply",
    "opioid_max_daily_mme",
    "overlap_days",
    "age",
    "escalation_ratio",
    "excluded_from_opioid_overlap",
    "diagnoses",
)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def _year(text: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"expected a year as YYYY, got {text!r}")
    return int(text)


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number of 0 or more, got {text!r}")
    return int(text)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "population",
        help=COMMANDS["population"].help,
        description="Screen dispensing data for risky benzodiazepine use, or make "
        "synthetic data to try it on (docs/population.md).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    screen_parser = actions.add_parser(
        "screen",
        help="flag patients in a dispensing file",
        description="Flag the patients of a dispensing file (.csv or .parquet, one row per "
        "fill) whose fills show risky benzodiazepine use, each flag with its figures. Bad "
        "rows are counted by reason and set aside.",
    )
    screen_parser.add_argument("file", metavar="FILE", help="the dispensing file")
    screen_parser.add_argument(
        "--diagnoses", metavar="FILE", help="a diagnoses file (patient_id, code, date)"
    )
    period = screen_parser.add_mutually_exclusive_group(required=True)
    period.add_argument(
        "--as-of", type=_date, metavar="DATE", help="the last day of the 365 days screened"
    )
    period.add_argument("--year", type=_year, metavar="YYYY", help="a calendar year")
    screen_parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="duckdb",
        help="duckdb (embedded, the default) or spark (needs the spark extra and Java)",
    )
    screen_parser.add_argument(
        "--spark-master",
        metavar="URL",
        help="the Spark master for --engine spark (default: local mode, local[*])",
    )
    screen_parser.add_argument("--format", choices=FORMATS, default="table")
    screen_parser.add_argument(
        "--out", metavar="FILE", help="write here instead of stdout (required for parquet)"
    )
    screen_parser.add_argument(
        "--flags", metavar="FILE", help="a site's flags file (default: the shipped one)"
    )
    screen_parser.set_defaults(handler=screen_command)

    generate = actions.add_parser(
        "generate",
        help="write synthetic dispensing data with planted cases of every flag",
        description="Write made-up dispensing data (and diagnoses beside it, FILE's name "
        "+ '-diagnoses') with realistic shapes and planted patients at every flag's "
        "threshold and just short of it. The same seed gives the same file.",
    )
    generate.add_argument("--patients", type=_count, required=True, metavar="N")
    generate.add_argument("--seed", type=int, default=1, metavar="S")
    generate.add_argument(
        "--out", required=True, metavar="FILE", help="the dispensing file (.csv or .parquet)"
    )
    generate.add_argument(
        "--as-of",
        type=_date,
        default=GENERATE_AS_OF,
        metavar="DATE",
        help=f"the last day of the year the fills fall in (default {GENERATE_AS_OF})",
    )
    generate.set_defaults(handler=generate_command)


class _Bar:
    """A progress bar on stderr, drawn only when stderr is a terminal."""

    WIDTH = 24

    def __init__(self, stream: TextIO, total: int) -> None:
        self.stream = stream
        self.total = total
        self.on = stream.isatty()

    def __call__(self, done: int, label: str) -> None:
        if not self.on:
            return
        filled = self.WIDTH * done // self.total
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(f"\r[{bar}] {done}/{self.total} {label:<24}")
        if done >= self.total:
            self.stream.write("\r" + " " * (self.WIDTH + 36) + "\r")
        self.stream.flush()


def _period(args: argparse.Namespace, definitions: Definitions) -> Period:
    if args.year is not None:
        return Period.calendar_year(args.year)
    return Period.ending_on(args.as_of, definitions.period_days)


def _flat(item: dict[str, Any]) -> dict[str, Any]:
    details = item["details"]
    row: dict[str, Any] = {
        "patient_id": item["patient_id"],
        "flag_count": len(item["flags"]),
        "flags": " ".join(item["flags"]),
    }
    for column in DETAIL_COLUMNS:
        if column in ("window_start", "window_end"):
            row[column] = details["window"][column.removeprefix("window_")]
        elif column in ("excluded_from_opioid_overlap", "diagnoses"):
            row[column] = " ".join(details.get(column, []))
        else:
            row[column] = details[column]
    return row


def _table(result: ScreenResult, document: dict[str, Any], definitions: Definitions) -> str:
    period = result.period
    lines = [
        f"Screened {period.start} to {period.end} on {result.engine}; diazepam-equivalents "
        f"from the {definitions.equivalence_title} table ({result.equivalence_table}).",
        f"Rows read: {result.rows.read}; set aside: "
        + (", ".join(f"{r} {n}" for r, n in result.rows.rejected.items()) or "none")
        + ".",
    ]
    if result.diagnoses is not None:
        lines.append(
            f"Diagnosis rows read: {result.diagnoses.read}; set aside: "
            + (", ".join(f"{r} {n}" for r, n in result.diagnoses.rejected.items()) or "none")
            + "."
        )
    lines.append(f"Patients flagged: {len(result.items)}.")
    if result.items:
        lines.append("")
        lines.append(
            f"{'patient':<16} {'days':>4} {'DE mg/d':>8} {'presc':>5} {'pharm':>5} "
            f"{'early':>5} {'overlap':>7} {'age':>3} {'ratio':>5}  flags"
        )
        for item in document["items"]:
            d = item["details"]
            de = "—" if d["average_daily_de_mg"] is None else f"{d['average_daily_de_mg']:.1f}"
            ratio = "—" if d["escalation_ratio"] is None else f"{d['escalation_ratio']:.2f}"
            lines.append(
                f"{item['patient_id']:<16} {d['days_covered']:>4} {de:>8} "
                f"{d['prescribers_in_window']:>5} {d['pharmacies_in_window']:>5} "
                f"{d['early_refills']:>5} {d['overlap_days']:>7} {d['age']:>3} {ratio:>5}  "
                + ", ".join(item["flags"])
            )
    lines.append("")
    lines.append("Flags:")
    for code in FLAG_CODES:
        flag = definitions.flag(code)
        lines.append(f"  {code}: {flag.definition} Source: {flag.source}.")
    return "\n".join(lines) + "\n"


def _write_text(text: str, out: str | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ClinicalError("output", f"Cannot write {out}: {exc.strerror}.") from None


def _write_parquet(rows: list[dict[str, Any]], out: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = ("patient_id", "flag_count", "flags", *DETAIL_COLUMNS)
    data = pa.table({c: [r[c] for r in rows] for c in columns}) if rows else None
    try:
        if data is None:
            empty = {c: pa.array([], pa.string()) for c in columns}
            pq.write_table(pa.table(empty), out)
        else:
            pq.write_table(data, out)
    except OSError as exc:
        raise ClinicalError("output", f"Cannot write {out}: {exc.strerror}.") from None


def _json_document(document: dict[str, Any]) -> str:
    """``json.dumps(document, indent=1) + "\\n"``, the same text, written faster.

    The standard library's encoder runs in pure Python when it indents: about 35 µs
    an item, 25 s for a screen of a million people, more than the screen. Here lists
    and dicts of str keys are walked in plain loops, the scalars written inline as
    ``json`` writes them (its own string escaper, ``int.__repr__`` and
    ``float.__repr__``, NaN and Infinity as it spells them, true, false, null); a
    value of any other type (a subclass, a tuple, a mapping of another kind, a dict
    with keys that are not text) goes to ``json.dumps`` itself, indented to its
    place. So the text is ``json.dumps``'s in every case, and an unwritable value
    raises its TypeError."""
    gathered: list[str] = []
    _json_into(document, 0, gathered)
    gathered.append("\n")
    return "".join(gathered)


_INF = float("inf")
_TEXT_ONLY = frozenset({str})  # the keys of a dict written here, not by json


def _json_scalar(value: Any) -> str | None:
    """``value`` as ``json`` writes it, or None for a list, dict or other type."""
    kind = type(value)
    if kind is str:
        text: str = _escaped(value)
        return text
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        if value != value:
            return "NaN"
        if value == _INF:
            return "Infinity"
        if value == -_INF:
            return "-Infinity"
        return float.__repr__(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    return None


def _json_into(value: Any, level: int, out: list[str]) -> None:
    """Append ``value``'s text at ``level`` (its first line unindented) to ``out``."""
    kind = type(value)
    if kind is dict and value and _TEXT_ONLY.issuperset(map(type, value)):
        inner = ",\n" + " " * (level + 1)
        opening = "{\n" + " " * (level + 1)
        for key, item in value.items():
            out.append(opening + _escaped(key) + ": ")
            opening = inner
            # The commonest kinds first, without a call.
            text = int.__repr__(item) if type(item) is int else _json_scalar(item)
            out.append(_json_nested(item, level + 1) if text is None else text)
        out.append("\n" + " " * level + "}")
    elif kind is list and value:
        inner = ",\n" + " " * (level + 1)
        opening = "[\n" + " " * (level + 1)
        for item in value:
            out.append(opening)
            opening = inner
            text = _escaped(item) if type(item) is str else _json_scalar(item)
            out.append(_json_nested(item, level + 1) if text is None else text)
        out.append("\n" + " " * level + "]")
    elif kind is list or kind is dict:  # empty (a dict of other keys goes to json)
        out.append("[]" if kind is list else "{}" if not value else _json_other(value, level))
    else:
        text = _json_scalar(value)
        out.append(_json_other(value, level) if text is None else text)


def _json_nested(value: Any, level: int) -> str:
    # Joined here, not left in the caller's list: a screen's millions of small pieces
    # kept alive until the end cost more in memory than the joins cost in copying.
    pieces: list[str] = []
    _json_into(value, level, pieces)
    return "".join(pieces)


def _json_other(value: Any, level: int) -> str:
    # Lines after the first moved to this level: an encoded string holds no raw newline.
    return json.dumps(value, indent=1).replace("\n", "\n" + " " * level)


def screen_command(args: argparse.Namespace) -> int:
    if args.format == "parquet" and not args.out:
        raise ClinicalError(
            "usage", "--format parquet writes a binary file: name it with --out FILE."
        )
    if args.spark_master and args.engine != "spark":
        raise ClinicalError("usage", "--spark-master is for --engine spark.")
    definitions = load_definitions(args.flags)
    period = _period(args, definitions)
    # Imported here: only a screen needs the query engine (ibis and duckdb load slowly).
    from clonacare.core.population.engine import STEPS, run_screen

    bar = _Bar(sys.stderr, len(STEPS))
    result = run_screen(
        Path(args.file),
        Path(args.diagnoses) if args.diagnoses else None,
        period,
        definitions,
        progress=bar,
        engine=args.engine,
        spark_master=args.spark_master,
    )
    document = result_to_dict(result)
    if args.format == "json":
        _write_text(_json_document(document), args.out)
    elif args.format == "table":
        _write_text(_table(result, document, definitions), args.out)
    else:
        # Hundreds of thousands of small dicts, none in a cycle: made without the cyclic
        # collector walking them again and again, in half the time.
        collecting = gc.isenabled()
        gc.disable()
        try:
            rows = [_flat(item) for item in document["items"]]
        finally:
            if collecting:
                gc.enable()
        if args.format == "parquet":
            _write_parquet(rows, args.out)
        else:
            buffer = io.StringIO()
            fields = ["patient_id", "flag_count", "flags", *DETAIL_COLUMNS]
            writer = csv.writer(buffer)
            writer.writerow(fields)
            # What csv.DictWriter writes, without its check of every row's keys (each
            # of _flat's rows has exactly these): 1.6 s instead of 2.6 for a million.
            writer.writerows(map(operator.itemgetter(*fields), rows))
            _write_text(buffer.getvalue(), args.out)
    return 0


def generate_command(args: argparse.Namespace) -> int:
    definitions = load_definitions()
    period = Period.ending_on(args.as_of, definitions.period_days)
    population = generate_population(args.patients, args.seed, period, definitions)
    fills, diagnoses = write_population(population, Path(args.out))
    print(
        f"Wrote {population.fill_count} fills of {args.patients} patients and "
        f"{len(population.planted) + 1} planted ones to {fills}, and "
        f"{len(population.diagnoses['patient_id'])} diagnoses to {diagnoses}."
    )
    return 0
