"""The pages that manage programs (site admins) and staff accounts (program admins).

Each view parses its form, calls one action from accounts/actions.py and redirects to
its list; a refused change shows the action's message on the page. The decorators let
in one role each; anyone else, and any staff member outside the admin's program, gets
the 404 of a missing page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from clonacare.accounts.access import may_set_alert_delivery
from clonacare.accounts.actions import (
    do_create_program,
    do_create_staff,
    do_reset_two_factor,
    do_set_alert_delivery,
    do_set_program_two_factor,
    do_set_staff_active,
    do_set_staff_email,
    staff_of,
)
from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.decorators import (
    program_admin_required,
    site_admin_required,
    staff_required,
)
from clonacare.accounts.forms import (
    AlertDeliveryForm,
    ProgramForm,
    RefusableForm,
    StaffEmailForm,
    StaffForm,
)
from clonacare.accounts.models import STAFF_ACCOUNT_ROLES, Membership, Program, Role
from clonacare.audit.log import Actor
from clonacare.core.errors import Kind, Refusal


def _form_page(
    request: HttpRequest, form: RefusableForm, *, back: tuple[str, str], **text: str
) -> HttpResponse:
    """``text``: heading, intro and submit (the button's words)."""
    context: dict[str, Any] = {"form": form, "back_url": back[0], "back_label": back[1], **text}
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/account_form.html", context, status=status)


# Programs (site admins) -------------------------------------------------------------


@require_GET
@site_admin_required
def programs(request: HttpRequest) -> HttpResponse:
    admins = Membership.objects.filter(role=Role.PROGRAM_ADMIN).select_related("user")
    rows = (
        Program.objects.annotate(
            active_staff=Count(
                "members",
                filter=Q(members__role__in=STAFF_ACCOUNT_ROLES, members__user__is_active=True),
            )
        )
        .prefetch_related(Prefetch("members", queryset=admins, to_attr="admins"))
        .order_by("name")
    )
    return render(request, "accounts/programs.html", {"programs": rows})


@require_http_methods(["GET", "POST"])
@site_admin_required
def create_program(request: HttpRequest) -> HttpResponse:
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program = do_create_program(actor_from_request(request), form.new_program())
        except Refusal as exc:
            form.show_refusal(exc)
        else:
            messages.success(request, f"{program.name} is created. Now add its program admin.")
            return redirect("accounts:programs")
    return _form_page(
        request,
        form,
        back=("accounts:programs", "Programs"),
        heading="Create a program",
        intro="A program is a clinic: it owns its patients and its staff. After creating "
        "it, add its first program admin, who then adds the rest of the staff.",
        submit="Create program",
    )


@require_POST
@site_admin_required
def set_program_two_factor(request: HttpRequest, program_id: int) -> HttpResponse:
    program = get_object_or_404(Program, pk=program_id)
    required = request.POST.get("required")
    if required not in {"on", "off"}:
        message = "Choose whether the program requires two-factor sign-in."
        return render(request, "refused.html", {"message": message}, status=400)
    revoked = do_set_program_two_factor(actor_from_request(request), program, required == "on")
    if required == "on":
        done = f"Staff of {program.name} must now sign in with an authenticator code."
        if revoked:
            tokens = "API token" if revoked == 1 else "API tokens"
            done += f" {revoked} {tokens} issued without a code stopped working."
    else:
        done = f"Staff of {program.name} no longer need an authenticator code to sign in."
    messages.success(request, done)
    return redirect("accounts:programs")


@require_http_methods(["GET", "POST"])
@site_admin_required
def create_program_admin(request: HttpRequest, program_id: int) -> HttpResponse:
    program = get_object_or_404(Program, pk=program_id)
    form = StaffForm(request.POST or None, with_role=False)
    if request.method == "POST" and form.is_valid():
        try:
            user = do_create_staff(actor_from_request(request), program, form.new_staff())
        except Refusal as exc:
            form.show_refusal(exc)
        else:
            messages.success(request, f"{user.get_full_name()} is a program admin of {program}.")
            return redirect("accounts:programs")
    return _form_page(
        request,
        form,
        back=("accounts:programs", "Programs"),
        heading=f"Add a program admin to {program.name}",
        intro="A program admin adds and deactivates the program's staff, sees every "
        "patient of the program and its audit log.",
        submit="Add program admin",
    )


# Staff (program admins) -------------------------------------------------------------


def _own_program(actor: Actor) -> Program:
    """The program admin's program (the decorator let in program admins only, and a
    program admin's membership always names a program)."""
    if actor.program_id is None:
        raise Http404("No such page.")
    return Program.objects.get(pk=actor.program_id)


def _staff_page(request: HttpRequest, error: str = "", status: int = 200) -> HttpResponse:
    actor = actor_from_request(request)
    program = _own_program(actor)
    enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    rows = (
        User.objects.filter(
            membership__program_id=program.pk, membership__role__in=STAFF_ACCOUNT_ROLES
        )
        .select_related("membership__program")
        .annotate(enrolled=Exists(enrolled))
        .order_by("-is_active", "last_name", "first_name", "username")
    )
    context = {"staff": rows, "program": program, "error": error, "me": actor.user_id}
    return render(request, "accounts/staff.html", context, status=status)


@require_GET
@program_admin_required
def staff(request: HttpRequest) -> HttpResponse:
    return _staff_page(request)


@require_http_methods(["GET", "POST"])
@program_admin_required
def create_staff(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    program = _own_program(actor)
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = do_create_staff(actor, program, form.new_staff())
        except Refusal as exc:
            form.show_refusal(exc)
        else:
            role = user.membership.get_role_display().lower()
            messages.success(request, f"{user.get_full_name()} can now sign in as a {role}.")
            return redirect("accounts:staff")
    return _form_page(
        request,
        form,
        back=("accounts:staff", "Staff"),
        heading="Add a staff member",
        intro=f"A new account in {program.name}. Prescribers, nurses and counsellors see "
        "the patients whose care team they are on; program admins see every patient.",
        submit="Add staff member",
    )


def _staff_change(request: HttpRequest, change: Any, done: str) -> HttpResponse:
    try:
        user = change(actor_from_request(request))
    except Refusal as exc:
        if exc.kind is Kind.FORBIDDEN_AS_MISSING:
            raise Http404("No such page.") from None
        return _staff_page(request, exc.message, exc.kind.status)
    messages.success(request, done.format(name=user.get_full_name() or user.username))
    return redirect("accounts:staff")


@require_POST
@program_admin_required
def deactivate_staff(request: HttpRequest, user_id: int) -> HttpResponse:
    return _staff_change(
        request,
        lambda actor: do_set_staff_active(actor, user_id, active=False),
        "{name}'s account is deactivated: they can no longer sign in.",
    )


@require_POST
@program_admin_required
def reactivate_staff(request: HttpRequest, user_id: int) -> HttpResponse:
    return _staff_change(
        request,
        lambda actor: do_set_staff_active(actor, user_id, active=True),
        "{name}'s account is active again.",
    )


@require_POST
@program_admin_required
def reset_two_factor(request: HttpRequest, user_id: int) -> HttpResponse:
    return _staff_change(
        request,
        lambda actor: do_reset_two_factor(actor, user_id),
        "{name} will set up an authenticator app again at their next sign-in.",
    )


# Alert delivery: a program's escalation time and on-call address ----------------------


@require_http_methods(["GET", "POST"])
@staff_required
def alert_delivery(request: HttpRequest, program_id: int) -> HttpResponse:
    """The program's admin or a site admin; anyone else gets the 404 of a missing page."""
    actor = actor_from_request(request)
    if not may_set_alert_delivery(actor, program_id):
        raise Http404("No such page.")
    program = get_object_or_404(Program, pk=program_id)
    initial = {
        "escalation_minutes": program.escalation_minutes,
        "on_call_email": program.on_call_email,
    }
    form = AlertDeliveryForm(request.POST or None, initial=initial)
    back = (
        ("accounts:programs", "Programs")
        if actor.role == Role.SITE_ADMIN
        else ("accounts:staff", "Staff")
    )
    if request.method == "POST" and form.is_valid():
        try:
            do_set_alert_delivery(actor, program, form.alert_delivery())
        except Refusal as exc:
            form.show_refusal(exc)
        else:
            messages.success(
                request,
                f"Safety alerts of {program.name} not acknowledged within "
                f"{program.escalation_minutes} minutes now go to "
                f"{program.on_call_email or 'the program admins only'}"
                f"{' and the program admins' if program.on_call_email else ''}.",
            )
            return redirect(back[0])
    return _form_page(
        request,
        form,
        back=back,
        heading=f"Safety alert delivery for {program.name}",
        intro="When a safety alert is raised, every member of the patient's care team is "
        "emailed at once. If no one acknowledges it within the escalation time, it is sent "
        "once to the on-call address and to the program admins.",
        submit="Save",
    )


@require_http_methods(["GET", "POST"])
@program_admin_required
def staff_email(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    member = staff_of(actor.program_id, user_id)
    if member is None:
        raise Http404("No such page.")
    form = StaffEmailForm(request.POST or None, initial={"email": member.email})
    if request.method == "POST" and form.is_valid():
        try:
            do_set_staff_email(actor, user_id, form.cleaned_data.get("email") or "")
        except Refusal as exc:
            if exc.kind is Kind.FORBIDDEN_AS_MISSING:
                raise Http404("No such page.") from None
            form.show_refusal(exc)
        else:
            name = member.get_full_name() or member.username
            messages.success(request, f"{name}'s email address for safety alerts is saved.")
            return redirect("accounts:staff")
    return _form_page(
        request,
        form,
        back=("accounts:staff", "Staff"),
        heading=f"Email address of {member.get_full_name() or member.username}",
        intro="Safety alerts of the patients whose care team they are on (and, for a "
        "program admin, escalated alerts) are emailed to this address.",
        submit="Save",
    )
