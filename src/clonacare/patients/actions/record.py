"""Changes to a patient's record: status, benzodiazepine doses, other medications,
conditions and the care team.

History is never edited: a dose change ends the current use of that drug on the day
before the change and starts a new one; an ended medication keeps its dates. Each
action checks the actor's right (patients/access.py), then the input, then writes and
audits in one transaction; a refusal raises ClinicalError and writes nothing.

Two requests at the same moment (a double click, two clinicians) must not both pass a
check that only one of them may: what depends on the record's current state is checked
inside the transaction, after locking the patient's row (``_locked``), or is a
conditional update that changes nothing when another request got there first; the
database's constraints back both, and their refusal becomes the check's message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from clonacare.accounts.converters import MAX_ID
from clonacare.audit.log import Actor, record
from clonacare.core.errors import ClinicalError
from clonacare.patients.access import may_change_record, may_manage_care_team
from clonacare.patients.actions import checks
from clonacare.patients.doses import Doses, check_doses, check_drug, label_maximum_exceeded
from clonacare.patients.models import (
    BenzodiazepineUse,
    CareTeamMember,
    Condition,
    Medication,
    Patient,
)

NOT_ALLOWED = "Only the patient's care team and the program admin change this record."
NOT_ALLOWED_TEAM = "Only the program admin changes the care team."
NOT_ON_TEAM = "That person is not on this patient's care team."


def _may_change(actor: Actor, patient: Patient) -> None:
    if not may_change_record(actor, patient):
        raise ClinicalError("not-allowed", NOT_ALLOWED)


def _locked(patient: Patient) -> Patient:
    """``patient`` read again and locked until the transaction ends: another change of
    the same record waits here, then sees this one. (SQLite has no row locks; it lets
    one transaction write at a time.) Call inside ``transaction.atomic()``."""
    return Patient.objects.select_for_update().get(pk=patient.pk)


def do_change_status(actor: Actor, patient: Patient, status: str, *, now: dt.datetime) -> Patient:
    """Set the patient's status. The same status again changes (and audits) nothing."""
    _may_change(actor, patient)
    new = checks.status(status)
    with transaction.atomic():
        old = _locked(patient).status
        patient.status = new
        if new == old:
            return patient
        patient.save(update_fields=["status"])
        record(
            actor,
            "record.status-change",
            patient=patient,
            target=patient,
            detail={"from": old, "to": new},
        )
    return patient


@dataclass(frozen=True)
class BenzodiazepineChange:
    """From ``on``, the patient takes ``doses`` of ``drug`` (all 0 mg: stops it)."""

    drug: str
    doses: Doses
    on: dt.date
    prescriber_name: str = ""


@dataclass(frozen=True)
class _DosePlan:
    """What a checked dose change does: end ``current`` (if any), start a new use unless
    ``stopping``."""

    current: BenzodiazepineUse | None
    stopping: bool


def _plan_dose_change(patient: Patient, change: BenzodiazepineChange) -> _DosePlan:
    """Check ``change`` against the record as it is now (the current uses, the status).

    Raises ClinicalError (nothing written) for a dose that cannot be one, stopping a drug
    not taken, a date not after the current use began, or the current doses again.
    """
    open_uses = list(patient.benzo_uses.filter(ended_on__isnull=True))
    current = next((u for u in open_uses if u.drug == change.drug), None)
    still_taking_another = any(u.drug != change.drug and u.daily_mg > 0 for u in open_uses)
    stopping_allowed = patient.status == Patient.Status.RECOVERY or still_taking_another
    check_doses(change.doses, zero_total_allowed=stopping_allowed)
    stopping = change.doses.daily_mg == 0
    if stopping and current is None:
        raise ClinicalError("dose", f"There is no current use of {change.drug} to stop.")
    if current is not None and change.on <= current.since:
        raise ClinicalError(
            "date",
            f"A change of {change.drug} must be dated after its current use began "
            f"({current.since.isoformat()}); the record's history is never edited.",
        )
    if current is not None and Doses.of(current) == change.doses:
        raise ClinicalError("no-change", "These are the current doses; nothing changed.")
    return _DosePlan(current=current, stopping=stopping)


def do_change_benzodiazepine(
    actor: Actor, patient: Patient, change: BenzodiazepineChange, *, now: dt.datetime
) -> BenzodiazepineUse | None:
    """Record a dose change of one drug; returns the new use (None when it was stopped).

    The current use of ``change.drug`` ends the day before ``change.on`` and a new use
    starts on it; with no current use of that drug (a switch, or a crossover to a second
    drug) the new use starts alongside any other. All doses 0 mg stops the drug: allowed
    when the patient still takes another benzodiazepine or their status is recovery.
    Refused (ClinicalError, nothing written) for an unknown drug, a dose that cannot be
    one, a date in the future, before birth or not after the current use began, or doses
    equal to the current ones. The record's state is checked with the patient locked, so
    of two changes sent at once (a double click) the second is checked against the
    first and refused with the same message as if it had come later.
    """
    _may_change(actor, patient)
    check_drug(change.drug)
    checks.recorded_date(
        change.on,
        patient_born=patient.date_of_birth,
        today=now.date(),
        what="The date of the change",
    )
    prescriber_name = checks.text(
        change.prescriber_name,
        model=BenzodiazepineUse,
        field="prescriber_name",
        label="prescriber's name",
        required=False,
    )
    above = label_maximum_exceeded(change.drug, change.doses.daily_mg)
    try:
        with transaction.atomic():
            plan = _plan_dose_change(_locked(patient), change)
            current = plan.current
            if current is not None:
                current.ended_on = change.on - dt.timedelta(days=1)
                current.save(update_fields=["ended_on"])
            new = None
            if not plan.stopping:
                new = BenzodiazepineUse.objects.create(
                    patient=patient,
                    drug=change.drug,
                    since=change.on,
                    prescriber_name=prescriber_name,
                    **change.doses.as_fields(),
                )
            record(
                actor,
                "record.benzo-change",
                patient=patient,
                target=new if new is not None else current,
                detail={
                    "drug": change.drug,
                    "on": change.on.isoformat(),
                    "from_daily_mg": str(current.daily_mg) if current is not None else None,
                    "to_daily_mg": str(change.doses.daily_mg),
                    "above_label_maximum": above is not None,
                },
            )
    except IntegrityError:
        # A second current use of the drug (benzo_use_one_current_per_drug): a change
        # that got past the lock. Checked again against the record as it is now, it is
        # refused with the check's own message.
        _plan_dose_change(Patient.objects.get(pk=patient.pk), change)
        raise ClinicalError(
            "date",
            f"{change.drug} was changed on this record at the same moment; open the record "
            "again and check its current doses.",
        ) from None
    return new


@dataclass(frozen=True)
class MedicationEntry:
    """Another medication: its name, dose as written, reason and start date if known."""

    name: str
    dose: str = ""
    reason: str = ""
    started_on: dt.date | None = None


def do_add_medication(
    actor: Actor, patient: Patient, entry: MedicationEntry, *, now: dt.datetime
) -> Medication:
    """Add another medication the patient takes. Refused for a blank name, an over-long
    field, or a start date in the future or before birth."""
    _may_change(actor, patient)
    name = checks.text(
        entry.name, model=Medication, field="name", label="medication's name", required=True
    )
    dose = checks.text(entry.dose, model=Medication, field="dose", label="dose", required=False)
    reason = checks.text(
        entry.reason, model=Medication, field="reason", label="reason", required=False
    )
    if entry.started_on is not None:
        checks.recorded_date(
            entry.started_on,
            patient_born=patient.date_of_birth,
            today=now.date(),
            what="The start date",
        )
    with transaction.atomic():
        medication = Medication.objects.create(
            patient=patient, name=name, dose=dose, reason=reason, started_on=entry.started_on
        )
        record(
            actor,
            "record.medication-add",
            patient=patient,
            target=medication,
            detail={"name": name},
        )
    return medication


def _medication_of(patient: Patient, medication_id: int) -> Medication:
    medication = patient.medications.filter(pk=medication_id).first()
    if medication is None:
        raise ClinicalError(
            "medication-not-found", f"This patient has no medication with the id {medication_id}."
        )
    return medication


def _already_ended(medication: Medication) -> ClinicalError:
    """The refusal for a medication that has an end date (read again: another request
    may have just written it)."""
    ended_on = (
        Medication.objects.filter(pk=medication.pk).values_list("ended_on", flat=True).first()
    )
    shown = ended_on.isoformat() if ended_on is not None else "another date"
    return ClinicalError("already-ended", f"{medication.name} was already ended on {shown}.")


def do_end_medication(
    actor: Actor, patient: Patient, medication_id: int, ended_on: dt.date, *, now: dt.datetime
) -> Medication:
    """Record that the patient stopped a medication on ``ended_on`` (it stays listed).

    Refused for a medication that is not this patient's (``medication-not-found``), one
    already ended (``already-ended``, also when another request ended it a moment
    earlier: the end is written only on a medication that has none), or a date in the
    future, before the date of birth or before it started.
    """
    _may_change(actor, patient)
    medication = _medication_of(patient, medication_id)
    if medication.ended_on is not None:
        raise _already_ended(medication)
    checks.recorded_date(
        ended_on, patient_born=patient.date_of_birth, today=now.date(), what="The end date"
    )
    if medication.started_on is not None and ended_on < medication.started_on:
        raise ClinicalError("date", "The end date cannot be before the medication started.")
    with transaction.atomic():
        ended = Medication.objects.filter(pk=medication.pk, ended_on__isnull=True).update(
            ended_on=ended_on
        )
        if not ended:
            raise _already_ended(medication)
        medication.ended_on = ended_on
        record(
            actor,
            "record.medication-end",
            patient=patient,
            target=medication,
            detail={"name": medication.name, "ended_on": ended_on.isoformat()},
        )
    return medication


def do_add_condition(
    actor: Actor, patient: Patient, name: str, noted_on: dt.date, *, now: dt.datetime
) -> Condition:
    """Add a condition, noted on ``noted_on`` (not in the future, not before birth)."""
    _may_change(actor, patient)
    cleaned = checks.text(
        name, model=Condition, field="name", label="condition's name", required=True
    )
    checks.recorded_date(
        noted_on, patient_born=patient.date_of_birth, today=now.date(), what="The date noted"
    )
    with transaction.atomic():
        condition = Condition.objects.create(patient=patient, name=cleaned, noted_on=noted_on)
        record(
            actor,
            "record.condition-add",
            patient=patient,
            target=condition,
            detail={"name": cleaned},
        )
    return condition


def _on_care_team(patient: Patient, user: User) -> bool:
    return patient.care_team.filter(user=user).exists()


def do_add_care_team_member(
    actor: Actor, patient: Patient, user_id: int, *, now: dt.datetime
) -> CareTeamMember:
    """Put a prescriber, nurse or counsellor of the patient's program on the care team.

    Program admin only (``not-allowed``); refused for anyone who is not a clinician of
    the program (``care-team``) and for someone already on the team
    (``already-on-care-team``, also when another request added them a moment earlier:
    the database holds each member once, ``care_team_member_once``).
    """
    if not may_manage_care_team(actor, patient):
        raise ClinicalError("not-allowed", NOT_ALLOWED_TEAM)
    user = checks.clinician_of_program(patient.program_id, user_id)
    already = ClinicalError(
        "already-on-care-team", f"{checks.display_name(user)} is already on the care team."
    )
    if _on_care_team(patient, user):
        raise already
    try:
        with transaction.atomic():
            member = CareTeamMember.objects.create(patient=patient, user=user)
            record(
                actor,
                "record.care-team-add",
                patient=patient,
                target=member,
                detail={"user_id": user.pk, "username": user.get_username()},
            )
    except IntegrityError:
        raise already from None
    return member


def _member_of(patient: Patient, user_id: int) -> CareTeamMember | None:
    if not 0 < user_id <= MAX_ID:  # no such account (and the database would overflow)
        return None
    return patient.care_team.select_related("user").filter(user_id=user_id).first()


def do_remove_care_team_member(
    actor: Actor, patient: Patient, user_id: int, *, now: dt.datetime
) -> None:
    """Take someone off the care team (they no longer see the patient). Program admin
    only (``not-allowed``); ``not-on-care-team`` when they are not on it (also when
    another request took them off a moment earlier: nothing is audited twice)."""
    if not may_manage_care_team(actor, patient):
        raise ClinicalError("not-allowed", NOT_ALLOWED_TEAM)
    member = _member_of(patient, user_id)
    if member is None:
        raise ClinicalError("not-on-care-team", NOT_ON_TEAM)
    with transaction.atomic():
        removed, _ = CareTeamMember.objects.filter(pk=member.pk).delete()
        if not removed:
            raise ClinicalError("not-on-care-team", NOT_ON_TEAM)
        record(
            actor,
            "record.care-team-remove",
            patient=patient,
            target=member,
            detail={"user_id": member.user_id, "username": member.user.get_username()},
        )
