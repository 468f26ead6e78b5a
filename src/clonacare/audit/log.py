"""Writing to the audit log. Every read and write of patient data calls ``record``.

This sits below the accounts and the domain apps: ``Actor`` is plain data, and the
actor of a request is made by ``clonacare.accounts.actors`` (which knows roles)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest

from clonacare.audit.models import AuditEvent


@dataclass(frozen=True)
class Actor:
    """Who is acting and from where: the user (None for an anonymous caller), the role
    the user holds, and the client's address and browser as the request gave them."""

    user_id: int | None
    username: str
    role: str
    program_id: int | None
    ip_address: str | None
    user_agent: str


def _ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The address the request came from: ``REMOTE_ADDR``, unless ``PROXY_COUNT``
    (``CLONACARE_PROXY_COUNT``) reverse proxies stand in front of the site.

    Each trusted proxy appends the address it was called from to ``X-Forwarded-For``,
    so behind N of them the client is the N-th address from the right; anything to its
    left was written by the client and is ignored. A request with fewer forwarded
    addresses than that did not come through the proxies, and is answered with
    ``REMOTE_ADDR``; so is an entry that is not an IP address. None when there is no
    address at all. django-axes uses this too (``AXES_CLIENT_IP_CALLABLE``), so the
    lockout and the audit log agree on where a sign-in came from.
    """
    remote = _ip(request.META.get("REMOTE_ADDR", "") or "")
    proxies: int = getattr(settings, "PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = [a for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if len(forwarded) < proxies:
        return remote
    return _ip(forwarded[-proxies]) or remote


def record(
    actor: Actor,
    action: str,
    *,
    patient: Any = None,
    target: Any = None,
    program_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. ``patient`` is a Patient (or None); ``target`` the record acted on.

    A refused read of a record by id is written with ``record_denied`` instead.
    """
    if patient is not None and program_id is None:
        program_id = patient.program_id
    detail = detail or {}
    object_type = type(target).__name__ if target is not None else ""
    object_id = str(target.pk) if target is not None else ""
    return _append(
        actor,
        action,
        program_id=program_id,
        patient_id=patient.pk if patient is not None else None,
        object_type=object_type,
        object_id=object_id,
        attempted_patient_id=None,
        detail=detail,
    )


def record_denied(
    actor: Actor,
    purpose: str,
    *,
    object_type: str,
    object_id: int,
    id_name: str,
    owner_patient_id: int | None,
) -> AuditEvent:
    """Record a refused (or missing) record as ``<purpose>.denied``.

    The entry shows only what the caller asked for: ``object_type`` and ``object_id``,
    and ``{id_name: object_id}`` in its detail (``"response_id"``, ``"consent_id"``),
    the same whether the record exists or is forbidden. It is filed under the actor's
    program. ``owner_patient_id`` is the patient the record belongs to, when it exists:
    kept out of sight, it lets that patient's program find the attempt
    (``patients.audit_access``) without telling the actor's program whose record it was.
    An ``owner_patient_id`` too large for the log's id column (a number typed into a
    URL) names no patient whose reads the log could record, and is not kept there; the
    id asked for is still in ``object_id`` and the detail, as typed.
    """
    return _append(
        actor,
        f"{purpose}.denied",
        program_id=None,
        patient_id=None,
        object_type=object_type,
        object_id=str(object_id),
        attempted_patient_id=_storable_id(owner_patient_id),
        detail={id_name: object_id},
    )


def _storable_id(value: int | None) -> int | None:
    """``value`` if the log's integer id columns can hold it, else None."""
    if value is None:
        return None
    low, high = connection.ops.integer_field_range("IntegerField")
    return value if low <= value <= high else None


def _append(
    actor: Actor,
    action: str,
    *,
    program_id: int | None,
    patient_id: int | None,
    object_type: str,
    object_id: str,
    attempted_patient_id: int | None,
    detail: dict[str, Any],
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor_id=actor.user_id,
        actor_username=actor.username,
        actor_role=actor.role,
        action=action,
        program_id=program_id if program_id is not None else actor.program_id,
        patient_id=patient_id,
        object_type=object_type,
        object_id=object_id,
        attempted_patient_id=attempted_patient_id,
        ip_address=actor.ip_address,
        user_agent=actor.user_agent,
        detail=detail,
    )
