"""Writes for assessments: each action validates, writes and audits in one transaction."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NoReturn

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from clonacare.accounts.models import Role
from clonacare.assessments.escalation import renotify_reason
from clonacare.assessments.models import (
    AlertNotification,
    AlertRepeat,
    InstrumentResponse,
    LevelOfCareAssessment,
    SafetyAlert,
    SeizureReport,
)
from clonacare.assessments.notify import last_mail_at, queue_care_team, queue_escalation
from clonacare.assessments.triggers import instrument_trigger, level_of_care_trigger
from clonacare.audit.log import Actor, record
from clonacare.core.assessment import assess, load_settings, parse_assessment
from clonacare.core.crisis import CrisisResources, load_crisis_resources
from clonacare.core.drugs import equivalence_table
from clonacare.core.errors import ClinicalError
from clonacare.core.instruments import (
    Alert,
    AnswersRefused,
    Instrument,
    ScoreResult,
    TooManyAnswers,
    incomplete_message,
    instrument,
    score,
    shipped_ids,
    unreadable_screen,
)
from clonacare.core.instruments import (
    alert as alert_definition,
)
from clonacare.core.instruments.definition import SCREEN_INCOMPLETE
from clonacare.patients.access import may_record_clinical_data
from clonacare.patients.models import Patient

Reason = AlertNotification.Reason


class IncompleteResponse(ClinicalError):
    """A form refused for a missing answer (``incomplete``) or a bad one
    (``answer-out-of-range``: not one of its item's options; ``unknown-item``): no total,
    no response stored, except the safety alerts that its valid answers fired (an
    unanswered suicide question's included), stored and carried here with the crisis
    resources so the page or the API shows them whatever else it says. ``unanswered``:
    the numbers of the questions left unanswered (``incomplete``), for a page that words
    the refusal for a patient. ``retry_after_s``: for ``too-many-submissions``, the
    seconds until the record takes another (the ``Retry-After`` of the 429)."""

    def __init__(
        self,
        message: str,
        *,
        alerts: tuple[dict[str, str], ...],
        crisis_resources: tuple[dict[str, str], ...],
        code: str = "incomplete",
        alert_ids: tuple[int, ...] = (),
        unanswered: tuple[int, ...] = (),
        retry_after_s: int | None = None,
    ) -> None:
        super().__init__(code, message)
        self.alerts = alerts
        self.crisis_resources = crisis_resources
        self.alert_ids = alert_ids
        self.unanswered = unanswered
        self.retry_after_s = retry_after_s


def crisis_resources() -> CrisisResources:
    return load_crisis_resources(settings.CRISIS_FILE or None)


def is_self_report(definition: Instrument) -> bool:
    """Every item is answered by the patient (PHQ-9, GAD-7, ASQ, SDS)."""
    return all(item.rater == "self" for item in definition.items)


def instruments_for(actor: Actor) -> list[Instrument]:
    """The shipped instruments ``actor`` may complete: patients self-report ones only."""
    definitions = [instrument(i) for i in shipped_ids()]
    if actor.role == Role.PATIENT:
        return [d for d in definitions if is_self_report(d)]
    if may_record_clinical_data(actor):
        return definitions
    return []


def _signed_in(actor: Actor) -> int:
    """The acting user's id; an anonymous actor writes nothing."""
    if actor.user_id is None:
        raise ClinicalError("not-allowed", "Sign in to record assessments.")
    return actor.user_id


def _more_urgent(open_alert: SafetyAlert, seizure_report: SeizureReport | None) -> bool:
    """A seizure happening now (or possibly: not said) joining an alert whose reports
    all said it had stopped, or that no report raised (a clinician's record)."""
    if seizure_report is None or seizure_report.happening_now is False:
        return False
    reports = SeizureReport.objects.filter(
        Q(alerts=open_alert) | Q(alert_repeats__alert=open_alert)
    ).exclude(pk=seizure_report.pk)
    return not reports.exclude(happening_now=False).exists()


def _join(
    actor: Actor,
    patient: Patient,
    open_alert: SafetyAlert,
    trigger: str,
    now: dt.datetime,
    *,
    response: InstrumentResponse | None,
    level_of_care: LevelOfCareAssessment | None,
    seizure_report: SeizureReport | None,
) -> None:
    """A repeat joins ``open_alert`` and, when ``renotify_reason`` says so, emails the
    care team again (and, for an alert already escalated, escalates it again)."""
    reason = renotify_reason(
        escalated=open_alert.escalated_at is not None,
        more_urgent=_more_urgent(open_alert, seizure_report),
        last_mail_at=last_mail_at(open_alert),
        escalation_minutes=patient.program.escalation_minutes,
        now=now,
    )
    open_alert.repeats += 1
    open_alert.last_raised_at = now
    open_alert.last_trigger = trigger
    fields = ["repeats", "last_raised_at", "last_trigger"]
    if reason == "escalated":
        open_alert.escalated_at = now
        fields.append("escalated_at")
    open_alert.save(update_fields=fields)
    AlertRepeat.objects.create(
        alert=open_alert,
        response=response,
        level_of_care=level_of_care,
        seizure_report=seizure_report,
        trigger=trigger,
        raised_at=now,
    )
    detail: dict[str, object] = {"code": open_alert.code, "repeats": open_alert.repeats}
    if reason:
        detail["renotify"] = reason
    record(actor, "alert.repeat", patient=patient, target=open_alert, detail=detail)
    if reason:
        queue_care_team([open_alert], now, Reason.AGAIN)
    if reason == "escalated":
        queue_escalation(open_alert, now, Reason.AGAIN)


def _refusal(
    reason: ClinicalError,
    result: ScoreResult,
    stored: Sequence[SafetyAlert],
    retry_after_s: int | None = None,
) -> IncompleteResponse:
    """The refusal of a form for ``reason``, carrying the alerts its readable answers
    raised (``result``, stored as ``stored``) and the crisis resources."""
    return IncompleteResponse(
        reason.message,
        alerts=tuple(a.as_dict() for a in result.alerts),
        crisis_resources=tuple(r.as_dict() for r in result.crisis_resources),
        code=reason.code,
        alert_ids=tuple(a.pk for a in stored),
        unanswered=tuple(i.number for i in result.missing) if reason.code == "incomplete" else (),
        retry_after_s=retry_after_s,
    )


def _raise_alerts(
    actor: Actor,
    patient: Patient,
    alerts: Sequence[Alert],
    now: dt.datetime,
    *,
    response: InstrumentResponse | None = None,
    level_of_care: LevelOfCareAssessment | None = None,
    seizure_report: SeizureReport | None = None,
    instrument_id: str | None = None,
    answers: Mapping[str, Any] | None = None,
    first_step: Collection[int] = (),
    trigger_text: str = "",
    triggers: Mapping[str, str] | None = None,
    from_check_in: bool = False,
) -> list[SafetyAlert]:
    """Store each alert the core fired, for the care team, audit it, and queue the care
    team's mails (``assessments.notify``: sent once the transaction commits). Returns
    the alerts.

    Each alert says which answer raised it (``trigger``): from the response's answers
    (or ``instrument_id`` and ``answers`` of a form that was not stored, a refused
    answer included), from the level-of-care reasons, or
    from the patient's seizure report. A repeat of an open alert (same patient, same
    code, not acknowledged) joins it instead of making a copy: ``repeats`` counts it,
    ``last_raised_at`` and ``last_trigger`` show the newest answer, ``AlertRepeat``
    keeps each repeat with the record that raised it, it is audited as
    ``alert.repeat``, and the care team is emailed again only as
    ``escalation.renotify_reason`` says (docs/records.md, "A repeat").
    ``triggers``: what raised each alert, by code (a check-in's answers), before
    ``trigger_text``. ``from_check_in``: raised by a check-in's answers (a new alert is
    marked so, and its patient sees it).
    ``first_step``: ids of the alerts the first step of this same screen raised (the
    portal's ASQ): such an alert is completed by the stored response (it is linked to
    it), not counted as a repeat.
    The patient's row is locked first, so two submissions at the same moment join one
    alert rather than making two.
    """
    raised: list[SafetyAlert] = []
    new: list[SafetyAlert] = []
    if not alerts:
        return raised
    with transaction.atomic():
        Patient.objects.select_for_update().filter(pk=patient.pk).exists()
        for fired in alerts:
            trigger = (triggers or {}).get(fired.code, "") or trigger_text
            trigger = trigger or _trigger(fired.code, response, level_of_care, seizure_report)
            if not trigger and instrument_id is not None and answers is not None:
                trigger = instrument_trigger(instrument_id, answers, fired.code)
            open_alert = (
                SafetyAlert.objects.select_for_update()
                .select_related("patient__program")
                .filter(patient=patient, code=fired.code, acknowledged_at__isnull=True)
                .order_by("raised_at", "id")
                .first()
            )
            if (
                open_alert is not None
                and open_alert.pk in first_step
                and open_alert.response_id is None
                and open_alert.repeats == 0
            ):
                # The same screen, asked again or completed by its second step: the
                # alert gets its response (when stored), and it is not a repeat.
                if response is not None:
                    open_alert.response = response
                    open_alert.trigger = trigger or open_alert.trigger
                    open_alert.save(update_fields=["response", "trigger"])
                raised.append(open_alert)
                continue
            if open_alert is not None:
                _join(
                    actor,
                    patient,
                    open_alert,
                    trigger,
                    now,
                    response=response,
                    level_of_care=level_of_care,
                    seizure_report=seizure_report,
                )
                raised.append(open_alert)
                continue
            alert = SafetyAlert.objects.create(
                patient=patient,
                code=fired.code,
                message=fired.message,
                response=response,
                level_of_care=level_of_care,
                seizure_report=seizure_report,
                trigger=trigger,
                from_check_in=from_check_in,
                raised_at=now,
            )
            record(actor, "alert.raise", patient=patient, target=alert, detail={"code": fired.code})
            new.append(alert)
            raised.append(alert)
        if new:
            # One mail per member for the alerts raised together (an ASQ acuity yes
            # raises two), sent once the write is committed.
            queue_care_team(new, now)
    return raised


def _trigger(
    code: str,
    response: InstrumentResponse | None,
    level_of_care: LevelOfCareAssessment | None,
    seizure_report: SeizureReport | None,
) -> str:
    """What raised ``code``, from the stored record that raised it; empty without one."""
    if response is not None:
        return instrument_trigger(response.instrument, response.answers, code)
    if level_of_care is not None:
        return level_of_care_trigger(level_of_care.result, code)
    if seizure_report is not None:
        return seizure_report.trigger
    return ""


def _declared_conditions(definition: Instrument, conditions: Collection[str]) -> frozenset[str]:
    """``conditions`` as a set, each one declared by ``definition``; ClinicalError
    ("unknown-condition") names the first that is not, and the ones it declares."""
    if isinstance(conditions, str):  # one id, not its letters
        conditions = (conditions,)
    declared = sorted(c.id for c in definition.conditions)
    for condition in conditions:
        if condition not in declared:
            takes = (
                f"choose from: {', '.join(declared)}"
                if declared
                else f"{definition.id} declares no conditions"
            )
            raise ClinicalError(
                "unknown-condition",
                f"Unknown condition {condition!r} for {definition.id}; {takes}.",
            )
    return frozenset(conditions)


def _refuse(
    actor: Actor,
    patient: Patient,
    definition: Instrument,
    answers: Mapping[str, str | None],
    result: ScoreResult,
    now: dt.datetime,
    reason: ClinicalError,
    retry_after_s: int | None = None,
    first_step: Collection[int] = (),
) -> NoReturn:
    """Refuse a form for ``reason``: store and raise the alerts its valid answers fired
    (safety first: the response is not stored, its alerts are, for the care team), then
    raise IncompleteResponse carrying them (and the ids of the alerts stored or joined)
    and the crisis resources. ``first_step``: the ids of the alerts the first step of
    this same screen raised, which its answers meet again without repeating them."""
    stored: list[SafetyAlert] = []
    if result.alerts:
        with transaction.atomic():
            stored = _raise_alerts(
                actor,
                patient,
                result.alerts,
                now,
                instrument_id=definition.id,
                answers={k: v for k, v in answers.items() if v is not None},
                first_step=first_step,
            )
    raise _refusal(reason, result, stored, retry_after_s)


def submission_wait_s(patient: Patient, now: dt.datetime) -> int | None:
    """Seconds until ``patient``'s record takes another questionnaire, or None when it
    takes one now: it takes ``QUESTIONNAIRES_PER_PATIENT_HOUR`` (settings; a Clonacare
    default against floods, not a clinical figure) stored in the hour before ``now``,
    whoever submitted them."""
    limit: int = settings.QUESTIONNAIRES_PER_PATIENT_HOUR
    recent = list(
        InstrumentResponse.objects.filter(
            patient=patient, submitted_at__gt=now - dt.timedelta(hours=1)
        )
        .order_by("-submitted_at")
        .values_list("submitted_at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return None
    # One more is taken when the oldest of the newest ``limit`` leaves the hour.
    return max(1, math.ceil((recent[-1] + dt.timedelta(hours=1) - now).total_seconds()))


def too_many_submissions(wait_s: int, with_alerts: bool) -> ClinicalError:
    limit = settings.QUESTIONNAIRES_PER_PATIENT_HOUR
    minutes = math.ceil(wait_s / 60)
    unit = "minute" if minutes == 1 else "minutes"
    message = (
        f"This record has had {limit} questionnaires in the last hour, the most the site "
        f"takes in an hour; nothing was stored. Send this one again in {minutes} {unit}."
    )
    if with_alerts:
        message += " Its safety answers have been passed to the care team."
    return ClinicalError("too-many-submissions", message)


def _completable(actor: Actor, instrument_id: str) -> Instrument:
    """The definition of ``instrument_id`` if ``actor`` may complete it; ClinicalError
    (``not-allowed`` or ``unknown-instrument``) otherwise."""
    allowed = {d.id: d for d in instruments_for(actor)}
    if not allowed:
        raise ClinicalError(
            "not-allowed", "Only patients and clinical staff submit questionnaires."
        )
    if instrument_id not in allowed:
        if instrument_id in shipped_ids():
            raise ClinicalError(
                "not-allowed", f"{instrument_id} is completed by a clinician, not by the patient."
            )
        raise ClinicalError(
            "unknown-instrument",
            f"Unknown instrument {instrument_id!r}; choose one of: {', '.join(sorted(allowed))}.",
        )
    return allowed[instrument_id]


def do_submit_response(
    actor: Actor,
    patient: Patient,
    instrument_id: str,
    answers: Mapping[str, Any],
    *,
    now: dt.datetime,
    conditions: Collection[str] = (),
    first_step: Collection[int] = (),
) -> InstrumentResponse:
    """Score and store one completed instrument, raising its safety alerts.

    ``first_step``: the ids of the alerts the first step of this same screen raised
    (``do_raise_first_step_alerts``): the stored response completes them rather than
    repeating them.

    ``conditions`` are ids of circumstances the instrument declares (``taken-as-prescribed``
    for dsm5-sud); they are stored with the response. Refuses (ClinicalError, nothing
    written) an instrument the actor may not complete, then a condition the instrument
    does not declare (``unknown-condition``, naming it). An answer that is not one of an
    item's options, an unknown item and an incomplete form are refused with
    IncompleteResponse: no response is stored, but the alerts the valid answers fire
    are (a bad answer never hides a safety answer). A complete form for a record that
    has had its hour's questionnaires (``submission_wait_s``) is refused the same way
    (``too-many-submissions``, 429, with ``retry_after_s``).
    """
    user_id = _signed_in(actor)
    definition = _completable(actor, instrument_id)
    crisis = crisis_resources()
    given = {k: (None if v in ("", None) else str(v)) for k, v in answers.items()}
    try:
        applied = _declared_conditions(definition, conditions)
    except ClinicalError as unknown:
        # The valid answers still raise their safety alerts (conditions change no alert).
        try:
            unconditioned = score(
                definition, given, crisis=crisis, settings=load_settings().instrument_settings()
            )
        except AnswersRefused as refused:
            unconditioned = refused.result
        _refuse(actor, patient, definition, given, unconditioned, now, unknown)
    try:
        result = score(
            definition,
            given,
            crisis=crisis,
            settings=load_settings().instrument_settings(),
            conditions=applied,
        )
    except AnswersRefused as refused:
        _refuse(actor, patient, definition, given, refused.result, now, refused)
    if not result.complete:
        _refuse(
            actor,
            patient,
            definition,
            given,
            result,
            now,
            ClinicalError("incomplete", incomplete_message(definition, result.missing)),
        )
    wait_s = submission_wait_s(patient, now)
    if wait_s is not None:
        # Refused for the flood, never for its safety answers: they raise their alerts.
        reason = too_many_submissions(wait_s, with_alerts=bool(result.alerts))
        _refuse(actor, patient, definition, given, result, now, reason, wait_s, first_step)
    with transaction.atomic():
        response = InstrumentResponse.objects.create(
            patient=patient,
            instrument=definition.id,
            answers={k: str(v) for k, v in answers.items() if v not in ("", None)},
            complete=True,
            total=result.total,
            band=result.band or "",
            result=result.as_dict(),
            conditions=sorted(applied),
            self_reported=actor.role == Role.PATIENT,
            entered_by_id=user_id,
            submitted_at=now,
        )
        _raise_alerts(actor, patient, result.alerts, now, response=response, first_step=first_step)
        record(
            actor,
            "assessment.submit",
            patient=patient,
            target=response,
            detail={
                "instrument": definition.id,
                "total": result.total,
                "band": result.band,
                "conditions": sorted(applied),
            },
        )
    return response


def do_refuse_with_alerts(
    actor: Actor,
    patient: Patient,
    instrument_id: str,
    answers: Mapping[str, Any],
    reason: ClinicalError,
    *,
    now: dt.datetime,
    conditions: Collection[str] = (),
) -> NoReturn:
    """Refuse a form for ``reason`` found outside the answers' scoring (an unknown field,
    an answer that is not a code): nothing is stored but the safety alerts its readable
    answers fire (IncompleteResponse with ``reason``'s code and message, carrying them).
    Refuses first what ``do_submit_response`` refuses before scoring."""
    _signed_in(actor)
    definition = _completable(actor, instrument_id)
    declared = {c.id for c in definition.conditions}
    given = {k: (None if v in ("", None) else str(v)) for k, v in answers.items()}
    try:
        result = score(
            definition,
            given,
            crisis=crisis_resources(),
            settings=load_settings().instrument_settings(),
            conditions=frozenset(c for c in conditions if c in declared),
        )
    except AnswersRefused as refused:
        result = refused.result
    _refuse(actor, patient, definition, given, result, now, reason)


def do_refuse_unmatched_answers(
    actor: Actor, patient: Patient, instrument_id: str, reason: TooManyAnswers, *, now: dt.datetime
) -> NoReturn:
    """Refuse answers that cannot be matched to the items (more answers than items:
    which answer is which is unknown): nothing is scored, but the safety answers are read
    both ways the answers could line up (core ``unreadable_screen``) and the alerts they
    fire are raised, with ``suicide-screen-incomplete`` for an instrument with a suicide
    question (the screen could not be read for sure). The refusal (IncompleteResponse
    with ``reason``) always carries the crisis resources."""
    _signed_in(actor)
    definition = _completable(actor, instrument_id)
    result = unreadable_screen(definition, crisis=crisis_resources(), tokens=reason.tokens)
    stored: list[SafetyAlert] = []
    if result.alerts:
        given = ", ".join(t.strip() or "(blank)" for t in reason.tokens)
        if len(given) > 150:  # the trigger is 400 characters at most
            given = f"{given[:150].rsplit(', ', 1)[0]}, …"
        stored = _raise_alerts(
            actor,
            patient,
            result.alerts,
            now,
            trigger_text=(
                f"{definition.id}: the answers could not be read ({reason.message}); "
                f"its safety answers were read in order from the first and from the last "
                f"answer: {given}"
            ),
        )
    raise _refusal(reason, result, stored)


@dataclass(frozen=True)
class FirstStepAlerts:
    """The alerts the first step of a questionnaire asked in steps has raised, as the
    refusal of a form carries them (``alerts`` and ``crisis_resources`` as dicts)."""

    alerts: tuple[dict[str, str], ...]
    crisis_resources: tuple[dict[str, str], ...]
    alert_ids: tuple[int, ...] = ()


def do_raise_first_step_alerts(
    actor: Actor,
    patient: Patient,
    instrument_id: str,
    answers: Mapping[str, str | None],
    *,
    now: dt.datetime,
    first_step: Collection[int] = (),
) -> FirstStepAlerts:
    """The first step of a questionnaire asked in steps (the portal's ASQ: questions 1–4,
    then the acuity question after a yes). Nothing is stored but the safety alerts its
    answers already fire, raised now so a person who leaves before the follow-up
    question is not lost; the incomplete-screen alert is left out while only the
    follow-up questions, being asked now, are unanswered. Refuses (ClinicalError) what
    ``do_submit_response`` refuses before scoring, and an answer that is not an option.
    ``first_step``: the alerts this screen's first step raised before (the patient went
    back to change an answer): not counted again.
    """
    _signed_in(actor)
    definition = _completable(actor, instrument_id)
    result = score(
        definition,
        answers,
        crisis=crisis_resources(),
        settings=load_settings().instrument_settings(),
    )
    asking_now = all(item.enabled_when is not None for item in result.missing)
    alerts = [a for a in result.alerts if not (asking_now and a.code == SCREEN_INCOMPLETE)]
    stored: list[SafetyAlert] = []
    if alerts:
        stored = _raise_alerts(
            actor,
            patient,
            alerts,
            now,
            instrument_id=definition.id,
            answers={k: v for k, v in answers.items() if v is not None},
            first_step=first_step,
        )
    return FirstStepAlerts(
        alerts=tuple(a.as_dict() for a in alerts),
        crisis_resources=tuple(r.as_dict() for r in result.crisis_resources) if alerts else (),
        alert_ids=tuple(a.pk for a in stored),
    )


def _json_value(value: object) -> object:
    """A record value as JSON stores it: Decimals as numbers, in lists and objects too
    (the ``benzodiazepines`` list of a level-of-care record)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _json_value(v) for k, v in value.items()}
    return value


def do_record_level_of_care(
    actor: Actor, patient: Patient, data: Mapping[str, Any], *, equivalence: str, now: dt.datetime
) -> LevelOfCareAssessment:
    """Evaluate an assessment record with the core and store it with its reasons.

    Refuses (ClinicalError naming the field, nothing written) a malformed record, and
    actors who are not clinical staff.
    """
    user_id = _signed_in(actor)
    if not may_record_clinical_data(actor):
        raise ClinicalError("not-allowed", "Only clinical staff record a level-of-care assessment.")
    parsed = parse_assessment(dict(data))
    result = assess(
        parsed,
        table=equivalence_table(equivalence),
        settings=load_settings(),
        crisis=crisis_resources(),
    )
    with transaction.atomic():
        assessment = LevelOfCareAssessment.objects.create(
            patient=patient,
            record={k: _json_value(v) for k, v in data.items()},
            level=result.level,
            withdrawal_risk=result.withdrawal.level,
            result=result.as_dict(),
            assessed_by_id=user_id,
            assessed_at=now,
        )
        _raise_alerts(actor, patient, result.alerts, now, level_of_care=assessment)
        record(
            actor,
            "level-of-care.record",
            patient=patient,
            target=assessment,
            detail={"level": result.level, "withdrawal_risk": result.withdrawal.level},
        )
    return assessment


ACKNOWLEDGEMENT_NOTE_MAX = 400
ACKNOWLEDGEMENT_NOTE_REQUIRED = (
    "Say what was done: an acknowledgement needs a note (for example "
    "'Called the patient; safety plan made')."
)


def do_acknowledge_alert(
    actor: Actor, alert: SafetyAlert, *, note: str, now: dt.datetime
) -> SafetyAlert:
    """A clinician acknowledges an open alert with a note of what was done; refuses
    patients and program admins (``not-allowed``), closed alerts
    (``already-acknowledged``), an empty note (``note-required``) and a note over
    ACKNOWLEDGEMENT_NOTE_MAX characters (``note-too-long``: refused, never cut).

    Refused (``already-acknowledged``) also when another clinician acknowledged it a
    moment earlier: the acknowledgement is written only on an alert that has none, so
    the first one's name, time and note stand and it is audited once.
    """
    if not may_record_clinical_data(actor):
        raise ClinicalError("not-allowed", "Only clinical staff acknowledge safety alerts.")
    already = ClinicalError("already-acknowledged", "This alert has already been acknowledged.")
    if not alert.is_open:
        raise already
    note = note.strip()
    if not note:
        raise ClinicalError("note-required", ACKNOWLEDGEMENT_NOTE_REQUIRED)
    if len(note) > ACKNOWLEDGEMENT_NOTE_MAX:
        raise ClinicalError(
            "note-too-long",
            f"The note is at most {ACKNOWLEDGEMENT_NOTE_MAX} characters; this one has "
            f"{len(note)}. Shorten it and acknowledge again.",
        )
    with transaction.atomic():
        acknowledged = SafetyAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
            acknowledged_by_id=actor.user_id, acknowledged_at=now, acknowledgement_note=note
        )
        if not acknowledged:
            raise already
        alert.acknowledged_by_id = actor.user_id
        alert.acknowledged_at = now
        alert.acknowledgement_note = note
        record(actor, "alert.acknowledge", patient=alert.patient, target=alert)
    return alert


SEIZURE_NOTE_MAX = 400
SEIZURE_WHEN_REQUIRED = (
    "Say whether the seizure is happening now or has stopped; until you do, your care "
    "team treats it as possibly happening now."
)


def seizure_note_too_long(length: int) -> str:
    return (
        f"The note is at most {SEIZURE_NOTE_MAX} characters; this one has {length}. The "
        "report was sent without it: shorten it and send it again."
    )


class SeizureReportRefused(ClinicalError):
    """A seizure report with a bad or missing field (``when-required``,
    ``note-too-long``, ``note-not-text``): the report is stored anyway with what could
    be read (``happening_now`` None: not said, treated as possibly happening now; no
    note) and ``seizure`` is raised first; this refusal carries them (``report``,
    ``alert``) and the crisis resources."""

    def __init__(
        self, code: str, message: str, *, report: SeizureReport, alert: SafetyAlert
    ) -> None:
        super().__init__(code, message)
        self.report = report
        self.alert = alert
        self.alert_ids = (alert.pk,)
        self.alerts = ({"code": alert.code, "message": alert.message},)
        self.crisis_resources = tuple(r.as_dict() for r in crisis_resources().resources)


def do_report_seizure(
    actor: Actor, patient: Patient, *, happening_now: object, note: object, now: dt.datetime
) -> tuple[SeizureReport, SafetyAlert]:
    """The patient reports a seizure: stores the report, raises ``seizure`` at once
    (queueing the care team's mails, or joining an open ``seizure`` alert) and audits
    ``seizure.report``; returns the report and its alert (an open one it joined, or a
    new one). Only the patient themselves (``not-allowed`` for anyone else, nothing
    written: clinicians record a seizure with the CIWA-B or a level-of-care assessment).

    Any report the patient sends raises the alert first, whatever its fields say:
    ``happening_now`` other than True or False (missing, "maybe") is stored as not said
    and treated as possibly happening now; a note that is not text or is over
    SEIZURE_NOTE_MAX characters is left out. Then SeizureReportRefused names the first
    bad field (the report and alert are stored)."""
    user_id = _signed_in(actor)
    if actor.role != Role.PATIENT or patient.user_id != actor.user_id:
        raise ClinicalError(
            "not-allowed",
            "Only the patient reports a seizure here; clinicians record one with the "
            "CIWA-B or a level-of-care assessment.",
        )
    problems: list[tuple[str, str]] = []
    now_flag: bool | None = happening_now if isinstance(happening_now, bool) else None
    if now_flag is None:
        problems.append(("when-required", SEIZURE_WHEN_REQUIRED))
    text = ""
    if note is not None and not isinstance(note, str):
        problems.append(("note-not-text", "The note must be text. The report was sent without it."))
    elif isinstance(note, str) and len(note.strip()) > SEIZURE_NOTE_MAX:
        problems.append(("note-too-long", seizure_note_too_long(len(note.strip()))))
    elif isinstance(note, str):
        text = note.strip()
    with transaction.atomic():
        report = SeizureReport.objects.create(
            patient=patient,
            happening_now=now_flag,
            note=text,
            reported_by_id=user_id,
            reported_at=now,
        )
        record(
            actor,
            "seizure.report",
            patient=patient,
            target=report,
            detail={"happening_now": now_flag},
        )
        (alert,) = _raise_alerts(
            actor, patient, (alert_definition("seizure"),), now, seizure_report=report
        )
    if problems:
        code, message = problems[0]
        raise SeizureReportRefused(code, message, report=report, alert=alert)
    return report, alert


CHECK_IN_ALERTS_NOT_ALLOWED = (
    "Only the patient, or a clinician on their care team, raises the alerts of a check-in."
)


def do_raise_check_in_alerts(
    actor: Actor, patient: Patient, triggers: Mapping[str, str], *, now: dt.datetime
) -> list[SafetyAlert]:
    """Raise the safety alerts of answers given outside an instrument: a monitoring
    check-in (``seizure`` for a seizure since the last check-in, ``suicide-risk`` for
    thoughts of self-harm, ``suicide-screen-incomplete`` when that question was left
    unanswered or could not be read). ``triggers`` maps each alert code (one of the
    catalogue's) to the answer that raised it, stored as the alert's trigger.

    Like every alert: stored for the care team, audited (``alert.raise``), the care
    team's mails queued (one per member for the alerts raised together), or joined to
    an open alert of the same code as a repeat. Returns the alerts raised or joined
    (none for empty ``triggers``). Who: the patient themselves, or clinical staff (the
    gate that found ``patient`` has checked they may see them); anyone else
    ``not-allowed``, nothing written. An unknown code is ``unknown-alert``.

    ``do_report_seizure`` is not used for a check-in: it takes the patient's report only
    and asks whether the seizure is happening now, which a check-in does not ask.
    """
    _signed_in(actor)
    own = actor.role == Role.PATIENT and patient.user_id == actor.user_id
    if not own and not may_record_clinical_data(actor):
        raise ClinicalError("not-allowed", CHECK_IN_ALERTS_NOT_ALLOWED)
    fired = [alert_definition(code) for code in triggers]
    return _raise_alerts(actor, patient, fired, now, triggers=triggers, from_check_in=True)
