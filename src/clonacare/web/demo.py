"""Demo data for the Quick start (`clonacare demo`): two programs, their people, and
patients with a few months of history. For demonstration only: every password is
DEMO_PASSWORD and two-factor sign-in is off for every demo account."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from clonacare.web.demo_outcomes import load_outcomes_demo
from clonacare.web.demo_part2 import load_part2_demo
from clonacare.web.demo_population import load_population_demo
from clonacare.web.demo_recovery import load_recovery_demo

DEMO_PASSWORD = "clonacare-demo"  # noqa: S105  (published in the README, demo only)
# Email addresses under .example (reserved, RFC 2606: never delivered anywhere), so a
# demo alert shows its mails on the console without reaching anyone.
ON_CALL = {"riverside": "on-call@riverside.example", "northgate": "on-call@northgate.example"}


def demo_email(username: str, program: str | None) -> str:
    """``dr.avery@riverside.example``; the site admin's at ``clonacare.example``."""
    return f"{username}@{program or 'clonacare'}.example"


STAFF = [
    # username, first, last, role, program slug
    ("dr.avery", "Jordan", "Avery", "prescriber", "riverside"),
    ("nurse.kim", "Sam", "Kim", "nurse", "riverside"),
    ("counsel.lee", "Robin", "Lee", "counsellor", "riverside"),
    ("admin.riverside", "Pat", "Reyes", "program_admin", "riverside"),
    ("dr.brook", "Morgan", "Brook", "prescriber", "northgate"),
    ("admin", "Site", "Admin", "site_admin", None),
]
PATIENTS = [
    # username, first, last, born, program, care team, daily doses (morning, night) mg
    (
        "pat.alex",
        "Alex",
        "Morgan",
        dt.date(1982, 5, 14),
        "riverside",
        ("dr.avery", "nurse.kim", "counsel.lee"),
        ("0.5", "1"),
    ),
    (
        "pat.blair",
        "Blair",
        "Okafor",
        dt.date(1958, 9, 2),
        "riverside",
        ("dr.avery", "nurse.kim"),
        ("0", "1"),
    ),
    (
        "pat.casey",
        "Casey",
        "Lindqvist",
        dt.date(1990, 1, 23),
        "northgate",
        ("dr.brook",),
        ("0.5", "0.5"),
    ),
]
# PHQ-9 answers every four weeks for the last months, oldest first, per patient: a
# patient whose mood improves over the taper, one who stays mild, one with a bad week.
PHQ9_HISTORY = {
    "pat.alex": [
        "2,2,2,1,1,1,2,1,0",
        "2,1,2,1,1,1,1,1,0",
        "1,1,1,1,1,0,1,1,0",
        "1,1,1,0,1,0,1,0,0",
    ],
    "pat.blair": ["1,1,2,1,0,0,1,0,0", "1,1,1,1,0,0,1,0,0", "1,0,1,1,0,0,1,0,0"],
    "pat.casey": ["1,1,1,1,1,1,1,1,0", "2,2,2,2,1,1,1,1,1"],
}
GAD7_HISTORY = {
    "pat.alex": ["2,2,2,1,1,2,1", "2,1,2,1,1,1,1", "1,1,1,1,1,1,1", "1,1,1,0,0,1,1"],
    "pat.blair": ["1,1,1,1,0,1,1", "1,1,1,0,0,1,1", "1,1,0,0,0,1,0"],
    "pat.casey": ["1,1,1,1,1,1,1", "2,1,2,1,1,2,1"],
}


def load_demo_data() -> Iterator[str]:
    """Load (or refresh) the demo data, yielding one line of progress per part."""
    from clonacare.education.index import rebuild_search_index

    count = rebuild_search_index()
    yield f"Education: {count} articles indexed for search."
    from clonacare.accounts.models import Program

    if Program.objects.filter(slug="riverside").exists():
        filled = _fill_missing_addresses()
        yield "Demo programs already exist; left as they are."
        if filled:
            yield (
                f"Filled {filled} missing demo email address{'es' if filled > 1 else ''} "
                "(demo data made before alerts and check-in reminders were emailed), so "
                "safety alerts reach the demo care teams and on-call addresses, and "
                "check-in reminders the demo patients."
            )
        return
    with transaction.atomic():
        _create()
    yield "Demo programs: Riverside Recovery and Northgate Clinic (two-factor off)."
    yield (
        "Demo staff and patients have email addresses such as dr.avery@riverside.example "
        "and pat.alex@riverside.example; the on-call "
        "addresses are on-call@riverside.example and on-call@northgate.example. "
        "With the console email backend, each safety alert and check-in reminder mail is "
        "printed in the output of the command that sent it (this one, then clonacare serve)."
    )
    yield (
        "Demo taper plans: pat.alex in the third week of an approved plan, with dose logs "
        "and check-ins; pat.blair with a proposal to pause awaiting a decision and a new "
        "draft awaiting approval (see the worklist, /clinic/)."
    )
    yield (
        "Demo CBT modules: pat.alex has two in progress (sleep, thought records) from "
        "counsel.lee, with a week of sleep diary and a thought record."
    )
    yield (
        "Demo support group: 'Tapering together' at Riverside, facilitated by counsel.lee, "
        "with pat.alex and pat.blair and the register of its last three sessions."
    )
    yield (
        "Demo outcomes: twelve past Riverside patients of dr.ellis with finished tapers; "
        "see Program outcomes from the caseload (some figures withheld, fewer than 11)."
    )
    yield (
        "Demo sign-ins (password for all: clonacare-demo): dr.avery, nurse.kim, counsel.lee, "
        "admin.riverside, dr.ellis, pat.alex, pat.blair, dr.brook, pat.casey, admin."
    )


def _fill_missing_addresses() -> int:
    """Give demo staff, demo patients and demo programs that have no email address (a
    data directory from before alerts or reminders were emailed) the addresses a fresh
    demo has; never overwrite one
    that is set. Returns how many were filled."""
    from clonacare.accounts.models import Membership, Program

    filled = 0
    with transaction.atomic():
        for slug, address in ON_CALL.items():
            filled += Program.objects.filter(slug=slug, on_call_email="").update(
                on_call_email=address
            )
        people = [(username, program) for username, *_, program in STAFF]
        people += [(username, program) for username, _, _, _, program, *_ in PATIENTS]
        for username, program in people:
            user = User.objects.filter(username=username, email="").first()
            if user is None:
                continue
            where = {"program__slug": program} if program else {"program__isnull": True}
            if Membership.objects.filter(user=user, **where).exists():  # the demo's account
                user.email = demo_email(username, program)
                user.save(update_fields=["email"])
                filled += 1
    return filled


def _create() -> None:
    from clonacare.accounts.models import Membership, Program, SiteConfiguration
    from clonacare.assessments.actions import do_record_level_of_care, do_submit_response
    from clonacare.audit.log import Actor
    from clonacare.core.instruments import answers_from_tokens, instrument
    from clonacare.patients.models import (
        BenzodiazepineUse,
        CareTeamMember,
        Condition,
        Consent,
        Medication,
        Patient,
    )

    SiteConfiguration.objects.update_or_create(pk=1, defaults={"site_admin_two_factor": False})
    programs = {
        "riverside": Program.objects.create(
            name="Riverside Recovery",
            slug="riverside",
            require_two_factor=False,
            on_call_email=ON_CALL["riverside"],
        ),
        "northgate": Program.objects.create(
            name="Northgate Clinic",
            slug="northgate",
            require_two_factor=False,
            on_call_email=ON_CALL["northgate"],
        ),
    }
    users: dict[str, User] = {}
    for username, first, last, role, program in STAFF:
        user = User.objects.create_user(
            username,
            email=demo_email(username, program),
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
        )
        Membership.objects.create(
            user=user, role=role, program=programs[program] if program else None
        )
        users[username] = user

    now = timezone.now()
    today = now.date()
    for username, first, last, born, program, team, (morning, night) in PATIENTS:
        user = User.objects.create_user(
            username,
            email=demo_email(username, program),  # check-in reminders, on the console
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
        )
        Membership.objects.create(user=user, role="patient", program=programs[program])
        patient = Patient.objects.create(
            program=programs[program],
            user=user,
            given_name=first,
            family_name=last,
            date_of_birth=born,
            status=Patient.Status.TAPERING,
        )
        BenzodiazepineUse.objects.create(
            patient=patient,
            drug="clonazepam",
            morning_mg=Decimal(morning),
            night_mg=Decimal(night),
            since=today - dt.timedelta(days=700),
            prescriber_name=f"Dr. {users[team[0]].last_name}",
        )
        for member in team:
            CareTeamMember.objects.create(patient=patient, user=users[member])
        Condition.objects.create(
            patient=patient, name="Panic disorder", noted_on=today - dt.timedelta(days=900)
        )
        Medication.objects.create(
            patient=patient, name="Sertraline", dose="100 mg daily", reason="panic disorder"
        )
        Consent.objects.create(
            patient=patient,
            disclosing_program=programs[program],
            recipient="Dr. Taylor, primary care physician",
            purpose="coordination of care",
            information="Taper plan, current dose and assessment results",
            expires_on=today + dt.timedelta(days=365),
            signed_by=f"{first} {last}",
            signed_on=today - dt.timedelta(days=100),
            created_by=users[team[0]],
        )
        clinician = users[team[0]]
        clinician_actor = Actor(
            clinician.pk,
            clinician.username,
            "prescriber",
            programs[program].pk,
            "127.0.0.1",
            "clonacare demo",
        )
        patient_actor = Actor(
            user.pk, user.username, "patient", programs[program].pk, "127.0.0.1", "clonacare demo"
        )
        for history, instrument_id in ((PHQ9_HISTORY, "phq9"), (GAD7_HISTORY, "gad7")):
            answers_list = history[username]
            for index, answers in enumerate(answers_list):
                when = now - dt.timedelta(days=28 * (len(answers_list) - index) - 3)
                definition = instrument(instrument_id)
                do_submit_response(
                    patient_actor,
                    patient,
                    instrument_id,
                    answers_from_tokens(definition, answers.split(",")),
                    now=when,
                )
        do_submit_response(
            patient_actor,
            patient,
            "asq",
            answers_from_tokens(instrument("asq"), ["no", "no", "no", "no"]),
            now=now - dt.timedelta(days=20),
        )
        do_record_level_of_care(
            clinician_actor,
            patient,
            {
                "drug": "clonazepam",
                "daily_dose_mg": Decimal(morning) + Decimal(night),
                "days_per_week": 7,
                "duration_months": 23,
                "indication": "panic disorder",
                "age": patient.age_on(today),
                "pregnant": False,
                "history_withdrawal_seizure": False,
                "history_withdrawal_delirium": False,
                "alcohol_use_disorder": False,
                "opioid_use": False,
                "other_sedatives": False,
                "suicide_screen": "negative",
                "unstable_medical": False,
                "unstable_psychiatric": False,
                "previous_failed_tapers": 0,
                "support_at_home": True,
            },
            equivalence="ashton",
            now=now - dt.timedelta(days=60),
        )
        if username in DEMO_PLANS:
            times = tuple(t for t, mg in (("morning", morning), ("night", night)) if mg != "0")
            _plan_and_monitoring(clinician_actor, patient_actor, patient, username, times, now)
        if username == "pat.blair":
            # Issue 11: an opioid for pain, started after the level-of-care assessment,
            # recorded as a known drug so the record and the API show its flag with the
            # benzodiazepine (docs/records.md, "Medications and interaction flags").
            from clonacare.patients.actions import MedicationEntry, do_add_medication

            do_add_medication(
                clinician_actor,
                patient,
                MedicationEntry(
                    "Oxycodone",
                    dose="5 mg twice daily",
                    reason="lower back pain",
                    started_on=today - dt.timedelta(days=30),
                    drug="oxycodone",
                ),
                now=now,
            )
        if username == "pat.alex":
            counsellor = users["counsel.lee"]
            counsellor_actor = Actor(
                counsellor.pk,
                counsellor.username,
                "counsellor",
                programs[program].pk,
                "127.0.0.1",
                "clonacare demo",
            )
            _cbt_modules(counsellor_actor, patient_actor, patient, now)
            # pat.alex's safety plan (issue 11), written with counsel.lee at a session
            # ten days ago, through the therapy app's action (docs/safety-plan.md).
            from clonacare.therapy.actions import do_save_safety_plan

            do_save_safety_plan(
                counsellor_actor,
                patient,
                content={
                    "warning-signs": [
                        "Awake after 3 am with my heart racing",
                        "Thinking everyone would be better off without me",
                        "Staying in and not answering messages",
                    ],
                    "coping-on-my-own": [
                        "Slow breathing from the anxiety module, ten rounds",
                        "A walk round the block, whatever the weather",
                        "A playlist of songs from college",
                    ],
                    "distraction": ["The climbing gym on Elm Street", "Coffee with Sam"],
                    "people-to-ask": [
                        {"name": "My brother Chris", "reach": "Text or call, any hour"},
                        {"name": "Sam (neighbour)", "reach": "Flat 4, or by text"},
                    ],
                    "professionals": [
                        {"name": "Robin Lee, counsellor", "reach": "Riverside desk, weekdays"},
                        {"name": "Dr. Avery, prescriber", "reach": "Riverside desk, weekdays"},
                    ],
                    "safer-surroundings": [
                        "Chris keeps the tablets beyond this week's and brings them on Sundays"
                    ],
                    "reasons-for-living": ["My niece's birthday in spring"],
                },
                now=now - dt.timedelta(days=10),
            )
            # Issue 11: a counselling session with counsel.lee ten days ago, attended, with
            # lee's SUD counselling note, and the next one booked (docs/counselling.md). No
            # demo consent includes counselling notes: only lee reads the note.
            from clonacare.therapy.sessions import (
                do_record_session_outcome,
                do_schedule_session,
                do_write_session_note,
            )

            held = (now - dt.timedelta(days=10)).replace(hour=15, minute=0, second=0, microsecond=0)
            held_session = do_schedule_session(
                counsellor_actor,
                patient,
                kind="individual",
                scheduled_at=held,
                duration_minutes=50,
                counsellor_id=None,
                now=held - dt.timedelta(days=7),
            )
            after = held + dt.timedelta(minutes=55)
            do_record_session_outcome(
                counsellor_actor, held_session, outcome="attended", reason="", now=after
            )
            do_write_session_note(
                counsellor_actor,
                held_session,
                text="Went through the warning signs for the safety plan; nights are the "
                "hardest stretch. Next time: the wind-down routine.",
                now=after,
            )
            do_schedule_session(
                counsellor_actor,
                patient,
                kind="individual",
                scheduled_at=held + dt.timedelta(days=14),
                duration_minutes=50,
                counsellor_id=None,
                now=after,
            )
    _support_group(users, programs["riverside"], now)
    load_recovery_demo(users, now, DEMO_PASSWORD)  # pat.casey's recovery record
    load_outcomes_demo(programs["riverside"], now, DEMO_PASSWORD)  # docs/outcomes.md
    load_part2_demo(users, now)  # pat.alex's TPO consent and disclosures, docs/part2.md
    load_population_demo(users, now)  # a population screen and an invitation


def _support_group(users: dict[str, User], program: Any, now: dt.datetime) -> None:
    """Riverside's group "Tapering together" (issue 11, docs/groups.md), started by
    counsel.lee 40 days ago and facilitated by them, with pat.alex and pat.blair
    enrolled (each from the portal) and the register of its last three weekly
    sessions, all through the group actions. The schedule, place and places are our
    own demo values."""
    from clonacare.audit.log import Actor
    from clonacare.patients.models import Patient
    from clonacare.therapy.group_actions import do_create_group, do_enrol, do_record_attendance

    lee = users["counsel.lee"]
    counsellor = Actor(
        lee.pk, lee.username, "counsellor", program.pk, "127.0.0.1", "clonacare demo"
    )
    started = now - dt.timedelta(days=40)
    group = do_create_group(
        counsellor,
        program.pk,
        name="Tapering together",
        description="A weekly circle for people reducing a benzodiazepine: how the week "
        "went, what helped, and what is coming up. Not a place for dose advice.",
        schedule="Thursdays, 6 to 7:15 pm",
        weekday=3,
        starts_at=dt.time(18, 0),
        facilitator=lee.username,
        place="Riverside Recovery, group room 2",
        capacity=8,
        now=started,
    )
    patients = {
        username: Patient.objects.get(user__username=username)
        for username in ("pat.alex", "pat.blair")
    }
    for username in ("pat.alex", "pat.blair"):  # each joined from the portal
        user_id = patients[username].user_id
        own = Actor(user_id, username, "patient", program.pk, "127.0.0.1", "clonacare demo")
        do_enrol(own, patients[username], group, now=started + dt.timedelta(days=1))
    alex, blair = patients["pat.alex"].pk, patients["pat.blair"].pk
    last = now.date() - dt.timedelta(days=(now.date().weekday() - 3) % 7 or 7)
    registers = (
        {alex: "attended", blair: "attended"},
        {alex: "attended", blair: "excused"},
        {alex: "absent", blair: "attended"},
    )
    for weeks_back, marks in zip((2, 1, 0), registers, strict=True):
        day = last - dt.timedelta(weeks=weeks_back)
        do_record_attendance(
            counsellor,
            group,
            day=day,
            held=True,
            marks=marks,
            now=dt.datetime.combine(day, dt.time(19, 30), tzinfo=dt.UTC),
        )


# pat.alex's CBT modules (issue 11): two in progress, assigned by counsel.lee 12 days ago,
# with the first sections read, a week of sleep diary and one thought record, and a
# comment from the counsellor. Our own demo values, not clinical figures.
DEMO_MODULES = ("sleep", "thought-records")
DEMO_SLEEP = (  # bed, lights out, minutes to fall asleep, wakings, minutes awake, up, rating
    ("22:30", "23:00", 60, 3, 70, "06:10", "06:40", 2),
    ("22:45", "23:00", 45, 2, 50, "06:20", "06:45", 2),
    ("23:00", "23:15", 40, 2, 40, "06:30", "06:50", 3),
    ("22:50", "23:00", 30, 1, 30, "06:30", "06:45", 3),
    ("23:00", "23:10", 35, 2, 25, "06:40", "07:00", 3),
    ("22:40", "23:00", 25, 1, 20, "06:30", "06:40", 4),
    ("22:45", "23:00", 20, 1, 15, "06:30", "06:45", 4),
)


def _cbt_modules(counsellor: Any, patient_actor: Any, patient: Any, now: dt.datetime) -> None:
    """Two modules in progress for pat.alex, through the therapy app's actions."""
    from clonacare.therapy.actions import (
        do_assign_module,
        do_comment,
        do_complete_section,
        do_save_exercise,
    )
    from clonacare.therapy.content import module_by_slug

    assigned = now - dt.timedelta(days=12)
    assignments = {}
    for slug in DEMO_MODULES:
        assignment = do_assign_module(counsellor, patient, module=slug, now=assigned)
        module = module_by_slug(slug)
        if module is None:  # the shipped modules always have them; a test checks the demo
            raise ValueError(f"the demo's module {slug!r} is not shipped")
        for n, section in enumerate(module.section_ids[:2]):
            when = assigned + dt.timedelta(days=1 + n)
            assignment = do_complete_section(patient_actor, assignment, section=section, now=when)
        assignments[slug] = assignment
    entry = None
    for back, night in zip(range(len(DEMO_SLEEP), 0, -1), DEMO_SLEEP, strict=True):
        bed, lights, to_sleep, wakings, awake, woke, up, rating = night
        morning = now - dt.timedelta(days=back - 1)
        entry = do_save_exercise(
            patient_actor,
            patient,
            assignment=assignments["sleep"],
            kind="sleep-diary",
            day=(morning - dt.timedelta(days=1)).date(),
            fields={
                "bed_time": bed,
                "sleep_attempt_time": lights,
                "minutes_to_fall_asleep": to_sleep,
                "wakings": wakings,
                "minutes_awake": awake,
                "final_waking_time": woke,
                "out_of_bed_time": up,
                "sleep_quality": rating,
                "nap_minutes": 0,
                "notes": "",
            },
            now=morning.replace(hour=7, minute=30),
        )
    if entry is not None:
        do_comment(
            counsellor,
            patient,
            entry=entry,
            text="Getting up at the same time every day is helping: keep it going.",
            now=now - dt.timedelta(hours=3),
        )
    do_save_exercise(
        patient_actor,
        patient,
        assignment=assignments["thought-records"],
        kind="thought-record",
        day=(now - dt.timedelta(days=4)).date(),
        fields={
            "situation": "Woke at 4 am the night after the dose went down.",
            "automatic_thought": "The taper is failing and I will never sleep again.",
            "emotion": "Panic",
            "emotion_strength": 80,
            "evidence_for": "Two bad nights in a row.",
            "evidence_against": "Last week I slept better after three nights.",
            "balanced_thought": "Sleep often dips after a change and then recovers.",
            "emotion_after": 40,
        },
        now=now - dt.timedelta(days=4),
    )


# The demo's taper plans: pat.alex on an approved plan in its third week, with dose logs
# and check-ins; pat.blair on an approved plan whose rising check-ins made a proposal
# (awaiting a decision), with a new draft awaiting approval. The parameters are the
# "NICE bands on diazepam" preset's (plans/data/presets.toml, with its source).
DEMO_PLANS = ("pat.alex", "pat.blair")
DEMO_PLAN_PRESET = "nice-bands"
# pat.blair's patient-rated CIWA-B answers over the last check-ins (demo values): the sum
# jumps from 17 to 34, which the severe-withdrawal rule of monitoring/data/rules.toml
# answers with a proposal to pause (later check-ins make no second one while it is open).
BLAIR_RISING = (1, 1, 1, 1, 2, 3)


def _plan_and_monitoring(
    clinician: Any,
    patient_actor: Any,
    patient: Any,
    username: str,
    times: tuple[str, ...],
    now: dt.datetime,
) -> None:
    """An approved plan started 17 days ago (``DEMO_PLAN_PRESET``), with a dose log for
    each dose time and a check-in for each day since, all through the apps' actions."""
    from clonacare.monitoring.actions import do_check_in, do_log_dose
    from clonacare.monitoring.questions import ciwa_b_patient_items
    from clonacare.plans.actions import do_approve_plan, do_draft_plan
    from clonacare.plans.parameters import PlanParameters
    from clonacare.plans.presets import preset

    chosen = preset(DEMO_PLAN_PRESET)
    if chosen is None:  # the shipped presets file always has it; a test checks the demo
        raise ValueError(f"the demo's preset {DEMO_PLAN_PRESET!r} is not shipped")
    parameters = PlanParameters(**dict(chosen.parameters))  # type: ignore[arg-type]
    started = now - dt.timedelta(days=17)
    plan = do_draft_plan(clinician, patient, parameters, now=started)
    do_approve_plan(clinician, plan, password=DEMO_PASSWORD, otp=None, now=started)
    items = [item.id for item in ciwa_b_patient_items()]
    days = 17
    for back in range(days, 0, -1):
        when = now - dt.timedelta(days=back)
        for dose_time in times:
            missed = username == "pat.alex" and back == 9 and dose_time == "morning"
            do_log_dose(
                patient_actor,
                patient,
                day=when.date(),
                dose_time=dose_time,
                status="missed" if missed else "taken",
                now=when,
            )
        level = 1
        if username == "pat.blair" and back <= len(BLAIR_RISING):
            level = BLAIR_RISING[len(BLAIR_RISING) - back]
        do_check_in(
            patient_actor,
            patient,
            {
                "date": when.date().isoformat(),
                "seizure": False,
                "self_harm_thoughts": False,
                "sleep": 3 + level,
                "anxiety": 2 + level,
                "craving": 2,
                "ciwa_b": dict.fromkeys(items, level),
                "note": "",
            },
            now=when,
        )
    if username == "pat.blair":
        do_draft_plan(clinician, patient, parameters, now=now)  # awaiting approval
