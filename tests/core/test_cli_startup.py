"""The `clonacare` command imports only what the subcommand run needs: `--version` and
`--help` load no subcommand module, and the taper, score and assess subcommands never
import Django (start-up times: docs/benchmarks.md, "CLI start-up")."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# Runs the command in-process, then prints which of the watched modules it imported.
PROBE = """
import json, sys
sys.argv = ["clonacare", *sys.argv[1:]]
from clonacare.cli import main
try:
    main()
except SystemExit:
    pass
watched = ["django", "matplotlib", "clonacare.cli.taper", "clonacare.cli.score",
           "clonacare.cli.assess", "clonacare.web.commands", "clonacare.core.taper",
           "clonacare.core.instruments", "clonacare.core.assessment"]
sys.stderr.write("\\nIMPORTED " + json.dumps([m for m in watched if m in sys.modules]))
"""


def imported(*argv: str) -> list[str]:
    run = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, check=False
    )
    marker = run.stderr.rsplit("IMPORTED ", 1)
    assert len(marker) == 2, run.stderr
    return list(json.loads(marker[1]))


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["no-such-command"]])
def test_the_top_level_loads_no_subcommand(argv: list[str]) -> None:
    assert imported(*argv) == []


def test_the_taper_command_loads_the_taper_engine_only() -> None:
    assert imported(
        "taper", "plan", "--drug", "diazepam", "--dose", "night=10", "--method", "bands",
        "--start", "2027-01-04", "--format", "json",
    ) == ["clonacare.cli.taper", "clonacare.core.taper"]  # fmt: skip


def test_score_and_assess_do_not_import_django() -> None:
    assert "django" not in imported("score", "phq9", "--answers", "0,0,0,0,0,0,0,0,0")
    assert "django" not in imported("assess", "--help")


def test_the_help_lists_every_subcommand_without_importing_them() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "clonacare.cli", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0
    names = ("assess", "demo", "escalate", "export", "import", "population", "remind")
    for name in (*names, "score", "serve", "taper"):
        # a long name ("population") has its help on the next line
        assert f"\n    {name} " in run.stdout or f"\n    {name}\n" in run.stdout


def test_an_unknown_subcommand_is_one_line_naming_the_choices() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "clonacare.cli", "bogus"], capture_output=True, text=True
    )
    assert run.returncode == 2
    assert run.stderr == (
        "clonacare: argument COMMAND: invalid choice: 'bogus' (choose from 'assess', 'backup', "
        "'demo', 'escalate', 'export', 'import', 'population', 'remind', 'restore', "
        "'reviewer', 'score', 'serve', 'taper') (see clonacare --help)\n"
    )
