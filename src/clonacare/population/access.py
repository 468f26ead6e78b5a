"""Who may run and read a program's population screens (docs/population.md, "In the
clinic").

A program's admin and its prescribers upload files, read the screens and invite people;
no one else does. Anyone else (a nurse, a counsellor, a patient, a site admin, the staff
of another program) is answered as if the program or the screen did not exist, and the
attempt is audited as ``<purpose>.denied``. Reading a screen is audited too: it lists
people by their dispensing ids.
"""

from __future__ import annotations

from django.db.models import QuerySet

from clonacare.accounts.models import Program, Role
from clonacare.audit.log import Actor, record, record_denied
from clonacare.patients.access import RecordNotFound
from clonacare.population.models import Invitation, Screen

SCREENING_ROLES = frozenset({Role.PROGRAM_ADMIN, Role.PRESCRIBER})


class ScreenProgramNotFound(RecordNotFound):
    """No program with that id whose screens this actor may run (missing, another
    program's, or a role that never screens: answered alike)."""

    refusal_code = "screen-program-not-found"
    refusal_message = "Program not found."


class ScreenNotFound(RecordNotFound):
    """No screen with that id that this actor may see (missing and forbidden alike)."""

    refusal_code = "screen-not-found"
    refusal_message = "Screen not found."


def may_screen(actor: Actor, program_id: int) -> bool:
    """The program's admin and its prescribers."""
    if actor.user_id is None or actor.program_id != program_id:
        return False
    return actor.role in SCREENING_ROLES


def access_screening_program(actor: Actor, program_id: int, *, purpose: str) -> Program:
    """The program ``program_id`` if ``actor`` may screen for it; raises
    ScreenProgramNotFound for anyone else and for no such program, audited as
    ``<purpose>.denied``. Not audited when allowed: the write or read that follows is."""
    program = Program.objects.filter(pk=program_id).first()
    if program is None or not may_screen(actor, program_id):
        record_denied(
            actor,
            purpose,
            object_type="Program",
            object_id=program_id,
            id_name="program_id",
            owner_patient_id=None,
        )
        raise ScreenProgramNotFound(program_id)
    return program


def screens_of(actor: Actor, program: Program) -> QuerySet[Screen]:
    """The screens of ``program`` (read through ``access_screening_program``), newest
    first; the list shows files and counts, not people, and is not audited."""
    del actor  # the gate above decided
    # The list shows files and counts: the results themselves stay in the database.
    return (
        Screen.objects.filter(program=program)
        .select_related("screened_by")
        .defer("result", "birth_dates")
    )


def access_screen_by_id(actor: Actor, screen_id: int, *, purpose: str) -> Screen:
    """The screen ``screen_id`` if ``actor`` may screen for its program; the read is
    audited as ``purpose``. Raises ScreenNotFound otherwise (audited as
    ``<purpose>.denied``)."""
    screen = Screen.objects.filter(pk=screen_id).select_related("program", "screened_by").first()
    if screen is None or not may_screen(actor, screen.program_id):
        record_denied(
            actor,
            purpose,
            object_type="Screen",
            object_id=screen_id,
            id_name="screen_id",
            owner_patient_id=None,
        )
        raise ScreenNotFound(screen_id)
    record(actor, purpose, program_id=screen.program_id, target=screen)
    return screen


def invitations_of(screen: Screen) -> QuerySet[Invitation]:
    """The invitations from ``screen`` (read through its gate), newest first."""
    return Invitation.objects.filter(screen=screen).select_related("patient", "invited_by")


class InvitationNotFound(ScreenNotFound):
    """No invitation with that id whose screen this actor may see."""

    refusal_message = "Invitation not found."


def access_invitation_by_id(actor: Actor, invitation_id: int, *, purpose: str) -> Invitation:
    """The invitation ``invitation_id`` if ``actor`` may see its screen; the read (the
    letter names the program and, when known, the person) is audited as ``purpose``.
    Raises InvitationNotFound otherwise (audited as ``<purpose>.denied``)."""
    invitation = (
        Invitation.objects.filter(pk=invitation_id)
        .select_related("screen__program", "patient", "invited_by")
        .first()
    )
    if invitation is None or not may_screen(actor, invitation.screen.program_id):
        record_denied(
            actor,
            purpose,
            object_type="Invitation",
            object_id=invitation_id,
            id_name="invitation_id",
            owner_patient_id=invitation.patient_id if invitation is not None else None,
        )
        raise InvitationNotFound(invitation_id)
    record(actor, purpose, patient=invitation.patient, target=invitation)
    return invitation
