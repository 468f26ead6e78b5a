"""Support groups for the group tests (tests plant what they assert on): a Riverside
group started by counsellor lee through the action, the actors the tests act as, and a
third patient on one care team only (for who sees a group's roster)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.utils import timezone

from clonacare.accounts.models import Membership, Role
from clonacare.audit.log import Actor
from clonacare.patients.models import CareTeamMember, Patient
from clonacare.therapy.group_actions import do_create_group
from clonacare.therapy.group_models import SupportGroup
from tests.personas import World


def actor_of(user: User) -> Actor:
    """``user`` acting with their membership's role and program."""
    membership = user.membership
    return Actor(user.pk, user.username, membership.role, membership.program_id, None, "")


def start_group(
    world: World, *, name: str = "Tapering together", capacity: int = 2
) -> SupportGroup:
    """A Riverside group on Tuesdays at 18:00 in Room 2, facilitated by lee."""
    return do_create_group(
        actor_of(world.lee),
        world.riverside.pk,
        name=name,
        description="A weekly circle for people reducing a benzodiazepine.",
        schedule="Tuesdays, 6 to 7:30 pm",
        weekday=1,
        starts_at=dt.time(18, 0),
        facilitator="lee",
        place="Room 2, Riverside",
        capacity=capacity,
        now=timezone.now(),
    )


def drew(world: World) -> Patient:
    """Drew, a third Riverside patient, on avery's care team only (not kim's or lee's)."""
    user = User.objects.create(username="drew")
    Membership.objects.create(user=user, program=world.riverside, role=Role.PATIENT)
    patient = Patient.objects.create(
        program=world.riverside,
        user=user,
        given_name="Drew",
        family_name="Nakamura",
        date_of_birth=dt.date(1975, 7, 30),
    )
    CareTeamMember.objects.create(patient=patient, user=world.avery)
    return patient
