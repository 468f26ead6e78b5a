"""Benchmark the population screen: generate N patients' fills (Parquet), then time
DuckDB reading that file and grouping it by patient once (the floor for any screen),
the screen on DuckDB (``population.engine.run_screen``, the flags of everyone, output
not written), and, with --spark, the same screen on Spark in local mode.

Run: .venv/bin/python bench/bench_population.py [--patients N] [--seed S] [--spark]
(the issue's size is --patients 1000000, about 4,500,000 fills with the generator's
shapes, short of the issue's 8,000,000; the machine is shared, so run that size only
when it is free). Prints the timings, their ratio and the process's peak memory;
record results in docs/benchmarks.md, not in tests.
"""

from __future__ import annotations

import argparse
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

from clonacare.core.population import (
    Period,
    generate_population,
    load_definitions,
    write_population,
)

AS_OF_YEAR = 2026


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=positive, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--spark", action="store_true", help="also time Spark local mode")
    args = parser.parse_args()

    import duckdb

    from clonacare.core.population.engine import run_screen

    definitions = load_definitions()
    period = Period.calendar_year(AS_OF_YEAR)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "fills.parquet"
        started = time.perf_counter()
        population = generate_population(args.patients, args.seed, period, definitions)
        fills, diagnoses = write_population(population, out)
        generated_s = time.perf_counter() - started
        print(
            f"generated {population.fill_count:,} fills of {args.patients:,} patients "
            f"in {generated_s:.1f} s ({platform.python_version()}, duckdb {duckdb.__version__})"
        )

        started = time.perf_counter()
        groups = duckdb.sql(
            f"SELECT patient_id, count(*) FROM read_parquet('{fills}') GROUP BY patient_id"  # noqa: S608
        ).fetchall()
        floor_s = time.perf_counter() - started
        print(f"floor: read and group by patient ({len(groups):,} patients): {floor_s:.2f} s")

        started = time.perf_counter()
        result = run_screen(fills, diagnoses, period, definitions)
        screen_s = time.perf_counter() - started
        print(
            f"screen on DuckDB: {screen_s:.2f} s, {len(result.items):,} flagged "
            f"({screen_s / floor_s:.1f} x the floor); peak memory {peak_mb():,.0f} MB"
        )

        if args.spark:
            started = time.perf_counter()
            on_spark = run_screen(fills, diagnoses, period, definitions, engine="spark")
            spark_s = time.perf_counter() - started
            same = on_spark.items == result.items and on_spark.rows == result.rows
            print(f"screen on Spark (local, start-up included): {spark_s:.2f} s, same: {same}")
    sys.exit(0)


if __name__ == "__main__":
    main()
