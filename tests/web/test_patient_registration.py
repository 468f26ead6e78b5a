"""Registering a patient at /clinic/patients/new/: who may, what is checked, what is kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from clonacare.accounts.models import Membership
from clonacare.audit.models import AuditEvent
from clonacare.patients.models import BenzodiazepineUse, CareTeamMember, Patient
from tests.personas import World, signed_in

URL = "/clinic/patients/new/"
TODAY = timezone.now().date()
NEW_PASSWORD = "river-stone-lantern-42"


def form(world: World, **changes: object) -> dict[str, object]:
    return {
        "given_name": "Dana",
        "family_name": "Reyes",
        "date_of_birth": "1975-06-30",
        "status": "assessment",
        "drug": "clonazepam",
        "morning_mg": "0.5",
        "midday_mg": "",
        "evening_mg": "",
        "night_mg": "1",
        "since": "2023-01-15",
        "prescriber_name": "Dr. Osei",
        "care_team": [world.kim.pk],
        "username": "",
        "password": "",
        "password_again": "",
    } | changes


def nothing_written(users_before: int) -> None:
    assert not Patient.objects.filter(given_name="Dana").exists()
    assert User.objects.count() == users_before
    assert not AuditEvent.objects.filter(action="patient.register").exists()


@pytest.mark.parametrize("username", ["riverside_admin", "avery"])
def test_it_registers_a_patient_for_an_admin_or_a_prescriber(
    client: Client, world: World, username: str
) -> None:
    response = signed_in(client, username).post(URL, form(world))
    patient = Patient.objects.get(given_name="Dana")
    assert response.status_code == 302
    assert response["Location"] == f"/clinic/patients/{patient.pk}/"
    assert (patient.family_name, patient.date_of_birth, patient.program) == (
        "Reyes",
        dt.date(1975, 6, 30),
        world.riverside,
    )
    (use,) = patient.benzo_uses.all()
    assert (use.drug, use.morning_mg, use.night_mg, use.daily_mg) == (
        "clonazepam",
        Decimal("0.5"),
        Decimal("1"),
        Decimal("1.5"),
    )
    assert (use.since, use.ended_on, use.prescriber_name) == (
        dt.date(2023, 1, 15),
        None,
        "Dr. Osei",
    )
    assert patient.user is None
    event = AuditEvent.objects.get(action="patient.register")
    assert (event.actor_username, event.patient_id, event.program_id) == (
        username,
        patient.pk,
        world.riverside.pk,
    )


def test_a_prescriber_who_registers_joins_the_care_team(client: Client, world: World) -> None:
    signed_in(client, "avery").post(URL, form(world))
    patient = Patient.objects.get(given_name="Dana")
    assert set(patient.care_team.values_list("user__username", flat=True)) == {"avery", "kim"}
    assert client.get(f"/clinic/patients/{patient.pk}/").status_code == 200


def test_an_admin_chooses_the_whole_care_team(client: Client, world: World) -> None:
    signed_in(client, "riverside_admin").post(
        URL, form(world, care_team=[world.kim.pk, world.lee.pk])
    )
    patient = Patient.objects.get(given_name="Dana")
    assert set(patient.care_team.values_list("user__username", flat=True)) == {"kim", "lee"}
    assert AuditEvent.objects.get(action="patient.register").detail == {
        "status": "assessment",
        "benzodiazepine": "clonazepam",
        "care_team": ["kim", "lee"],
        "portal_login": None,
    }


def test_it_creates_a_portal_login_that_works(client: Client, world: World) -> None:
    signed_in(client, "riverside_admin").post(
        URL,
        form(world, username="pat.dana", password=NEW_PASSWORD, password_again=NEW_PASSWORD),
    )
    patient = Patient.objects.get(given_name="Dana")
    assert patient.user is not None
    assert patient.user.username == "pat.dana"
    assert patient.user.check_password(NEW_PASSWORD)
    membership = Membership.objects.get(user=patient.user)
    assert (membership.role, membership.program) == ("patient", world.riverside)
    client.logout()
    signed_in_page = client.post(
        "/accounts/login/", {"username": "pat.dana", "password": NEW_PASSWORD}, follow=True
    )
    assert "Hello, Dana" in signed_in_page.content.decode()
    event = AuditEvent.objects.get(action="patient.register")
    assert event.detail["portal_login"] == "pat.dana"
    assert NEW_PASSWORD not in str(event.detail)


def test_a_patient_without_a_benzodiazepine_yet(client: Client, world: World) -> None:
    response = signed_in(client, "riverside_admin").post(
        URL, form(world, drug="", morning_mg="", night_mg="", since="")
    )
    assert response.status_code == 302
    assert not BenzodiazepineUse.objects.filter(patient__given_name="Dana").exists()


def test_a_dose_above_the_label_maximum_is_recorded_with_a_warning(
    client: Client, world: World
) -> None:
    response = signed_in(client, "avery").post(URL, form(world, morning_mg="10", night_mg="20"))
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Above the label maximum of 20 mg/day (seizure disorders)." in html


@pytest.mark.parametrize("username", ["kim", "lee", "site_admin", "alex"])
def test_everyone_else_finds_no_such_page(client: Client, world: World, username: str) -> None:
    users = User.objects.count()
    signed_in(client, username)
    assert client.get(URL).status_code == 404
    assert client.post(URL, form(world)).status_code == 404
    nothing_written(users)


def test_a_prescriber_of_another_program_registers_in_their_own(
    client: Client, world: World
) -> None:
    signed_in(client, "brook").post(URL, form(world, care_team=[]))
    patient = Patient.objects.get(given_name="Dana")
    assert patient.program == world.northgate
    assert list(patient.care_team.values_list("user__username", flat=True)) == ["brook"]
    client.logout()
    response = signed_in(client, "riverside_admin").get(f"/clinic/patients/{patient.pk}/")
    assert response.status_code == 404


def test_a_clinician_of_another_program_is_refused_on_the_form(
    client: Client, world: World
) -> None:
    users = User.objects.count()
    response = signed_in(client, "brook").post(URL, form(world, care_team=[world.kim.pk]))
    assert response.status_code == 400
    assert f"Select a valid choice. {world.kim.pk} is not one of the available choices." in (
        response.content.decode()
    )
    nothing_written(users)


@pytest.mark.parametrize("username", ["riverside_admin", "avery"])
def test_the_caseload_links_to_it_for_those_who_may(
    client: Client, world: World, username: str
) -> None:
    assert URL in signed_in(client, username).get("/clinic/caseload/").content.decode()


@pytest.mark.parametrize("username", ["kim", "lee"])
def test_the_caseload_has_no_link_for_others(client: Client, world: World, username: str) -> None:
    assert URL not in signed_in(client, username).get("/clinic/caseload/").content.decode()


def test_the_form_offers_only_this_programs_clinicians(client: Client, world: World) -> None:
    html = signed_in(client, "riverside_admin").get(URL).content.decode()
    assert "kim (Nurse)" in html
    assert "lee (Counsellor)" in html
    assert "brook" not in html
    assert "riverside_admin (" not in html


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"given_name": ""}, "This field is required."),
        ({"date_of_birth": "30/06/1975x"}, "Enter a valid date."),
        ({"morning_mg": "half"}, "Enter a number."),
        ({"morning_mg": "-0.5"}, "Ensure this value is greater than or equal to 0."),
        ({"since": ""}, "Enter the date the patient started taking it."),
        ({"drug": ""}, "Choose the benzodiazepine these doses are of."),
        (
            {"drug": "ketamine"},
            "Select a valid choice. ketamine is not one of the available choices.",
        ),
        ({"username": "pat.dana"}, "Enter an initial password for the portal login."),
        (
            {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
            "Enter a username for the portal login.",
        ),
        (
            {"username": "pat.dana", "password": NEW_PASSWORD, "password_again": "other"},
            "The two passwords do not match.",
        ),
    ],
)
def test_the_form_names_the_wrong_field(
    client: Client, world: World, changes: dict[str, str], field_message: str
) -> None:
    users = User.objects.count()
    response = signed_in(client, "riverside_admin").post(URL, form(world, **changes))
    assert response.status_code == 400
    assert field_message in response.content.decode()
    nothing_written(users)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"date_of_birth": (TODAY + dt.timedelta(days=1)).isoformat()},
            "The date of birth cannot be in the future.",
        ),
        (
            {"since": (TODAY + dt.timedelta(days=1)).isoformat()},
            "The start of the benzodiazepine use cannot be in the future.",
        ),
        (
            {"since": "1970-01-01"},
            "The start of the benzodiazepine use cannot be before the date of birth.",
        ),
        (
            {"morning_mg": "0", "night_mg": "0"},
            "At least one dose must be above 0 mg. To record that the patient has stopped, set "
            "the status to &#x27;In recovery (off benzodiazepines)&#x27; first.",
        ),
        (
            {"username": "alex", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
            "The username &#x27;alex&#x27; is taken; choose another.",
        ),
        (
            {"username": "pat dana", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
            "Enter a valid username. This value may contain only letters, numbers, and "
            "@/./+/-/_ characters.",
        ),
        (
            {"username": "pat.dana", "password": "short", "password_again": "short"},
            "This password is too short. It must contain at least 12 characters.",
        ),
        (
            {"username": "pat.dana", "password": "123456789012", "password_again": "123456789012"},
            "This password is entirely numeric.",
        ),
    ],
)
def test_the_action_refuses_and_writes_nothing(
    client: Client, world: World, changes: dict[str, str], message: str
) -> None:
    users = User.objects.count()
    response = signed_in(client, "riverside_admin").post(URL, form(world, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    nothing_written(users)


def test_recovery_may_start_at_zero_mg(client: Client, world: World) -> None:
    response = signed_in(client, "riverside_admin").post(
        URL, form(world, status="recovery", morning_mg="0", night_mg="0")
    )
    assert response.status_code == 302


def test_another_programs_clinician_cannot_join_the_care_team(client: Client, world: World) -> None:
    from clonacare.accounts.actors import actor_for
    from clonacare.core.errors import ClinicalError
    from clonacare.patients.actions import Registration, do_register_patient

    users = User.objects.count()
    from django.test import RequestFactory

    actor = actor_for(world.riverside_admin, RequestFactory().get("/"))
    for outsider in (world.brook, world.riverside_admin, world.alex_user):
        with pytest.raises(ClinicalError) as refused:
            do_register_patient(
                actor,
                Registration("Dana", "Reyes", dt.date(1975, 6, 30), care_team=(outsider.pk,)),
                now=timezone.now(),
            )
        assert refused.value.message == (
            f"No prescriber, nurse or counsellor of this program has the id {outsider.pk}; "
            "the care team takes the program's prescribers, nurses and counsellors."
        )
    nothing_written(users)
    assert CareTeamMember.objects.count() == 6
