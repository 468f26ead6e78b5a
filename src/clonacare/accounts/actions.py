"""Writes to accounts: a person's own password, programs, and staff accounts.

Each ``do_*`` action checks the actor's right (``accounts/access.py``), then the input,
then writes and records the audit entry in one transaction. A refusal is an
``AccountRefusal`` (not clinical) whose message is one sentence, and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from clonacare.accounts.access import (
    may_create_staff,
    may_manage_programs,
    may_manage_staff_of,
    may_set_alert_delivery,
)
from clonacare.accounts.models import (
    ESCALATION_MINUTES_RANGE,
    STAFF_ACCOUNT_ROLES,
    LanguagePreference,
    Membership,
    Program,
)
from clonacare.accounts.refusals import AccountRefusal
from clonacare.accounts.signouts import end_web_sessions, revoke_api_tokens
from clonacare.audit.log import Actor, record
from clonacare.core.errors import Kind

PROGRAMS_NOT_ALLOWED = "Only a site admin can create programs or change their sign-in rules."
STAFF_NOT_ALLOWED = "Only a program admin of this program can manage its staff."
CREATE_NOT_ALLOWED = (
    "A site admin creates program admins only; the program admin adds the rest of the staff."
)
STAFF_NOT_FOUND = "No such staff member in your program."
BAD_ROLE = "Choose a role: prescriber, nurse, counsellor or program admin."
OWN_ACCOUNT = "You cannot deactivate your own account; ask another program admin."
OWN_TWO_FACTOR = "You cannot reset your own two-factor sign-in; ask another program admin."


def do_change_password(actor: Actor, user: User, new_password: str) -> None:
    """Set ``user``'s new password (already checked by the form: the old password, the
    confirmation and Django's password validators), revoke the user's API tokens (a
    token issued under the old password must not outlive it), and record the change,
    never the password itself."""
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        revoked = revoke_api_tokens(User.objects.filter(pk=user.pk))
        record(actor, "account.password-change", target=user, detail={"tokens_revoked": revoked})


def do_set_language(actor: Actor, user: User, language: str) -> None:
    """Remember ``language`` (a code of ``settings.LANGUAGES``, checked by the caller) as
    ``user``'s choice for the public site and the portal; recorded, as every change to
    an account is."""
    with transaction.atomic():
        LanguagePreference.objects.update_or_create(user=user, defaults={"language": language})
        record(actor, "account.language", target=user, detail={"language": language})


# Programs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NewProgram:
    name: str
    slug: str
    require_two_factor: bool = True


def do_create_program(actor: Actor, new: NewProgram) -> Program:
    """Create a program. Refused ("not-allowed") unless the actor is a site admin;
    refused ("name", "slug") for an empty, invalid or taken name or slug."""
    if not may_manage_programs(actor):
        raise AccountRefusal("not-allowed", PROGRAMS_NOT_ALLOWED)
    name = new.name.strip()
    slug = new.slug.strip().lower()
    if not name:
        raise AccountRefusal("name", "A program needs a name.")
    if not slug:
        raise AccountRefusal("slug", "A program needs a slug (letters, digits and hyphens).")
    _run_field_validators(Program, "name", name)
    _run_field_validators(Program, "slug", slug)
    if Program.objects.filter(name__iexact=name).exists():
        raise AccountRefusal("name", f"A program named {name!r} exists already; choose another.")
    if Program.objects.filter(slug=slug).exists():
        raise AccountRefusal("slug", f"The slug {slug!r} is taken by another program.")
    try:
        with transaction.atomic():
            program = Program.objects.create(
                name=name, slug=slug, require_two_factor=new.require_two_factor
            )
            record(
                actor,
                "program.create",
                target=program,
                program_id=program.pk,
                detail={"slug": slug, "require_two_factor": new.require_two_factor},
            )
    except IntegrityError:
        # Another request took the name or slug between the check and the write.
        raise AccountRefusal("slug", f"The slug {slug!r} is taken by another program.") from None
    return program


def do_set_program_two_factor(actor: Actor, program: Program, required: bool) -> int:
    """Require (or stop requiring) a TOTP code from the program's staff at sign-in.
    Refused ("not-allowed") unless the actor is a site admin.

    Requiring it revokes the API tokens of the program's staff (prescribers, nurses,
    counsellors, program admins), since each was issued without a code; they sign in
    again with one. Their web sessions, signed in without a code too, are sent to the
    sign-in page by the page decorators (``accounts.decorators``). Patients, who never
    need a code, keep theirs. Returns the number of tokens revoked, which the audit
    entry records too."""
    if not may_manage_programs(actor):
        raise AccountRefusal("not-allowed", PROGRAMS_NOT_ALLOWED)
    with transaction.atomic():
        before = program.require_two_factor
        program.require_two_factor = required
        program.save(update_fields=["require_two_factor"])
        revoked = 0
        if required and not before:
            revoked = revoke_api_tokens(
                User.objects.filter(
                    membership__program=program, membership__role__in=STAFF_ACCOUNT_ROLES
                )
            )
        record(
            actor,
            "program.two-factor",
            target=program,
            program_id=program.pk,
            detail={"before": before, "after": required, "tokens_revoked": revoked},
        )
    return revoked


@dataclass(frozen=True)
class AlertDelivery:
    escalation_minutes: int
    on_call_email: str


ALERT_DELIVERY_NOT_ALLOWED = (
    "Only the program's admin or a site admin sets where its safety alerts are escalated."
)


def do_set_alert_delivery(actor: Actor, program: Program, new: AlertDelivery) -> Program:
    """Set how long an open safety alert waits for the care team before it is escalated
    (``escalation_minutes``, 1 to 1440) and the on-call address it then goes to (empty:
    the program admins only). Refused ("not-allowed") unless the actor is the program's
    admin or a site admin; ("escalation_minutes", "on_call_email") for a value out of
    range or an address that is not one. Audited as ``program.alert-delivery``."""
    if not may_set_alert_delivery(actor, program.pk):
        raise AccountRefusal("not-allowed", ALERT_DELIVERY_NOT_ALLOWED)
    low, high = ESCALATION_MINUTES_RANGE
    if not low <= new.escalation_minutes <= high:
        raise AccountRefusal(
            "escalation_minutes",
            f"The escalation time is from {low} to {high} minutes; got {new.escalation_minutes}.",
        )
    address = new.on_call_email.strip()
    if address:
        try:
            validate_email(address)
        except ValidationError:
            raise AccountRefusal("on_call_email", f"{address!r} is not an email address.") from None
    with transaction.atomic():
        before = {
            "escalation_minutes": program.escalation_minutes,
            "on_call_email": program.on_call_email,
        }
        program.escalation_minutes = new.escalation_minutes
        program.on_call_email = address
        program.save(update_fields=["escalation_minutes", "on_call_email"])
        after = {"escalation_minutes": new.escalation_minutes, "on_call_email": address}
        record(
            actor,
            "program.alert-delivery",
            target=program,
            program_id=program.pk,
            detail={"before": before, "after": after},
        )
    return program


# Staff ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewStaff:
    username: str
    first_name: str
    last_name: str
    role: str
    password: str
    email: str = ""


def do_create_staff(actor: Actor, program: Program, new: NewStaff) -> User:
    """Create a staff account with a role in ``program``. A program admin creates any
    staff role in their own program; a site admin creates program admins of any program.

    Refused with "not-allowed" otherwise, "role" for a role that is not a staff role,
    "name" without a first and last name, "username" for an invalid or taken username
    (case does not matter), "password" for a password the site's validators refuse and
    "email" for an address that is not one (it may be empty: safety alerts are then
    shown to them on the pages but not emailed).
    """
    if new.role not in STAFF_ACCOUNT_ROLES:
        raise AccountRefusal("role", BAD_ROLE)
    if not may_create_staff(actor, program.pk, new.role):
        message = CREATE_NOT_ALLOWED if may_manage_programs(actor) else STAFF_NOT_ALLOWED
        raise AccountRefusal("not-allowed", message)
    first_name, last_name = new.first_name.strip(), new.last_name.strip()
    if not first_name or not last_name:
        raise AccountRefusal("name", "Enter the staff member's first and last name.")
    username = new.username.strip()
    if not username:
        raise AccountRefusal("username", "A staff account needs a username.")
    _run_field_validators(User, "username", username, code="username")
    if User.objects.filter(username__iexact=username).exists():
        raise AccountRefusal("username", _taken(username))
    email = _checked_email(new.email)
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    try:
        validate_password(new.password, user=user)
    except ValidationError as exc:
        raise AccountRefusal("password", " ".join(exc.messages)) from None
    user.set_password(new.password)
    try:
        with transaction.atomic():
            user.save()
            Membership.objects.create(user=user, program=program, role=new.role)
            record(
                actor,
                "staff.create",
                target=user,
                program_id=program.pk,
                detail={"username": username, "role": new.role},
            )
    except IntegrityError:
        raise AccountRefusal("username", _taken(username)) from None
    return user


def staff_of(program_id: int | None, user_id: int) -> User | None:
    """A staff account (prescriber, nurse, counsellor or program admin) of the program,
    active or not; None for anyone else, a patient or an id that does not exist."""
    if program_id is None:
        return None
    return (
        User.objects.filter(
            pk=user_id,
            membership__program_id=program_id,
            membership__role__in=STAFF_ACCOUNT_ROLES,
        )
        .select_related("membership")
        .first()
    )


def do_set_staff_active(actor: Actor, user_id: int, active: bool) -> User:
    """Deactivate (``active=False``) or reactivate a staff account of the actor's program.
    Nothing is deleted: a deactivated account cannot sign in, loses its API tokens and
    its web sessions (reactivating it brings neither back) and keeps its history.
    Refused with "staff-not-found" for anyone outside the program (as if the account
    did not exist), "own-account" for the actor's own account, and "already-inactive" /
    "already-active" when there is nothing to change."""
    user = _staff_member(actor, user_id)
    if not active and user.pk == actor.user_id:
        raise AccountRefusal("own-account", OWN_ACCOUNT)
    name = user.get_full_name() or user.username
    if user.is_active == active:
        if active:
            raise AccountRefusal("already-active", f"{name}'s account is already active.")
        raise AccountRefusal("already-inactive", f"{name}'s account is already deactivated.")
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        detail: dict[str, object] = {"username": user.username}
        if not active:
            detail["tokens_revoked"] = revoke_api_tokens(User.objects.filter(pk=user.pk))
            detail["sessions_ended"] = end_web_sessions([user.pk], now=timezone.now())
        record(
            actor,
            "staff.reactivate" if active else "staff.deactivate",
            target=user,
            program_id=actor.program_id,
            detail=detail,
        )
    return user


def do_reset_two_factor(actor: Actor, user_id: int) -> User:
    """Remove a staff member's authenticator devices, so they set one up again at their
    next sign-in (a lost or replaced phone), and revoke their API tokens (a token may
    have been issued with a code from the lost device). A web session verified with a
    removed device is no longer verified, so in a program that requires two-factor the
    page decorators send it to the sign-in page. Refused with "staff-not-found" for anyone
    outside the actor's program, "own-account" for the actor's own account, and
    "no-device" when there is nothing to reset."""
    user = _staff_member(actor, user_id)
    if user.pk == actor.user_id:
        raise AccountRefusal("own-account", OWN_TWO_FACTOR)
    devices = TOTPDevice.objects.filter(user=user)
    if not devices.exists():
        name = user.get_full_name() or user.username
        raise AccountRefusal(
            "no-device", f"{name} has not set up two-factor sign-in; there is nothing to reset."
        )
    with transaction.atomic():
        removed, _ = devices.delete()
        revoked = revoke_api_tokens(User.objects.filter(pk=user.pk))
        record(
            actor,
            "staff.two-factor-reset",
            target=user,
            program_id=actor.program_id,
            detail={
                "username": user.username,
                "devices_removed": removed,
                "tokens_revoked": revoked,
            },
        )
    return user


def _staff_member(actor: Actor, user_id: int) -> User:
    # A staff member the actor may not manage is answered as one that does not exist.
    if not may_manage_staff_of(actor, actor.program_id):
        raise AccountRefusal("not-allowed", STAFF_NOT_ALLOWED, kind=Kind.FORBIDDEN_AS_MISSING)
    user = staff_of(actor.program_id, user_id)
    if user is None:
        raise AccountRefusal("staff-not-found", STAFF_NOT_FOUND)
    return user


def _checked_email(address: str) -> str:
    """``address`` stripped; AccountRefusal("email") when it is not an email address."""
    address = address.strip()
    if address:
        try:
            validate_email(address)
        except ValidationError:
            raise AccountRefusal("email", f"{address!r} is not an email address.") from None
    return address


def do_set_staff_email(actor: Actor, user_id: int, email: str) -> User:
    """Set (or clear, with an empty ``email``) the address a staff member of the actor's
    program gets safety alerts at. Refused with "staff-not-found" for anyone outside the
    program, "email" for an address that is not one. Audited as ``staff.email``."""
    user = _staff_member(actor, user_id)
    address = _checked_email(email)
    with transaction.atomic():
        before = user.email
        user.email = address
        user.save(update_fields=["email"])
        record(
            actor,
            "staff.email",
            target=user,
            program_id=actor.program_id,
            detail={
                "username": user.username,
                "had_address": bool(before),
                "has_address": bool(address),
            },
        )
    return user


def _taken(username: str) -> str:
    return f"The username {username!r} is taken; choose another."


def _run_field_validators(model: type, field: str, value: str, code: str | None = None) -> None:
    try:
        model._meta.get_field(field).run_validators(value)  # type: ignore[attr-defined]
    except ValidationError as exc:
        raise AccountRefusal(code or field, " ".join(exc.messages)) from None
