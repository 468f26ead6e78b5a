"""Benchmark the worklist: a program of N patients (2,000 by default) on one
prescriber's care team, each with an approved taper plan and a year of daily check-ins
and dose logs; some with open alerts, drafts, open proposals, pending co-signatures and
missed entries. Times the worklist read model, the API and the clinic page.

Run: .venv/bin/python bench/bench_worklist.py [--patients N] [--days D] [--repeat R]
[--database-url URL] [--reuse] [--profile]
(the database: --database-url, else DATABASE_URL, else SQLite in a temporary folder).
Results are recorded in docs/benchmarks.md ("Worklist"), not asserted in tests.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import os
import platform
import pstats
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from web_bench import setup_django, timed

SLUG = "bench"
# Every LAPSED-th patient stopped checking in LAPSED_DAYS days ago (or on the first day
# of a shorter span); every MISSING-th (another) missed doses in the last 3 days; every
# ALERTED-th has an open alert; every DRAFTED-th a draft and an open proposal. Plans'
# change days are spread over SPREAD_DAYS days, so a few patients change dose today.
LAPSED, LAPSED_DAYS, MISSING, ALERTED, DRAFTED, SPREAD_DAYS = 10, 7, 10, 25, 40, 14


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def populate(patients_n: int, days: int) -> None:
    """Fill an empty, migrated database with the bench program (``SLUG``)."""
    from django.contrib.auth.models import User
    from django.db import transaction
    from django.utils import timezone

    from clonacare.accounts.models import Membership, Program, Role
    from clonacare.assessments.models import SafetyAlert
    from clonacare.audit.log import Actor
    from clonacare.monitoring.models import CheckIn, DoseLog, Proposal
    from clonacare.patients.models import BenzodiazepineUse, CareTeamMember, Patient
    from clonacare.plans.actions import PlanParameters, do_draft_plan
    from clonacare.plans.change_days import change_days
    from clonacare.plans.models import Plan, PlanChangeDay

    program = Program.objects.create(name="Bench", slug=SLUG, require_two_factor=False)
    prescriber = User.objects.create(username="bench.prescriber")
    Membership.objects.create(user=prescriber, program=program, role=Role.PRESCRIBER)
    actor = Actor(prescriber.pk, prescriber.username, Role.PRESCRIBER, program.pk, None, "")
    now = timezone.now()
    today = timezone.localdate(now)
    approved_at = now - dt.timedelta(days=days)
    ciwa_b = {f"ciwab-{i}": 1 for i in range(1, 18)}
    with transaction.atomic():
        patients = Patient.objects.bulk_create(
            Patient(
                program=program,
                given_name=f"P{n}",
                family_name="Bench",
                date_of_birth=dt.date(1980, 1, 1),
            )
            for n in range(patients_n)
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
        # One plan drafted by the core, starting when the plans were approved, copied
        # approved onto every patient.
        model = do_draft_plan(
            actor,
            patients[0],
            PlanParameters(method="percent", step=Decimal(10), switch_to="diazepam"),
            now=approved_at,
        )
        plan_days = change_days(model.plan_json)
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
        for n, (patient, plan) in enumerate(zip(patients, plans, strict=True)):
            shift = dt.timedelta(days=n % SPREAD_DAYS)
            PlanChangeDay.objects.bulk_create(
                PlanChangeDay(plan=plan, patient=patient, on=day + shift) for day in plan_days
            )
            # A lapsed patient's last check-in is LAPSED_DAYS ago, or the first day of
            # a shorter span: every patient has at least one (a proposal needs one).
            last = min(LAPSED_DAYS, days) if n % LAPSED == 0 else 1
            check_ins = CheckIn.objects.bulk_create(
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
                for d in range(last, days + 1)
            )
            DoseLog.objects.bulk_create(
                DoseLog(
                    patient=patient,
                    day=today - dt.timedelta(days=d),
                    dose_time=time_of_day,
                    status="missed" if (n % MISSING == MISSING // 2 and d < 4) else "taken",
                    self_reported=True,
                    entered_by=prescriber,
                    entered_at=now - dt.timedelta(days=d),
                    late_entry=False,
                )
                for d in range(1, days + 1)
                for time_of_day in ("morning", "night")
            )
            if n % ALERTED == 0:
                SafetyAlert.objects.create(
                    patient=patient, code="seizure", message="Seizure reported.", raised_at=now
                )
            if n % DRAFTED == 0:
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
                    plan=plan,
                    kind="pause",
                    why={"rule": "severe", "text": "Bench.", "check_ins": []},
                    check_in=check_ins[0],  # the most recent
                    made_at=now,
                )


def profile(name: str, run: Callable[[], object]) -> None:
    """Print the queries of one run with their times, then its top functions."""
    from django.db import connection

    queries: list[tuple[float, str]] = []

    def timed_query(execute: Any, sql: str, *rest: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, *rest)
        finally:
            queries.append(((time.perf_counter() - start) * 1000, sql))

    profiler = cProfile.Profile()
    with connection.execute_wrapper(timed_query):
        started = time.perf_counter()
        profiler.runcall(run)
        total_ms = (time.perf_counter() - started) * 1000
    print(
        f"\n== {name}: {total_ms:.1f} ms under the profiler, {len(queries)} queries, "
        f"{sum(ms for ms, _ in queries):.1f} ms in them"
    )
    for ms, sql in queries:
        print(f"  {ms:7.1f} ms  {sql[:160]}")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(20)
    stats.sort_stats("tottime").print_stats(20)
    print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=positive, default=2000)
    parser.add_argument("--days", type=positive, default=365)
    parser.add_argument("--repeat", type=positive, default=20)
    parser.add_argument(
        "--database-url", help="the database (an empty one, unless --reuse); wins over DATABASE_URL"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use the bench program a previous run left in the database instead of "
        "making one (with CLONACARE_DATA_DIR or --database-url; made the same day)",
    )
    parser.add_argument("--profile", action="store_true", help="also profile one run of each")
    args = parser.parse_args()

    setup_django(args.database_url)
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from clonacare.accounts.models import Program, Role
    from clonacare.api.tokens import issue_token
    from clonacare.audit.log import Actor
    from clonacare.monitoring.models import CheckIn, DoseLog
    from clonacare.monitoring.worklist import worklist_for

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if args.reuse and Program.objects.filter(slug=SLUG).exists():
        print("Reusing the bench program already in the database.")
    elif Program.objects.filter(slug=SLUG).exists():
        sys.exit("The database already holds a bench program: give an empty one, or --reuse.")
    else:
        populate(args.patients, args.days)
    set_up_s = time.perf_counter() - started
    # What filling the database left behind is not a server's: collect it now, not
    # in the middle of a timed run.
    gc.collect()

    prescriber = User.objects.get(username="bench.prescriber")
    program = Program.objects.get(slug=SLUG)
    actor = Actor(prescriber.pk, prescriber.username, Role.PRESCRIBER, program.pk, None, "")
    client = Client()
    client.force_login(prescriber)
    _, token = issue_token(prescriber, now=timezone.now())
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    page = reverse("clinic:worklist")
    runs: dict[str, Callable[[], object]] = {
        "worklist read model": lambda: worklist_for(actor, timezone.now()),
        "GET /api/v1/worklist": lambda: api.get("/api/v1/worklist"),
        f"clinic page {page}": lambda: client.get(page),
    }
    counts: dict[str, int] = {}
    for name, run in runs.items():
        queries: list[str] = []

        def counted(execute: Any, sql: str, *rest: Any, into: list[str] = queries) -> Any:
            into.append(sql)
            return execute(sql, *rest)

        with connection.execute_wrapper(counted):
            answer = run()
        status = getattr(answer, "status_code", 200)
        if status != 200:
            sys.exit(f"{name} answered {status}, not 200: nothing to time.")
        counts[name] = len(queries)
    listed = worklist_for(actor, timezone.now())
    results = {name: timed(run, args.repeat) for name, run in runs.items()}
    print(
        f"Database: {connection.vendor}; Python {platform.python_version()}; "
        f"{os.cpu_count()} CPUs; {timezone.now().date().isoformat()}"
    )
    print(
        f"{program.patients.count()} patients, {CheckIn.objects.count()} check-ins, "
        f"{DoseLog.objects.count()} dose logs (set up in {set_up_s:.0f} s); "
        f"{len(listed)} on the worklist"
    )
    for name, (median, p95) in results.items():
        print(
            f"{name}: median {median:.1f} ms, 95th percentile {p95:.1f} ms, {counts[name]} queries"
        )
    if args.profile:
        for name, run in runs.items():
            profile(name, run)


if __name__ == "__main__":
    main()
