"""``/auth/token``: exchange a username and password (and TOTP code) for a token."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from clonacare.api.schemas import ErrorOut
from clonacare.api.security import caller
from clonacare.api.tokens import IssuedToken, do_revoke_token, do_sign_in

router = Router(tags=["Authentication"])


class TokenIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=1024)
    otp: str | None = Field(
        None,
        max_length=16,
        description="The 6-digit code from the authenticator app: required for staff of a "
        "program that requires two-factor sign-in.",
    )


class TokenOut(Schema):
    token: str = Field(..., description="Send as 'Authorization: Bearer <token>'.")
    expires_at: dt.datetime


@router.post(
    "/token",
    auth=None,
    response={200: TokenOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 429: ErrorOut},
    summary="Sign in and get a token",
)
def issue_token(request: HttpRequest, credentials: TokenIn) -> IssuedToken:
    """The same rules as the sign-in page: 10 failed attempts lock the account for a
    while (429, even with the right password); staff of a program that requires
    two-factor sign-in send the code from their authenticator app as ``otp``."""
    return do_sign_in(
        request, credentials.username, credentials.password, credentials.otp, now=timezone.now()
    )


@router.delete("/token", response={204: None, 401: ErrorOut}, summary="Revoke this token")
def revoke_token(request: HttpRequest) -> Status[None]:
    do_revoke_token(caller(request))
    return Status(204, None)
