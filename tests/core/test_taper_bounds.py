"""Every numeric option of ``clonacare taper`` has bounds: a typo such as 1e400, a
negative age, a pause of decades or a step too small to ever finish exits 2 with one line
naming the option, quickly and with no traceback. The limits are configuration in
core/taper/data/rules.toml (typo guards and engineering limits, not clinical figures),
and the bound on age is the assessment record's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from clonacare.cli import main

PLAN = ["taper", "plan", "--start", "2027-01-04", "--format", "json"]
TYPO = "Clonacare configuration: a typo guard, not a guideline value"
LONGEST = (
    "This plan would last more than 3650 days (Clonacare configuration: an engineering limit "
    "(about ten years), not a clinical figure); "
)


def refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """The one line on stderr of a refused command (exit 2, nothing on stdout)."""
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's own errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert "Traceback" not in err
    assert err.count("\n") == 1
    return err.rstrip("\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--drug", "clonazepam", "--dose", "night=1e400", "--method", "bands"],
            "--dose: clonazepam 1e+400 mg/day is 2e+401 mg diazepam-equivalent, above the 1000 "
            f"mg this tool accepts ({TYPO}); check the dose.",
        ),
        (
            ["--drug", "clonazepam", "--dose", "night=1", "--method", "fixed", "--step", "1e400"],
            "--step 1e+400 mg is above the 50 mg of clonazepam this tool accepts (1000 mg "
            f"diazepam-equivalent; {TYPO}); check the value.",
        ),
        (
            [
                "--drug",
                "clonazepam",
                "--dose",
                "night=1",
                "--method",
                "bands",
                "--discontinuation-dose",
                "1e400",
            ],
            "--discontinuation-dose 1e+400 mg is above the 1000 mg diazepam-equivalent this tool "
            f"accepts ({TYPO}); check the value.",
        ),
        (
            [
                "--drug",
                "clonazepam",
                "--dose",
                "night=1",
                "--method",
                "bands",
                "--end-dose",
                "1e400",
            ],
            "--end-dose 1e+400 mg is above the 50 mg of clonazepam this tool accepts (1000 mg "
            f"diazepam-equivalent; {TYPO}); check the value.",
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
                "2027-01-18:night=1e400",
            ],
            "--steps: step 1 (2027-01-18) night 1e+400 mg is above the 1000 mg of diazepam this "
            f"tool accepts (1000 mg diazepam-equivalent; {TYPO}); check the value.",
        ),
        (
            [
                "--drug",
                "estazolam",
                "--dose",
                "night=1",
                "--method",
                "bands",
                "--equivalent-mg",
                "1e400",
            ],
            "--equivalent-mg: The Ashton (2002/2007) table gives estazolam 1–2 mg as equal to "
            "diazepam 10 mg; 1E+400 mg is outside it.",
        ),
        (
            [
                "--drug",
                "clonazepam",
                "--dose",
                "night=1",
                "--method",
                "bands",
                "--interval",
                "1" + "0" * 30,
            ],
            "--interval must be 1 to 365 days.",
        ),
        (
            [
                "--drug",
                "clonazepam",
                "--dose",
                "night=1",
                "--method",
                "bands",
                "--final-hold",
                "1" + "0" * 30,
            ],
            "--final-hold must be 1 to 365 days.",
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
                "9999-12-01",
            ],
            "--start 9999-12-01 is too late: a plan may last up to 3650 days (Clonacare "
            "configuration: an engineering limit (about ten years), not a clinical figure) and "
            "the calendar ends on 9999-12-31; start on or before 9989-12-19.",
        ),
    ],
)
def test_it_refuses_implausible_numbers_naming_the_option(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert refused(capsys, *PLAN, *args) == f"clonacare taper: {message}"


@pytest.mark.parametrize(
    ("age", "message"),
    [
        (
            "-3",
            "clonacare taper: --age must be a whole number of years from 0 to 120 (Clonacare "
            "configuration: a typo guard, not a guideline value (the clinic form's bound on "
            "age)); got -3.",
        ),
        (
            "300",
            "clonacare taper: --age must be a whole number of years from 0 to 120 (Clonacare "
            "configuration: a typo guard, not a guideline value (the clinic form's bound on "
            "age)); got 300.",
        ),
        (
            "1e3",
            "clonacare taper plan: argument --age: expected a whole number of years, got '1e3' "
            "(see clonacare taper plan --help)",
        ),
    ],
)
def test_it_refuses_an_implausible_age(
    capsys: pytest.CaptureFixture[str], age: str, message: str
) -> None:
    err = refused(
        capsys,
        *PLAN,
        "--drug",
        "clonazepam",
        "--dose",
        "night=1",
        "--method",
        "bands",
        "--age",
        age,
    )
    assert err == message


def test_it_accepts_the_ages_the_assessment_accepts(capsys: pytest.CaptureFixture[str]) -> None:
    for age in ("0", "120"):
        code = main(
            [*PLAN, "--drug", "diazepam", "--dose", "night=10", "--method", "bands", "--age", age]
        )
        capsys.readouterr()
        assert code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # The reviewer's runs that did not finish: a step below the documented minimum ...
        (
            ["--method", "percent", "--step", "0.001"],
            "--step for --method percent must be at least 0.1 (Clonacare configuration: an "
            "engineering limit, not a clinical figure (at 0.1% per interval, weekly cuts take "
            "over 13 years to halve a dose, beyond the longest plan)).",
        ),
        (
            ["--method", "percent", "--step", "0.01", "--interval", "365"],
            "--step for --method percent must be at least 0.1 (Clonacare configuration: an "
            "engineering limit, not a clinical figure (at 0.1% per interval, weekly cuts take "
            "over 13 years to halve a dose, beyond the longest plan)).",
        ),
        # ... and plans longer than the longest plan, holds included.
        (
            ["--method", "percent", "--step", "1", "--interval", "365"],
            LONGEST + "choose a larger --step, a shorter --interval or an --end-dose.",
        ),
        (
            ["--method", "percent", "--step", "0.1", "--interval", "1", "--override-reason", "x"],
            LONGEST + "choose a larger --step, a shorter --interval or an --end-dose.",
        ),
        (
            ["--method", "fixed", "--step", "0.01"],
            "--step 0.01 mg is smaller than the smallest change the formulary 'US default' can "
            "make to a clonazepam dose (0.125 mg); choose --step 0.125 or more.",
        ),
    ],
)
def test_it_refuses_plans_too_long_to_make(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    err = refused(capsys, *PLAN, "--drug", "clonazepam", "--dose", "night=1", *args)
    assert err == f"clonacare taper: {message}"


def test_it_refuses_a_tiny_step_from_the_largest_dose_at_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    err = refused(
        capsys,
        *PLAN,
        "--drug",
        "diazepam",
        "--dose",
        "night=1000",
        "--method",
        "percent",
        "--step",
        "0.1",
        "--interval",
        "1",
        "--override-reason",
        "x",
        "--confirmed-by",
        "Dr Okafor",  # 1000 mg is above diazepam's label maximum: escalated
    )
    assert err == (
        f"clonacare taper: {LONGEST}choose a larger --step, a shorter --interval or an --end-dose."
    )


def test_it_refuses_a_formulary_it_cannot_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    args = ["--drug", "clonazepam", "--dose", "night=1", "--method", "bands"]
    err = refused(capsys, *PLAN, *args, "--formulary", str(tmp_path))
    assert err == f"clonacare taper: Cannot read formulary {tmp_path}: Is a directory."
    latin = tmp_path / "site.toml"
    latin.write_bytes('name = "Pharmacie Ré"\n'.encode("latin-1"))
    err = refused(capsys, *PLAN, *args, "--formulary", str(latin))
    assert err == f"clonacare taper: Formulary {latin} is not a TOML text file (it is not UTF-8)."


@pytest.fixture
def plan_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    path = tmp_path / "plan.json"
    code = main(
        [
            *PLAN,
            "--drug",
            "diazepam",
            "--dose",
            "night=20",
            "--method",
            "percent",
            "--step",
            "10",
            "-o",
            str(path),
        ]
    )
    capsys.readouterr()
    assert code == 0
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ["--pause", "10000000"],
            f"--pause must be 1 to 365 days ({TYPO}); to hold a dose for longer, plan again "
            "with --end-dose.",
        ),
        (
            ["--pause", "1000000"],
            f"--pause must be 1 to 365 days ({TYPO}); to hold a dose for longer, plan again "
            "with --end-dose.",
        ),
        (
            ["--slow-interval", "1" + "0" * 30],
            f"--slow-interval must be at most 365 days ({TYPO}).",
        ),
        (
            ["--slow-interval", "365"],
            "The revised plan would last more than 3650 days (Clonacare configuration: an "
            "engineering limit (about ten years), not a clinical figure); choose a shorter "
            "--slow-interval.",
        ),
        (
            ["--slow-step", "0.05"],
            "--slow-step must be at least 0.1% (Clonacare configuration: an engineering limit, "
            "not a clinical figure (at 0.1% per interval, weekly cuts take over 13 years to "
            "halve a dose, beyond the longest plan)).",
        ),
        (
            ["--slow-step", "0.5"],
            "The revised plan would last more than 3650 days (Clonacare configuration: an "
            "engineering limit (about ten years), not a clinical figure); choose a larger "
            "--slow-step.",
        ),
    ],
)
def test_adjust_refuses_implausible_changes(
    capsys: pytest.CaptureFixture[str], plan_file: Path, change: list[str], message: str
) -> None:
    err = refused(
        capsys, "taper", "adjust", str(plan_file), "--on", "2027-02-08", *change, "--format", "json"
    )
    assert err == f"clonacare taper: {message}"


def test_a_plan_file_with_an_infinite_dose_is_refused(
    capsys: pytest.CaptureFixture[str], plan_file: Path
) -> None:
    data = json.loads(plan_file.read_text())
    data["parameters"]["doses"]["night"] = float("inf")
    plan_file.write_text(json.dumps(data))  # Python writes Infinity, which it reads back
    err = refused(
        capsys,
        "taper",
        "adjust",
        str(plan_file),
        "--on",
        "2027-02-08",
        "--pause",
        "7",
        "--format",
        "json",
    )
    assert err == (
        f"clonacare taper: {plan_file} is not a Clonacare taper plan: 'parameters.doses.night' "
        "must be a finite number."
    )


def test_the_program_prints_no_traceback() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "clonacare.cli",
            *PLAN,
            "--drug",
            "clonazepam",
            "--dose",
            "night=1e400",
            "--method",
            "bands",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("clonacare taper: --dose: clonazepam 1e+400 mg/day")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--drug", "clonazepam", "--dose", "night=1", "--method", "fixed", "--step", "1"],
            "clonacare taper: --step 1 mg is the whole clonazepam daily dose (1 mg): the first "
            "cut would stop it at once, which is not a taper; choose a smaller --step.",
        ),
        (
            [
                *("--drug", "clonazepam", "--dose", "night=1", "--method", "fixed"),
                *("--step", "25", "--switch-to", "diazepam"),
            ],
            "clonacare taper: --step 25 mg is the whole diazepam daily dose (20 mg): the first "
            "cut would stop it at once, which is not a taper; choose a smaller --step.",
        ),
    ],
)
def test_a_fixed_step_of_the_whole_dose_is_refused(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert refused(capsys, *PLAN, *args) == message
