"""`clonacare population generate`: made-up dispensing data, the same for a seed, with
planted patients that the screen flags, near misses it does not, and one bad row of
each reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clonacare.cli import main
from clonacare.core.population import FLAG_CODES, REJECT_REASONS


def generate(tmp_path: Path, name: str, *argv: str) -> Path:
    out = tmp_path / name
    assert main(["population", "generate", "--out", str(out), *argv]) == 0
    return out


def test_the_same_seed_writes_the_same_files(tmp_path: Path) -> None:
    first = generate(tmp_path, "a.csv", "--patients", "50", "--seed", "4")
    again = generate(tmp_path, "b.csv", "--patients", "50", "--seed", "4")
    other = generate(tmp_path, "c.csv", "--patients", "50", "--seed", "5")
    assert first.read_bytes() == again.read_bytes()
    assert first.read_bytes() != other.read_bytes()
    assert (tmp_path / "a-diagnoses.csv").read_bytes() == (
        tmp_path / "b-diagnoses.csv"
    ).read_bytes()


def test_it_says_what_it_wrote(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = generate(tmp_path, "fills.csv", "--patients", "0")
    assert capsys.readouterr().out == (
        f"Wrote 61 fills of 0 patients and 16 planted ones to {out}, and 2 diagnoses to "
        f"{tmp_path / 'fills-diagnoses.csv'}.\n"
    )


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_the_screen_finds_what_was_planted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    out = generate(tmp_path, f"fills{suffix}", "--patients", "200", "--seed", "2")
    capsys.readouterr()
    dx = tmp_path / f"fills-diagnoses{suffix}"
    main(["population", "screen", str(out), "--diagnoses", str(dx), "--year", "2026",
          "--format", "json"])  # fmt: skip
    document = json.loads(capsys.readouterr().out)
    flags = {i["patient_id"]: i["flags"] for i in document["items"]}
    for code in FLAG_CODES:
        assert code in flags[f"planted-{code}"], code
        assert code not in flags.get(f"near-{code}", []), code
    assert "opioid-overlap" not in flags.get("excluded-opioid-overlap", [])
    assert document["rows"]["rejected"] == dict.fromkeys(REJECT_REASONS, 1)
    assert "bad-rows" not in flags
    # made-up people are flagged too, not only the planted ones
    assert any(p.startswith("P") for p in flags)


def test_a_negative_number_of_patients_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["population", "generate", "--patients", "-3", "--out", str(tmp_path / "x.csv")])
    assert exit_.value.code == 2
    assert capsys.readouterr().err == (
        "clonacare population generate: argument --patients: expected a whole number of 0 or "
        "more, got '-3' (see clonacare population generate --help)\n"
    )


def test_it_writes_only_csv_or_parquet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "fills.json"
    assert main(["population", "generate", "--patients", "1", "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"clonacare population: Cannot write {out}: name a .csv or .parquet file.\n"
    )
