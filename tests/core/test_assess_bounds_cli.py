"""``clonacare assess``: implausible numbers are refused naming the field (exit 2, one
line, no traceback), never evaluated or crashed on.

The daily dose is bounded by the taper core's plausibility limit (1000 mg
diazepam-equivalent, core/taper/data/rules.toml [plausibility], a typo guard), converted
to the drug's mg on the chosen table; age, duration and failed tapers by the typo guards
of core/assessment/data/record.toml.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from clonacare.core.assessment import record_bounds
from tests.samples import ALICE_RECORD

DOSE_GUARD = (
    "(1000 mg diazepam-equivalent on the Ashton (2002/2007) table; Clonacare configuration: "
    "a typo guard, not a guideline value); check the dose."
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clonacare.cli", "assess", *args],
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ),
    )


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "patient.json"
    path.write_text(text, encoding="utf-8")
    return str(path)


def record_file(tmp_path: Path, **changes: Any) -> str:
    return write(tmp_path, json.dumps({**ALICE_RECORD, **changes}))


def raw_file(tmp_path: Path, field: str, literal: str) -> str:
    """A record whose ``field`` is written as ``literal``, exactly (1e999999, 10…0)."""
    body = json.dumps({**ALICE_RECORD, field: "@"}).replace('"@"', literal)
    return write(tmp_path, body)


def refused(path: str) -> str:
    """The one line on stderr of a refusal; asserts exit 2, nothing on stdout."""
    done = run(path)
    assert (done.returncode, done.stdout) == (2, ""), done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1
    prefix = f"clonacare assess: {path}: "
    assert done.stderr.startswith(prefix)
    return done.stderr.removeprefix(prefix).rstrip("\n")


class TestDailyDose:
    def test_an_implausibly_large_dose_is_refused_naming_the_field(self, tmp_path: Path) -> None:
        assert refused(record_file(tmp_path, daily_dose_mg=1e30)) == (
            "field 'daily_dose_mg': clonazepam 1E+30 mg/day is above the 50 mg/day this tool "
            f"accepts {DOSE_GUARD}"
        )

    def test_a_dose_beyond_any_decimal_arithmetic_is_refused(self, tmp_path: Path) -> None:
        assert refused(raw_file(tmp_path, "daily_dose_mg", "1e999999")).startswith(
            "field 'daily_dose_mg': clonazepam 1E+999999 mg/day is above the 50 mg/day"
        )

    def test_the_bound_itself_is_accepted(self, tmp_path: Path) -> None:
        # clonazepam 0.5 mg = diazepam 10 mg (Ashton): 50 mg is 1000 mg diazepam-equivalent.
        done = run(record_file(tmp_path, daily_dose_mg=50), "--format", "json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["diazepam_equivalent_mg"] == 1000.0
        assert refused(record_file(tmp_path, daily_dose_mg=50.001)).startswith(
            "field 'daily_dose_mg': clonazepam 50.001 mg/day is above the 50 mg/day"
        )

    def test_the_bound_follows_the_drug_and_the_table(self, tmp_path: Path) -> None:
        path = record_file(tmp_path, drug="chlordiazepoxide", daily_dose_mg=2501)
        assert refused(path).startswith(
            "field 'daily_dose_mg': chlordiazepoxide 2501 mg/day is above the 2500 mg/day"
        )
        done = run(record_file(tmp_path, daily_dose_mg=60), "--equivalence", "vadod")
        assert done.returncode == 0, done.stderr  # clonazepam 1 mg = diazepam 10 mg: 100 mg


class TestOtherNumbers:
    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("age", 1e30, "field 'age' must be at most 120 (a typo guard); got 1E+30."),
            ("age", 121, "field 'age' must be at most 120 (a typo guard); got 121."),
            (
                "duration_months",
                1e30,
                "field 'duration_months' must be at most 1440 (a typo guard); got 1E+30.",
            ),
            (
                "previous_failed_tapers",
                1e30,
                "field 'previous_failed_tapers' must be at most 100 (a typo guard); got 1E+30.",
            ),
            (
                "days_per_week",
                1e30,
                "field 'days_per_week' must be more than 0 and at most 7; got 1E+30.",
            ),
        ],
    )
    def test_a_huge_value_is_refused_naming_the_field(
        self, tmp_path: Path, field: str, value: float, message: str
    ) -> None:
        assert refused(record_file(tmp_path, **{field: value})) == message

    @pytest.mark.parametrize(
        "field", ["age", "duration_months", "previous_failed_tapers", "daily_dose_mg"]
    )
    def test_a_value_beyond_any_arithmetic_is_refused_naming_the_field(
        self, tmp_path: Path, field: str
    ) -> None:
        assert refused(raw_file(tmp_path, field, "1e999999")).startswith(f"field {field!r}")

    def test_a_whole_number_of_thousands_of_digits_is_refused_naming_the_field(
        self, tmp_path: Path
    ) -> None:
        path = raw_file(tmp_path, "previous_failed_tapers", "1" + "0" * 5000)
        assert refused(path) == (
            "field 'previous_failed_tapers' must be at most 100 (a typo guard); got 1E+5000."
        )

    @pytest.mark.parametrize(
        ("field", "message"),
        [
            ("daily_dose_mg", "field 'daily_dose_mg' must be more than 0; got -1."),
            ("days_per_week", "field 'days_per_week' must be more than 0 and at most 7; got -1."),
            ("duration_months", "field 'duration_months' must be 0 or more; got -1."),
            ("age", "field 'age' must be 0 or more; got -1."),
            ("previous_failed_tapers", "field 'previous_failed_tapers' must be 0 or more; got -1."),
        ],
    )
    def test_a_negative_value_is_refused_naming_the_field(
        self, tmp_path: Path, field: str, message: str
    ) -> None:
        assert refused(record_file(tmp_path, **{field: -1})) == message

    def test_the_upper_bounds_name_their_source(self) -> None:
        bounds = record_bounds()
        assert {name: int(b.max) for name, b in bounds.items()} == {
            "age": 120,
            "previous_failed_tapers": 100,
            "duration_months": 1440,
        }
        assert all("a typo guard, not a guideline value" in b.source for b in bounds.values())
