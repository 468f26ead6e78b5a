"""The screen's thresholds are data with a source: the shipped files load, a site's
flags file changes what is flagged, and a flag without a source is refused."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from clonacare.cli import main
from clonacare.core.drugs import equivalence_table
from clonacare.core.errors import ClinicalError
from clonacare.core.population import FLAG_CODES, load_definitions
from clonacare.core.population.definitions import FLAGS_FILE
from tests.core.population.dispensing import OLDER, fill, write_csv


def test_every_benzodiazepine_of_the_taper_engines_table_is_screened() -> None:
    definitions = load_definitions()
    table = equivalence_table("ashton")
    assert definitions.equivalence_table == "ashton"
    assert [b.drug for b in definitions.benzodiazepines] == sorted(table.entries)
    factors = {b.drug: b.de_factor for b in definitions.benzodiazepines}
    # diazepam mg per mg: 10 / the amount equal to diazepam 10 mg (a range's midpoint)
    assert (factors["diazepam"], factors["clonazepam"]) == (1, 20)
    assert factors["estazolam"] == Decimal(10) / Decimal("1.5")


def test_every_flag_has_a_definition_and_a_source() -> None:
    definitions = load_definitions()
    assert list(definitions.flags) == list(FLAG_CODES)
    for flag in definitions.flags.values():
        assert flag.title
        assert flag.source
        assert "{" not in flag.definition
    assert definitions.flag("long-term-use").definition.startswith(
        "Benzodiazepine days' supply covers at least 120 days of the period"
    )
    assert {o.drug for o in definitions.opioids} >= {"oxycodone", "hydrocodone", "morphine"}


def _site_flags(tmp_path: Path, old: str, new: str) -> Path:
    text = FLAGS_FILE.read_text(encoding="utf-8")
    assert old in text
    site = tmp_path / "site-flags.toml"
    site.write_text(text.replace(old, new, 1), encoding="utf-8")
    return site


def test_a_sites_flags_file_sets_the_thresholds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fills = write_csv(tmp_path / "fills.csv", [fill("p", d, born=OLDER) for d in (0, 30, 60)])
    site = _site_flags(tmp_path, "min_days_covered = 120", "min_days_covered = 90")
    main(["population", "screen", str(fills), "--year", "2026", "--format", "csv"])
    assert "long-term-use" not in capsys.readouterr().out
    main(["population", "screen", str(fills), "--year", "2026", "--format", "csv",
          "--flags", str(site)])  # fmt: skip
    assert "long-term-use older-adult" in capsys.readouterr().out


def test_a_flag_without_a_source_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fills = write_csv(tmp_path / "fills.csv", [fill("p", 0)])
    site = _site_flags(tmp_path, 'source = "Clonacare default: the top bands', 'note = "')
    code = main(["population", "screen", str(fills), "--year", "2026", "--flags", str(site)])
    assert code == 2
    assert capsys.readouterr().err == (
        f"clonacare population: {site} [flags.high-dose]: every clinical value needs a 'source'.\n"
    )


def test_a_missing_threshold_is_named(tmp_path: Path) -> None:
    site = _site_flags(tmp_path, "min_pharmacies = 4\n", "")
    with pytest.raises(ClinicalError, match=r"\[flags.multiple-providers\]: 'min_pharmacies' must"):
        load_definitions(site)
