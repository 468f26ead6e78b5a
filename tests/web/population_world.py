"""Dispensing files for the population screen's web tests: synthetic people with the
generator's planted cases (docs/population.md, "Generator"), written as the tests need."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from clonacare.core.population import Period, generate_population, load_definitions
from clonacare.core.population import write_population as write

AS_OF = dt.date(2026, 12, 31)


def dispensing_files(
    folder: Path, *, patients: int = 12, suffix: str = ".csv"
) -> tuple[Path, Path]:
    """A dispensing file and its diagnoses in ``folder``: ``patients`` made-up people and
    the planted ones, over the 365 days ending on AS_OF."""
    definitions = load_definitions()
    period = Period.ending_on(AS_OF, definitions.period_days)
    population = generate_population(patients, 7, period, definitions)
    return write(population, folder / f"fills{suffix}")


def upload(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes())
