"""The worklist benchmark (bench/bench_worklist.py, figures in docs/benchmarks.md) runs
on a short span of days too: a patient who stopped checking in still has the check-in
their open proposal was made from. It runs as its own process on a scratch SQLite
database, whatever database the tests use, and times nothing here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_worklist.py"


def bench(*args: str) -> subprocess.CompletedProcess[str]:
    # A scratch SQLite database of its own: never the tests' or a configured one.
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CLONACARE_DATA_DIR"}}
    return subprocess.run(
        [sys.executable, str(BENCH), *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=BENCH.parent,
    )


def test_it_runs_with_fewer_days_than_a_lapsed_patient_has_been_away() -> None:
    # The first patient stopped checking in, has an open alert, a draft and a proposal.
    run = bench("--patients", "2", "--days", "5", "--repeat", "1")
    assert run.returncode == 0, run.stderr
    assert "2 patients, 6 check-ins, 20 dose logs" in run.stdout
    assert "1 on the worklist" in run.stdout


def test_it_refuses_a_span_of_no_days() -> None:
    run = bench("--days", "0")
    assert run.returncode == 2
    assert "argument --days: must be 1 or more, not 0" in run.stderr
