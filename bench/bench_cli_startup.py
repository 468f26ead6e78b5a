"""Benchmark the `clonacare` command's start-up: whole-process wall time.

Run: .venv/bin/python bench/bench_cli_startup.py [--repeat N]. Each command runs N times
as a new process (`python -c pass` is the floor); the median and the ratio to the floor
are printed, and whether the process imported Django. Results are recorded in
docs/benchmarks.md ("CLI start-up"), not asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLONACARE = [sys.executable, "-m", "clonacare.cli"]

# A snippet that runs the command in-process and reports whether Django was imported.
PROBE = (
    "import sys, runpy\n"
    "sys.argv = ['clonacare', *sys.argv[1:]]\n"
    "from clonacare.cli import main\n"
    "try:\n"
    "    main()\n"
    "finally:\n"
    "    sys.stderr.write('django=%s\\n' % ('django' in sys.modules))\n"
)


def _assessment_file(folder: Path) -> Path:
    path = folder / "record.json"
    path.write_text(
        '{"drug": "clonazepam", "daily_dose_mg": 1.5, "days_per_week": 7, '
        '"duration_months": 12, "age": 44, "suicide_screen": "negative"}',
        encoding="utf-8",
    )
    return path


def commands(folder: Path) -> dict[str, list[str]]:
    record = _assessment_file(folder)
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "clonacare --version": [*CLONACARE, "--version"],
        "clonacare taper plan (table)": [
            *CLONACARE,
            "taper",
            "plan",
            "--drug",
            "clonazepam",
            "--dose",
            "night=1",
            "--method",
            "percent",
            "--step",
            "10",
            "--switch-to",
            "diazepam",
            "--start",
            "2027-01-04",
            "--format",
            "table",
        ],
        "clonacare score phq9": [*CLONACARE, "score", "phq9", "0,1,0,1,0,1,0,1,0"],
        "clonacare assess": [*CLONACARE, "assess", str(record)],
    }


def timed(argv: list[str], repeat: int) -> float:
    """Median wall time of ``repeat`` runs of ``argv``, in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, check=False, capture_output=True)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def imports_django(argv: list[str]) -> bool | None:
    """Whether running ``argv`` (a clonacare command) imports Django; None for others."""
    if argv[:3] != CLONACARE:
        return None
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, *argv[3:]], check=False, capture_output=True, text=True
    )
    return "django=True" in probe.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    env_note = f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs"
    print(f"{env_note}; median of {args.repeat} runs each")
    with tempfile.TemporaryDirectory() as scratch:
        table = commands(Path(scratch))
        floor = timed(table["python -c pass"], args.repeat)
        print("| command | median | × python -c pass | imports Django |")
        print("|---|---|---|---|")
        for name, argv in table.items():
            median = floor if name == "python -c pass" else timed(argv, args.repeat)
            django = imports_django(argv)
            shown = "–" if django is None else ("yes" if django else "no")
            print(f"| `{name}` | {median:.1f} ms | {median / floor:.1f} | {shown} |")


if __name__ == "__main__":
    main()
