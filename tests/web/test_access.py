"""Who sees which patient: every line of patients/access.py, and forbidden equals missing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from clonacare.accounts.actors import actor_for
from clonacare.audit.log import Actor
from clonacare.audit.models import AuditEvent
from clonacare.patients.access import (
    PatientNotFound,
    access_patient_by_id,
    list_patients,
    patients_visible_to,
)
from tests.personas import World


def actor(user: User | None) -> Actor:
    from django.test import RequestFactory

    return actor_for(user, RequestFactory().get("/"))


def visible(user: User | None) -> set[str]:
    return {p.given_name for p in patients_visible_to(actor(user))}


def test_an_anonymous_caller_sees_no_one(world: World) -> None:
    assert visible(None) == set()


def test_a_patient_sees_only_their_own_record(world: World) -> None:
    assert visible(world.alex_user) == {"Alex"}
    assert visible(world.casey_user) == {"Casey"}


def test_a_program_admin_sees_every_patient_of_their_program(world: World) -> None:
    assert visible(world.riverside_admin) == {"Alex", "Blair"}


def test_prescribers_and_nurses_see_the_patients_on_their_care_team(world: World) -> None:
    assert visible(world.avery) == {"Alex", "Blair"}
    assert visible(world.kim) == {"Alex", "Blair"}


def test_a_counsellor_sees_only_their_assigned_patients(world: World) -> None:
    assert visible(world.lee) == {"Alex"}


def test_a_clinician_of_another_program_sees_none_of_this_one(world: World) -> None:
    assert visible(world.brook) == {"Casey"}


def test_a_care_team_entry_in_another_program_grants_nothing(world: World) -> None:
    from clonacare.patients.models import CareTeamMember

    CareTeamMember.objects.create(patient=world.alex, user=world.brook)
    assert visible(world.brook) == {"Casey"}


def test_a_site_admin_sees_no_patient_records(world: World) -> None:
    assert visible(world.site_admin) == set()


def test_a_deactivated_user_sees_no_one(world: World) -> None:
    world.avery.is_active = False
    world.avery.save()
    assert visible(world.avery) == set()


def test_a_user_without_a_role_sees_no_one(world: World) -> None:
    stranger = User.objects.create_user("stranger", password="x" * 20)
    assert visible(stranger) == set()


def test_forbidden_and_missing_raise_the_same_error(world: World) -> None:
    with pytest.raises(PatientNotFound) as forbidden:
        access_patient_by_id(actor(world.brook), world.alex.pk, purpose="patient.view")
    with pytest.raises(PatientNotFound) as missing:
        access_patient_by_id(actor(world.brook), 999_999, purpose="patient.view")
    assert type(forbidden.value) is type(missing.value)
    assert forbidden.value.record_id == world.alex.pk


def test_every_read_is_audited_allowed_or_refused(world: World) -> None:
    access_patient_by_id(actor(world.avery), world.alex.pk, purpose="patient.view")
    with pytest.raises(PatientNotFound):
        access_patient_by_id(actor(world.brook), world.alex.pk, purpose="patient.view")
    list_patients(actor(world.riverside_admin))
    events = list(
        AuditEvent.objects.order_by("id").values_list(
            "actor_username", "action", "patient_id", "program_id"
        )
    )
    assert events == [
        ("avery", "patient.view", world.alex.pk, world.riverside.pk),
        ("brook", "patient.view.denied", None, world.northgate.pk),
        ("riverside_admin", "patients.list", None, world.riverside.pk),
    ]
