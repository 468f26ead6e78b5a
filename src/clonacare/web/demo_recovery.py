"""The recovery record's demo (issue 11, docs/recovery.md): pat.casey at Northgate, a
year and more after a first taper, with a return to use and a second taper.

- A DSM-5 SUD checklist meeting the disorder before the first taper.
- A first taper (the "NICE bands on diazepam" preset, approved by dr.brook) whose first
  day without a benzodiazepine was ``FIRST_STOP_DAYS_AGO`` days ago (about 14 months):
  the 30, 90 and 180 days milestones follow.
- Checklists with craving alone, then none: early remission, as the record judges it.
- A return to use, recorded by dr.brook in plain words; nothing before it is changed.
- A new assessment (a checklist meeting the disorder again) and a second taper plan,
  approved and in progress; a later checklist with craving alone, too recent for
  remission.

Every write goes through the apps' actions. The days are demo values, not clinical ones.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.contrib.auth.models import User

FIRST_STOP_DAYS_AGO = 425
# Days after the first stop (demo values): checklists, the return to use, the new start.
CHECKLISTS_AFTER = ((30, "craving"), (120, "none"), (220, "none"))
RETURN_AFTER = 270
NEW_ASSESSMENT_AFTER = 285
SECOND_PLAN_DAYS_AGO = 21
LATEST_CHECKLIST_DAYS_AGO = 10
# DSM-5 SUD answers, A1 to A11 (0 absent, 1 present).
ANSWERS = {
    "met": "1,1,0,1,0,0,0,0,1,0,0",
    "met-again": "1,0,0,1,0,1,0,0,0,0,0",
    "craving": "0,0,0,1,0,0,0,0,0,0,0",
    "none": "0,0,0,0,0,0,0,0,0,0,0",
}
RETURN_NOTE = "After a bereavement; Casey told us at a phone check-in and would like to try again."


def load_recovery_demo(users: dict[str, User], now: dt.datetime, password: str) -> None:
    """pat.casey's recovery story (the module's docstring), as of ``now``."""
    from clonacare.assessments.actions import do_submit_response
    from clonacare.audit.log import Actor
    from clonacare.core.instruments import answers_from_tokens, instrument
    from clonacare.patients.models import Patient
    from clonacare.plans.actions import do_approve_plan, do_draft_plan
    from clonacare.plans.parameters import PlanParameters
    from clonacare.plans.presets import preset
    from clonacare.plans.preview import preview_plan
    from clonacare.recovery.actions import do_record_return_to_use

    brook = users["dr.brook"]
    patient = Patient.objects.get(user__username="pat.casey")
    actor = Actor(
        brook.pk, brook.username, "prescriber", patient.program_id, "127.0.0.1", "clonacare demo"
    )
    chosen = preset("nice-bands")
    if chosen is None:  # the shipped presets file always has it; a test checks the demo
        raise ValueError("the demo's preset 'nice-bands' is not shipped")
    parameters = PlanParameters(**dict(chosen.parameters))  # type: ignore[arg-type]
    today = now.date()
    length = (
        dt.date.fromisoformat(preview_plan(actor, patient, parameters, today=today)["end_date"])
        - today
    )
    first_stop = now - dt.timedelta(days=FIRST_STOP_DAYS_AGO)
    first_start = first_stop - length
    checklist = instrument("dsm5-sud")

    def rate(kind: str, when: dt.datetime) -> None:
        answers = answers_from_tokens(checklist, ANSWERS[kind].split(","))
        do_submit_response(actor, patient, "dsm5-sud", answers, now=when)

    rate("met", first_start - dt.timedelta(days=10))
    first = do_draft_plan(actor, patient, parameters, now=first_start)
    do_approve_plan(actor, first, password=password, otp=None, now=first_start)
    for after, kind in CHECKLISTS_AFTER:
        rate(kind, first_stop + dt.timedelta(days=after))
    returned = first_stop + dt.timedelta(days=RETURN_AFTER)
    do_record_return_to_use(
        actor,
        patient,
        on=returned.date() - dt.timedelta(days=7),
        drug="clonazepam",
        note=RETURN_NOTE,
        now=returned,
    )
    rate("met-again", first_stop + dt.timedelta(days=NEW_ASSESSMENT_AFTER))
    second_start = now - dt.timedelta(days=SECOND_PLAN_DAYS_AGO)
    second = do_draft_plan(
        actor, patient, dataclasses.replace(parameters, start=None), now=second_start
    )
    do_approve_plan(actor, second, password=password, otp=None, now=second_start)
    rate("craving", now - dt.timedelta(days=LATEST_CHECKLIST_DAYS_AGO))
