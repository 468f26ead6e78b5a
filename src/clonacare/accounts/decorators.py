"""Page decorators: who may open a page at all (what they may see inside is access.py's)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from clonacare.accounts.models import STAFF_ROLES, Role, membership_of

View = Callable[..., HttpResponseBase]


def _gate(allowed: frozenset[str]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = membership_of(request.user)
            if membership is None or membership.role not in allowed:
                raise Http404("No such page.")
            # OTPMiddleware gives the user is_verified(); django-stubs does not know it.
            verified = request.user.is_verified()  # type: ignore[attr-defined]
            if membership.needs_two_factor and not verified:
                # Signed in before two-factor was required: sign in again with a code.
                logout(request)
                return redirect_to_login(request.get_full_path())
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


patient_required = _gate(frozenset({Role.PATIENT}))
staff_required = _gate(frozenset(STAFF_ROLES))
member_required = _gate(frozenset(Role))
site_admin_required = _gate(frozenset({Role.SITE_ADMIN}))
program_admin_required = _gate(frozenset({Role.PROGRAM_ADMIN}))
