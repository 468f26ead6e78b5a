"""Benchmark the population screen at the issue's size: 1,000,000 patients and about
8,000,000 fills (Parquet), screened with DuckDB, beside the floor for any screen (DuckDB
reading that file and grouping it by patient once) and Spark in local mode.

Run: .venv/bin/python bench/bench_population.py [--patients N] [--seed S] [--dir DIR]
     [--runs 3] [--spark]

The generated files are kept in DIR (default: a folder under the system's temporary
folder) and reused by the next run with the same N and seed, so a second run times the
screen only. Each step runs in a child process of its own, so that its peak memory
(the child's maximum resident set, from wait4) is its own: the generator, the floor, each
DuckDB screen (the median of --runs is reported) and, with --spark, one Spark screen
(start-up included; Spark's JVM is a separate process whose memory is not counted).
For the DuckDB screens it also prints the median of the child's processor time (every
thread, from wait4), which varies less than the wall-clock time on a shared machine.
Prints the load average before the run: the machine is shared, so note it with the
figures. Record results in docs/benchmarks.md, "Population screen", not in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

AS_OF_YEAR = 2026
FLOOR_SQL = """
SELECT patient_id, count(*), min(birth_date), min(fill_date), min(drug),
       min(strength_mg), min(quantity), min(days_supply), min(prescriber_id),
       min(pharmacy_id)
FROM read_parquet(?) GROUP BY patient_id
"""
"""The floor reads every column the screen reads (not only ``patient_id``) and makes one
group per patient: no screen can do less."""


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def step(name: str, fills: Path, patients: int, seed: int) -> dict[str, Any]:
    """Run one step in this process and return its figures (the child's side)."""
    from clonacare.core.population import Period, load_definitions

    definitions = load_definitions()
    period = Period.calendar_year(AS_OF_YEAR)
    diagnoses = fills.with_name(f"{fills.stem}-diagnoses{fills.suffix}")
    started = time.perf_counter()
    if name == "generate":
        from clonacare.core.population import generate_population, write_population

        population = generate_population(patients, seed, period, definitions)
        write_population(population, fills)
        return {"seconds": time.perf_counter() - started, "fills": population.fill_count}
    if name == "floor":
        import duckdb

        groups = duckdb.execute(FLOOR_SQL, [str(fills)]).fetchall()
        return {"seconds": time.perf_counter() - started, "groups": len(groups)}
    from clonacare.core.population.engine import run_screen

    engine = "spark" if name == "spark" else "duckdb"
    result = run_screen(fills, diagnoses, period, definitions, engine=engine)
    return {
        "seconds": time.perf_counter() - started,
        "flagged": len(result.items),
        "read": result.rows.read,
    }


def in_child(name: str, fills: Path, patients: int, seed: int) -> dict[str, Any]:
    """Run ``step`` in a child process; its figures and its peak memory in MB."""
    child = subprocess.Popen(  # this interpreter running this script
        [sys.executable, __file__, "--step", name, "--file", str(fills),
         "--patients", str(patients), "--seed", str(seed)],
        stdout=subprocess.PIPE,
    )  # fmt: skip
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"the {name} step failed")
    figures: dict[str, Any] = json.loads(output.decode().strip().splitlines()[-1])
    figures["peak_mb"] = usage.ru_maxrss / 1024  # kB on Linux
    # The child's processor time, all its threads: steadier than the wall-clock time on
    # a shared machine, and with 2 cores, the wall time can be no less than half of it.
    figures["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=positive, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "clonacare-bench")
    parser.add_argument("--runs", type=positive, default=3)
    parser.add_argument("--spark", action="store_true", help="also time Spark local mode")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.step, args.file, args.patients, args.seed)))
        return

    import duckdb

    load = os.getloadavg()
    print(
        f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"duckdb {duckdb.__version__}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    args.dir.mkdir(parents=True, exist_ok=True)
    fills = args.dir / f"fills-{args.patients}-{args.seed}.parquet"
    if fills.exists():
        print(f"reusing {fills}")
    else:
        made = in_child("generate", fills, args.patients, args.seed)
        print(
            f"generated {made['fills']:,} fills of {args.patients:,} patients in "
            f"{made['seconds']:.1f} s, peak {made['peak_mb']:,.0f} MB ({fills})"
        )
    floor = in_child("floor", fills, args.patients, args.seed)
    print(
        f"floor: read the file and group it by patient ({floor['groups']:,} groups): "
        f"{floor['seconds']:.2f} s, peak {floor['peak_mb']:,.0f} MB"
    )
    runs = [in_child("screen", fills, args.patients, args.seed) for _ in range(args.runs)]
    median = statistics.median(r["seconds"] for r in runs)
    each = ", ".join(f"{r['seconds']:.2f}" for r in runs)
    cpu = statistics.median(r["cpu_seconds"] for r in runs)
    print(
        f"screen on DuckDB: median {median:.2f} s of {each}; {runs[0]['read']:,} rows, "
        f"{runs[0]['flagged']:,} flagged; {median / floor['seconds']:.1f} x the floor; "
        f"peak {max(r['peak_mb'] for r in runs):,.0f} MB; processor time (median, the "
        f"whole child) {cpu:.1f} s"
    )
    if args.spark:
        spark = in_child("spark", fills, args.patients, args.seed)
        print(
            f"screen on Spark (local mode, start-up included): {spark['seconds']:.1f} s, "
            f"{spark['flagged']:,} flagged (DuckDB: {runs[0]['flagged']:,}); "
            f"driver peak {spark['peak_mb']:,.0f} MB"
        )
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
