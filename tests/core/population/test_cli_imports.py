"""The population commands load the query engine (ibis, duckdb) only when a screen runs:
`clonacare --version`, the other subcommands and `population generate` never do, and a
screen on DuckDB never loads pyspark."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, sys
sys.argv = ["clonacare", *sys.argv[1:]]
from clonacare.cli import main
try:
    main()
except SystemExit:
    pass
watched = [
    "ibis", "duckdb", "pyspark", "clonacare.core.population", "clonacare.cli.population"
]
sys.stderr.write("\\nIMPORTED " + json.dumps([m for m in watched if m in sys.modules]))
"""


def imported(*argv: str) -> list[str]:
    run = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, check=False
    )
    return list(json.loads(run.stderr.rsplit("IMPORTED ", 1)[1]))


def test_version_and_other_commands_load_nothing_of_the_screen() -> None:
    assert imported("--version") == []
    assert imported("score", "phq9", "--answers", "0,0,0,0,0,0,0,0,0") == []


def test_generate_does_not_load_the_engine(tmp_path: Path) -> None:
    out = str(tmp_path / "fills.csv")
    assert imported("population", "generate", "--patients", "1", "--out", out) == [
        "clonacare.core.population",
        "clonacare.cli.population",
    ]


def test_a_screen_loads_it(tmp_path: Path) -> None:
    out = tmp_path / "fills.csv"
    subprocess.run(
        [sys.executable, "-m", "clonacare.cli", "population", "generate", "--patients", "1",
         "--out", str(out)], check=True, capture_output=True,
    )  # fmt: skip
    assert imported("population", "screen", str(out), "--year", "2026", "--format", "json") == [
        "ibis",
        "duckdb",
        "clonacare.core.population",
        "clonacare.cli.population",
    ]
