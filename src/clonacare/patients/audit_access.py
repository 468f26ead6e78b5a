"""The gate to the audit log: who may read which entries. One condition per line;
a caller who may not read it is answered as if there were no such page or endpoint,
and every read of the log is itself recorded.

Reading the log is here, above the audit writer: it needs the roles (accounts) and
the programs' patients.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from clonacare.accounts.models import Role
from clonacare.audit.log import Actor, record
from clonacare.audit.models import AuditEvent
from clonacare.core.errors import Kind, Refusal
from clonacare.patients.access import patients_visible_to
from clonacare.patients.models import Patient


def may_read_audit_log(actor: Actor) -> bool:
    """Program admins read their program's entries; site admins every entry."""
    if actor.role == Role.SITE_ADMIN:
        return True
    return actor.role == Role.PROGRAM_ADMIN and actor.program_id is not None


def _attempts_on_their_patients(actor: Actor) -> Q:
    """Refused attempts (by anyone, of any program) on a patient of the actor's program;
    on any patient for a site admin."""
    if actor.role == Role.SITE_ADMIN:
        return Q(attempted_patient_id__isnull=False)
    if actor.program_id is None:
        return Q(pk__in=[])
    theirs = Patient.objects.filter(program_id=actor.program_id).values("pk")
    return Q(attempted_patient_id__in=theirs)


def audit_events_visible_to(actor: Actor) -> QuerySet[AuditEvent]:
    """The events ``actor`` may read: every one for a site admin; for a program admin,
    their program's, and the refused attempts of anyone (of any program) on their
    program's patients; none for anyone else."""
    events = AuditEvent.objects.all()
    if actor.role == Role.SITE_ADMIN:
        return events
    if not may_read_audit_log(actor):
        return events.none()
    return events.filter(Q(program_id=actor.program_id) | _attempts_on_their_patients(actor))


def _about_patient(actor: Actor, patient_id: int) -> Q:
    """Events about ``patient_id``: reads and writes of their record, and refused
    attempts on it. An attempt on a record that does not show its patient (an alert or
    a result asked for by id) matches only for that patient's own program (and the site
    admin), so a search cannot tell another program whose record was asked for."""
    shown = Q(patient_id=patient_id) | Q(object_type="Patient", object_id=str(patient_id))
    attempted = Q(attempted_patient_id=patient_id) & _attempts_on_their_patients(actor)
    return shown | attempted


class AuditLogNotFound(Refusal):
    """The caller may not read the audit log; answered as if there were no such endpoint."""

    def __init__(self) -> None:
        super().__init__("audit-log-not-found", "Not found.", kind=Kind.FORBIDDEN_AS_MISSING)


@dataclass(frozen=True)
class AuditSearch:
    """What to look for; None matches anything."""

    action: str | None = None
    actor_username: str | None = None
    patient_id: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def search_audit_log(
    actor: Actor, search: AuditSearch, *, purpose: str = "audit.search"
) -> QuerySet[AuditEvent]:
    """The events ``actor`` may read that match ``search``, newest first.

    The search itself is audited (as ``purpose``: ``audit.search``, ``audit.export``) and
    is not among its own results.
    Raises AuditLogNotFound for anyone but a program or site admin.
    """
    if not may_read_audit_log(actor):
        raise AuditLogNotFound
    searched = record(
        actor,
        purpose,
        detail={k: str(v) for k, v in asdict(search).items() if v is not None},
    )
    events = audit_events_visible_to(actor).filter(pk__lt=searched.pk)
    if search.action is not None:
        events = events.filter(action=search.action)
    if search.actor_username is not None:
        events = events.filter(actor_username=search.actor_username)
    if search.patient_id is not None:
        events = events.filter(_about_patient(actor, search.patient_id))
    if search.since is not None:
        events = events.filter(at__gte=search.since)
    if search.until is not None:
        events = events.filter(at__lt=search.until)
    return events


@dataclass(frozen=True)
class EntryNames:
    """Names to show beside audit entries: patients by id, people who acted by user id."""

    patients: dict[int, str]
    people: dict[int, str]


def names_for_entries(actor: Actor, events: Iterable[AuditEvent]) -> EntryNames:
    """The names the audit page shows beside ``events`` (two queries, whatever their
    number): each patient ``actor`` may see, and each person who acted (their full name,
    or none when the account has none). A patient of another program, in a refused
    attempt on it, keeps only the id the entry holds."""
    shown = list(events)
    patient_ids = {e.patient_id for e in shown if e.patient_id is not None}
    user_ids = {e.actor_id for e in shown if e.actor_id is not None}
    patients = {
        pk: f"{given} {family}"
        for pk, given, family in patients_visible_to(actor)
        .filter(pk__in=patient_ids)
        .values_list("pk", "given_name", "family_name")
    }
    people = {
        pk: f"{first} {last}".strip()
        for pk, first, last in get_user_model()
        .objects.filter(pk__in=user_ids)
        .values_list("pk", "first_name", "last_name")
        if f"{first} {last}".strip()
    }
    return EntryNames(patients=patients, people=people)
