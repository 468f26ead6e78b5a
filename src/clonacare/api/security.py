"""Bearer-token authentication: who is calling, checked once per request."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from clonacare.api.tokens import Caller, caller_for_token


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``. A missing header is answered by ninja's
    AuthenticationError (errors.NOT_SIGNED_IN); an unknown or expired token raises
    NotAuthenticated(errors.TOKEN_INVALID)."""

    def authenticate(self, request: HttpRequest, token: str) -> Caller:
        return caller_for_token(request, token, now=timezone.now())


def caller(request: HttpRequest) -> Caller:
    """The authenticated caller of an endpoint that requires a token."""
    return cast(Caller, request.auth)  # type: ignore[attr-defined]
