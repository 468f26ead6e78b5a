"""Crisis resources in Spanish (issue 16): the same numbers, Spanish names and directions
from the data file with their own source; a half-translated file is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from clonacare.core.crisis import load_crisis_resources
from clonacare.core.errors import ClinicalError

LINE = '[[resources]]\nname = "Line"\ncontact = "116 123"\nhow = "Call"\ntel = "116123"\n'


def test_every_us_resource_reads_in_spanish_with_its_source() -> None:
    crisis = load_crisis_resources()
    spanish = crisis.in_language("es")
    assert [r.tel for r in spanish.resources] == [r.tel for r in crisis.resources]
    assert [r.contact for r in spanish.resources] == [r.contact for r in crisis.resources]
    assert all(s.name != e.name for s, e in zip(spanish.resources, crisis.resources, strict=True))
    lifeline = spanish.of_kind("crisis-line")[0]
    assert "oprima el 2" in lifeline.how
    assert "AYUDA" in lifeline.how
    sources = dict(crisis.translation_sources)
    assert "988lifeline.org" in sources["es"]
    assert "samhsa.gov" in sources["es"]
    # The danger-now wording names the same numbers in either language.
    assert spanish.danger_now == crisis.danger_now == "988 or 911"


def test_a_language_the_file_does_not_give_reads_as_the_file_does() -> None:
    crisis = load_crisis_resources()
    assert crisis.in_language("en") == crisis
    assert crisis.in_language("fr") == crisis


def test_a_translation_needs_both_name_and_how(tmp_path: Path) -> None:
    path = tmp_path / "crisis.toml"
    path.write_text('source = "Ours"\nsource_es = "Ours, es"\n' + LINE + 'name_es = "Línea"\n')
    with pytest.raises(ClinicalError, match="give both name_es and how_es, or neither"):
        load_crisis_resources(path)


def test_a_translation_needs_its_source(tmp_path: Path) -> None:
    path = tmp_path / "crisis.toml"
    path.write_text('source = "Ours"\n' + LINE + 'name_es = "Línea"\nhow_es = "Llame"\n')
    with pytest.raises(ClinicalError, match="the es translations need source_es"):
        load_crisis_resources(path)
