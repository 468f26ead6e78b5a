"""`clonacare population screen`: its formats, its errors (one line, exit 2), and no
progress bar when its output is not a terminal."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from clonacare.cli import main
from tests.core.population.dispensing import COLUMNS, OLDER, fill, write_csv


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["population", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def fills(tmp_path: Path) -> Path:
    rows = [fill("two", d, strength=10, quantity=120, born=OLDER) for d in (0, 30, 60, 90)]
    rows += [fill("one", d, born=OLDER, days=7) for d in (0, 50)]
    rows += [fill("none", 10), fill("bad", 10, drug="zolpidem")]
    return write_csv(tmp_path / "fills.csv", rows)


def test_json_is_the_documented_shape_most_flags_first(
    capsys: pytest.CaptureFixture[str], fills: Path
) -> None:
    code, out, err = run(capsys, "screen", str(fills), "--as-of", "2026-12-31", "--format", "json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert list(document) == [
        "as_of", "period", "engine", "equivalence_table", "rows", "items", "count",
    ]  # fmt: skip
    assert document["as_of"] == "2026-12-31"
    assert document["period"] == {"start": "2026-01-01", "end": "2026-12-31"}
    assert (document["engine"], document["equivalence_table"]) == ("duckdb", "ashton")
    assert document["rows"] == {"read": 8, "rejected": {"unknown-drug": 1}}
    assert [(i["patient_id"], i["flags"]) for i in document["items"]] == [
        ("two", ["long-term-use", "high-dose", "older-adult"]),
        ("one", ["older-adult"]),
    ]
    assert document["count"] == 2


def test_a_calendar_year_is_screened_with_year(
    capsys: pytest.CaptureFixture[str], fills: Path
) -> None:
    code, out, _ = run(capsys, "screen", str(fills), "--year", "2026", "--format", "json")
    assert code == 0
    assert json.loads(out)["period"] == {"start": "2026-01-01", "end": "2026-12-31"}


def test_the_table_names_the_period_rows_and_flags(
    capsys: pytest.CaptureFixture[str], fills: Path
) -> None:
    code, out, _ = run(capsys, "screen", str(fills), "--as-of", "2026-12-31")
    assert code == 0
    lines = out.splitlines()
    assert lines[:4] == [
        "Screened 2026-01-01 to 2026-12-31 on duckdb; diazepam-equivalents from the "
        "Ashton (2002/2007) table (ashton).",
        "Rows read: 8; set aside: unknown-drug 1.",
        "Patients flagged: 2.",
        "",
    ]
    assert lines[5].startswith("two ")
    assert lines[5].endswith("long-term-use, high-dose, older-adult")
    assert any(
        line.startswith("  long-term-use: Benzodiazepine days' supply covers at least 120 days")
        for line in lines
    )


def test_csv_has_one_row_per_flagged_patient(
    capsys: pytest.CaptureFixture[str], fills: Path
) -> None:
    code, out, _ = run(capsys, "screen", str(fills), "--as-of", "2026-12-31", "--format", "csv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("patient_id,flag_count,flags,days_covered,average_daily_de_mg,")
    assert lines[1].startswith("two,3,long-term-use high-dose older-adult,120,40.0,")
    assert len(lines) == 3


def test_parquet_is_written_to_the_file_named(
    capsys: pytest.CaptureFixture[str], fills: Path, tmp_path: Path
) -> None:
    out_file = tmp_path / "flagged.parquet"
    code, out, _ = run(
        capsys, "screen", str(fills), "--as-of", "2026-12-31", "--format", "parquet",
        "--out", str(out_file),
    )  # fmt: skip
    assert (code, out) == (0, "")
    table = pq.read_table(out_file)
    assert table.column("patient_id").to_pylist() == ["two", "one"]
    assert table.column("flag_count").to_pylist() == [3, 1]


def test_parquet_needs_an_output_file(capsys: pytest.CaptureFixture[str], fills: Path) -> None:
    code, out, err = run(capsys, "screen", str(fills), "--year", "2026", "--format", "parquet")
    assert (code, out) == (2, "")
    assert err == (
        "clonacare population: --format parquet writes a binary file: name it with --out FILE.\n"
    )


def test_a_missing_file_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "nope.csv"
    code, out, err = run(capsys, "screen", str(missing), "--year", "2026")
    assert (code, out) == (2, "")
    assert (
        err == f"clonacare population: Cannot read the dispensing file {missing}: no such file.\n"
    )


def test_a_file_that_is_neither_csv_nor_parquet_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    other = tmp_path / "fills.xlsx"
    other.write_text("x")
    code, _, err = run(capsys, "screen", str(other), "--year", "2026")
    assert code == 2
    assert err == (
        f"clonacare population: Cannot read the dispensing file {other}: it must be a .csv "
        "or .parquet file.\n"
    )


def test_an_unreadable_parquet_file_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "fills.parquet"
    broken.write_bytes(b"not parquet at all")
    code, out, err = run(capsys, "screen", str(broken), "--year", "2026")
    assert (code, out) == (2, "")
    assert err.startswith(f"clonacare population: Cannot read the dispensing file {broken}: ")
    assert err.count("\n") == 1


def test_data_damaged_inside_a_readable_parquet_file_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The footer reads, so the file opens; the fill dates' pages are garbage, which
    # DuckDB finds only while it checks the rows, on the thread that runs its
    # statements: the error still comes back as one line, not as a missing table.
    damaged = tmp_path / "fills.parquet"
    rows = [fill(f"p{i}", i % 300) for i in range(2000)]
    pq.write_table(
        pa.table({c: pa.array([str(r[c]) for r in rows]) for c in COLUMNS}),
        damaged,
        use_dictionary=False,
    )
    data = bytearray(damaged.read_bytes())
    pages = pq.ParquetFile(damaged).metadata.row_group(0).column(COLUMNS.index("fill_date"))
    start = pages.data_page_offset
    data[start : start + pages.total_compressed_size] = b"\xff" * pages.total_compressed_size
    damaged.write_bytes(bytes(data))
    code, out, err = run(capsys, "screen", str(damaged), "--year", "2026")
    assert (code, out) == (2, "")
    assert err.startswith("clonacare population: Cannot read the dispensing data: ")
    assert "does not exist" not in err
    assert err.count("\n") == 1


def test_a_missing_column_is_named(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    short = write_csv(tmp_path / "fills.csv", [fill("p", 0)], COLUMNS[:-2])
    code, _, err = run(capsys, "screen", str(short), "--year", "2026")
    assert code == 2
    assert err == (
        f"clonacare population: The dispensing file {short} has no column prescriber_id, "
        "pharmacy_id (it needs patient_id, birth_date, fill_date, drug, strength_mg, quantity, "
        "days_supply, prescriber_id, pharmacy_id).\n"
    )


def test_a_diagnoses_file_without_its_columns_is_named(
    capsys: pytest.CaptureFixture[str], fills: Path, tmp_path: Path
) -> None:
    dx = tmp_path / "dx.csv"
    dx.write_text("patient_id,icd\np,F03\n")
    code, _, err = run(capsys, "screen", str(fills), "--diagnoses", str(dx), "--year", "2026")
    assert code == 2
    assert err == (
        f"clonacare population: The diagnoses file {dx} has no column code, date "
        "(it needs patient_id, code, date).\n"
    )


def test_the_output_file_must_be_writable(
    capsys: pytest.CaptureFixture[str], fills: Path, tmp_path: Path
) -> None:
    target = tmp_path / "no-such-dir" / "out.json"
    code, _, err = run(
        capsys, "screen", str(fills), "--year", "2026", "--format", "json", "--out", str(target)
    )
    assert code == 2
    assert err == f"clonacare population: Cannot write {target}: No such file or directory.\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--as-of", "31/12/2026"],
            "argument --as-of: expected a date as YYYY-MM-DD, got '31/12/2026'",
        ),
        (["--year", "26"], "argument --year: expected a year as YYYY, got '26'"),
        (
            ["--year", "2026", "--as-of", "2026-12-31"],
            "argument --as-of: not allowed with argument --year",
        ),
        ([], "one of the arguments --as-of --year is required"),
        (
            ["--year", "2026", "--engine", "sqlite"],
            "argument --engine: invalid choice: 'sqlite' (choose from 'duckdb', 'spark')",
        ),
    ],
)
def test_a_bad_command_line_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], fills: Path, argv: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["population", "screen", str(fills), *argv])
    _, err = capsys.readouterr()
    assert exit_.value.code == 2
    assert err == (
        f"clonacare population screen: {message} (see clonacare population screen --help)\n"
    )


def test_a_year_out_of_range_is_refused(capsys: pytest.CaptureFixture[str], fills: Path) -> None:
    code, _, err = run(capsys, "screen", str(fills), "--year", "1800")
    assert code == 2
    assert err == "clonacare population: The year 1800 is not one that can be screened.\n"


def test_a_spark_master_needs_the_spark_engine(
    capsys: pytest.CaptureFixture[str], fills: Path
) -> None:
    code, _, err = run(
        capsys, "screen", str(fills), "--year", "2026", "--spark-master", "spark://x:7077"
    )
    assert code == 2
    assert err == "clonacare population: --spark-master is for --engine spark.\n"


def test_no_progress_bar_when_stderr_is_not_a_terminal(
    capsys: pytest.CaptureFixture[str], fills: Path
) -> None:
    _, _, err = run(capsys, "screen", str(fills), "--year", "2026", "--format", "json")
    assert err == ""


def test_a_progress_bar_is_drawn_on_a_terminal(fills: Path) -> None:
    terminal, stderr = pty.openpty()
    run = subprocess.run(
        [sys.executable, "-m", "clonacare.cli", "population", "screen", str(fills),
         "--year", "2026", "--format", "json"],
        stdout=subprocess.PIPE, stderr=stderr, check=False,
    )  # fmt: skip
    os.close(stderr)
    drawn = os.read(terminal, 65536).decode()
    os.close(terminal)
    assert run.returncode == 0
    assert json.loads(run.stdout)["count"] == 2  # the bar never reaches stdout
    assert "\r[" + "." * 24 + "] 0/4 reading the files" in drawn
    assert "\r[" + "#" * 24 + "] 4/4 done" in drawn
