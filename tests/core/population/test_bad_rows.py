"""Bad rows are counted by reason (the first that applies), never screened, never
silently dropped, and never stop the screen."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from clonacare.core.population import REJECT_REASONS, ScreenResult, load_definitions
from clonacare.core.population.engine import run_screen as screen
from tests.core.population.dispensing import COLUMNS, OLDER, PERIOD, fill, run_screen


def run_screen_file(path: Path) -> ScreenResult:
    return screen(path, None, PERIOD, load_definitions())


def test_each_bad_row_is_counted_under_its_reason(tmp_path: Path) -> None:
    good = [fill("good", d, born=OLDER) for d in (0, 40)]
    bad = [
        fill("x", 10, prescriber=""),  # missing-value
        fill("x", "2026-02-30"),  # bad-date
        fill("x", 10, born="20 May 1950"),  # bad-date (the birth date)
        fill("x", 10, strength="five"),  # bad-number
        fill("x", 10, days="30.5"),  # bad-number (days' supply is whole days)
        fill("x", 10, quantity="0"),  # bad-number
        fill("x", 10, drug="zolpidem"),  # unknown-drug
        fill("x", 10, days=-30),  # negative-days-supply
        fill("x", 10, days=0),  # zero-days-supply
        fill("x", -1),  # fill-before-period
        fill("x", 365),  # fill-after-period
        fill("x", "not a date", drug="zolpidem"),  # bad-date comes before unknown-drug
    ]
    result = run_screen(tmp_path, good + bad)
    assert result.rows.read == 14
    assert dict(result.rows.rejected) == {
        "missing-value": 1,
        "bad-date": 3,
        "bad-number": 3,
        "unknown-drug": 1,
        "negative-days-supply": 1,
        "zero-days-supply": 1,
        "fill-before-period": 1,
        "fill-after-period": 1,
    }
    assert list(result.rows.rejected) == [r for r in REJECT_REASONS if r in result.rows.rejected]
    assert [i.patient_id for i in result.items] == ["good"]


def test_drug_names_are_read_whatever_their_case_and_spaces(tmp_path: Path) -> None:
    rows = [fill("p", 0, drug=" Diazepam ", born=OLDER), fill("p", 40, drug="DIAZEPAM", born=OLDER)]
    result = run_screen(tmp_path, rows)
    assert dict(result.rows.rejected) == {}
    assert [i.patient_id for i in result.items] == ["p"]


# Text the engines parse as a number that no fill has, and numbers too large to
# compute with: each is a bad number, counted, and the screen goes on.
NOT_QUANTITIES = [
    fill("x", 10, days="inf"),  # made the whole screen fail before it was counted
    fill("x", 10, days="1e300"),  # no 64-bit integer: also made the screen fail
    fill("x", 10, days="9223372036854775808"),  # 2**63
    fill("x", 10, days="-Infinity"),
    fill("x", 10, strength="nan"),
    fill("x", 10, strength="Infinity"),
    fill("x", 10, quantity="NaN"),
    fill("x", 10, strength="1e200", quantity="1e200"),  # strength x quantity past any float
]


def test_numbers_that_are_not_quantities_are_bad_numbers(tmp_path: Path) -> None:
    good = [fill("good", d, born=OLDER) for d in (0, 40)]
    # The largest days' supply that is a 64-bit integer is screened, not refused.
    long = [fill("long", 0, days="9223372036854774784", born=OLDER), fill("long", 40, born=OLDER)]
    result = run_screen(tmp_path, good + long + NOT_QUANTITIES)
    assert result.rows.read == 12
    assert dict(result.rows.rejected) == {"bad-number": 8}
    assert [i.patient_id for i in result.items] == ["long", "good"]
    assert result.items[0].details["days_covered"] == 365


def test_bad_diagnosis_rows_are_counted_apart(tmp_path: Path) -> None:
    rows = [fill("p", d, born=OLDER) for d in (0, 40)]
    diagnoses = [("p", "W19.XXXA", "2026-01-02"), ("p", "", "2026-01-02"), ("p", "F03", "soon")]
    result = run_screen(tmp_path, rows, diagnoses=diagnoses)
    assert result.diagnoses is not None
    assert result.diagnoses.read == 3
    assert dict(result.diagnoses.rejected) == {"missing-value": 1, "bad-date": 1}
    assert result.items[0].details["diagnoses"] == ["falls"]


def test_a_screen_with_no_good_rows_flags_no_one(tmp_path: Path) -> None:
    result = run_screen(tmp_path, [fill("x", 10, drug="zolpidem")])
    assert (result.rows.read, dict(result.rows.rejected), result.items) == (
        1,
        {"unknown-drug": 1},
        (),
    )


def test_a_parquet_file_with_typed_columns_is_read_like_text(tmp_path: Path) -> None:
    path = tmp_path / "typed.parquet"
    pq.write_table(
        pa.table(
            {
                "Patient_ID": ["p", "p", "p"],
                "birth_date": [date(1950, 5, 20)] * 3,
                "fill_date": [date(2026, 1, 1), date(2026, 2, 10), None],
                "drug": ["diazepam", "diazepam", "diazepam"],
                "strength_mg": [5.0, 5.0, 5.0],
                "quantity": [30, 30, 30],
                "days_supply": [30, 30, 30],
                "prescriber_id": ["DR-1"] * 3,
                "pharmacy_id": ["RX-1"] * 3,
                "ndc": ["00000000000"] * 3,
            }
        ),
        path,
    )
    result = run_screen_file(path)
    assert (result.rows.read, dict(result.rows.rejected)) == (3, {"missing-value": 1})
    assert result.items[0].details["days_covered"] == 60


def test_an_empty_file_flags_no_one(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text(",".join(COLUMNS) + "\n")
    result = run_screen_file(path)
    assert (result.rows.read, dict(result.rows.rejected), result.items) == (0, {}, ())
