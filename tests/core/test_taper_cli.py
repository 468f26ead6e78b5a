"""``clonacare taper plan`` and ``clonacare taper adjust`` as the CLI contract says:
output on stdout, bad input exits 2 with one line on stderr and no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from clonacare.cli import main

PLAN = ["taper", "plan", "--start", "2027-01-04"]
CLONAZEPAM = ["--drug", "clonazepam", "--dose", "morning=0.5", "--dose", "night=1"]
# Clonazepam products cannot cut 0.375 mg within the ceiling: the plan finishes on
# diazepam, switching once the daily dose is 10 mg diazepam-equivalent or less.
FINISH_ON_DIAZEPAM = ["--switch-at", "10"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def fails(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out, err = capsys.readouterr()
    assert exc.value.code == 2
    assert out == ""
    return err


def test_it_plans_the_contracts_example_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        *PLAN,
        *CLONAZEPAM,
        *FINISH_ON_DIAZEPAM,
        "--method",
        "percent",
        "--step",
        "10",
        "--format",
        "json",
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["steps"][0]["daily_mg"] == {"clonazepam": 1.5}
    assert data["steps"][0]["diazepam_equivalent_mg"] == 30.0


def test_it_runs_as_a_program() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "clonacare.cli",
            *PLAN,
            "--drug",
            "diazepam",
            "--dose",
            "night=10",
            "--method",
            "bands",
            "--format",
            "table",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Taper plan: diazepam (revision 1)\n")


def test_it_runs_every_method_and_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        *PLAN,
        *CLONAZEPAM,
        "--method",
        "bands",
        "--interval",
        "21",
        "--switch-to",
        "diazepam",
        "--crossover-order",
        "night,morning",
        "--crossover-days",
        "7",
        "--reduce-first",
        "morning",
        "--equivalence",
        "vadod",
        "--end-dose",
        "2",
        "--final-hold",
        "28",
        "--age",
        "70",
        "--opioid-use",
        "--format",
        "json",
    )
    data = json.loads(out)
    assert code == 0
    assert data["outcome"] == "end-dose"
    assert {w["code"] for w in data["warnings"]} >= {"older-adult", "opioid"}
    code, out, _ = run(
        capsys,
        *PLAN,
        "--drug",
        "diazepam",
        "--dose",
        "night=10",
        "--method",
        "custom",
        "--steps",
        "2027-01-18:night=9;2027-02-01:night=8;2027-02-15:stop",
        "--override-reason",
        "inpatient unit, supervised stop",
        "--format",
        "csv",
    )
    assert code == 0
    assert out.splitlines()[-1].startswith("3,2027-02-15,2027-02-15,0,")


@pytest.mark.parametrize("fmt", ["table", "csv", "ics", "svg", "dispensing"])
def test_it_writes_every_format(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    code, out, err = run(
        capsys,
        *PLAN,
        *CLONAZEPAM,
        *FINISH_ON_DIAZEPAM,
        "--method",
        "percent",
        "--step",
        "10",
        "--format",
        fmt,
    )
    assert code == 0
    assert out
    assert err == ""


def test_it_adjusts_a_plan_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    run(
        capsys,
        *PLAN,
        "--drug",
        "diazepam",
        "--dose",
        "night=20",
        "--method",
        "percent",
        "--step",
        "10",
        "--format",
        "json",
        "--output",
        str(plan),
    )
    code, out, _ = run(
        capsys,
        "taper",
        "adjust",
        str(plan),
        "--on",
        "2027-02-10",
        "--pause",
        "14",
        "--reason",
        "insomnia",
        "--format",
        "json",
    )
    data = json.loads(out)
    original = json.loads(plan.read_text())
    assert code == 0
    assert data["revision"] == 2
    assert data["reason"] == "insomnia"
    assert data["steps"][:2] == original["steps"][:2]
    assert data["steps"][3]["kind"] == "pause"
    for flag in (["--slow-interval", "21"], ["--slow-step", "5"], ["--step-back"]):
        code, out, _ = run(
            capsys, "taper", "adjust", str(plan), "--on", "2027-02-10", *flag, "--format", "table"
        )
        assert code == 0
        assert "(revision 2)" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--drug", "zolpidem", "--dose", "night=1", "--method", "bands"],
            "clonacare taper: Unknown drug 'zolpidem'; known drugs: alprazolam, chlordiazepoxide, "
            "clonazepam, clorazepate, diazepam, estazolam, flurazepam, lorazepam, oxazepam, "
            "quazepam, temazepam, triazolam.",
        ),
        (
            ["--drug", "clonazepam", "--dose", "night=0", "--method", "bands"],
            "clonacare taper: The night dose must be more than 0 mg (got 0).",
        ),
        (
            ["--drug", "clonazepam", "--dose", "night=lots", "--method", "bands"],
            "clonacare taper: --dose night=lots: the dose must be a number of mg.",
        ),
        (
            ["--drug", "clonazepam", "--dose", "night", "--method", "bands"],
            "clonacare taper: --dose: expected TIME=MG (for example night=1), got 'night'.",
        ),
        (
            ["--drug", "clonazepam", "--dose", "night=0.3", "--method", "bands"],
            "clonacare taper: The formulary 'US default' cannot make clonazepam 0.3 mg (night) "
            "(its clonazepam products: 2 mg tablet, 2 mg odt, 1 mg tablet, 1 mg odt, 0.5 mg "
            "tablet, 0.5 mg odt, 0.25 mg odt, 0.125 mg odt); use --switch-to diazepam or a site "
            "formulary (--formulary FILE).",
        ),
        (
            ["--drug", "clonazepam", "--dose", "night=1", "--method", "percent", "--step", "30"],
            "clonacare taper: Refused (rate-limit): --step 30 every 14 days cuts more than 25% "
            "in 14 days: from 20 mg diazepam-equivalent/day on 2027-01-04 to 14 on 2027-01-18 "
            "(−30%) [ASAM 2025 Rec 6: the pace should typically not exceed 25% every 2 weeks]. "
            "Choose a smaller "
            "--step or a longer --interval, or give --override-reason TEXT to plan it anyway.",
        ),
        (
            ["--drug", "clonazepam", "--dose", "night=1", "--method", "bands", "--pregnant"],
            "clonacare taper: Plan blocked until a clinician confirms: Pregnancy: a taper involves "
            "obstetric care; late-pregnancy use can cause neonatal sedation and withdrawal, and "
            "stopping abruptly is unsafe for the pregnancy. [FDA labels (benzodiazepine class "
            "text)] Give --confirmed-by NAME once the responsible clinician has confirmed.",
        ),
        (
            [
                "--drug",
                "diazepam",
                "--dose",
                "night=10",
                "--method",
                "custom",
                "--steps",
                "tomorrow:night=9",
            ],
            "clonacare taper: --steps: step 1 must start with a date as YYYY-MM-DD, got "
            "'tomorrow'.",
        ),
        (
            [
                "--drug",
                "diazepam",
                "--dose",
                "night=10",
                "--method",
                "custom",
                "--steps",
                "2027-01-18:night=9.35",
            ],
            "clonacare taper: Custom step 1 (2027-01-18): the formulary 'US default' cannot make "
            "diazepam 9.35 mg (night).",
        ),
    ],
)
def test_it_refuses_bad_input_with_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, *PLAN, *args, "--format", "table")
    assert (code, out) == (2, "")
    assert err == message + "\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--drug", "clonazepam", "--dose", "night=1", "--method", "quick"],
            "clonacare taper plan: argument --method: invalid choice: 'quick' (choose from "
            "'percent', 'fixed', 'bands', 'custom') (see clonacare taper plan --help)",
        ),
        (
            [
                "--drug",
                "clonazepam",
                "--dose",
                "night=1",
                "--method",
                "bands",
                "--start",
                "2027-13-01",
            ],
            "clonacare taper plan: argument --start: expected a date as YYYY-MM-DD, got "
            "'2027-13-01' (see clonacare taper plan --help)",
        ),
        (
            ["--drug", "clonazepam", "--dose", "night=1", "--method", "percent", "--step", "ten"],
            "clonacare taper plan: argument --step: expected a number, got 'ten' (see clonacare "
            "taper plan --help)",
        ),
    ],
)
def test_it_refuses_bad_options_with_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    err = fails(capsys, *PLAN, *args, "--format", "table")
    assert err == message + "\n"


def test_it_refuses_a_missing_format(capsys: pytest.CaptureFixture[str]) -> None:
    err = fails(capsys, *PLAN, "--drug", "clonazepam", "--dose", "night=1", "--method", "bands")
    assert err == (
        "clonacare taper plan: the following arguments are required: --format "
        "(see clonacare taper plan --help)\n"
    )


def test_adjust_refuses_a_file_that_is_not_a_plan(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "notes.json"
    bad.write_text("{not json", encoding="utf-8")
    code, _, err = run(
        capsys,
        "taper",
        "adjust",
        str(bad),
        "--on",
        "2027-02-01",
        "--pause",
        "7",
        "--format",
        "json",
    )
    assert code == 2
    assert err == (
        f"clonacare taper: {bad} is not valid JSON: Expecting property name enclosed in double "
        "quotes: line 1 column 2 (char 1).\n"
    )
    code, _, err = run(
        capsys,
        "taper",
        "adjust",
        str(tmp_path / "missing.json"),
        "--on",
        "2027-02-01",
        "--pause",
        "7",
        "--format",
        "json",
    )
    assert (code, err) == (
        2,
        f"clonacare taper: Cannot read {tmp_path / 'missing.json'}: No such file or directory.\n",
    )


def test_adjust_needs_exactly_one_change(capsys: pytest.CaptureFixture[str]) -> None:
    err = fails(
        capsys,
        "taper",
        "adjust",
        "plan.json",
        "--on",
        "2027-02-01",
        "--pause",
        "7",
        "--step-back",
        "--format",
        "json",
    )
    assert err == (
        "clonacare taper adjust: argument --step-back: not allowed with argument --pause "
        "(see clonacare taper adjust --help)\n"
    )
