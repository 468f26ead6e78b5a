"""The clinic's CBT page of a patient (/clinic/patients/<id>/modules/): a counsellor or
prescriber on the care team assigns a module; the care team sees progress and every
exercise, comments on them, and marks a section done on the patient's word; the
program admin reads it; anyone else is answered as if the patient did not exist."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from clonacare.audit.models import AuditEvent
from clonacare.therapy.models import CounsellorComment, ExerciseEntry, ModuleAssignment
from tests.personas import World, signed_in
from tests.web.therapy_world import plant_modules

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("modules")]


@pytest.fixture
def modules(tmp_path: Path, settings: SettingsWrapper) -> Path:
    """The planted modules (tests/web/therapy_world.py) as the site's."""
    return plant_modules(tmp_path, settings)


COMMENT_NOT_ALLOWED = (
    "Only a prescriber, nurse or counsellor on the patient&#x27;s care team comments."
)


def url(world: World, patient: str = "alex") -> str:
    return f"/clinic/patients/{getattr(world, patient).pk}/modules/"


def assign(world: World, module: str = "thoughts") -> ModuleAssignment:
    return ModuleAssignment.objects.create(
        patient=world.alex, module=module, assigned_by=world.lee, assigned_at=timezone.now()
    )


def entry(world: World, assignment: ModuleAssignment) -> ExerciseEntry:
    return ExerciseEntry.objects.create(
        patient=world.alex,
        assignment=assignment,
        kind="thought-record",
        day=timezone.localdate(),
        fields={
            "situation": "At the shop.",
            "automatic_thought": "Everyone is staring.",
            "emotion": "scared",
            "emotion_strength": 60,
        },
        self_reported=True,
        entered_by=world.alex_user,
        entered_at=timezone.now(),
        late_entry=False,
    )


def test_a_counsellor_assigns_a_module(client: Client, world: World) -> None:
    signed_in(client, "lee")
    page = client.get(url(world))
    assert page.status_code == 200
    assert '<option value="thoughts">Thoughts module (draft)</option>' in page.content.decode()
    done = client.post(url(world), {"action": "assign", "module": "thoughts"})
    stored = ModuleAssignment.objects.get()
    assert done.status_code == 302
    assert done["Location"] == f"{url(world)}#assignment-{stored.pk}"
    text = client.get(url(world)).content.decode()
    assert "Assigned · 0 of 2 sections done · assigned by lee" in text
    assert '<option value="thoughts">' not in text
    assert AuditEvent.objects.filter(action="module.assign", actor_username="lee").exists()


def test_a_second_assignment_of_an_open_module_is_refused(client: Client, world: World) -> None:
    assign(world)
    page = signed_in(client, "avery").post(url(world), {"action": "assign", "module": "thoughts"})
    assert page.status_code == 409
    assert (
        "The module &#x27;Thoughts module&#x27; is already assigned to this patient and not "
        "completed yet." in page.content.decode()
    )


def test_a_nurse_sees_no_assign_form_and_is_refused(client: Client, world: World) -> None:
    signed_in(client, "kim")
    assert "Assign a module" not in client.get(url(world)).content.decode()
    page = client.post(url(world), {"action": "assign", "module": "thoughts"})
    assert page.status_code == 403
    assert not ModuleAssignment.objects.exists()


def test_the_care_team_sees_the_exercises_and_comments(client: Client, world: World) -> None:
    saved = entry(world, assign(world))
    signed_in(client, "kim")
    text = client.get(url(world)).content.decode()
    assert "<dt>The thought that came to you</dt><dd>Everyone is staring.</dd>" in text
    done = client.post(
        url(world), {"action": "comment-entry", "entry": saved.pk, "text": " Good catch. "}
    )
    assert done["Location"] == f"{url(world)}#entry-{saved.pk}"
    comment = CounsellorComment.objects.get()
    assert (comment.entry_id, comment.assignment_id, comment.text, comment.author_id) == (
        saved.pk,
        None,
        "Good catch.",
        world.kim.pk,
    )
    assert "<p>Good catch.</p>" in client.get(url(world)).content.decode()
    event = AuditEvent.objects.get(action="therapy-comment.add")
    assert (event.actor_username, event.patient_id, event.detail) == (
        "kim",
        world.alex.pk,
        {"entry_id": saved.pk},
    )


def test_a_comment_on_a_module(client: Client, world: World) -> None:
    assignment = assign(world)
    signed_in(client, "lee").post(
        url(world),
        {
            "action": "comment-assignment",
            "assignment": assignment.pk,
            "text": "Start with part one.",
        },
    )
    assert CounsellorComment.objects.get().assignment_id == assignment.pk


def test_an_empty_or_long_comment_is_refused(client: Client, world: World) -> None:
    assignment = assign(world)
    signed_in(client, "lee")
    empty = client.post(
        url(world), {"action": "comment-assignment", "assignment": assignment.pk, "text": "  "}
    )
    assert empty.status_code == 400
    assert "Write the comment." in empty.content.decode()
    long = client.post(
        url(world),
        {"action": "comment-assignment", "assignment": assignment.pk, "text": "x" * 1001},
    )
    assert long.status_code == 400
    assert "The comment is longer than 1000 characters." in long.content.decode()
    assert not CounsellorComment.objects.exists()


def test_a_program_admin_reads_but_does_not_comment(client: Client, world: World) -> None:
    saved = entry(world, assign(world))
    signed_in(client, "riverside_admin")
    text = client.get(url(world)).content.decode()
    assert "Everyone is staring." in text
    assert "Add comment" not in text
    assert "Assign a module" not in text
    page = client.post(url(world), {"action": "comment-entry", "entry": saved.pk, "text": "Hello"})
    assert page.status_code == 403
    assert COMMENT_NOT_ALLOWED in page.content.decode()
    assert not CounsellorComment.objects.exists()


def test_an_entry_of_another_patient_is_not_found(client: Client, world: World) -> None:
    theirs = ModuleAssignment.objects.create(
        patient=world.blair, module="thoughts", assigned_by=world.avery, assigned_at=timezone.now()
    )
    page = signed_in(client, "avery").post(
        url(world), {"action": "comment-assignment", "assignment": theirs.pk, "text": "Hi"}
    )
    assert page.status_code == 404
    assert not CounsellorComment.objects.exists()


def test_a_section_marked_on_the_patients_word(client: Client, world: World) -> None:
    assignment = assign(world)
    signed_in(client, "lee").post(
        url(world), {"action": "section", "assignment": assignment.pk, "section": "first-part"}
    )
    assignment.refresh_from_db()
    assert assignment.sections_done["first-part"]["self_reported"] is False
    assert assignment.sections_done["first-part"]["entered_by"] == "lee"
    text = client.get(url(world)).content.decode()
    assert "First part: done" in text
    assert "(by lee on the patient's word)" in text


@pytest.mark.parametrize(("persona", "patient"), [("brook", "alex"), ("lee", "blair")])
def test_a_patient_out_of_reach_is_not_found(
    client: Client, world: World, persona: str, patient: str
) -> None:
    signed_in(client, persona)
    assert client.get(url(world, patient)).status_code == 404
    assert (
        client.post(url(world, patient), {"action": "assign", "module": "thoughts"}).status_code
        == 404
    )
    assert not ModuleAssignment.objects.exists()
    assert AuditEvent.objects.filter(action="modules.view.denied").exists()


def test_a_patient_does_not_open_the_clinic_page(client: Client, world: World) -> None:
    assert signed_in(client, "alex").get(url(world)).status_code == 404


@pytest.mark.parametrize("persona", ["lee", "avery", "kim"])
def test_every_clinician_on_the_care_team_comments(
    client: Client, world: World, persona: str
) -> None:
    assignment = assign(world)
    signed_in(client, persona).post(
        url(world), {"action": "comment-assignment", "assignment": assignment.pk, "text": "Hi"}
    )
    assert CounsellorComment.objects.get().author.username == persona


def test_a_program_admin_does_not_mark_a_section_done(client: Client, world: World) -> None:
    assignment = assign(world)
    page = signed_in(client, "riverside_admin").post(
        url(world), {"action": "section", "assignment": assignment.pk, "section": "first-part"}
    )
    assert page.status_code == 403
    assert (
        "Only the patient, or a clinician on their care team on the patient&#x27;s word, works "
        "through a module." in page.content.decode()
    )
    assignment.refresh_from_db()
    assert assignment.sections_done == {}


def test_the_patient_page_links_to_the_modules(client: Client, world: World) -> None:
    text = signed_in(client, "lee").get(f"/clinic/patients/{world.alex.pk}/").content.decode()
    assert f'<a href="{url(world)}">CBT modules and exercises</a>' in text
