"""Benchmark the plan preview of the clinic's draft page: for each shipped preset and a
switch to diazepam, the preview itself (``plans.preview.preview_plan``: the record's
regimen resolved and the taper core's plan in the JSON contract), the chart of it
(``plans.charts.plan_chart_data_uri``, SVG written as text) and the whole page POST ("Preview",
with the schedule, the chart and the form) through Django's test client.

Run: .venv/bin/python bench/bench_plan_preview.py [--repeat R] [--database-url URL]
(the database: --database-url, else DATABASE_URL, else SQLite in a temporary folder; it
is migrated and given one program, prescriber and patient). Results are recorded in
docs/benchmarks.md ("Plan preview"), not asserted in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import platform
import sys
from decimal import Decimal
from typing import Any

from web_bench import median_p95, samples_ms, setup_django

SLUG = "bench-preview"
# The patient's regimen: clonazepam 0.5 mg in the morning and 1 mg at night (the
# README's example and the test personas').
MORNING_MG, NIGHT_MG = Decimal("0.5"), Decimal(1)
# Not a preset: the "standard" cut with "Switch to diazepam" ticked.
SWITCH = {"method": "percent", "step": "10", "interval": "14", "switch_to_diazepam": "on"}


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=positive, default=50)
    parser.add_argument(
        "--database-url", help="the database (an empty one); wins over DATABASE_URL"
    )
    args = parser.parse_args()

    setup_django(args.database_url)
    # A refused preview is answered 422 on purpose: not worth a log line per run.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from clonacare.accounts.models import Membership, Program, Role
    from clonacare.audit.log import Actor
    from clonacare.clinic.plan_forms import TERM_LABELS, PlanForm, preset_data
    from clonacare.core.errors import ClinicalError
    from clonacare.patients.models import BenzodiazepineUse, CareTeamMember, Patient
    from clonacare.plans.charts import plan_chart_data_uri
    from clonacare.plans.presets import presets
    from clonacare.plans.preview import preview_plan

    call_command("migrate", verbosity=0)
    if Program.objects.filter(slug=SLUG).exists():
        sys.exit("The database already holds the preview bench's program: give an empty one.")
    program = Program.objects.create(name="Bench preview", slug=SLUG, require_two_factor=False)
    prescriber = User.objects.create(username="bench.preview.prescriber")
    Membership.objects.create(user=prescriber, program=program, role=Role.PRESCRIBER)
    actor = Actor(prescriber.pk, prescriber.username, Role.PRESCRIBER, program.pk, None, "")
    patient = Patient.objects.create(
        program=program,
        given_name="Preview",
        family_name="Bench",
        date_of_birth=dt.date(1980, 1, 1),
    )
    BenzodiazepineUse.objects.create(
        patient=patient,
        drug="clonazepam",
        morning_mg=MORNING_MG,
        night_mg=NIGHT_MG,
        since=dt.date(2024, 1, 1),
    )
    CareTeamMember.objects.create(patient=patient, user=prescriber)
    client = Client()
    client.force_login(prescriber)
    page = reverse("clinic:plan-new", kwargs={"patient_id": patient.pk})

    cases: dict[str, dict[str, Any]] = {p.id: preset_data(p, {}) for p in presets()}
    cases["switch to diazepam"] = SWITCH
    print(
        f"Database: {connection.vendor}; Python {platform.python_version()}; "
        f"{os.cpu_count()} CPUs; {timezone.now().date().isoformat()}; {args.repeat} runs each"
    )
    print(
        "case | steps or refusal | preview median / p95 | chart median / p95 | "
        "page POST median / p95 | page queries"
    )
    for name, data in cases.items():
        form = PlanForm(data)
        if not form.is_valid():
            sys.exit(f"{name}: the form refuses its data: {form.errors.as_text()}")
        parameters = form.parameters()
        today = timezone.now().date()

        def preview(parameters: Any = parameters, today: dt.date = today) -> Any:
            try:
                return preview_plan(actor, patient, parameters, today=today, names=TERM_LABELS)
            except ClinicalError as exc:
                return exc

        result = preview()
        if isinstance(result, ClinicalError):
            outcome = f"refused ({result.code})"
            chart_ms = "–"
        else:
            outcome = f"{len(result['steps'])} steps"
            chart = median_p95(samples_ms(lambda r=result: plan_chart_data_uri(r), args.repeat))
            chart_ms = f"{chart[0]:.1f} / {chart[1]:.1f} ms"
        preview_ms = median_p95(samples_ms(preview, args.repeat))
        posted = data | {"action": "preview"}
        queries: list[str] = []

        def counted(execute: Any, sql: str, *rest: Any, into: list[str] = queries) -> Any:
            into.append(sql)
            return execute(sql, *rest)

        with connection.execute_wrapper(counted):
            answer = client.post(page, posted)
        expected = 200 if not isinstance(result, ClinicalError) else result.kind.status
        if answer.status_code != expected:
            sys.exit(f"{name}: the page answered {answer.status_code}, not {expected}.")
        page_ms = median_p95(samples_ms(lambda p=posted: client.post(page, p), args.repeat))
        print(
            f"{name} | {outcome} | {preview_ms[0]:.1f} / {preview_ms[1]:.1f} ms | {chart_ms} | "
            f"{page_ms[0]:.1f} / {page_ms[1]:.1f} ms | {len(queries)}"
        )


if __name__ == "__main__":
    main()
