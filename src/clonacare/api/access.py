"""The API's gates beyond the patient gate: alerts (through the patient gate) and the
audit log. Like ``patients.access``: one condition per line, refusals look like absence,
and every read is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db.models import QuerySet

from clonacare.accounts.models import Role
from clonacare.assessments.models import SafetyAlert
from clonacare.audit.log import Actor, record
from clonacare.audit.models import AuditEvent
from clonacare.patients.access import PatientNotFound, access_patient_by_id


class AlertNotFound(Exception):
    """No alert with that id on a patient this actor may see (missing and forbidden alike)."""


def access_alert_by_id(actor: Actor, alert_id: int, *, purpose: str) -> SafetyAlert:
    """The alert with ``alert_id`` if ``actor`` may see its patient; records the read.

    The patient is checked by ``access_patient_by_id`` (which audits it); an alert that
    does not exist is audited here as ``<purpose>.denied``. Raises AlertNotFound for both.
    """
    patient_id = SafetyAlert.objects.filter(pk=alert_id).values_list("patient_id", flat=True)
    found = patient_id.first()
    if found is None:
        record(actor, f"{purpose}.denied", detail={"alert_id": alert_id})
        raise AlertNotFound(alert_id)
    try:
        patient = access_patient_by_id(actor, found, purpose=purpose)
    except PatientNotFound:
        raise AlertNotFound(alert_id) from None
    alert = SafetyAlert.objects.select_related("acknowledged_by").get(pk=alert_id)
    alert.patient = patient
    return alert


def may_read_audit_log(actor: Actor) -> bool:
    """Program admins read their program's audit log; nobody else reads it here."""
    return actor.role == Role.PROGRAM_ADMIN and actor.program_id is not None


def audit_events_visible_to(actor: Actor) -> QuerySet[AuditEvent]:
    """The events ``actor`` may read: their program's, for a program admin; else none."""
    events = AuditEvent.objects.all()
    if not may_read_audit_log(actor):
        return events.none()
    return events.filter(program_id=actor.program_id)


class AuditLogNotFound(Exception):
    """The caller may not read the audit log; answered as if there were no such endpoint."""


@dataclass(frozen=True)
class AuditSearch:
    """What to look for; None matches anything."""

    action: str | None = None
    actor_username: str | None = None
    patient_id: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def search_audit_log(actor: Actor, search: AuditSearch) -> QuerySet[AuditEvent]:
    """The events ``actor`` may read that match ``search``, newest first.

    The search itself is audited (``audit.search``) and is not among its own results.
    Raises AuditLogNotFound for anyone but a program admin.
    """
    if not may_read_audit_log(actor):
        raise AuditLogNotFound
    searched = record(
        actor,
        "audit.search",
        detail={k: str(v) for k, v in asdict(search).items() if v is not None},
    )
    events = audit_events_visible_to(actor).filter(pk__lt=searched.pk)
    if search.action is not None:
        events = events.filter(action=search.action)
    if search.actor_username is not None:
        events = events.filter(actor_username=search.actor_username)
    if search.patient_id is not None:
        events = events.filter(patient_id=search.patient_id)
    if search.since is not None:
        events = events.filter(at__gte=search.since)
    if search.until is not None:
        events = events.filter(at__lt=search.until)
    return events
