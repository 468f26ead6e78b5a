"""The mutual-help data file's loader (therapy.mutual_help.load_mutual_help): the
Spanish fields are optional, but one that is present must be text that is not empty,
and a Spanish name must cite where it comes from; each refusal names the file and the
field. A page in Spanish shows a field without Spanish as the English, marked so."""

from __future__ import annotations

from pathlib import Path

import pytest

from clonacare.core.errors import ClinicalError
from clonacare.therapy.mutual_help import DATA_FILE, Shown, load_mutual_help

OPTION = """
[[option]]
id = "a-group"
name = "A Group"
what = "What it is."
find = "How to find it."
source = "Where this comes from."
"""
TOP = """
status = "draft"
notice = "Information, not a referral."
source = "A source."
"""


def planted(tmp_path: Path, top: str = TOP, option: str = OPTION) -> Path:
    path = tmp_path / "mutual_help.toml"
    path.write_text(top + option, encoding="utf-8")
    return path


def test_the_shipped_file_loads_with_its_spanish() -> None:
    found = load_mutual_help(DATA_FILE)
    assert set(found.translations) == {"notice", "status"}
    for option in found.options:
        assert {"what", "find"} <= set(option.translations), option.id
        assert set(option.name_sources) == set(option.translations.get("name", {}))


def test_a_file_without_spanish_shows_the_english_marked_as_such(tmp_path: Path) -> None:
    shown = load_mutual_help(planted(tmp_path)).shown("es")
    assert shown.notice == Shown("Information, not a referral.", "en")
    assert shown.status == Shown("draft", "en")
    assert shown.options[0].what == Shown("What it is.", "en")
    english = load_mutual_help(planted(tmp_path)).shown("en")
    assert english.options[0].name == Shown("A Group")


def test_the_spanish_given_is_shown_in_its_own_language(tmp_path: Path) -> None:
    option = OPTION + 'what_es = "Lo que es."\nname_es = "Un Grupo"\nname_es_source = "Su sitio."\n'
    found = load_mutual_help(planted(tmp_path, TOP + 'status_es = "borrador"\n', option))
    shown = found.shown("es")
    assert shown.status == Shown("borrador")
    assert shown.options[0].what == Shown("Lo que es.")
    assert shown.options[0].name == Shown("Un Grupo")
    assert shown.options[0].find == Shown("How to find it.", "en")
    assert found.shown("en").options[0].what == Shown("What it is.")


@pytest.mark.parametrize(
    ("top", "option", "message"),
    [
        (TOP, OPTION + 'what_es = ""\n', "mutual_help.toml: option 1 needs a text 'what_es'."),
        (TOP, OPTION + 'find_es = "   "\n', "mutual_help.toml: option 1 needs a text 'find_es'."),
        (TOP, OPTION + "what_es = 3\n", "mutual_help.toml: option 1 needs a text 'what_es'."),
        (
            TOP + 'notice_es = ""\n',
            OPTION,
            "mutual_help.toml: the file needs a text 'notice_es'.",
        ),
        (
            TOP + 'status_es = ""\n',
            OPTION,
            "mutual_help.toml: the file needs a text 'status_es'.",
        ),
        (
            TOP,
            OPTION + 'name_es = "Un Grupo"\n',
            "mutual_help.toml: option 1 needs a text 'name_es_source'.",
        ),
        (TOP, OPTION + 'name_es = ""\n', "mutual_help.toml: option 1 needs a text 'name_es'."),
    ],
)
def test_an_empty_spanish_field_is_refused_by_name(
    tmp_path: Path, top: str, option: str, message: str
) -> None:
    with pytest.raises(ClinicalError) as refused:
        load_mutual_help(planted(tmp_path, top, option))
    assert refused.value.code == "data-file"
    assert refused.value.message == message
