"""DuckDB and Spark (local mode) screen the same generated data to the same result,
patient by patient. One Spark session serves the module: it is slow to start."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from clonacare.cli import main
from clonacare.core.population import (
    generate_population,
    load_definitions,
    result_to_dict,
    write_population,
)
from clonacare.core.population.engine import run_screen
from tests.core.population.dispensing import OLDER, PERIOD, fill, write_csv
from tests.core.population.test_bad_rows import NOT_QUANTITIES


@pytest.fixture(scope="module")
def spark() -> Iterator[None]:
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("clonacare-tests")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield  # run_screen(engine="spark") finds this session (getOrCreate)
    session.stop()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("population") / "fills.parquet"
    definitions = load_definitions()
    return write_population(generate_population(400, 11, PERIOD, definitions), out)


def _screened(engine: str, fills: Path, diagnoses: Path) -> dict[str, Any]:
    result = run_screen(fills, diagnoses, PERIOD, load_definitions(), engine=engine)
    document = result_to_dict(result)
    assert document.pop("engine") == engine
    return document


@pytest.mark.usefixtures("spark")
def test_duckdb_and_spark_agree_patient_by_patient(generated: tuple[Path, Path]) -> None:
    on_duckdb = _screened("duckdb", *generated)
    on_spark = _screened("spark", *generated)
    assert on_duckdb["count"] > 50
    assert on_spark["rows"] == on_duckdb["rows"]
    assert on_spark["diagnoses"] == on_duckdb["diagnoses"]
    assert [i["patient_id"] for i in on_spark["items"]] == [
        i["patient_id"] for i in on_duckdb["items"]
    ]
    for theirs, ours in zip(on_spark["items"], on_duckdb["items"], strict=True):
        assert theirs == ours, ours["patient_id"]
    assert on_spark == on_duckdb


@pytest.mark.usefixtures("spark")
def test_the_command_line_screens_on_spark(
    generated: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    fills, _ = generated
    code = main(
        ["population", "screen", str(fills), "--year", "2026", "--engine", "spark",
         "--format", "json"]
    )  # fmt: skip
    document = json.loads(capsys.readouterr().out)
    assert (code, document["engine"]) == (0, "spark")
    assert "planted-opioid-overlap" in [i["patient_id"] for i in document["items"]]


@pytest.mark.usefixtures("spark")
def test_the_engines_read_padded_text_and_numbers_that_are_not_quantities_alike(
    tmp_path: Path,
) -> None:
    padded = [
        {**fill("padded", 0, born=OLDER), "days_supply": " 30\t", "fill_date": "\t2026-01-01 "},
        {**fill("padded", 40, born=OLDER), "patient_id": " padded", "strength_mg": "5 "},
        fill("blank", 10, quantity=" \t "),  # missing-value
    ]
    fills = write_csv(tmp_path / "fills.csv", padded + NOT_QUANTITIES)
    on_duckdb = run_screen(fills, None, PERIOD, load_definitions(), engine="duckdb")
    on_spark = run_screen(fills, None, PERIOD, load_definitions(), engine="spark")
    assert dict(on_duckdb.rows.rejected) == {"missing-value": 1, "bad-number": 8}
    assert [(i.patient_id, i.details["days_covered"]) for i in on_duckdb.items] == [("padded", 60)]
    assert (on_spark.rows, on_spark.items) == (on_duckdb.rows, on_duckdb.items)
