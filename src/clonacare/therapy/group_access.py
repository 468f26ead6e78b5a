"""The gates to the support groups, and who may run them (docs/groups.md).

A patient sees their program's active groups and their own enrolments and attendance;
the program's staff see every group of their program with its counts. Who is in a
group (its roster: members, waiting list, the names on a register) is seen whole by the
group's facilitator and the program's admin, and by a prescriber, nurse or counsellor
only for the patients on their own care team: being in a group says something about a
patient's care, and not every staff member of the program cares for every member.
The facilitator and the admin run the group: they take the register, edit it and close
it. Anyone else, and any other program's group, is answered as if it did not exist. One
condition per line, each covered by tests/web/test_groups_rules.py and
test_groups_roster.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from clonacare.accounts.models import CARE_TEAM_ROLES, STAFF_ACCOUNT_ROLES, Role
from clonacare.audit.log import Actor, record, record_denied
from clonacare.patients.access import RecordNotFound
from clonacare.patients.models import Patient
from clonacare.therapy.group_models import (
    Attendance,
    GroupEnrolment,
    GroupSession,
    SupportGroup,
)

# Who starts a group: the program's admin, or one of its counsellors.
GROUP_CREATORS = frozenset({Role.PROGRAM_ADMIN, Role.COUNSELLOR})


class GroupNotFound(RecordNotFound):
    """No support group with that id that this actor may see (missing, inactive to a
    patient, or another program's alike)."""

    refusal_code = "group-not-found"
    refusal_message = "Support group not found."


class ProgramNotFound(RecordNotFound):
    """No program with that id whose groups this actor may see."""

    refusal_code = "program-not-found"
    refusal_message = "Program not found."


class EnrolmentNotFound(RecordNotFound):
    """No group enrolment with that id of a patient this actor may see."""

    refusal_code = "enrolment-not-found"
    refusal_message = "Group enrolment not found."


def is_program_staff(actor: Actor, program_id: int) -> bool:
    """A prescriber, nurse, counsellor or admin of ``program_id``."""
    if actor.user_id is None or actor.role not in STAFF_ACCOUNT_ROLES:
        return False
    return actor.program_id == program_id


def _is_patient_of(actor: Actor, program_id: int) -> bool:
    return (
        actor.user_id is not None
        and actor.role == Role.PATIENT
        and (actor.program_id == program_id)
    )


def groups_visible_to(actor: Actor) -> QuerySet[SupportGroup]:
    """The groups ``actor`` may see, with ``enrolled_count`` and ``waiting_count``:
    every group of their program to its staff, its active groups to its patients,
    none to anyone else."""
    groups = SupportGroup.objects.select_related("facilitator").annotate(
        enrolled_count=Count("enrolments", filter=Q(enrolments__status="enrolled")),
        waiting_count=Count("enrolments", filter=Q(enrolments__status="waiting")),
    )
    if actor.program_id is None:
        return groups.none()
    if is_program_staff(actor, actor.program_id):
        return groups.filter(program_id=actor.program_id)
    if _is_patient_of(actor, actor.program_id):
        return groups.filter(program_id=actor.program_id, active=True)
    return groups.none()


def access_program_groups(actor: Actor, program_id: int, *, purpose: str) -> QuerySet[SupportGroup]:
    """The groups of program ``program_id`` that ``actor`` may see; records the read.
    Another program (or none) raises ProgramNotFound, audited as ``<purpose>.denied``."""
    if actor.program_id != program_id or not (
        is_program_staff(actor, program_id) or _is_patient_of(actor, program_id)
    ):
        record_denied(
            actor,
            purpose,
            object_type="Program",
            object_id=program_id,
            id_name="program_id",
            owner_patient_id=None,
        )
        raise ProgramNotFound(program_id)
    record(actor, purpose, program_id=program_id)
    return groups_visible_to(actor)


def access_group_by_id(actor: Actor, group_id: int, *, purpose: str) -> SupportGroup:
    """The group ``group_id`` if ``actor`` may see it; records the read as ``purpose``.
    Raises GroupNotFound otherwise (audited as ``<purpose>.denied``)."""
    found = groups_visible_to(actor).filter(pk=group_id).first()
    if found is None:
        record_denied(
            actor,
            purpose,
            object_type="SupportGroup",
            object_id=group_id,
            id_name="group_id",
            owner_patient_id=None,
        )
        raise GroupNotFound(group_id)
    record(actor, purpose, program_id=found.program_id, target=found)
    return found


def enrolments_of(patient: Patient) -> QuerySet[GroupEnrolment]:
    """Every enrolment of ``patient`` (already read through its gate), left ones too,
    oldest first, with the group and its facilitator."""
    return GroupEnrolment.objects.filter(patient=patient).select_related(
        "group", "group__facilitator"
    )


def attendance_of(patient: Patient) -> QuerySet[Attendance]:
    """``patient``'s attendance at held sessions, newest first."""
    return (
        Attendance.objects.filter(patient=patient)
        .select_related("session", "session__group")
        .order_by("-session__date", "-id")
    )


def members_of(group: SupportGroup) -> QuerySet[GroupEnrolment]:
    """The group's members (enrolled), by when they got their place: the whole roster,
    for the actions; a page shows ``roster_of`` instead."""
    return (
        group.enrolments.filter(status=GroupEnrolment.Status.ENROLLED)
        .select_related("patient")
        .order_by("placed_at", "id")
    )


def waiting_list_of(group: SupportGroup) -> QuerySet[GroupEnrolment]:
    """The group's waiting list, next in line first: the whole list, for the actions."""
    return (
        group.enrolments.filter(status=GroupEnrolment.Status.WAITING)
        .select_related("patient")
        .order_by("position", "id")
    )


def sessions_of(group: SupportGroup) -> QuerySet[GroupSession]:
    """The group's sessions, newest first, with their whole attendance."""
    return group.sessions.prefetch_related("attendance__patient")


# The roster, as each reader may see it.


def sees_whole_roster(actor: Actor, group: SupportGroup) -> bool:
    """The group's facilitator, or the admin of its program (a staff member of it)."""
    if not is_program_staff(actor, group.program_id):
        return False
    return actor.user_id == group.facilitator_id or actor.role == Role.PROGRAM_ADMIN


def roster_patients(actor: Actor, group: SupportGroup) -> QuerySet[Patient]:
    """The patients of ``group`` whose name ``actor`` may see in its roster: all of them
    for the facilitator and the admin; those on their own care team for a prescriber,
    nurse or counsellor of the program; none for anyone else."""
    patients = Patient.objects.filter(program_id=group.program_id)
    if sees_whole_roster(actor, group):
        return patients
    user_id = actor.user_id
    if user_id is None or actor.role not in CARE_TEAM_ROLES:
        return patients.none()
    if not is_program_staff(actor, group.program_id):
        return patients.none()
    return patients.filter(care_team__user_id=user_id)


@dataclass(frozen=True)
class Roster:
    """What ``actor`` sees of a group's roster: ``whole`` when they see every name;
    ``members`` and ``waiting`` (in order, with their place) of the patients they may
    see; ``sessions`` with ``attendance`` limited the same way (``visible_attendance``);
    and how many members and waiting they do not see (``hidden_members``,
    ``hidden_waiting``)."""

    whole: bool
    members: list[GroupEnrolment]
    waiting: list[GroupEnrolment]
    sessions: list[GroupSession]
    hidden_members: int
    hidden_waiting: int


def roster_of(actor: Actor, group: SupportGroup, *, sessions: int) -> Roster:
    """The roster of ``group`` (read through ``access_group_by_id``) as ``actor`` may
    see it, with its newest ``sessions`` sessions. Four queries."""
    visible = set(roster_patients(actor, group).values_list("pk", flat=True))
    open_ones = list(
        group.enrolments.exclude(status=GroupEnrolment.Status.LEFT)
        .select_related("patient")
        .order_by("placed_at", "position", "id")
    )
    members = [e for e in open_ones if e.status == GroupEnrolment.Status.ENROLLED]
    waiting = sorted(
        (e for e in open_ones if e.status == GroupEnrolment.Status.WAITING),
        key=lambda e: (e.position or 0, e.pk),
    )
    shown = Prefetch(
        "attendance",
        queryset=Attendance.objects.filter(patient_id__in=visible).select_related("patient"),
        to_attr="visible_attendance",
    )
    return Roster(
        whole=sees_whole_roster(actor, group),
        members=[e for e in members if e.patient_id in visible],
        waiting=[e for e in waiting if e.patient_id in visible],
        sessions=list(group.sessions.prefetch_related(shown)[:sessions]),
        hidden_members=sum(1 for e in members if e.patient_id not in visible),
        hidden_waiting=sum(1 for e in waiting if e.patient_id not in visible),
    )


def access_enrolment_of(
    actor: Actor, patient: Patient, enrolment_id: int, *, purpose: str
) -> GroupEnrolment:
    """The enrolment ``enrolment_id`` of ``patient`` (whom ``actor`` may already see);
    records the read. One of another patient, or none, raises EnrolmentNotFound
    (audited as ``<purpose>.denied``)."""
    found = enrolments_of(patient).select_related("patient").filter(pk=enrolment_id).first()
    if found is None:
        record_denied(
            actor,
            purpose,
            object_type="GroupEnrolment",
            object_id=enrolment_id,
            id_name="enrolment_id",
            owner_patient_id=patient.pk,
        )
        raise EnrolmentNotFound(enrolment_id)
    record(actor, purpose, patient=patient, target=found)
    return found


# Who may write.


def may_create_group(actor: Actor, program_id: int) -> bool:
    """The program's admin or one of its counsellors."""
    return actor.role in GROUP_CREATORS and is_program_staff(actor, program_id)


def may_enrol(actor: Actor, patient: Patient) -> bool:
    """Enrols a patient or takes them off a group: the patient themself, or a
    prescriber, nurse or counsellor on their care team."""
    if actor.role == Role.PATIENT:
        return actor.user_id is not None and actor.user_id == patient.user_id
    if actor.user_id is None or actor.role not in CARE_TEAM_ROLES:
        return False
    if actor.program_id != patient.program_id:
        return False
    return patient.care_team.filter(user_id=actor.user_id).exists()


def may_record_attendance(actor: Actor, group: SupportGroup) -> bool:
    """The group's facilitator, or the admin of its program: those who see its whole
    roster (a register names every member). Someone standing in is made facilitator."""
    return sees_whole_roster(actor, group)


def may_manage_group(actor: Actor, group: SupportGroup) -> bool:
    """Edits or closes a group: its facilitator, or the admin of its program."""
    return sees_whole_roster(actor, group)
