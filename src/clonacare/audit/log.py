"""Writing to the audit log. Every read and write of patient data calls ``record``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


def actor_from_request(request: HttpRequest) -> Actor:
    """The actor of a page request: the signed-in user (session), or anonymous."""
    return actor_for(request.user if request.user.is_authenticated else None, request)


def actor_for(user: Any, request: HttpRequest) -> Actor:
    """The actor for ``user`` (None: anonymous) calling from ``request``'s client.

    The API authenticates by token rather than session and passes the token's user here.
    """
    from clonacare.accounts.models import membership_of

    membership = membership_of(user) if user is not None else None
    return Actor(
        user_id=user.pk if user is not None else None,
        username=user.get_username() if user is not None else "",
        role=membership.role if membership is not None else "",
        program_id=membership.program_id if membership is not None else None,
        ip_address=request.META.get("REMOTE_ADDR") or None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )


def program_of_username(username: str) -> int | None:
    """The program of the account named ``username``, if there is one.

    A failed sign-in has no signed-in actor; filing it under the account's program lets
    that program's admin see attempts on their people's accounts.
    """
    from clonacare.accounts.models import Membership

    membership = Membership.objects.filter(user__username=username).values("program_id")
    found = membership.first()
    return found["program_id"] if found else None


def record(
    actor: Actor,
    action: str,
    *,
    patient: Any = None,
    target: Any = None,
    program_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. ``patient`` is a Patient (or None); ``target`` the record acted on."""
    if patient is not None and program_id is None:
        program_id = patient.program_id
    return AuditEvent.objects.create(
        actor_id=actor.user_id,
        actor_username=actor.username,
        actor_role=actor.role,
        action=action,
        program_id=program_id if program_id is not None else actor.program_id,
        patient_id=patient.pk if patient is not None else None,
        object_type=type(target).__name__ if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        ip_address=actor.ip_address,
        user_agent=actor.user_agent,
        detail=detail or {},
    )
