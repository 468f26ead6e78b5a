"""Who may manage programs and staff accounts: one condition per line.

A site admin creates programs, sets their two-factor rule and gives each its program
admins; a program admin manages the staff of their own program and of no other.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet

from clonacare.accounts.models import STAFF_ACCOUNT_ROLES, Program, Role
from clonacare.audit.log import Actor


def may_manage_programs(actor: Actor) -> bool:
    """Create programs and change their two-factor rule."""
    return actor.role == Role.SITE_ADMIN


def may_manage_staff_of(actor: Actor, program_id: int | None) -> bool:
    """List, deactivate, reactivate and reset the two-factor sign-in of a program's staff."""
    if program_id is None:
        return False
    return actor.role == Role.PROGRAM_ADMIN and actor.program_id == program_id


def may_set_alert_delivery(actor: Actor, program_id: int | None) -> bool:
    """Set a program's escalation time and on-call address: its program admin, or a site admin."""
    if program_id is None:
        return False
    if actor.role == Role.SITE_ADMIN:
        return True
    return may_manage_staff_of(actor, program_id)


def may_create_staff(actor: Actor, program_id: int | None, role: str) -> bool:
    """Create a staff account with ``role`` in the program."""
    if may_manage_staff_of(actor, program_id):
        return role in STAFF_ACCOUNT_ROLES
    return may_manage_programs(actor) and program_id is not None and role == Role.PROGRAM_ADMIN


# Who may see which programs and staff accounts: the API's /programs and /staff. A
# program's staff see their own program (as the care-team and registration forms list
# its clinicians); a site admin sees every program (as the programs page does).


def may_list_programs_and_staff(actor: Actor) -> bool:
    """A site admin, and the staff (prescribers, nurses, counsellors, admins) of a program."""
    if actor.role == Role.SITE_ADMIN:
        return True
    return actor.role in STAFF_ACCOUNT_ROLES and actor.program_id is not None


def programs_visible_to(actor: Actor) -> QuerySet[Program]:
    """Every program for a site admin, their own for a program's staff, none otherwise."""
    programs = Program.objects.order_by("name")
    if actor.role == Role.SITE_ADMIN:
        return programs
    if actor.role in STAFF_ACCOUNT_ROLES and actor.program_id is not None:
        return programs.filter(pk=actor.program_id)
    return programs.none()


def staff_visible_to(actor: Actor) -> QuerySet[User]:
    """The active prescribers, nurses, counsellors and program admins of the programs
    ``actor`` may see (``programs_visible_to``), by name; none for anyone else."""
    return (
        User.objects.filter(
            is_active=True,
            membership__role__in=STAFF_ACCOUNT_ROLES,
            membership__program__in=programs_visible_to(actor).values("pk"),
        )
        .select_related("membership__program")
        .order_by("last_name", "first_name", "username")
    )
