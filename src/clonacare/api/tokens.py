"""Signing in to the API: issuing, checking and revoking tokens.

Sign-in follows exactly the rules of the login page (``accounts.auth.check_credentials``:
Argon2 password, django-axes lockout, TOTP where the program requires it), and every
attempt, successful or not, is written to the audit log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in
from django.db.models import QuerySet
from django.http import HttpRequest

from clonacare.accounts.actors import actor_for, program_of_username
from clonacare.accounts.auth import check_credentials
from clonacare.accounts.models import Membership, membership_of
from clonacare.api.errors import (
    ENROL_ON_WEB,
    TOKEN_INVALID,
    Forbidden,
    LockedOut,
    NotAuthenticated,
)
from clonacare.api.models import ApiToken
from clonacare.audit.log import Actor, record

TOKEN_BYTES = 32  # 256 bits of randomness, 43 characters once encoded
LAST_USED_EVERY = dt.timedelta(minutes=1)  # how finely a token's last use is kept


@dataclass(frozen=True)
class Caller:
    """The user behind a valid token, their membership, and the audit actor."""

    user: User
    membership: Membership
    token_id: int
    actor: Actor


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: dt.datetime


def hash_token(token: str) -> str:
    """What is stored for a token: its SHA-256, hex. (A token is random and long, so a
    fast hash is enough; nothing here is a password.)"""
    return hashlib.sha256(token.encode()).hexdigest()


def do_sign_in(
    request: HttpRequest, username: str, password: str, otp: str | None, *, now: dt.datetime
) -> IssuedToken:
    """Check the credentials and issue a token valid for settings.API_TOKEN_HOURS.

    Raises LockedOut (django-axes has locked the account or address, even when the
    password is right), NotAuthenticated with the sign-in page's message (wrong password,
    missing or wrong TOTP code, no role), or Forbidden(ENROL_ON_WEB) for staff who must
    use two-factor and have not set it up. Each refusal is audited with the username.
    """
    outcome = check_credentials(request, username, password, otp)
    anonymous = actor_for(None, request)
    if outcome.locked_out:
        # The API answers a lockout itself, as JSON; without this AxesMiddleware would
        # replace the answer with the login page's HTML lockout page.
        request.axes_locked_out = False  # type: ignore[attr-defined]
        record(
            anonymous,
            "api.login.locked-out",
            program_id=program_of_username(username),
            detail={"username": username[:150]},
        )
        raise LockedOut(outcome.error or "")
    if outcome.user is None:
        record(
            anonymous,
            "api.login.failed",
            program_id=program_of_username(username),
            detail={"username": username[:150]},
        )
        raise NotAuthenticated(outcome.error or "")
    if outcome.needs_enrollment:
        record(
            actor_for(outcome.user, request),
            "api.login.needs-two-factor",
            detail={"username": username[:150]},
        )
        raise Forbidden(ENROL_ON_WEB)
    api_token, token = issue_token(outcome.user, now=now)
    # A token is a sign-in: django-axes resets the failure count, Django sets last_login.
    user_logged_in.send(sender=type(outcome.user), request=request, user=outcome.user)
    record(actor_for(outcome.user, request), "api.login.success", target=api_token)
    return IssuedToken(token=token, expires_at=api_token.expires_at)


def issue_token(user: User, *, now: dt.datetime) -> tuple[ApiToken, str]:
    """A new token for ``user``, valid for settings.API_TOKEN_HOURS: the stored row and
    the token itself (which is not stored and cannot be shown again). The user's expired
    tokens are removed on the way, so they do not pile up."""
    ApiToken.objects.filter(user=user, expires_at__lte=now).delete()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    api_token = ApiToken.objects.create(
        user=user,
        key_hash=hash_token(token),
        created_at=now,
        expires_at=now + dt.timedelta(hours=settings.API_TOKEN_HOURS),
    )
    return api_token, token


def caller_for_token(request: HttpRequest, token: str, *, now: dt.datetime) -> Caller:
    """The caller holding ``token``; NotAuthenticated(TOKEN_INVALID) when the token is
    unknown, expired or revoked, or its user is inactive or has lost their role."""
    api_token = (
        ApiToken.objects.select_related("user__membership__program")
        .filter(key_hash=hash_token(token.strip()), expires_at__gt=now, user__is_active=True)
        .first()
    )
    if api_token is None:
        raise NotAuthenticated(TOKEN_INVALID)
    membership = membership_of(api_token.user)
    if membership is None:
        raise NotAuthenticated(TOKEN_INVALID)
    last = api_token.last_used_at
    if last is None or now - last >= LAST_USED_EVERY:
        # To the minute: a write on every call would cost each answer a database write.
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
    return Caller(
        user=api_token.user,
        membership=membership,
        token_id=api_token.pk,
        actor=actor_for(api_token.user, request),
    )


def do_revoke_token(caller: Caller) -> None:
    """End the caller's token now; later requests with it answer 401."""
    ApiToken.objects.filter(pk=caller.token_id).delete()
    record(caller.actor, "api.logout")


def delete_tokens_of(users: QuerySet[User], **signal: object) -> int:
    """``tokens_revoked`` receiver: delete every API token of ``users`` (later requests
    with them answer 401); how many were deleted."""
    revoked, _by_model = ApiToken.objects.filter(user__in=users.values("pk")).delete()
    return revoked
