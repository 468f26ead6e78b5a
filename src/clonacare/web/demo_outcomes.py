"""Demo data for the program's outcomes (issue 11, docs/outcomes.md): twelve past
Riverside patients, under a prescriber of their own (dr.ellis) so the other demo care
teams' worklists and caseloads stay as they were, each with a taper that ended before
today: eleven stopped the benzodiazepine (three after a pause), one stayed on a lower
dose; with PHQ-9 and GAD-7 totals before and after, and the sleep module completed.

Everything is written through the apps' own actions (so audited, as the rest of the
demo), at the past times it happened. Approving a plan asks for the prescriber's
password again (an Argon2 check, slow on purpose): the twelve approvals are most of the
time this part adds to ``clonacare demo`` (about 3 s on a small machine), which is why
the cohort is no larger. With pat.alex and pat.blair (each on a plan that started 17
days ago, with their questionnaires and modules), some figures show and others are
withheld by the small-cell rule, as on a real program's page: "started" (14),
"finished" (11), the median taper length and GAD-7 response (14 of 14) show; the
lower-dose (1), pause (3), PHQ-9 remission (10 of 14), GAD-7 remission (8 of 14) and
group attendance figures rest on fewer than 11 patients; PHQ-9 response (13 of 14) and
module completion (12 of 14) are withheld because the rest could be worked out by
subtraction.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User

# given, family, first day (days ago), the diazepam dose kept on (None: stops the drug),
# pause (days into the plan, or None), PHQ-9 (first, latest), GAD-7 (first, latest),
# sleep module completed.
Past = tuple[str, str, int, int | None, int | None, tuple[int, int], tuple[int, int], bool]
COHORT: tuple[Past, ...] = (
    ("Noor", "Haddad", 380, None, 60, (12, 3), (9, 4), True),
    ("Tomasz", "Wójcik", 410, None, None, (10, 4), (8, 3), True),
    ("Grace", "Mensah", 440, None, None, (14, 6), (11, 5), True),
    ("Ivan", "Petrov", 470, None, 90, (11, 2), (10, 4), True),
    ("Lucia", "Romero", 500, None, None, (13, 4), (12, 6), True),
    ("Kenji", "Sato", 530, None, None, (12, 6), (9, 4), True),
    ("Amara", "Eze", 560, None, None, (10, 3), (8, 2), True),
    ("Sven", "Larsen", 590, None, 120, (11, 4), (10, 5), True),
    ("Priya", "Nair", 620, None, None, (12, 6), (11, 5), True),
    ("Owen", "Hughes", 650, None, None, (13, 2), (12, 6), True),
    ("Fatima", "Qureshi", 690, None, None, (14, 4), (10, 4), True),
    ("Diego", "Alves", 200, 10, None, (12, 4), (9, 3), True),
)
PRESCRIBER = ("dr.ellis", "Jamie", "Ellis")
# Answers that add up to a total: 3 points an item, item 9 of the PHQ-9 (thoughts of
# self-harm) always 0, so no demo score raises a safety alert.
SCORED_ITEMS = {"phq9": 8, "gad7": 7}
ITEMS = {"phq9": 9, "gad7": 7}


def _tokens(instrument_id: str, total: int) -> list[str]:
    tokens: list[str] = []
    for _ in range(ITEMS[instrument_id]):
        point = min(3, total) if len(tokens) < SCORED_ITEMS[instrument_id] else 0
        tokens.append(str(point))
        total -= point
    return tokens


def load_outcomes_demo(program: Any, now: dt.datetime, password: str) -> None:
    """The cohort of ``program`` (Riverside) as of ``now``; ``password`` is the demo's."""
    from clonacare.accounts.models import Membership
    from clonacare.assessments.actions import do_submit_response
    from clonacare.audit.log import Actor
    from clonacare.core.instruments import answers_from_tokens, instrument
    from clonacare.patients.models import BenzodiazepineUse, CareTeamMember, Patient
    from clonacare.plans.actions import do_approve_plan, do_draft_plan, do_revise_plan
    from clonacare.plans.parameters import PlanParameters
    from clonacare.therapy.actions import do_assign_module, do_complete_section
    from clonacare.therapy.models import ModuleAssignment
    from clonacare.web.demo import demo_email

    username, first, last = PRESCRIBER
    prescriber = User.objects.create_user(
        username,
        email=demo_email(username, program.slug),
        password=password,
        first_name=first,
        last_name=last,
    )
    Membership.objects.create(user=prescriber, role="prescriber", program=program)
    actor = Actor(prescriber.pk, username, "prescriber", program.pk, "127.0.0.1", "clonacare demo")
    sleep_sections = [s.id for s in _sleep_module().sections]
    for index, (given, family, started, kept_on, pause_on, phq9, gad7, module) in enumerate(COHORT):
        day_one = now - dt.timedelta(days=started)
        patient = Patient.objects.create(
            program=program,
            given_name=given,
            family_name=family,
            date_of_birth=dt.date(1960 + index * 2, 1 + index % 12, 10),
            status=Patient.Status.MAINTENANCE if kept_on else Patient.Status.RECOVERY,
        )
        BenzodiazepineUse.objects.create(
            patient=patient,
            drug="clonazepam",
            morning_mg=Decimal("0.5"),
            night_mg=Decimal("1"),
            since=day_one.date() - dt.timedelta(days=900),
            prescriber_name=f"Dr. {last}",
        )
        CareTeamMember.objects.create(patient=patient, user=prescriber)
        parameters = PlanParameters(
            method="bands",
            switch_to="diazepam",
            end_dose=Decimal(kept_on) if kept_on is not None else None,
        )
        plan = do_draft_plan(actor, patient, parameters, now=day_one)
        plan = do_approve_plan(actor, plan, password=password, otp=None, now=day_one)
        if pause_on is not None:
            paused = day_one + dt.timedelta(days=pause_on)
            do_revise_plan(
                actor,
                plan,
                "pause",
                reason="Sleep worsened after the last cut; hold the dose two weeks.",
                effective=paused.date(),
                now=paused,
                days=14,
            )
        for instrument_id, (before, after) in (("phq9", phq9), ("gad7", gad7)):
            definition = instrument(instrument_id)
            for when, total in ((day_one, before), (day_one + dt.timedelta(days=330), after)):
                do_submit_response(
                    actor,
                    patient,
                    instrument_id,
                    answers_from_tokens(definition, _tokens(instrument_id, total)),
                    now=min(when, now),
                )
        if module:
            assigned = day_one + dt.timedelta(days=14)
            assignment: ModuleAssignment = do_assign_module(
                actor, patient, module="sleep", now=assigned
            )
            for day, section in enumerate(sleep_sections, start=1):
                assignment = do_complete_section(
                    actor, assignment, section=section, now=assigned + dt.timedelta(days=day)
                )


def _sleep_module() -> Any:
    from clonacare.therapy.content import module_by_slug

    found = module_by_slug("sleep")
    if found is None:  # the shipped content always has it; a test loads the demo
        raise ValueError("the demo's CBT module 'sleep' is not shipped")
    return found
