"""The population screen's demo (issue 12, docs/population.md, "In the clinic"): one
finished screen at Riverside Recovery of a small synthetic dispensing file (the
generator's made-up people and its planted cases, over the year ending today), and one
invitation to an assessment from it.

Every write goes through the population app's actions, as a page's would: the file is
written to a temporary folder, uploaded to the screen, and deleted.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from django.contrib.auth.models import User

# A small file keeps `clonacare demo` quick: a few hundred fills, a few dozen flagged.
PATIENTS = 200
SEED = 12


def load_population_demo(users: dict[str, User], now: dt.datetime) -> None:
    """dr.avery screens the demo file as of today and invites the first person listed."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from clonacare.accounts.models import Program
    from clonacare.audit.log import Actor
    from clonacare.core.population import (
        Period,
        generate_population,
        load_definitions,
        write_population,
    )
    from clonacare.population.actions import do_invite, do_screen

    avery = users["dr.avery"]
    program = Program.objects.get(slug="riverside")
    program_id = program.pk
    actor = Actor(avery.pk, avery.username, "prescriber", program_id, "127.0.0.1", "clonacare demo")
    definitions = load_definitions()
    period = Period.ending_on(now.date(), definitions.period_days)
    population = generate_population(PATIENTS, SEED, period, definitions)
    with tempfile.TemporaryDirectory(prefix="clonacare-demo-") as folder:
        fills, diagnoses = write_population(population, Path(folder) / "riverside-fills.csv")
        screen = do_screen(
            actor,
            program,
            dispensing=SimpleUploadedFile(fills.name, fills.read_bytes()),
            diagnoses=SimpleUploadedFile(diagnoses.name, diagnoses.read_bytes()),
            period=period,
            now=now,
        )
    first = screen.items[0]["patient_id"]
    do_invite(actor, screen, first, now=now)
