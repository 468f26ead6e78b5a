"""Writes for the CBT program: assigning a module, marking its sections done, saving
an exercise, commenting.

Each action checks the actor's right (``therapy.access``) and then the input, and
writes with its audit entry in one transaction; a refusal writes nothing. Every
refusal is a ClinicalError with a registered code (core/refusals.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone

from clonacare.audit.log import Actor, record
from clonacare.core.errors import ClinicalError
from clonacare.patients.actions.checks import recorded_date
from clonacare.patients.models import Patient
from clonacare.therapy.access import (
    AssignmentNotFound,
    ExerciseEntryNotFound,
    is_the_patient,
    may_add_to_safety_plan,
    may_assign_module,
    may_comment,
    may_work_on,
    may_write_safety_plan_with,
)
from clonacare.therapy.content import Module, load_modules, module_by_slug
from clonacare.therapy.exercises import check_fields, exercise
from clonacare.therapy.models import (
    COMMENT_MAX,
    CounsellorComment,
    ExerciseEntry,
    ModuleAssignment,
    SafetyPlanVersion,
)
from clonacare.therapy.safety_plan import changed_sections, check_content

ASSIGN_NOT_ALLOWED = "Only a counsellor or prescriber on the patient's care team assigns a module."
WORK_NOT_ALLOWED = (
    "Only the patient, or a clinician on their care team on the patient's word, works "
    "through a module."
)
COMMENT_NOT_ALLOWED = "Only a prescriber, nurse or counsellor on the patient's care team comments."


def _user_id(actor: Actor) -> int:
    """The acting user's id; the rights checked before have refused an anonymous one."""
    if actor.user_id is None:
        raise ClinicalError("not-allowed", "Sign in to work on the CBT program.")
    return actor.user_id


def _module(slug: str) -> Module:
    found = module_by_slug(slug)
    if found is None:
        known = ", ".join(m.slug for m in load_modules()) or "none (no module files)"
        raise ClinicalError("unknown-module", f"Unknown module {slug!r}; choose one of: {known}.")
    return found


def _already_assigned(module: Module) -> ClinicalError:
    return ClinicalError(
        "module-already-assigned",
        f"The module '{module.title}' is already assigned to this patient and not completed yet.",
    )


def do_assign_module(
    actor: Actor, patient: Patient, *, module: str, now: dt.datetime
) -> ModuleAssignment:
    """Assign the module ``module`` (its slug) to ``patient``.

    Refused (nothing written): anyone but a counsellor or prescriber on the patient's
    care team (``not-allowed``); a module the site does not have (``unknown-module``);
    the same module assigned and not completed yet (``module-already-assigned``, a
    conflict; a completed module may be assigned again). Audited as ``module.assign``.
    """
    if not may_assign_module(actor, patient):
        raise ClinicalError("not-allowed", ASSIGN_NOT_ALLOWED)
    chosen = _module(module)
    with transaction.atomic():
        # Two assignments sent at once: the second waits and is refused.
        Patient.objects.select_for_update().filter(pk=patient.pk).exists()
        open_ones = ModuleAssignment.objects.filter(patient=patient, module=chosen.slug)
        if open_ones.exclude(status=ModuleAssignment.Status.COMPLETED).exists():
            raise _already_assigned(chosen)
        try:
            with transaction.atomic():
                assignment = ModuleAssignment.objects.create(
                    patient=patient,
                    module=chosen.slug,
                    assigned_by_id=_user_id(actor),
                    assigned_at=now,
                )
        except IntegrityError:
            raise _already_assigned(chosen) from None
        record(
            actor,
            "module.assign",
            patient=patient,
            target=assignment,
            detail={"module": chosen.slug},
        )
    return assignment


def do_complete_section(
    actor: Actor, assignment: ModuleAssignment, *, section: str, now: dt.datetime
) -> ModuleAssignment:
    """Mark the section ``section`` (its id) of an assigned module done; the last one
    completes the module (``completed``). The first one moves an assigned module to
    in progress.

    Refused (nothing written): anyone but the patient or a clinician on their care team
    on the patient's word (``not-allowed``); a section the module does not have
    (``section``); a section already done (``section-already-done``, a conflict).
    Audited as ``module.section-done``.
    """
    patient = assignment.patient
    if not may_work_on(actor, patient):
        raise ClinicalError("not-allowed", WORK_NOT_ALLOWED)
    module = _module(assignment.module)
    chosen = module.section(section)
    if chosen is None:
        raise ClinicalError("section", f"The module '{module.title}' has no section {section!r}.")
    with transaction.atomic():
        locked = ModuleAssignment.objects.select_for_update().get(pk=assignment.pk)
        if chosen.id in locked.sections_done:
            raise ClinicalError(
                "section-already-done", f"The section '{chosen.title}' is already marked done."
            )
        self_reported = is_the_patient(actor, patient)
        locked.sections_done = {
            **locked.sections_done,
            chosen.id: {
                "done_at": now.isoformat(),
                "entered_by": actor.username,
                "self_reported": self_reported,
            },
        }
        if all(s in locked.sections_done for s in module.section_ids):
            locked.status = ModuleAssignment.Status.COMPLETED
            locked.completed_at = now
        else:
            locked.status = ModuleAssignment.Status.IN_PROGRESS
        locked.save(update_fields=["sections_done", "status", "completed_at"])
        record(
            actor,
            "module.section-done",
            patient=patient,
            target=locked,
            detail={
                "module": module.slug,
                "section": chosen.id,
                "self_reported": self_reported,
                "status": locked.status,
            },
        )
    return locked


def do_save_exercise(
    actor: Actor,
    patient: Patient,
    *,
    assignment: ModuleAssignment,
    kind: str,
    day: dt.date | None,
    fields: Mapping[str, object],
    now: dt.datetime,
) -> ExerciseEntry:
    """Save one exercise of kind ``kind`` under the patient's ``assignment`` (read
    through ``access_assignment_of``), about ``day`` (None: today; a sleep diary's is
    the evening its night began). An entry made after the day it is about (a sleep
    diary: after the morning that ended its night) is stored as a late entry. The first
    entry moves an assigned module to in progress; a completed module takes entries
    still.

    Refused (nothing written): anyone but the patient or a clinician on their care team
    on the patient's word (``not-allowed``); an assignment that is not this patient's
    (``assignment-not-found``, answered as missing); an unknown exercise, or one the
    module does not name (``exercise-kind``); a day in the future or before the date of
    birth (``date``); a field that is unknown, empty when required, too long, out of
    its range, or a sleep diary whose times do not add up (``exercise-field``).
    Audited as ``exercise.save`` (its kind, day and assignment; not what was written).
    """
    if not may_work_on(actor, patient):
        raise ClinicalError("not-allowed", WORK_NOT_ALLOWED)
    if assignment.patient_id != patient.pk:
        raise AssignmentNotFound(assignment.pk)
    spec = exercise(kind)
    module = _module(assignment.module)
    if kind not in module.exercises:
        raise ClinicalError(
            "exercise-kind",
            f"The module '{module.title}' has no {spec.title.lower()}; its exercises: "
            f"{', '.join(module.exercises)}.",
        )
    today = timezone.localdate(now)
    day = day or today
    what = "The night of the sleep diary" if kind == "sleep-diary" else "The day of the exercise"
    recorded_date(day, patient_born=patient.date_of_birth, today=today, what=what)
    checked = check_fields(kind, fields)
    about = day + dt.timedelta(days=1) if kind == "sleep-diary" else day
    with transaction.atomic():
        entry = ExerciseEntry.objects.create(
            patient=patient,
            assignment=assignment,
            kind=kind,
            day=day,
            fields=checked,
            self_reported=is_the_patient(actor, patient),
            entered_by_id=_user_id(actor),
            entered_at=now,
            late_entry=about < today,
        )
        ModuleAssignment.objects.filter(
            pk=assignment.pk, status=ModuleAssignment.Status.ASSIGNED
        ).update(status=ModuleAssignment.Status.IN_PROGRESS)
        record(
            actor,
            "exercise.save",
            patient=patient,
            target=entry,
            detail={
                "kind": kind,
                "day": day.isoformat(),
                "assignment_id": assignment.pk,
                "late_entry": entry.late_entry,
            },
        )
    return entry


def do_comment(
    actor: Actor,
    patient: Patient,
    *,
    text: str,
    assignment: ModuleAssignment | None = None,
    entry: ExerciseEntry | None = None,
    now: dt.datetime,
) -> CounsellorComment:
    """Comment on one of ``patient``'s assignments or exercise entries (exactly one).

    Refused (nothing written): anyone but a prescriber, nurse or counsellor on the
    patient's care team (``not-allowed``); an assignment or entry that is not this
    patient's (answered as missing); an empty comment (``missing``); one longer than
    the field (``too-long``). Audited as ``therapy-comment.add``.
    """
    if (assignment is None) == (entry is None):
        raise ValueError("do_comment takes an assignment or an entry, not both or neither.")
    if not may_comment(actor, patient):
        raise ClinicalError("not-allowed", COMMENT_NOT_ALLOWED)
    if assignment is not None and assignment.patient_id != patient.pk:
        raise AssignmentNotFound(assignment.pk)
    if entry is not None and entry.patient_id != patient.pk:
        raise ExerciseEntryNotFound(entry.pk)
    cleaned = text.strip()
    if not cleaned:
        raise ClinicalError("missing", "Write the comment.")
    if len(cleaned) > COMMENT_MAX:
        raise ClinicalError("too-long", f"The comment is longer than {COMMENT_MAX} characters.")
    with transaction.atomic():
        comment = CounsellorComment.objects.create(
            patient=patient,
            assignment=assignment,
            entry=entry,
            text=cleaned,
            author_id=_user_id(actor),
            written_at=now,
        )
        on = (
            {"assignment_id": assignment.pk}
            if assignment is not None
            else {"entry_id": entry.pk if entry else None}
        )
        record(actor, "therapy-comment.add", patient=patient, target=comment, detail=on)
    return comment


SAFETY_PLAN_NOT_ALLOWED = (
    "Only the patient, or a prescriber, nurse or counsellor on their care team, writes "
    "the safety plan."
)
SAFETY_PLAN_NOT_STARTED = (
    "The safety plan is first written with someone on the care team; after that the "
    "patient can add to it."
)


def do_save_safety_plan(
    actor: Actor,
    patient: Patient,
    *,
    content: Mapping[str, object],
    based_on: int | None = None,
    now: dt.datetime,
) -> SafetyPlanVersion:
    """Save ``content`` as the next version of ``patient``'s safety plan; earlier
    versions are kept as they were. A prescriber, nurse or counsellor on the care team
    writes it with the patient (the first version is always theirs); the patient adds to
    it on their own (``by_patient``), for the care team to go through with them. A
    clinician's save of unchanged content is kept: it records that they went through
    the plan with the patient. ``based_on``: the version the writer had open (None: do
    not check).

    Refused (nothing written): anyone else who may see the record, such as the program
    admin (``not-allowed``); the patient before a first version exists
    (``safety-plan-not-started``, a conflict); content the checks refuse
    (``safety-plan-section``, ``safety-plan-entry``, ``safety-plan-empty``); a patient's
    save that changes nothing (``no-change``); ``based_on`` not the newest version
    (``safety-plan-changed``, a conflict: someone saved in between). Audited as
    ``safety-plan.save`` with the version, who wrote it and which sections changed,
    never what was written.
    """
    by_patient = may_add_to_safety_plan(actor, patient)
    if not by_patient and not may_write_safety_plan_with(actor, patient):
        raise ClinicalError("not-allowed", SAFETY_PLAN_NOT_ALLOWED)
    checked = check_content(content)
    with transaction.atomic():
        # Two saves at once: the second waits, then numbers after the first.
        Patient.objects.select_for_update().filter(pk=patient.pk).exists()
        latest = SafetyPlanVersion.objects.filter(patient=patient).order_by("-number").first()
        if latest is None and by_patient:
            raise ClinicalError("safety-plan-not-started", SAFETY_PLAN_NOT_STARTED)
        if based_on is not None and based_on != (latest.number if latest else 0):
            raise ClinicalError(
                "safety-plan-changed",
                f"The safety plan was saved again (version {latest.number if latest else 0}) "
                "after this one was opened; open it again to see that version first.",
            )
        changed = changed_sections(latest.content if latest else None, checked)
        if by_patient and not changed:
            raise ClinicalError("no-change", "Nothing was changed in the safety plan.")
        version = SafetyPlanVersion.objects.create(
            patient=patient,
            number=(latest.number if latest else 0) + 1,
            content=checked,
            saved_by_id=_user_id(actor),
            role=actor.role,
            by_patient=by_patient,
            saved_at=now,
        )
        record(
            actor,
            "safety-plan.save",
            patient=patient,
            target=version,
            detail={
                "version": version.number,
                "by_patient": by_patient,
                "sections_changed": changed,
            },
        )
    return version
