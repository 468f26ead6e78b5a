"""Support groups for the group tests (tests plant what they assert on): a Riverside
group started by counsellor lee through the action, and the actors the tests act as."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.utils import timezone

from clonacare.audit.log import Actor
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
