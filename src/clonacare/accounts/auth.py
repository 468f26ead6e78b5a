"""Signing in: password (Argon2, django-axes lockout) and, where required, a TOTP code.

Used by the login page and by the API's token endpoint, so both follow the same rules.
The messages are English, as the API returns them; they are marked (``gettext_noop``)
so the login page can show them in the page's language.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import gettext_noop
from django_otp import match_token

from clonacare.accounts.models import membership_of
from clonacare.audit.log import Actor

BAD_CREDENTIALS = gettext_noop("That username and password do not match an account.")
LOCKED_OUT = gettext_noop(
    "Too many failed sign-in attempts. This account is locked for a while; "
    "try again later or ask your program admin."
)
OTP_REQUIRED = gettext_noop("Enter the 6-digit code from your authenticator app.")
OTP_WRONG = gettext_noop("That code is not right, or it has expired. Try the newest code.")
OTP_THROTTLED = gettext_noop(
    "Too many wrong codes in a row. Wait a few seconds, then enter the newest code."
)
NO_ROLE = gettext_noop("This account has no role in a program yet. Ask your program admin.")


@dataclass(frozen=True)
class SignIn:
    """The outcome: a user (and their verified OTP device, if any), or an error message."""

    user: User | None
    device: object | None
    error: str | None
    locked_out: bool = False
    needs_enrollment: bool = False


def check_credentials(
    request: HttpRequest, username: str, password: str, otp: str | None
) -> SignIn:
    """Check a sign-in attempt. A wrong password counts towards the lockout; so does a
    wrong TOTP code, which is reported to django-axes as a failed login."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            return SignIn(None, None, LOCKED_OUT, locked_out=True)
        return SignIn(None, None, BAD_CREDENTIALS)
    membership = membership_of(user)
    if membership is None:
        return SignIn(None, None, NO_ROLE)
    if not membership.needs_two_factor:
        return SignIn(user, None, None)
    has_device = user.totpdevice_set.filter(confirmed=True).exists()  # type: ignore[attr-defined]
    if not has_device:
        # First sign-in of staff who must use two-factor: set up the app before anything.
        return SignIn(user, None, None, needs_enrollment=True)
    if not otp:
        return SignIn(None, None, OTP_REQUIRED)
    devices = user.totpdevice_set.filter(confirmed=True)  # type: ignore[attr-defined]
    if not any(d.verify_is_allowed()[0] for d in devices):
        return SignIn(None, None, OTP_THROTTLED)
    device = match_token(user, otp.strip())
    if device is None:
        _count_failure(request, username)
        if getattr(request, "axes_locked_out", False):
            return SignIn(None, None, LOCKED_OUT, locked_out=True)
        return SignIn(None, None, OTP_WRONG)
    return SignIn(user, device, None)


def _count_failure(request: HttpRequest, username: str) -> None:
    from django.contrib.auth.signals import user_login_failed

    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


class Reauthentication(enum.Enum):
    """The outcome of asking a signed-in user for their password again."""

    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"


def _request_of(actor: Actor) -> HttpRequest:
    """A request standing for ``actor``'s call, for django-axes, which files every failure
    under a request: the actor's address and browser, as the page or API request gave
    them (axes locks by username here, so the address is kept for the record only)."""
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = actor.ip_address or ""
    request.META["HTTP_USER_AGENT"] = actor.user_agent
    request.path = request.path_info = "/reauthenticate"
    return request


def reauthenticate(actor: Actor, user: User, password: str) -> Reauthentication:
    """Check ``user``'s password again, for a step that asks for it (approving a taper
    plan), under the sign-in lockout: a locked account is refused whatever the password,
    and a wrong password counts towards the lockout as a failed sign-in does. A right
    one does not reset the count (only signing in does)."""
    request = _request_of(actor)
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        return Reauthentication.LOCKED
    if user.check_password(password):
        return Reauthentication.OK
    _count_failure(request, user.get_username())
    if getattr(request, "axes_locked_out", False):
        return Reauthentication.LOCKED
    return Reauthentication.WRONG
