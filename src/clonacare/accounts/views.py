"""Sign in, sign out, two-factor enrollment and the landing page for each role."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from clonacare.accounts.actions import do_change_password
from clonacare.accounts.actors import actor_from_request, program_of_username
from clonacare.accounts.auth import check_credentials
from clonacare.accounts.decorators import member_required
from clonacare.accounts.forms import EnrollForm, LoginForm
from clonacare.accounts.models import Role, membership_of
from clonacare.accounts.sign_in_rate import sign_in_wait_s, too_many_sign_ins
from clonacare.audit.log import record

ENROLL_SESSION_KEY = "clonacare_enrolling_user"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return reverse("accounts:home")


@require_http_methods(["GET", "HEAD", "POST"])
def login_page(request: HttpRequest) -> HttpResponse:
    wait_s = sign_in_wait_s(request) if request.method == "POST" else None
    if wait_s is not None:
        # Too many attempts from this address (sign_in_rate.py): nothing is checked.
        refused = {"form": LoginForm(), "error": too_many_sign_ins(wait_s)}
        refused["next"] = _next_url(request)
        page = render(request, "accounts/login.html", refused, status=429)
        page["Retry-After"] = str(wait_s)
        return page
    form = LoginForm(request.POST or None)
    error = None
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = check_credentials(request, data["username"], data["password"], data["otp"])
        if outcome.user is not None and outcome.needs_enrollment:
            request.session[ENROLL_SESSION_KEY] = outcome.user.pk
            return redirect("accounts:enroll")
        if outcome.user is not None:
            login(request, outcome.user, backend="django.contrib.auth.backends.ModelBackend")
            if outcome.device is not None:
                otp_login(request, outcome.device)
            record(actor_from_request(request), "login.success")
            return HttpResponseRedirect(_next_url(request))
        # In the page's language; the API returns the same message in English.
        error = gettext(outcome.error) if outcome.error else None
        status = 429 if outcome.locked_out else 400
        record(
            actor_from_request(request),
            "login.locked-out" if outcome.locked_out else "login.failed",
            program_id=program_of_username(data["username"]),
            detail={"username": data["username"][:150]},
        )
    elif request.method == "POST":
        error = gettext("Enter your username and password.")
        status = 400
    context: dict[str, Any] = {"form": form, "error": error, "next": _next_url(request)}
    return render(request, "accounts/login.html", context, status=status)


@require_POST
def logout_page(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record(actor_from_request(request), "logout")
    logout(request)
    return redirect("accounts:login")


@require_http_methods(["GET", "POST"])
def enroll(request: HttpRequest) -> HttpResponse:
    """Staff whose program requires two-factor set up an authenticator app once."""
    from django.contrib.auth.models import User

    user_id = request.session.get(ENROLL_SESSION_KEY)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        return redirect("accounts:login")
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    form = EnrollForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        if not device.verify_is_allowed()[0]:
            error = "Too many wrong codes in a row. Wait a few seconds, then enter the newest code."
        elif device.verify_token(form.cleaned_data["otp"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            del request.session[ENROLL_SESSION_KEY]
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, device)
            record(actor_from_request(request), "two-factor.enrolled")
            return redirect("accounts:home")
        else:
            error = "That code is not right. Check the time on your phone and try the newest code."
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, title="Setup code")
    context = {
        "form": form,
        "error": error,
        "qr_svg": qr_svg,
        "secret": b32encode(device.bin_key).decode(),
    }
    return render(request, "accounts/enroll.html", context, status=400 if error else 200)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    if membership is None:
        logout(request)
        return redirect("accounts:login")
    if membership.role == Role.PATIENT:
        return redirect("portal:home")
    if membership.role == Role.SITE_ADMIN:
        return redirect("clinic:audit")
    return redirect("clinic:worklist")


@require_http_methods(["GET", "POST"])
@member_required
def change_password(request: HttpRequest) -> HttpResponse:
    """Any signed-in person changes their own password (Django's PasswordChangeForm:
    the old password, the new one twice, the site's password validators)."""
    # The user itself, not the session's lazy wrapper, so the audit entry names a User.
    form = PasswordChangeForm(
        User.objects.get(username=request.user.get_username()), request.POST or None
    )
    if request.method == "POST" and form.is_valid():
        do_change_password(
            actor_from_request(request), form.user, form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(request, form.user)
        return redirect("accounts:password-changed")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/password_change.html", {"form": form}, status=status)


@require_http_methods(["GET"])
@member_required
def password_changed(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_changed.html")
