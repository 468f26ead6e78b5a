"""The Spanish catalogue is complete (issue 16): ``makemessages`` over the code, run on a
copy so the test never changes the repository, leaves no string untranslated or fuzzy.

The catalogue holds only what patients and families read: staff pages are not marked
for translation, so every string in it is patient-facing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.conftest import REPO

PACKAGE = REPO / "src" / "clonacare"
CATALOGUE = Path("locale") / "es" / "LC_MESSAGES" / "django.po"


def _extracted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plant: str = "") -> Path:
    """makemessages for Spanish over a copy of the package (with ``plant`` added as a
    template when given), merged into a copy of the committed catalogue; the merged
    catalogue's path."""
    copy = tmp_path / "clonacare"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    if plant:
        (copy / "web" / "templates" / "planted.html").write_text(plant)
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command("makemessages", locale=["es"], no_location=True, verbosity=0)
    return copy / CATALOGUE


def _entries(catalogue: Path, *flags: str) -> list[str]:
    """The msgids msgattrib selects with ``flags``, each joined from its lines (the
    header left out)."""
    out = subprocess.run(
        ["msgattrib", "--no-obsolete", "--no-wrap", *flags, str(catalogue)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [
        line.removeprefix("msgid ")
        for line in out.splitlines()
        if line.startswith("msgid ") and line != 'msgid ""'
    ]


def test_no_patient_facing_string_is_left_untranslated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    merged = _extracted(tmp_path, monkeypatch)
    assert _entries(merged, "--untranslated") == []
    assert _entries(merged, "--only-fuzzy") == []
    assert len(_entries(merged, "--translated")) >= 20


def test_the_check_finds_a_new_string_nobody_translated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plant = '{% load i18n %}<p>{% translate "A sentence added today" %}</p>'
    merged = _extracted(tmp_path, monkeypatch, plant)
    assert _entries(merged, "--untranslated") == ['"A sentence added today"']
