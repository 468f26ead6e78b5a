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

The reads of the record those checks rest on are public (``plan_dose_change``,
``dose_change_of``, ``medication_to_end``, ``on_care_team``, ``care_team_member``): a
page asks with them before it writes, and the race tests (tests/web/test_write_races.py)
stand one in for a read another request made before the first one wrote.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from clonacare.accounts.converters import MAX_ID
from clonacare.accounts.models import Role
from clonacare.audit.log import Actor, record
from clonacare.core.drugs import co_medications
from clonacare.core.errors import ClinicalError
from clonacare.patients.access import (
    may_change_record,
    may_manage_care_team,
    may_order_dose_change,
    may_record_dose_change,
)
from clonacare.patients.actions import checks
from clonacare.patients.ceiling import CeilingCut, ceiling_cut
from clonacare.patients.doses import Doses, check_doses, check_drug, label_maximum_exceeded
from clonacare.patients.models import (
    BenzodiazepineUse,
    CareTeamMember,
    Condition,
    DoseChange,
    Medication,
    Patient,
)

NOT_ALLOWED = "Only the patient's care team and the program admin change this record."
NOT_ALLOWED_TEAM = "Only the program admin changes the care team."
NOT_ON_TEAM = "That person is not on this patient's care team."
DOSE_NOT_ALLOWED = (
    "Only a prescriber on the patient's care team records a dose change; a nurse on the "
    "care team may record a prescriber's verbal or telephone order."
)
NURSE_NEEDS_ORDER = (
    "A nurse records a dose change only as a verbal or telephone order: name the prescriber "
    "on the patient's care team who gave it."
)
PRESCRIBER_OWN_ORDER = (
    "A prescriber records their own order; a verbal or telephone order is recorded by the "
    "nurse who took it."
)
NOT_READ_BACK = (
    "Read the order back to the prescriber and have them confirm it before recording it."
)
NOT_A_TEAM_PRESCRIBER = (
    "No prescriber on this patient's care team has the id {id}; a verbal or telephone "
    "order names the prescriber who gave it."
)
ORDER_KINDS = (DoseChange.Order.VERBAL, DoseChange.Order.TELEPHONE)
NO_MEDICATION = "Choose the drug from the list, or enter the name of the medication."


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
class VerbalOrder:
    """A prescriber's order given by word of mouth, as the nurse who took it records it:
    the prescriber's user id, ``verbal`` or ``telephone``, and whether it was read back
    to the prescriber and confirmed (it must have been)."""

    prescriber_id: int
    kind: str = DoseChange.Order.VERBAL
    read_back: bool = False


@dataclass(frozen=True)
class BenzodiazepineChange:
    """From ``on``, the patient takes ``doses`` of ``drug`` (all 0 mg: stops it).

    ``prescriber_name`` may be left empty: the new dose is prescribed by the prescriber
    who ordered it, and another name is refused.

    ``verbal_order`` is set when a nurse records a prescriber's verbal or telephone order;
    ``override_reason`` is why a cut above the ceiling is made (needed only then).
    """

    drug: str
    doses: Doses
    on: dt.date
    prescriber_name: str = ""
    verbal_order: VerbalOrder | None = None
    override_reason: str = ""


@dataclass(frozen=True)
class _Order:
    """Who ordered a change and how: the prescriber, and the kind of order."""

    prescriber: User
    kind: str
    recorded_by_id: int


def _prescriber_on_care_team(patient: Patient, user_id: int) -> User | None:
    if not 0 < user_id <= MAX_ID:
        return None
    return User.objects.filter(
        pk=user_id,
        is_active=True,
        membership__role=Role.PRESCRIBER,
        membership__program_id=patient.program_id,
        care_assignments__patient=patient,
    ).first()


def _order_of(actor: Actor, patient: Patient, change: BenzodiazepineChange) -> _Order:
    """Who may record ``change`` and on whose order (docs/records.md, "Who may change a
    dose"). Raises ClinicalError: ``not-allowed`` for anyone but a prescriber or a nurse on
    the care team, ``verbal-order`` for a nurse without a valid order or a prescriber
    with one."""
    recorder = actor.user_id
    if recorder is None or not may_record_dose_change(actor, patient):
        raise ClinicalError("not-allowed", DOSE_NOT_ALLOWED)
    verbal = change.verbal_order
    if may_order_dose_change(actor, patient):
        if verbal is not None:
            raise ClinicalError("verbal-order", PRESCRIBER_OWN_ORDER)
        return _Order(User.objects.get(pk=recorder), DoseChange.Order.PRESCRIBER, recorder)
    if verbal is None:
        raise ClinicalError("verbal-order", NURSE_NEEDS_ORDER)
    if verbal.kind not in ORDER_KINDS:
        raise ClinicalError(
            "verbal-order",
            f"Unknown kind of order {verbal.kind!r}; choose one of: {', '.join(ORDER_KINDS)}.",
        )
    prescriber = _prescriber_on_care_team(patient, verbal.prescriber_id)
    if prescriber is None:
        raise ClinicalError("verbal-order", NOT_A_TEAM_PRESCRIBER.format(id=verbal.prescriber_id))
    if not verbal.read_back:
        raise ClinicalError("verbal-order", NOT_READ_BACK)
    return _Order(prescriber, verbal.kind, recorder)


def _prescribed_by(order: _Order, given: str) -> str:
    """The "prescribed by" of a new dose: the prescriber who ordered it, never free text
    (free text is only for the history a registration records). A ``given`` name is
    accepted only when it is that prescriber's; another is refused (``prescriber-name``)."""
    name = checks.display_name(order.prescriber)
    given = given.strip()
    if given and given.casefold() != name.casefold():
        raise ClinicalError(
            "prescriber-name",
            f"A new dose is prescribed by the prescriber who ordered it, {name}; "
            f"{given!r} is someone else. Leave the prescriber's name out: it is taken "
            "from the order.",
        )
    return name


@dataclass(frozen=True)
class DosePlan:
    """What a checked dose change does: end ``current`` (if any), start a new use unless
    ``stopping``."""

    current: BenzodiazepineUse | None
    stopping: bool
    cut: CeilingCut | None


def plan_dose_change(
    patient: Patient,
    change: BenzodiazepineChange,
    reason: str = "",
    today: dt.date | None = None,
) -> DosePlan:
    """Check ``change`` against the record as it is now (the current uses, the status,
    the dose history of the ceiling's window).

    Raises ClinicalError (nothing written) for a dose that cannot be one, stopping a drug
    not taken, a date not after the current use began, the current doses again, or a cut
    above the ceiling on any day from the change's date to ``today`` without a ``reason``
    (``ceiling``; patients/ceiling.py).
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
    cut = ceiling_cut(
        patient.benzo_uses.all(), change.drug, change.doses.daily_mg, change.on, today
    )
    if cut is not None and not reason:
        raise ClinicalError("ceiling", cut.message)
    return DosePlan(current=current, stopping=stopping, cut=cut)


def _checked(
    actor: Actor, patient: Patient, change: BenzodiazepineChange, now: dt.datetime
) -> tuple[_Order, str, str]:
    """The checks of a dose change that do not read the record's state: who orders it,
    the drug, the date, the prescriber's name and the reason."""
    order = _order_of(actor, patient, change)
    check_drug(change.drug)
    checks.recorded_date(
        change.on,
        patient_born=patient.date_of_birth,
        today=now.date(),
        what="The date of the change",
    )
    prescriber_name = _prescribed_by(order, change.prescriber_name)
    reason = checks.text(
        change.override_reason,
        model=DoseChange,
        field="override_reason",
        label="reason",
        required=False,
    )
    return order, prescriber_name, reason


def check_benzodiazepine_change(
    actor: Actor, patient: Patient, change: BenzodiazepineChange, *, now: dt.datetime
) -> None:
    """Raise the refusal :func:`do_change_benzodiazepine` would raise for ``change`` now,
    writing nothing: for a page that asks for confirmation (a stop) before recording it.
    The action checks everything again when it records the change."""
    _, _, reason = _checked(actor, patient, change, now)
    plan_dose_change(patient, change, reason, now.date())


def do_change_benzodiazepine(
    actor: Actor, patient: Patient, change: BenzodiazepineChange, *, now: dt.datetime
) -> BenzodiazepineUse | None:
    """Record a dose change of one drug; returns the new use (None when it was stopped).

    Who: a prescriber on the patient's care team, on their own order; a nurse on it, only
    as a prescriber's verbal or telephone order (``change.verbal_order``: a prescriber on
    the care team, read back and confirmed), which is in effect from its date and awaits
    that prescriber's co-signature (``do_cosign_dose_change``). Anyone else: ``not-allowed``.

    The current use of ``change.drug`` ends the day before ``change.on`` and a new use
    starts on it; with no current use of that drug (a switch, or a crossover to a second
    drug) the new use starts alongside any other. All doses 0 mg stops the drug: allowed
    when the patient still takes another benzodiazepine or their status is recovery.
    A cut above the taper's ceiling (patients/ceiling.py) needs ``override_reason``,
    which is stored with the change. Refused (ClinicalError, nothing written) for an
    unknown drug, a dose that cannot be one, a date in the future, before birth or not
    after the current use began, doses equal to the current ones, or a cut above the
    ceiling without a reason. The record's state is checked with the patient locked, so
    of two changes sent at once (a double click) the second is checked against the
    first and refused with the same message as if it had come later.
    """
    order, prescriber_name, reason = _checked(actor, patient, change, now)
    above = label_maximum_exceeded(change.drug, change.doses.daily_mg)
    try:
        with transaction.atomic():
            plan = plan_dose_change(_locked(patient), change, reason, now.date())
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
            dose_change = DoseChange.objects.create(
                patient=patient,
                drug=change.drug,
                on=change.on,
                from_daily_mg=current.daily_mg if current is not None else None,
                to_daily_mg=change.doses.daily_mg,
                new_use=new,
                ended_use=current,
                order=order.kind,
                ordered_by=order.prescriber,
                recorded_by_id=order.recorded_by_id,
                recorded_at=now,
                read_back=order.kind != DoseChange.Order.PRESCRIBER,
                override_reason=reason,
                ceiling_cut_pct=(
                    plan.cut.cut_pct.quantize(Decimal("0.01")) if plan.cut is not None else None
                ),
            )
            detail: dict[str, object] = {
                "drug": change.drug,
                "on": change.on.isoformat(),
                "from_daily_mg": str(current.daily_mg) if current is not None else None,
                "to_daily_mg": str(change.doses.daily_mg),
                "above_label_maximum": above is not None,
                "dose_change_id": dose_change.pk,
                "order": order.kind,
                "ordered_by": order.prescriber.get_username(),
                "pending_co_signature": dose_change.is_pending,
                "above_ceiling": plan.cut is not None,
            }
            if plan.cut is not None:
                detail |= {"cut_pct": plan.cut.cut_text, "override_reason": reason}
            record(
                actor,
                "record.benzo-change",
                patient=patient,
                target=new if new is not None else current,
                detail=detail,
            )
    except IntegrityError:
        # A second current use of the drug (benzo_use_one_current_per_drug): a change
        # that got past the lock. Checked again against the record as it is now, it is
        # refused with the check's own message.
        plan_dose_change(Patient.objects.get(pk=patient.pk), change, reason, now.date())
        raise ClinicalError(
            "date",
            f"{change.drug} was changed on this record at the same moment; open the record "
            "again and check its current doses.",
        ) from None
    return new


def dose_change_of(patient: Patient, change_id: int) -> DoseChange:
    """The patient's dose change ``change_id``, with its prescriber; ``dose-change-not-found``
    when it is not this patient's or there is none."""
    found = None
    if 0 < change_id <= MAX_ID:
        found = patient.dose_changes.select_related("ordered_by").filter(pk=change_id).first()
    if found is None:
        raise ClinicalError(
            "dose-change-not-found", f"This patient has no dose change with the id {change_id}."
        )
    return found


def _already_cosigned(change: DoseChange) -> ClinicalError:
    """The refusal for an order already co-signed (read again: another request may have
    just signed it)."""
    signed = DoseChange.objects.filter(pk=change.pk).values_list("cosigned_at", flat=True).first()
    shown = f"{signed:%Y-%m-%d %H:%M} UTC" if signed is not None else "another moment"
    return ClinicalError(
        "already-cosigned",
        f"This order was already co-signed by {checks.display_name(change.ordered_by)} on {shown}.",
    )


def do_cosign_dose_change(
    actor: Actor, patient: Patient, change_id: int, *, now: dt.datetime
) -> DoseChange:
    """The prescriber named in a verbal or telephone order co-signs it.

    Refused: ``dose-change-not-found`` (not this patient's, or no such change);
    ``not-allowed`` for anyone but the named prescriber, still a prescriber on the care
    team; ``not-pending`` for a change the prescriber entered themselves;
    ``already-cosigned`` once signed (also when another request signed it a moment
    earlier: the signature is written only on an unsigned order, and audited once).
    Co-signing changes no dose and no date: the order was in effect from its date.
    """
    change = dose_change_of(patient, change_id)
    prescriber = checks.display_name(change.ordered_by)
    if actor.user_id != change.ordered_by_id or not may_order_dose_change(actor, patient):
        raise ClinicalError(
            "not-allowed", f"Only {prescriber}, the prescriber who gave this order, co-signs it."
        )
    if change.order == DoseChange.Order.PRESCRIBER:
        raise ClinicalError(
            "not-pending",
            f"This dose change was entered by its prescriber, {prescriber}; it needs no "
            "co-signature.",
        )
    if change.cosigned_at is not None:
        raise _already_cosigned(change)
    with transaction.atomic():
        signed = DoseChange.objects.filter(pk=change.pk, cosigned_at__isnull=True).update(
            cosigned_at=now
        )
        if not signed:
            raise _already_cosigned(change)
        change.cosigned_at = now
        record(
            actor,
            "record.benzo-change-cosign",
            patient=patient,
            target=change,
            detail={
                "dose_change_id": change.pk,
                "drug": change.drug,
                "on": change.on.isoformat(),
                "order": change.order,
                "recorded_by_id": change.recorded_by_id,
            },
        )
    return change


@dataclass(frozen=True)
class MedicationEntry:
    """Another medication: its name, dose as written, reason and start date if known,
    and the known drug it is (a drug id of the co-medications data file), if any."""

    name: str
    dose: str = ""
    reason: str = ""
    started_on: dt.date | None = None
    drug: str = ""


def _known_drug(entry: MedicationEntry) -> str:
    """The entry's drug id: the one given (refused with ``unknown-co-medication`` when
    the data file does not know it), else the name when it is exactly a known drug's
    generic name (any case), else empty (free text)."""
    table = co_medications()
    drug = (entry.drug or "").strip()
    if drug:
        return table.drug(drug).id
    typed = (entry.name or "").strip().lower()
    return typed if typed in table.drug_ids() else ""


def do_add_medication(
    actor: Actor, patient: Patient, entry: MedicationEntry, *, now: dt.datetime
) -> Medication:
    """Add another medication the patient takes, as a known drug (``entry.drug``; the
    name then defaults to the drug's) or by its name alone. Refused for an unknown drug
    (``unknown-co-medication``), a blank name without a drug, an over-long field, or a
    start date in the future or before birth."""
    _may_change(actor, patient)
    drug = _known_drug(entry)
    if not drug and not entry.name.strip():
        raise ClinicalError("missing", NO_MEDICATION)
    name = checks.text(
        entry.name.strip() or drug,
        model=Medication,
        field="name",
        label="medication's name",
        required=True,
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
            patient=patient,
            name=name,
            drug=drug,
            dose=dose,
            reason=reason,
            started_on=entry.started_on,
        )
        record(
            actor,
            "record.medication-add",
            patient=patient,
            target=medication,
            detail={"name": name, "drug": drug},
        )
    return medication


def _medication_of(patient: Patient, medication_id: int) -> Medication:
    medication = patient.medications.filter(pk=medication_id).first()
    if medication is None:
        raise ClinicalError(
            "medication-not-found", f"This patient has no medication with the id {medication_id}."
        )
    return medication


def medication_to_end(patient: Patient, medication_id: int) -> Medication:
    """The medication ``do_end_medication`` would end, for a page that asks for
    confirmation first; raises its refusals (``medication-not-found``, ``already-ended``)."""
    medication = _medication_of(patient, medication_id)
    if medication.ended_on is not None:
        raise _already_ended(medication)
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
    medication = medication_to_end(patient, medication_id)
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


def on_care_team(patient: Patient, user: User) -> bool:
    """Whether ``user`` is on the patient's care team now."""
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
    if on_care_team(patient, user):
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


def care_team_member(patient: Patient, user_id: int) -> CareTeamMember | None:
    """The care team's entry for ``user_id``, with the user; None when they are not on it
    (or no such account could exist)."""
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
    member = care_team_member(patient, user_id)
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
