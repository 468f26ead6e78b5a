"""The system check on POPULATION_WORK_DIR (docs/configuration.md, "System checks")."""

from __future__ import annotations

from pathlib import Path

from pytest_django.fixtures import Settings as SettingsWrapper

from clonacare.population.checks import check_work_dir


def test_an_empty_setting_uses_the_temporary_folder(settings: SettingsWrapper) -> None:
    settings.POPULATION_WORK_DIR = ""
    assert check_work_dir(None) == []


def test_an_existing_folder_passes(settings: SettingsWrapper, tmp_path: Path) -> None:
    settings.POPULATION_WORK_DIR = str(tmp_path)
    assert check_work_dir(None) == []


def test_a_missing_folder_stops_start_up(settings: SettingsWrapper, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    settings.POPULATION_WORK_DIR = str(missing)
    [error] = check_work_dir(None)
    assert error.id == "clonacare.E005"
    assert error.msg == f"POPULATION_WORK_DIR {missing} is not a folder this process can write to."
