"""Writes for monitoring: the patient's dose logs and check-ins.

Each action checks the actor's right (``access.may_log_for``: the patient, or a
clinician on their care team entering what the patient told them) and the input, then
writes and records its audit entry in one transaction; a refusal writes nothing of the
log or check-in. A check-in's safety answers are the exception, as everywhere in
Clonacare: a seizure since the last check-in, thoughts of self-harm, or that question
left unanswered raise their alerts (``assessments.actions.do_raise_check_in_alerts``)
before anything else is checked, so no bad field hides them (docs/monitoring.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from clonacare.assessments.actions import do_raise_check_in_alerts
from clonacare.assessments.models import SafetyAlert
from clonacare.audit.log import Actor, record
from clonacare.core.errors import ClinicalError
from clonacare.core.instruments import item_name
from clonacare.core.instruments.definition import SCREEN_INCOMPLETE
from clonacare.monitoring.access import is_the_patient, may_log_for
from clonacare.monitoring.follow_up_actions import do_set_follow_up as do_set_follow_up
from clonacare.monitoring.models import (
    AMOUNT_DIGITS,
    AMOUNT_PLACES,
    NOTE_MAX,
    CheckIn,
    DoseLog,
    Proposal,
)
from clonacare.monitoring.questions import Scale, ciwa_b, ciwa_b_patient_items, scales
from clonacare.monitoring.rules import Reading, check_ins_read, withdrawal_proposal
from clonacare.patients.access import may_order_dose_change
from clonacare.patients.actions.checks import recorded_date
from clonacare.patients.models import DOSE_TIMES, Patient
from clonacare.plans.actions import do_revise_plan
from clonacare.plans.models import Plan

DOSE_NOT_ALLOWED = (
    "Only the patient, or a clinician on their care team on the patient's word, logs a dose."
)
CHECK_IN_NOT_ALLOWED = (
    "Only the patient, or a clinician on their care team on the patient's word, enters a check-in."
)
# The fields of a check-in, as do_check_in takes them (and the API names them).
CHECK_IN_FIELDS = (
    "date",
    "seizure",
    "self_harm_thoughts",
    "sleep",
    "anxiety",
    "craving",
    "ciwa_b",
    "note",
)
# What comes next after a yes to thoughts of self-harm: the ASQ suicide-risk screen.
AFTER_SELF_HARM = "asq"
SEIZURE_MISSING = "Say whether there has been a seizure since the last check-in: yes or no."
SELF_HARM_MISSING = (
    "Say whether there have been thoughts of self-harm: yes or no. Unanswered, it is not "
    "read as a no: the care team is alerted to ask it."
)


def _signed_in(actor: Actor) -> int:
    if actor.user_id is None:
        raise ClinicalError("not-allowed", "Sign in to log doses and check-ins.")
    return actor.user_id


def _today(now: dt.datetime) -> dt.date:
    """The day ``now`` falls on in the site's time zone."""
    return timezone.localdate(now)


# Dose logs.


def _already_logged(day: dt.date, dose_time: str) -> ClinicalError:
    return ClinicalError(
        "dose-already-logged", f"The {dose_time} dose of {day.isoformat()} is already logged."
    )


def _amount(status: str, amount_mg: Decimal | None) -> Decimal | None:
    """The amount of a different-amount dose; None for any other status."""
    if status != DoseLog.Status.DIFFERENT:
        if amount_mg is not None:
            raise ClinicalError(
                "amount",
                f"Only a different amount takes an amount in mg; a dose logged as "
                f"{status!r} has none.",
            )
        return None
    if amount_mg is None:
        raise ClinicalError("amount", "A different amount needs the amount taken, in mg.")
    if not amount_mg.is_finite() or amount_mg <= 0:
        raise ClinicalError(
            "amount",
            "The amount taken must be more than 0 mg; a dose not taken at all is logged as missed.",
        )
    places = AMOUNT_PLACES
    largest = Decimal(10) ** (AMOUNT_DIGITS - places) - Decimal(10) ** -places
    exponent = amount_mg.normalize().as_tuple().exponent
    if amount_mg > largest or (isinstance(exponent, int) and exponent < -places):
        raise ClinicalError(
            "amount",
            f"The amount taken is at most {largest} mg, to {places} decimal places; "
            f"got {amount_mg}.",
        )
    return amount_mg


def do_log_dose(
    actor: Actor,
    patient: Patient,
    *,
    day: dt.date | None,
    dose_time: str,
    status: str,
    amount_mg: Decimal | None = None,
    now: dt.datetime,
) -> DoseLog:
    """Log one dose time of one day (``day`` None: today): taken, missed, late, or a
    different amount (``amount_mg``, in mg, only then). A day before today is a late
    entry (``late_entry``), allowed and marked.

    Refused (ClinicalError, nothing written): anyone but the patient or a clinician on
    their care team (``not-allowed``); a day in the future or before the date of birth
    (``date``); a dose time that is not one of the record's (``dose-time``); an unknown
    status (``dose-status``); an amount missing for a different amount, given for any
    other status, not above 0 or more than the record holds (``amount``); a dose time
    already logged for that day (``dose-already-logged``, a conflict: one log per dose
    time and day; there is no correction in this version). Audited as ``dose.log``.
    """
    user_id = _signed_in(actor)
    if not may_log_for(actor, patient):
        raise ClinicalError("not-allowed", DOSE_NOT_ALLOWED)
    today = _today(now)
    day = day or today
    recorded_date(day, patient_born=patient.date_of_birth, today=today, what="The day of the dose")
    if dose_time not in DOSE_TIMES:
        raise ClinicalError(
            "dose-time", f"Unknown dose time {dose_time!r}; choose one of: {', '.join(DOSE_TIMES)}."
        )
    if status not in DoseLog.Status.values:
        raise ClinicalError(
            "dose-status",
            f"Unknown dose status {status!r}; choose one of: {', '.join(DoseLog.Status.values)}.",
        )
    amount = _amount(status, amount_mg)
    with transaction.atomic():
        # Two logs of the same dose sent at once: the second waits and is refused.
        Patient.objects.select_for_update().filter(pk=patient.pk).exists()
        if DoseLog.objects.filter(patient=patient, day=day, dose_time=dose_time).exists():
            raise _already_logged(day, dose_time)
        try:
            with transaction.atomic():
                log = DoseLog.objects.create(
                    patient=patient,
                    day=day,
                    dose_time=dose_time,
                    status=status,
                    amount_mg=amount,
                    self_reported=is_the_patient(actor, patient),
                    entered_by_id=user_id,
                    entered_at=now,
                    late_entry=day < today,
                )
        except IntegrityError:
            raise _already_logged(day, dose_time) from None
        record(
            actor,
            "dose.log",
            patient=patient,
            target=log,
            detail={
                "day": day.isoformat(),
                "dose_time": dose_time,
                "status": status,
                "late_entry": log.late_entry,
            },
        )
    return log


# Check-ins.


class CheckInRefused(ClinicalError):
    """A check-in refused for ``reason`` (its code, message and kind): no check-in is
    stored, but the safety alerts its readable answers raised are (``alerts``, raised or
    joined), and ``next_step`` is ``"asq"`` after a yes to thoughts of self-harm."""

    def __init__(
        self,
        reason: ClinicalError,
        *,
        alerts: Sequence[SafetyAlert] = (),
        next_step: str | None = None,
    ) -> None:
        super().__init__(reason.code, reason.message, kind=reason.kind)
        self.alerts = tuple(alerts)
        self.next_step = next_step


def _yes_no(value: object) -> bool | None:
    """A yes/no answer: true or false, or the text yes or no; None when it is neither."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("yes", "no"):
        return value.strip().lower() == "yes"
    return None


def _shown(value: object) -> str:
    """An answer as a message or trigger quotes it, cut short."""
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _read_day(value: object, today: dt.date) -> dt.date | None:
    """The check-in date (today when not given), or None when it cannot be read."""
    if value is None:
        return today
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()) if len(value.strip()) == 10 else None
        except ValueError:
            return None
    return None


def _triggers(day: dt.date | None, seizure: bool | None, self_harm: object) -> dict[str, str]:
    """The alerts a check-in's answers raise, each with the answer that raised it."""
    where = f"check-in for {day.isoformat()}" if day is not None else "check-in"
    triggers: dict[str, str] = {}
    if seizure is True:
        triggers["seizure"] = f"{where}: seizure since the last check-in: yes"
    harm = _yes_no(self_harm)
    if harm is True:
        triggers["suicide-risk"] = f"{where}: thoughts of self-harm: yes"
    elif harm is None:
        given = (
            "not answered"
            if self_harm is None or (isinstance(self_harm, str) and not self_harm.strip())
            else f"unreadable answer {_shown(self_harm)}"
        )
        triggers[SCREEN_INCOMPLETE] = f"{where}: thoughts of self-harm: {given}"
    return triggers


def _scale(scale: Scale, value: object) -> int:
    if value is None:
        raise ClinicalError(
            "missing",
            f"Rate {scale.id} from {scale.low} ({scale.low_label}) to {scale.high} "
            f"({scale.high_label}).",
        )
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not scale.low <= value <= scale.high
    ):
        raise ClinicalError(
            "scale",
            f"{scale.id.capitalize()} is rated with a whole number from {scale.low} to "
            f"{scale.high}; got {_shown(value)}.",
        )
    return value


def _ciwa_b(value: object) -> dict[str, int]:
    """The patient-rated CIWA-B answers as item id to score; refused (ClinicalError)
    when not an object, for an item the check-in does not ask, an answer that is not
    one of its item's options, or an item left unanswered."""
    items = ciwa_b_patient_items()
    definition = ciwa_b()
    asked = f"{items[0].id} to {items[-1].id}"
    codes = ", ".join(items[0].codes)
    if value is None:
        raise ClinicalError(
            "incomplete",
            f"The check-in needs an answer to each CIWA-B item the patient rates ({asked}), "
            f"one of {codes}.",
        )
    if not isinstance(value, Mapping):
        raise ClinicalError(
            "invalid",
            f"The CIWA-B answers must be an object of item id to answer ({asked}, each one "
            f"of {codes}).",
        )
    by_id = {item.id: item for item in items}
    every = {item.id: item for item in definition.items}
    scores: dict[str, int] = {}
    for item_id, answer in value.items():
        item = by_id.get(str(item_id))
        if item is None:
            other = every.get(str(item_id))
            if other is not None:
                raise ClinicalError(
                    "check-in-item",
                    f"{item_name(definition, other)} is rated by a clinician, not in the "
                    f"patient's check-in; it asks {asked}.",
                )
            raise ClinicalError(
                "check-in-item", f"CIWA-B has no item {str(item_id)!r}; the check-in asks {asked}."
            )
        chosen = (
            item.option(str(answer))
            if isinstance(answer, str | int) and not isinstance(answer, bool)
            else None
        )
        if chosen is None:
            raise ClinicalError(
                "answer-out-of-range",
                f"{item_name(definition, item)}: {_shown(answer)} is not one of its answers "
                f"({', '.join(item.codes)}).",
            )
        scores[item.id] = chosen.score
    missing = [item for item in items if item.id not in scores]
    if missing:
        names = ", ".join(item_name(definition, item) for item in missing)
        verb = "is" if len(missing) == 1 else "are"
        raise ClinicalError(
            "incomplete",
            f"{names} {verb} not answered; the check-in needs every CIWA-B item the patient rates.",
        )
    return {item.id: scores[item.id] for item in items}


def _note(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ClinicalError("invalid", "The note must be text.")
    note = value.strip()
    if len(note) > NOTE_MAX:
        raise ClinicalError(
            "too-long", f"The note is at most {NOTE_MAX} characters; this one has {len(note)}."
        )
    return note


def _checked(
    answers: Mapping[str, object], today: dt.date, patient: Patient
) -> tuple[dt.date, dict[str, object]]:
    """The check-in's day and fields, or ClinicalError for the first problem, in the
    order: unknown field, seizure, thoughts of self-harm, date, ratings, CIWA-B, note."""
    unknown = [k for k in answers if k not in CHECK_IN_FIELDS]
    if unknown:
        raise ClinicalError("unknown-field", f"unknown field {unknown[0]!r}.")
    for field, missing, about in (
        ("seizure", SEIZURE_MISSING, "a seizure since the last check-in"),
        ("self_harm_thoughts", SELF_HARM_MISSING, "thoughts of self-harm"),
    ):
        raw = answers.get(field)
        if raw is None:
            raise ClinicalError("missing", missing)
        if _yes_no(raw) is None:
            raise ClinicalError(
                "yes-no",
                f"The answer about {about} is yes or no (true or false); got {_shown(raw)}.",
            )
    day = _read_day(answers.get("date"), today)
    if day is None:
        raise ClinicalError(
            "invalid",
            f"The check-in date must be a date as YYYY-MM-DD; got {_shown(answers.get('date'))}.",
        )
    recorded_date(day, patient_born=patient.date_of_birth, today=today, what="The check-in date")
    fields: dict[str, object] = {
        "seizure": _yes_no(answers["seizure"]),
        "self_harm_thoughts": _yes_no(answers["self_harm_thoughts"]),
    }
    for scale in scales():
        fields[scale.id] = _scale(scale, answers.get(scale.id))
    fields["ciwa_b"] = _ciwa_b(answers.get("ciwa_b"))
    fields["note"] = _note(answers.get("note"))
    return day, fields


def do_check_in(
    actor: Actor, patient: Patient, answers: Mapping[str, object], *, now: dt.datetime
) -> CheckIn:
    """Store the patient's check-in for one day, raising the alerts its safety answers
    fire. ``answers`` holds CHECK_IN_FIELDS: ``date`` (``YYYY-MM-DD``, or None for
    today), ``seizure`` and ``self_harm_thoughts`` (true/false, or "yes"/"no"),
    ``sleep``, ``anxiety`` and ``craving`` (whole numbers in their range,
    ``monitoring/data/check-in.toml``), ``ciwa_b`` (item id to answer code, for every
    CIWA-B item the patient rates) and ``note`` (optional, at most NOTE_MAX characters).
    A day before today is a late entry (``late_entry``).

    Who: the patient, or a clinician on their care team on the patient's word; anyone
    else is refused (``not-allowed``) before anything is read or written.

    Safety first: a seizure since the last check-in raises ``seizure``, thoughts of
    self-harm ``suicide-risk``, and that question unanswered or unreadable
    ``suicide-screen-incomplete`` (it is never read as a no), whatever else the
    check-in says; they are stored, emailed to the care team and linked to the
    check-in. Then CheckInRefused (carrying those alerts, and ``next_step`` ``"asq"``
    after a self-harm yes) refuses the first problem: an unknown field
    (``unknown-field``), a yes/no answer missing (``missing``) or unreadable
    (``yes-no``), a date that is not one (``invalid``), in the future or before birth
    (``date``), a rating missing (``missing``) or out of range (``scale``), a CIWA-B
    answer set that is not an object (``invalid``), names an item the check-in does not
    ask (``check-in-item``), has an answer that is not an option
    (``answer-out-of-range``) or leaves an item out (``incomplete``), a note that is not
    text (``invalid``) or too long (``too-long``), and a second check-in for the same
    day (``check-in-exists``, a conflict). Audited as ``check-in``.
    """
    user_id = _signed_in(actor)
    if not may_log_for(actor, patient):
        raise ClinicalError("not-allowed", CHECK_IN_NOT_ALLOWED)
    today = _today(now)
    readable_day = _read_day(answers.get("date"), today)
    triggers = _triggers(
        readable_day, _yes_no(answers.get("seizure")), answers.get("self_harm_thoughts")
    )
    next_step = AFTER_SELF_HARM if "suicide-risk" in triggers else None
    try:
        day, fields = _checked(answers, today, patient)
    except ClinicalError as problem:
        alerts = do_raise_check_in_alerts(actor, patient, triggers, now=now) if triggers else []
        raise CheckInRefused(problem, alerts=alerts, next_step=next_step) from None
    check_in: CheckIn | None = None
    with transaction.atomic():
        # Two check-ins for one day sent at once: the second waits and is refused.
        Patient.objects.select_for_update().filter(pk=patient.pk).exists()
        alerts = do_raise_check_in_alerts(actor, patient, triggers, now=now) if triggers else []
        if not CheckIn.objects.filter(patient=patient, day=day).exists():
            try:
                with transaction.atomic():
                    check_in = CheckIn.objects.create(
                        patient=patient,
                        day=day,
                        self_reported=is_the_patient(actor, patient),
                        entered_by_id=user_id,
                        entered_at=now,
                        late_entry=day < today,
                        **fields,
                    )
            except IntegrityError:
                check_in = None
        if check_in is not None:
            check_in.alerts.set(alerts)
            record(
                actor,
                "check-in",
                patient=patient,
                target=check_in,
                detail={"day": day.isoformat(), "late_entry": check_in.late_entry},
            )
            _propose(actor, patient, check_in, now=now)
    if check_in is None:
        exists = ClinicalError(
            "check-in-exists",
            f"There is already a check-in for {day.isoformat()}: one check-in a day.",
        )
        raise CheckInRefused(exists, alerts=alerts, next_step=next_step)
    return check_in


# Proposals to pause or slow (monitoring.rules): made when a check-in is stored, decided
# by a prescriber on the care team.

NOT_A_DECIDER = "Only a prescriber on the patient's care team accepts or rejects a proposal."
DECISION_REASON_MISSING = "Enter the reason for the decision."
DAYS_MISSING = {
    Proposal.Kind.PAUSE: "Say how many days to pause the taper for.",
    Proposal.Kind.SLOW: "Say the new number of days between dose reductions.",
}
# The plan revision that accepting each kind of proposal makes.
REVISION_OF = {Proposal.Kind.PAUSE: "pause", Proposal.Kind.SLOW: "slow-interval"}


def _propose(actor: Actor, patient: Patient, check_in: CheckIn, *, now: dt.datetime) -> None:
    """After ``check_in`` is stored (inside its transaction): when the patient has an
    approved plan and no open proposal, run the withdrawal rules on their newest
    check-ins and store a proposal when one holds. Audited as ``proposal.make``.

    Only the newest check-in (by day) asks: a late entry for an earlier day counts in
    the trend later but proposes nothing by itself. After a decision the rules read only
    the check-ins after the one that made the decided proposal, so the trend a
    prescriber has already answered never proposes again."""
    plan = Plan.objects.filter(patient=patient, status=Plan.Status.APPROVED).first()
    if (
        plan is None
        or Proposal.objects.filter(patient=patient, status=Proposal.Status.OPEN).exists()
    ):
        return
    check_ins = CheckIn.objects.filter(patient=patient)
    decided = (
        Proposal.objects.filter(patient=patient)
        .order_by("-check_in__day")
        .values_list("check_in__day", flat=True)
        .first()
    )
    if decided is not None:
        check_ins = check_ins.filter(day__gt=decided)
    rows = list(check_ins.order_by("-day").values_list("id", "day", "ciwa_b")[: check_ins_read()])
    if not rows or rows[0][0] != check_in.pk:
        return
    newest_first = [Reading(day, sum(answers.values())) for _, day, answers in rows]
    finding = withdrawal_proposal(newest_first)
    if finding is None:
        return
    proposal = Proposal.objects.create(
        patient=patient,
        plan=plan,
        kind=finding.kind,
        why={
            "rule": finding.rule,
            "text": finding.why,
            "check_ins": [
                {"date": r.day.isoformat(), "ciwa_b_sum": r.ciwa_b_sum} for r in finding.read
            ],
            "source": finding.source,
            "basis": finding.basis,
        },
        check_in=check_in,
        made_at=now,
    )
    record(
        actor,
        "proposal.make",
        patient=patient,
        target=proposal,
        detail={"kind": finding.kind, "rule": finding.rule, "plan": plan.pk},
    )


def _decision(actor: Actor, proposal: Proposal, reason: str) -> tuple[int, str]:
    """The deciding prescriber's user id and the cleaned reason, or a refusal."""
    if actor.user_id is None or not may_order_dose_change(actor, proposal.patient):
        raise ClinicalError("not-allowed", NOT_A_DECIDER)
    cleaned = reason.strip()
    if not cleaned:
        raise ClinicalError("missing", DECISION_REASON_MISSING)
    if len(cleaned) > NOTE_MAX:
        raise ClinicalError(
            "too-long", f"The reason is at most {NOTE_MAX} characters; this one has {len(cleaned)}."
        )
    return actor.user_id, cleaned


def _open(proposal_id: int) -> Proposal:
    """The proposal locked for a decision; ``proposal-decided`` when it is decided."""
    locked = (
        Proposal.objects.select_for_update().select_related("patient", "plan").get(pk=proposal_id)
    )
    if locked.status != Proposal.Status.OPEN:
        raise ClinicalError(
            "proposal-decided",
            f"This proposal has been {locked.status} already; nothing was changed.",
        )
    return locked


def do_accept_proposal(
    actor: Actor, proposal: Proposal, *, reason: str, days: int | None, now: dt.datetime
) -> Proposal:
    """Accept ``proposal`` (which ``actor`` may see): the plan it was made for is
    revised from today through ``plans.actions.do_revise_plan`` (a pause of ``days``
    days, or a slower interval of ``days`` days between reductions), and the proposal
    is marked accepted with who, when, the reason and the revision's number.

    Refused, nothing written: ``not-allowed`` (403) for anyone but a prescriber on the
    care team; ``missing`` without a reason or without ``days``; ``too-long``;
    ``proposal-decided`` (409) when it is decided already; and every refusal of the
    revision unchanged (``plan-not-approved`` for a plan replaced since, the core's
    guardrails). Audited as ``proposal.accept`` beside the revision's ``plan.revise``.
    """
    user_id, cleaned = _decision(actor, proposal, reason)
    if days is None:
        raise ClinicalError("missing", DAYS_MISSING[Proposal.Kind(proposal.kind)])
    with transaction.atomic():
        locked = _open(proposal.pk)
        revision = do_revise_plan(
            actor,
            locked.plan,
            REVISION_OF[Proposal.Kind(locked.kind)],
            reason=cleaned,
            effective=_today(now),
            now=now,
            days=days,
        )
        locked.status = Proposal.Status.ACCEPTED
        locked.decided_by_id = user_id
        locked.decided_at = now
        locked.reason = cleaned
        locked.revision_number = revision.number
        locked.save()
        record(
            actor,
            "proposal.accept",
            patient=locked.patient,
            target=locked,
            detail={"kind": locked.kind, "revision": revision.number, "days": days},
        )
    return locked


def do_reject_proposal(
    actor: Actor, proposal: Proposal, *, reason: str, now: dt.datetime
) -> Proposal:
    """Reject ``proposal`` with a reason; the plan is not touched. Refused as
    ``do_accept_proposal`` is (``not-allowed``, ``missing``, ``too-long``,
    ``proposal-decided``). Audited as ``proposal.reject``."""
    user_id, cleaned = _decision(actor, proposal, reason)
    with transaction.atomic():
        locked = _open(proposal.pk)
        locked.status = Proposal.Status.REJECTED
        locked.decided_by_id = user_id
        locked.decided_at = now
        locked.reason = cleaned
        locked.save()
        record(
            actor,
            "proposal.reject",
            patient=locked.patient,
            target=locked,
            detail={"kind": locked.kind},
        )
    return locked
