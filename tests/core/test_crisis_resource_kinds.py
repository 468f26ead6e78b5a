"""Crisis resources say what each is for, so a message names whom to call without a
number written in code: 988 or 911 in danger now, 911 for a seizure happening now."""

from __future__ import annotations

from pathlib import Path

import pytest

from clonacare.core.crisis import load_crisis_resources
from clonacare.core.errors import ClinicalError


def test_the_us_file_names_its_crisis_line_and_emergency_services() -> None:
    crisis = load_crisis_resources()
    assert crisis.danger_now == "988 or 911"
    assert crisis.emergency == "911"
    assert [r.kind for r in crisis.resources] == ["crisis-line", "emergency", "helpline"]


def test_a_site_file_without_kinds_names_every_resource(tmp_path: Path) -> None:
    path = tmp_path / "crisis.toml"
    path.write_text(
        'source = "Our site"\n'
        '[[resources]]\nname = "Line"\ncontact = "116 123"\nhow = "Call"\ntel = "116123"\n'
        '[[resources]]\nname = "Emergency"\ncontact = "112"\nhow = "Call"\ntel = "112"\n'
    )
    crisis = load_crisis_resources(path)
    assert crisis.danger_now == "116 123 or 112"
    assert crisis.emergency == "116 123 or 112"


def test_a_site_file_with_kinds_names_its_own_numbers(tmp_path: Path) -> None:
    path = tmp_path / "crisis.toml"
    path.write_text(
        'source = "Our site"\n'
        '[[resources]]\nname = "Line"\ncontact = "116 123"\nhow = "Call"\ntel = "116123"\n'
        'kind = "crisis-line"\n'
        '[[resources]]\nname = "Emergency"\ncontact = "112"\nhow = "Call"\ntel = "112"\n'
        'kind = "emergency"\n'
    )
    crisis = load_crisis_resources(path)
    assert (crisis.danger_now, crisis.emergency) == ("116 123 or 112", "112")


def test_an_unknown_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "crisis.toml"
    path.write_text(
        'source = "Our site"\n'
        '[[resources]]\nname = "Line"\ncontact = "1"\nhow = "Call"\ntel = "1"\nkind = "pager"\n'
    )
    with pytest.raises(ClinicalError) as excinfo:
        load_crisis_resources(path)
    assert excinfo.value.message == (
        f"{path}, resource 1: kind 'pager' is not one of crisis-line, emergency, helpline."
    )
