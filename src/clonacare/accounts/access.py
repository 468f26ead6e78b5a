"""Who may manage programs and staff accounts: one condition per line.

A site admin creates programs, sets their two-factor rule and gives each its program
admins; a program admin manages the staff of their own program and of no other.
"""

from __future__ import annotations

from clonacare.accounts.models import STAFF_ACCOUNT_ROLES, Role
from clonacare.audit.log import Actor


def may_manage_programs(actor: Actor) -> bool:
    """Create programs and change their two-factor rule."""
    return actor.role == Role.SITE_ADMIN


def may_manage_staff_of(actor: Actor, program_id: int | None) -> bool:
    """List, deactivate, reactivate and reset the two-factor sign-in of a program's staff."""
    if program_id is None:
        return False
    return actor.role == Role.PROGRAM_ADMIN and actor.program_id == program_id


def may_create_staff(actor: Actor, program_id: int | None, role: str) -> bool:
    """Create a staff account with ``role`` in the program."""
    if may_manage_staff_of(actor, program_id):
        return role in STAFF_ACCOUNT_ROLES
    return may_manage_programs(actor) and program_id is not None and role == Role.PROGRAM_ADMIN
