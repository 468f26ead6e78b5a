"""Who is acting: the ``Actor`` of a request or of a user, for the audit log and the
access gates. Here, not in the audit package, because it reads the user's role and
program (the audit writer below knows no accounts)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from clonacare.accounts.models import Membership, membership_of
from clonacare.audit.log import Actor, client_address


def actor_from_request(request: HttpRequest) -> Actor:
    """The actor of a page request: the signed-in user (session), or anonymous."""
    return actor_for(request.user if request.user.is_authenticated else None, request)


def actor_for(user: Any, request: HttpRequest) -> Actor:
    """The actor for ``user`` (None: anonymous) calling from ``request``'s client.

    The API authenticates by token rather than session and passes the token's user here.
    """
    membership = membership_of(user) if user is not None else None
    return Actor(
        user_id=user.pk if user is not None else None,
        username=user.get_username() if user is not None else "",
        role=membership.role if membership is not None else "",
        program_id=membership.program_id if membership is not None else None,
        ip_address=client_address(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )


def program_of_username(username: str) -> int | None:
    """The program of the account named ``username``, if there is one.

    A failed sign-in has no signed-in actor; filing it under the account's program lets
    that program's admin see attempts on their people's accounts.
    """
    membership = Membership.objects.filter(user__username=username).values("program_id")
    found = membership.first()
    return found["program_id"] if found else None
