"""Benchmark the web app's hot reads: article search and the caseload page.

Run: .venv/bin/python bench/bench_web.py [--patients N]   (DATABASE_URL picks the database;
SQLite in a temporary folder by default). Results are recorded in docs/benchmarks.md
("Web"), not asserted in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
from decimal import Decimal

from web_bench import setup_django, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    setup_django()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from clonacare.accounts.models import Membership, Program, Role
    from clonacare.assessments.actions import do_submit_response
    from clonacare.audit.log import Actor
    from clonacare.education.index import search
    from clonacare.patients.models import BenzodiazepineUse, CareTeamMember, Patient

    call_command("migrate", verbosity=0)
    program = Program.objects.create(name="Bench", slug="bench", require_two_factor=False)
    prescriber = User.objects.create(username="bench.prescriber")
    Membership.objects.create(user=prescriber, program=program, role=Role.PRESCRIBER)
    actor = Actor(prescriber.pk, prescriber.username, Role.PRESCRIBER, program.pk, None, "")
    now = timezone.now()
    for n in range(args.patients):
        patient = Patient.objects.create(
            program=program,
            given_name=f"P{n}",
            family_name="Bench",
            date_of_birth=dt.date(1980, 1, 1),
        )
        BenzodiazepineUse.objects.create(
            patient=patient, drug="clonazepam", night_mg=Decimal(1), since=dt.date(2024, 1, 1)
        )
        CareTeamMember.objects.create(patient=patient, user=prescriber)
        for weeks in (8, 4, 0):
            answers = {f"phq9-{i}": str((n + i + weeks) % 3) for i in range(1, 10)}
            do_submit_response(actor, patient, "phq9", answers, now=now - dt.timedelta(weeks=weeks))

    client = Client()
    client.force_login(prescriber)
    results = {
        "search 'withdrawal seizures'": timed(lambda: search("withdrawal seizures"), args.repeat),
        "search 'benzo' (prefix)": timed(lambda: search("benzo"), args.repeat),
        f"caseload page, {args.patients} patients": timed(
            lambda: client.get("/clinic/caseload/"), max(5, args.repeat // 5)
        ),
    }
    print(
        f"Database: {connection.vendor}; Python {platform.python_version()}; "
        f"{os.cpu_count()} CPUs; {timezone.now().date().isoformat()}"
    )
    for name, (median, p95) in results.items():
        print(f"{name}: median {median:.1f} ms, 95th percentile {p95:.1f} ms")


if __name__ == "__main__":
    main()
