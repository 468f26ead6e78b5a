"""Benchmark the worklist: a program of N patients (2,000 by default) on one
prescriber's care team, each with an approved taper plan and a year of daily check-ins
and dose logs; some with open alerts, drafts, open proposals, pending co-signatures and
missed entries. Times the worklist read model, the API and the clinic page.

Run: .venv/bin/python bench/bench_worklist.py [--patients N] [--days D]
(DATABASE_URL picks the database; SQLite in a temporary folder by default). Results are
recorded in docs/benchmarks.md ("Worklist"), not asserted in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import time
from decimal import Decimal
from typing import Any

from web_bench import setup_django, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=2000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    setup_django()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from clonacare.accounts.models import Membership, Program, Role
    from clonacare.api.tokens import issue_token
    from clonacare.assessments.models import SafetyAlert
    from clonacare.audit.log import Actor
    from clonacare.monitoring.models import CheckIn, DoseLog, Proposal
    from clonacare.monitoring.worklist import worklist_for
    from clonacare.patients.models import BenzodiazepineUse, CareTeamMember, Patient
    from clonacare.plans.actions import PlanParameters, do_draft_plan
    from clonacare.plans.models import Plan

    call_command("migrate", verbosity=0)
    program = Program.objects.create(name="Bench", slug="bench", require_two_factor=False)
    prescriber = User.objects.create(username="bench.prescriber")
    Membership.objects.create(user=prescriber, program=program, role=Role.PRESCRIBER)
    actor = Actor(prescriber.pk, prescriber.username, Role.PRESCRIBER, program.pk, None, "")
    now = timezone.now()
    today = timezone.localdate(now)
    ciwa_b = {f"ciwab-{i}": 1 for i in range(1, 18)}
    started = time.perf_counter()
    with transaction.atomic():
        patients = Patient.objects.bulk_create(
            Patient(
                program=program,
                given_name=f"P{n}",
                family_name="Bench",
                date_of_birth=dt.date(1980, 1, 1),
            )
            for n in range(args.patients)
        )
        BenzodiazepineUse.objects.bulk_create(
            BenzodiazepineUse(
                patient=p, drug="clonazepam", night_mg=Decimal(1), since=dt.date(2024, 1, 1)
            )
            for p in patients
        )
        CareTeamMember.objects.bulk_create(
            CareTeamMember(patient=p, user=prescriber) for p in patients
        )
        # One plan drafted by the core, copied approved onto every patient (a year ago).
        model = do_draft_plan(
            actor,
            patients[0],
            PlanParameters(method="percent", step=Decimal(10), switch_to="diazepam"),
            now=now,
        )
        approved_at = now - dt.timedelta(days=args.days)
        plans = Plan.objects.bulk_create(
            Plan(
                patient=p,
                status=Plan.Status.APPROVED,
                drug=model.drug,
                parameters=model.parameters,
                plan_json=model.plan_json,
                created_by=prescriber,
                created_at=approved_at,
                approved_by=prescriber,
                approved_at=approved_at,
            )
            for p in patients
        )
        model.delete()
        for n, patient in enumerate(patients):
            # Every 10th patient stopped checking in a week ago; every 25th has an open
            # alert, every 40th a draft and an open proposal.
            last = 7 if n % 10 == 0 else 1
            CheckIn.objects.bulk_create(
                CheckIn(
                    patient=patient,
                    day=today - dt.timedelta(days=d),
                    ciwa_b=ciwa_b,
                    sleep=3,
                    anxiety=3,
                    craving=2,
                    seizure=False,
                    self_harm_thoughts=False,
                    self_reported=True,
                    entered_by=prescriber,
                    entered_at=now - dt.timedelta(days=d),
                    late_entry=False,
                )
                for d in range(last, args.days + 1)
            )
            DoseLog.objects.bulk_create(
                DoseLog(
                    patient=patient,
                    day=today - dt.timedelta(days=d),
                    dose_time=time_of_day,
                    status="missed" if (n % 10 == 5 and d < 4) else "taken",
                    self_reported=True,
                    entered_by=prescriber,
                    entered_at=now - dt.timedelta(days=d),
                    late_entry=False,
                )
                for d in range(1, args.days + 1)
                for time_of_day in ("morning", "night")
            )
            if n % 25 == 0:
                SafetyAlert.objects.create(
                    patient=patient, code="seizure", message="Seizure reported.", raised_at=now
                )
            if n % 40 == 0:
                Plan.objects.create(
                    patient=patient,
                    drug=model.drug,
                    parameters=model.parameters,
                    plan_json=model.plan_json,
                    created_by=prescriber,
                    created_at=now,
                )
                Proposal.objects.create(
                    patient=patient,
                    plan=plans[n],
                    kind="pause",
                    why={"rule": "severe", "text": "Bench.", "check_ins": []},
                    check_in=CheckIn.objects.filter(patient=patient).first(),
                    made_at=now,
                )
    set_up_s = time.perf_counter() - started

    client = Client()
    client.force_login(prescriber)
    _, token = issue_token(prescriber, now=timezone.now())
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    queries: list[str] = []

    def counted(execute: Any, sql: str, *rest: Any) -> Any:
        queries.append(sql)
        return execute(sql, *rest)

    with connection.execute_wrapper(counted):
        listed = worklist_for(actor, timezone.now())
    results = {
        "worklist read model": timed(lambda: worklist_for(actor, timezone.now()), args.repeat),
        "GET /api/v1/worklist": timed(lambda: api.get("/api/v1/worklist"), args.repeat),
        "clinic page /clinic/worklist/": timed(
            lambda: client.get("/clinic/worklist/"), args.repeat
        ),
    }
    print(
        f"Database: {connection.vendor}; Python {platform.python_version()}; "
        f"{os.cpu_count()} CPUs; {timezone.now().date().isoformat()}"
    )
    print(
        f"{args.patients} patients, {CheckIn.objects.count()} check-ins, "
        f"{DoseLog.objects.count()} dose logs (set up in {set_up_s:.0f} s); "
        f"{len(listed)} on the worklist in {len(queries)} queries"
    )
    for name, (median, p95) in results.items():
        print(f"{name}: median {median:.1f} ms, 95th percentile {p95:.1f} ms")


if __name__ == "__main__":
    main()
