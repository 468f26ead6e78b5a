"""Benchmark the pages a person waits on most: the patient's record (clinic) and their
portal home, for a patient with two years of questionnaires (a PHQ-9 and a GAD-7 every
two weeks), beside the public home page measured in the same run.

Run: .venv/bin/python bench/bench_pages.py [--years Y] [--repeat R] [--database-url URL]
(the database: --database-url, else DATABASE_URL, else SQLite in a temporary folder; it
is migrated and given one program, prescriber and patient). It also counts each page's
queries for the same patient with half the years of results, to show the count does not
grow with the number of responses. Results are recorded in docs/benchmarks.md ("Record
and portal pages"), not asserted in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
from decimal import Decimal

from web_bench import setup_django, timed

SLUG = "bench-pages"
EVERY_WEEKS = 2


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=positive, default=2)
    parser.add_argument("--repeat", type=positive, default=30)
    parser.add_argument(
        "--database-url", help="the database (an empty one); wins over DATABASE_URL"
    )
    args = parser.parse_args()

    setup_django(args.database_url)
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from clonacare.accounts.models import Membership, Program, Role
    from clonacare.assessments.actions import do_submit_response
    from clonacare.audit.log import Actor
    from clonacare.patients.models import BenzodiazepineUse, CareTeamMember, Patient

    call_command("migrate", verbosity=0)
    if Program.objects.filter(slug=SLUG).exists():
        sys.exit("The database already holds the pages bench's program: give an empty one.")
    program = Program.objects.create(name="Bench pages", slug=SLUG, require_two_factor=False)
    prescriber = User.objects.create(username="bench.pages.prescriber")
    Membership.objects.create(user=prescriber, program=program, role=Role.PRESCRIBER)
    actor = Actor(prescriber.pk, prescriber.username, Role.PRESCRIBER, program.pk, None, "")
    now = timezone.now()

    def patient_with_results(name: str, years: int) -> tuple[Patient, User]:
        user = User.objects.create(username=f"bench.pages.{name}")
        Membership.objects.create(user=user, program=program, role=Role.PATIENT)
        patient = Patient.objects.create(
            program=program,
            user=user,
            given_name=name.capitalize(),
            family_name="Bench",
            date_of_birth=dt.date(1980, 1, 1),
        )
        BenzodiazepineUse.objects.create(
            patient=patient, drug="clonazepam", night_mg=Decimal(1), since=dt.date(2024, 1, 1)
        )
        CareTeamMember.objects.create(patient=patient, user=prescriber)
        visits = years * 52 // EVERY_WEEKS
        for n in range(visits):
            when = now - dt.timedelta(weeks=EVERY_WEEKS * (visits - n))
            # Totals drifting down over the years, in every band; item 9 always 0.
            level = 2 - (3 * n) // visits
            phq9 = {f"phq9-{i}": str(max(level - (i + n) % 2, 0)) for i in range(1, 9)}
            phq9["phq9-9"] = "0"
            gad7 = {f"gad7-{i}": str(max(level - (i + n) % 2, 0)) for i in range(1, 8)}
            do_submit_response(actor, patient, "phq9", phq9, now=when)
            do_submit_response(actor, patient, "gad7", gad7, now=when)
        return patient, user

    patient, patient_user = patient_with_results("full", args.years)
    half, half_user = patient_with_results("half", max(args.years // 2, 1))

    staff = Client()
    staff.force_login(prescriber)
    own = Client()
    own.force_login(patient_user)
    own_half = Client()
    own_half.force_login(half_user)
    anonymous = Client()

    def get(client: Client, path: str) -> None:
        response = client.get(path)
        if response.status_code != 200:
            sys.exit(f"{path} answered {response.status_code}, not 200: nothing timed.")

    def queries(client: Client, path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            get(client, path)
        return len(captured)

    record, record_half = f"/clinic/patients/{patient.pk}/", f"/clinic/patients/{half.pk}/"
    measures = {
        "home page /": (lambda: get(anonymous, "/"), queries(anonymous, "/"), None),
        "patient record": (
            lambda: get(staff, record),
            queries(staff, record),
            queries(staff, record_half),
        ),
        "portal home": (
            lambda: get(own, "/portal/"),
            queries(own, "/portal/"),
            queries(own_half, "/portal/"),
        ),
    }
    results = {name: timed(run, args.repeat) for name, (run, _, _) in measures.items()}
    responses = patient.responses.count() if hasattr(patient, "responses") else None
    print(
        f"Database: {connection.vendor}; Python {platform.python_version()}; "
        f"{os.cpu_count()} CPUs; {timezone.now().date().isoformat()}; {args.repeat} runs each"
    )
    print(
        f"patient: {args.years} years of results, a PHQ-9 and a GAD-7 every {EVERY_WEEKS} "
        f"weeks{'' if responses is None else f' ({responses} responses)'}"
    )
    home = results["home page /"][0]
    for name, (median, p95) in results.items():
        _, count, count_half = measures[name]
        grows = "" if count_half is None else f" (half the results: {count_half})"
        print(
            f"{name}: median {median:.1f} ms, 95th percentile {p95:.1f} ms, "
            f"{median / home:.1f} x the home page, {count} queries{grows}"
        )


if __name__ == "__main__":
    main()
