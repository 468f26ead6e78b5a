"""``/patients/{id}/doses`` and ``/patients/{id}/check-ins``: the patient's dose logs and
check-ins (docs/monitoring.md), written by the patient or by their care team on the
patient's word."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from clonacare.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    CrisisResourceOut,
    ErrorOut,
    PageQuery,
    one_of,
    page_of,
)
from clonacare.api.security import caller
from clonacare.assessments.actions import crisis_resources
from clonacare.assessments.models import SafetyAlert
from clonacare.assessments.notice import what_the_patient_is_told
from clonacare.monitoring.access import check_ins_of, dose_logs_of
from clonacare.monitoring.actions import (
    AFTER_SELF_HARM,
    CHECK_IN_FIELDS,
    CheckInRefused,
    do_check_in,
    do_log_dose,
)
from clonacare.monitoring.models import CheckIn, DoseLog
from clonacare.monitoring.questions import ciwa_b_patient_items, scales
from clonacare.patients.access import access_patient_by_id
from clonacare.patients.models import DOSE_TIMES

router = Router(tags=["Dose logs and check-ins"])

_ITEMS = ciwa_b_patient_items()
_ASKED = f"{_ITEMS[0].id} to {_ITEMS[-1].id}"
_SCALES = {s.id: s for s in scales()}


def _scale_text(scale_id: str) -> str:
    scale = _SCALES[scale_id]
    return (
        f"{scale.question} A whole number from {scale.low} ({scale.low_label}) to "
        f"{scale.high} ({scale.high_label}). Source: {scale.source}."
    )


class DoseIn(Schema):
    # A misspelt field is refused by name instead of being silently dropped.
    model_config = ConfigDict(extra="forbid")

    date: dt.date | None = Field(
        None, description="The day of the dose (not in the future); today when left out."
    )
    dose_time: str = one_of(DOSE_TIMES)
    status: str = one_of(DoseLog.Status.values)
    amount_mg: Decimal | None = Field(
        None, description="What was taken instead, in mg: for status 'different' only."
    )


class DoseLogOut(Schema):
    id: int
    patient_id: int
    date: dt.date
    dose_time: str
    status: str
    amount_mg: float | None = Field(..., description="Only for status 'different'.")
    self_reported: bool = Field(
        ..., description="Entered by the patient; false: by the care team on their word."
    )
    entered_by: str
    entered_at: dt.datetime
    late_entry: bool = Field(..., description="Entered after the day it is about.")

    @staticmethod
    def resolve_date(log: DoseLog) -> dt.date:
        return log.day

    @staticmethod
    def resolve_amount_mg(log: DoseLog) -> float | None:
        return float(log.amount_mg) if log.amount_mg is not None else None

    @staticmethod
    def resolve_entered_by(log: DoseLog) -> str:
        return log.entered_by.get_username()


class DoseLogPage(Schema):
    items: list[DoseLogOut]
    count: int


class CheckInIn(Schema):
    # Loose on purpose: the safety answers raise their alerts before any other field is
    # checked (do_check_in), so a bad rating or an unknown field never hides them.
    model_config = ConfigDict(extra="allow")

    date: Any = Field(
        None,
        description="The day checked in for, YYYY-MM-DD (not in the future); today when left out.",
        json_schema_extra={"type": "string", "format": "date"},
    )
    seizure: Any = Field(
        None,
        description="A seizure since the last check-in: true or false (required). true "
        "raises the seizure alert.",
        json_schema_extra={"type": "boolean"},
    )
    self_harm_thoughts: Any = Field(
        None,
        description="Thoughts of self-harm: true or false (required). true raises "
        "suicide-risk and the answer says to complete the ASQ next; left out or "
        "unreadable raises suicide-screen-incomplete.",
        json_schema_extra={"type": "boolean"},
    )
    sleep: Any = Field(
        None, description=_scale_text("sleep"), json_schema_extra={"type": "integer"}
    )
    anxiety: Any = Field(
        None, description=_scale_text("anxiety"), json_schema_extra={"type": "integer"}
    )
    craving: Any = Field(
        None, description=_scale_text("craving"), json_schema_extra={"type": "integer"}
    )
    ciwa_b: Any = Field(
        None,
        description=f"The CIWA-B items the patient rates ({_ASKED}), as an object of item "
        f"id to answer code ({', '.join(_ITEMS[0].codes)}); every one is required.",
        json_schema_extra={"type": "object", "additionalProperties": {"type": "integer"}},
    )
    note: Any = Field(
        None, description="Optional, at most 400 characters.", json_schema_extra={"type": "string"}
    )

    def answers(self, request: HttpRequest) -> dict[str, object]:
        """The fields sent, by name, and the unknown ones (read from the body: the schema
        keeps only its own), which do_check_in refuses after the safety answers."""
        body = json.loads(request.body or b"{}")
        extra = {k: v for k, v in body.items() if k not in CHECK_IN_FIELDS}
        return {**{name: getattr(self, name) for name in CHECK_IN_FIELDS}, **extra}


class CheckInAlertOut(Schema):
    id: int
    code: str
    message: str
    open: bool

    @staticmethod
    def resolve_open(alert: SafetyAlert) -> bool:
        return alert.is_open


class CheckInOut(Schema):
    id: int
    patient_id: int
    date: dt.date
    seizure: bool
    self_harm_thoughts: bool
    sleep: int
    anxiety: int
    craving: int
    ciwa_b: dict[str, int] = Field(..., description="CIWA-B item id to its score (0–4).")
    note: str
    self_reported: bool = Field(
        ..., description="Entered by the patient; false: by the care team on their word."
    )
    entered_by: str
    entered_at: dt.datetime
    late_entry: bool = Field(..., description="Entered after the day it is about.")
    alerts: list[CheckInAlertOut] = Field(
        ..., description="The safety alerts its answers raised, or the open ones they joined."
    )

    @staticmethod
    def resolve_date(check_in: CheckIn) -> dt.date:
        return check_in.day

    @staticmethod
    def resolve_entered_by(check_in: CheckIn) -> str:
        return check_in.entered_by.get_username()

    @staticmethod
    def resolve_alerts(check_in: CheckIn) -> list[SafetyAlert]:
        return list(check_in.alerts.all())


class CheckInPage(Schema):
    items: list[CheckInOut]
    count: int


WHAT_HAPPENS = "What the patient is told about the alerts, as for every alert; empty without one."
NEXT = (
    f"{AFTER_SELF_HARM!r} after a yes to thoughts of self-harm: complete the ASQ "
    "suicide-risk screen next (POST /patients/{id}/assessments); else null."
)


class CheckInAnswerOut(CheckInOut):
    what_happens: list[str] = Field(..., description=WHAT_HAPPENS)
    crisis_resources: list[CrisisResourceOut]
    next: str | None = Field(..., description=NEXT)


class CheckInRefusalOut(Schema):
    detail: str = Field(..., description="What was refused; no check-in is stored.")
    alerts: list[CheckInAlertOut] = Field(
        ..., description="The alerts its safety answers raised all the same."
    )
    what_happens: list[str] = Field(..., description=WHAT_HAPPENS)
    crisis_resources: list[CrisisResourceOut]
    next: str | None = Field(..., description=NEXT)


class _Answered:
    """A stored check-in with what the answer adds (``what_happens``,
    ``crisis_resources``, ``next``), read by CheckInAnswerOut like the check-in itself."""

    def __init__(self, check_in: CheckIn, extra: dict[str, Any]) -> None:
        self.check_in = check_in
        self.__dict__.update(extra)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.check_in, name)


@router.get(
    "/patients/{int:patient_id}/doses",
    response={200: DoseLogPage, **READ_ERRORS},
    summary="A patient's dose logs, newest first",
)
def dose_logs(request: HttpRequest, patient_id: int, page: Query[PageQuery]) -> dict[str, object]:
    """Newest day first; within a day, the latest entered first."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="dose-logs.list")
    return page_of(dose_logs_of(patient), page)


@router.post(
    "/patients/{int:patient_id}/doses",
    response={201: DoseLogOut, **WRITE_ERRORS, 409: ErrorOut},
    summary="Log a dose: taken, missed, late or a different amount",
)
def log_dose(request: HttpRequest, patient_id: int, payload: DoseIn) -> Status[DoseLog]:
    """The patient, or a clinician on their care team on the patient's word (403 for
    anyone else who can see the record). A day before today is stored as a late entry.
    409 when that dose time of that day is already logged."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="dose-logs.write")
    log = do_log_dose(
        actor,
        patient,
        day=payload.date,
        dose_time=payload.dose_time,
        status=payload.status,
        amount_mg=payload.amount_mg,
        now=timezone.now(),
    )
    return Status(201, dose_logs_of(patient).get(pk=log.pk))


@router.get(
    "/patients/{int:patient_id}/check-ins",
    response={200: CheckInPage, **READ_ERRORS},
    summary="A patient's check-ins, newest first",
)
def check_ins(request: HttpRequest, patient_id: int, page: Query[PageQuery]) -> dict[str, object]:
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="check-ins.list")
    return page_of(check_ins_of(patient), page)


def _safety(alerts: list[SafetyAlert], now: dt.datetime, next_step: str | None) -> dict[str, Any]:
    return {
        "what_happens": what_the_patient_is_told(alerts, now) if alerts else [],
        "crisis_resources": [r.as_dict() for r in crisis_resources().resources],
        "next": next_step,
    }


@router.post(
    "/patients/{int:patient_id}/check-ins",
    response={
        201: CheckInAnswerOut,
        **WRITE_ERRORS,
        400: CheckInRefusalOut | ErrorOut,
        409: CheckInRefusalOut | ErrorOut,
    },
    summary="Check in: withdrawal symptoms, sleep, anxiety, craving, seizure, self-harm",
)
def check_in(request: HttpRequest, patient_id: int, payload: CheckInIn) -> Status[Any]:
    """The patient, or a clinician on their care team on the patient's word (403 for
    anyone else who can see the record); one check-in a day (409 for a second).

    A seizure since the last check-in raises ``seizure``, thoughts of self-harm
    ``suicide-risk`` (and ``next`` is ``"asq"``: complete the ASQ next), and that
    question left out or unreadable ``suicide-screen-incomplete``, at once and whatever
    else the check-in says: emailed to the care team, with ``what_happens`` and the
    crisis resources in the answer. A refused check-in (400, 409) is not stored, but its
    alerts are, and the refusal carries them."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="check-ins.write")
    now = timezone.now()
    try:
        stored = do_check_in(actor, patient, payload.answers(request), now=now)
    except CheckInRefused as refused:
        if not refused.alerts:
            raise
        alerts = list(refused.alerts)
        body = {
            "detail": refused.message,
            "alerts": alerts,
            **_safety(alerts, now, refused.next_step),
        }
        return Status(refused.kind.status, body)
    check_in = check_ins_of(patient).get(pk=stored.pk)
    alerts = list(check_in.alerts.all())
    next_step = AFTER_SELF_HARM if check_in.self_harm_thoughts else None
    return Status(201, _Answered(check_in, _safety(alerts, now, next_step)))
