"""Changes to a patient's record: status, benzodiazepine doses, other medications,
conditions and the care team.

History is never edited: a dose change ends the current use of that drug on the day
before the change and starts a new one; an ended medication keeps its dates. Each
action checks the actor's right (patients/access.py), then the input, then writes and
audits in one transaction; a refusal raises ClinicalError and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

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


def do_change_status(actor: Actor, patient: Patient, status: str, *, now: dt.datetime) -> Patient:
    """Set the patient's status. The same status again changes (and audits) nothing."""
    _may_change(actor, patient)
    new = checks.status(status)
    if new == patient.status:
        return patient
    old = patient.status
    with transaction.atomic():
        patient.status = new
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


def do_change_benzodiazepine(
    actor: Actor, patient: Patient, change: BenzodiazepineChange, *, now: dt.datetime
) -> BenzodiazepineUse | None:
    """Record a dose change of one drug; returns the new use (None when it was stopped).

    The current use of ``change.drug`` ends the day before ``change.on`` and a new use
    starts on it; with no current use of that drug (a switch, or a crossover to a second
    drug) the new use starts alongside any other. All doses 0 mg stops the drug: allowed
    when the patient still takes another benzodiazepine or their status is recovery.
    Refused (ClinicalError, nothing written) for an unknown drug, a dose that cannot be
    one, a date in the future or not after the current use began, or doses equal to
    the current ones.
    """
    _may_change(actor, patient)
    check_drug(change.drug)
    today = now.date()
    checks.not_in_future(change.on, today, "The date of the change")
    checks.not_before_birth(change.on, patient.date_of_birth, "The date of the change")
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
    prescriber_name = checks.text(
        change.prescriber_name,
        model=BenzodiazepineUse,
        field="prescriber_name",
        label="prescriber's name",
        required=False,
    )
    above = label_maximum_exceeded(change.drug, change.doses.daily_mg)
    with transaction.atomic():
        if current is not None:
            current.ended_on = change.on - dt.timedelta(days=1)
            current.save(update_fields=["ended_on"])
        new = None
        if not stopping:
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
        checks.not_in_future(entry.started_on, now.date(), "The start date")
        checks.not_before_birth(entry.started_on, patient.date_of_birth, "The start date")
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


def do_end_medication(
    actor: Actor, patient: Patient, medication_id: int, ended_on: dt.date, *, now: dt.datetime
) -> Medication:
    """Record that the patient stopped a medication on ``ended_on`` (it stays listed).

    Refused for a medication that is not this patient's (``medication-not-found``), one
    already ended (``already-ended``), or a date in the future or before it started.
    """
    _may_change(actor, patient)
    medication = patient.medications.filter(pk=medication_id).first()
    if medication is None:
        raise ClinicalError(
            "medication-not-found", f"This patient has no medication with the id {medication_id}."
        )
    if medication.ended_on is not None:
        raise ClinicalError(
            "already-ended",
            f"{medication.name} was already ended on {medication.ended_on.isoformat()}.",
        )
    checks.not_in_future(ended_on, now.date(), "The end date")
    if medication.started_on is not None and ended_on < medication.started_on:
        raise ClinicalError("date", "The end date cannot be before the medication started.")
    with transaction.atomic():
        medication.ended_on = ended_on
        medication.save(update_fields=["ended_on"])
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
    checks.not_in_future(noted_on, now.date(), "The date noted")
    checks.not_before_birth(noted_on, patient.date_of_birth, "The date noted")
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


def do_add_care_team_member(
    actor: Actor, patient: Patient, user_id: int, *, now: dt.datetime
) -> CareTeamMember:
    """Put a prescriber, nurse or counsellor of the patient's program on the care team.

    Program admin only (``not-allowed``); refused for anyone who is not a clinician of
    the program (``care-team``) and for someone already on the team
    (``already-on-care-team``).
    """
    if not may_manage_care_team(actor, patient):
        raise ClinicalError("not-allowed", NOT_ALLOWED_TEAM)
    user = checks.clinician_of_program(patient.program_id, user_id)
    if patient.care_team.filter(user=user).exists():
        raise ClinicalError(
            "already-on-care-team", f"{checks.display_name(user)} is already on the care team."
        )
    with transaction.atomic():
        member = CareTeamMember.objects.create(patient=patient, user=user)
        record(
            actor,
            "record.care-team-add",
            patient=patient,
            target=member,
            detail={"user_id": user.pk, "username": user.get_username()},
        )
    return member


def do_remove_care_team_member(
    actor: Actor, patient: Patient, user_id: int, *, now: dt.datetime
) -> None:
    """Take someone off the care team (they no longer see the patient). Program admin
    only (``not-allowed``); ``not-on-care-team`` when they are not on it."""
    if not may_manage_care_team(actor, patient):
        raise ClinicalError("not-allowed", NOT_ALLOWED_TEAM)
    member = patient.care_team.select_related("user").filter(user_id=user_id).first()
    if member is None:
        raise ClinicalError("not-on-care-team", NOT_ON_TEAM)
    with transaction.atomic():
        record(
            actor,
            "record.care-team-remove",
            patient=patient,
            target=member,
            detail={"user_id": member.user_id, "username": member.user.get_username()},
        )
        member.delete()
