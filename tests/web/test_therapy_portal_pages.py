"""The patient's CBT modules in the portal: the list with progress, a module's page
with its sections marked done one by one (the last one completes it), its exercise
forms, and what was saved with the care team's comments."""

from __future__ import annotations

import datetime as dt
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


def assign(world: World, module: str = "thoughts") -> ModuleAssignment:
    return ModuleAssignment.objects.create(
        patient=world.alex, module=module, assigned_by=world.lee, assigned_at=timezone.now()
    )


def alex(client: Client) -> Client:
    return signed_in(client, "alex")


def test_the_list_shows_each_module_with_its_progress(client: Client, world: World) -> None:
    assign(world, "coping")
    thoughts = assign(world)
    thoughts.sections_done = {
        "first-part": {
            "done_at": "2026-12-01T10:00:00+00:00",
            "entered_by": "alex",
            "self_reported": True,
        }
    }
    thoughts.status = "in-progress"
    thoughts.save()
    page = alex(client).get("/portal/modules/")
    assert page.status_code == 200
    text = page.content.decode()
    assert '<a href="/portal/modules/thoughts/">Thoughts module</a>' in text
    assert "In progress · 1 of 2 parts done" in text
    assert "Assigned · 0 of 2 parts done" in text
    assert AuditEvent.objects.filter(action="portal.modules", patient_id=world.alex.pk).exists()


def test_with_nothing_assigned_the_list_says_so(client: Client, world: World) -> None:
    page = alex(client).get("/portal/modules/")
    assert "No module has been given to you yet." in page.content.decode()


def test_a_module_page_shows_its_sections_exercise_and_sources(
    client: Client, world: World
) -> None:
    assign(world)
    text = alex(client).get("/portal/modules/thoughts/").content.decode()
    assert '<h1 id="module-title">Thoughts module</h1>' in text
    assert "Draft</span> Awaiting clinical review: written from the sources" in text
    assert '<h2 id="h-first-part">First part</h2>' in text
    assert "Mark “First part” done" in text
    assert "Exercise: Thought record" in text
    assert 'name="emotion_strength" value="" min="0" max="100"' in text
    assert "<li>ASAM 2025</li>" in text
    assert "Nothing saved yet." in text


def test_a_module_not_assigned_is_not_found(client: Client, world: World) -> None:
    assign(world)
    assert alex(client).get("/portal/modules/nights/").status_code == 404


def test_another_patients_module_is_not_found(client: Client, world: World) -> None:
    assign(world)
    assert signed_in(client, "blair").get("/portal/modules/thoughts/").status_code == 404


def test_staff_do_not_open_the_portal_pages(client: Client, world: World) -> None:
    assign(world)
    assert signed_in(client, "lee").get("/portal/modules/thoughts/").status_code == 404


def test_marking_every_section_done_completes_the_module(client: Client, world: World) -> None:
    assignment = assign(world)
    alex(client)
    first = client.post("/portal/modules/thoughts/", {"action": "section", "section": "first-part"})
    assert first.status_code == 302
    assert first["Location"] == "/portal/modules/thoughts/#section-first-part"
    assignment.refresh_from_db()
    assert (assignment.status, list(assignment.sections_done)) == ("in-progress", ["first-part"])
    assert assignment.sections_done["first-part"]["self_reported"] is True
    client.post("/portal/modules/thoughts/", {"action": "section", "section": "second-part"})
    assignment.refresh_from_db()
    assert assignment.status == "completed"
    assert assignment.completed_at is not None
    text = client.get("/portal/modules/thoughts/").content.decode()
    assert "Completed · 2 of 2 parts done" in text
    events = AuditEvent.objects.filter(action="module.section-done").order_by("id")
    assert [e.detail for e in events] == [
        {
            "module": "thoughts",
            "section": "first-part",
            "self_reported": True,
            "status": "in-progress",
        },
        {
            "module": "thoughts",
            "section": "second-part",
            "self_reported": True,
            "status": "completed",
        },
    ]


def test_a_section_done_twice_is_refused(client: Client, world: World) -> None:
    assign(world)
    alex(client)
    client.post("/portal/modules/thoughts/", {"action": "section", "section": "first-part"})
    again = client.post("/portal/modules/thoughts/", {"action": "section", "section": "first-part"})
    assert again.status_code == 409
    assert "The section &#x27;First part&#x27; is already marked done." in again.content.decode()


def test_a_section_the_module_does_not_have_is_refused(client: Client, world: World) -> None:
    assignment = assign(world)
    page = alex(client).post("/portal/modules/thoughts/", {"action": "section", "section": "third"})
    assert page.status_code == 400
    assert "The module &#x27;Thoughts module&#x27; has no section &#x27;third&#x27;." in (
        page.content.decode()
    )
    assignment.refresh_from_db()
    assert assignment.sections_done == {}


def test_the_patient_saves_a_thought_record_and_sees_the_comment(
    client: Client, world: World
) -> None:
    assignment = assign(world)
    saved = alex(client).post(
        "/portal/modules/thoughts/",
        {
            "action": "exercise",
            "kind": "thought-record",
            "date": "",
            "situation": "A call from work.",
            "automatic_thought": "I will be fired.",
            "emotion": "scared",
            "emotion_strength": "80",
            "evidence_for": "",
            "evidence_against": "My review was good.",
            "balanced_thought": "It was a routine call.",
            "emotion_after": "40",
        },
    )
    assert saved.status_code == 302
    assert saved["Location"] == "/portal/modules/thoughts/?saved=thought-record#entries"
    entry = ExerciseEntry.objects.get()
    assert (entry.day, entry.self_reported, entry.fields["emotion_strength"]) == (
        timezone.localdate(),
        True,
        80,
    )
    CounsellorComment.objects.create(
        patient=world.alex,
        entry=entry,
        text="Well spotted.",
        author=world.lee,
        written_at=timezone.now(),
    )
    text = client.get(saved["Location"]).content.decode()
    assert "Saved. Your care team can see it below." in text
    assert "<dt>The thought that came to you</dt><dd>I will be fired.</dd>" in text
    assert "<dt>What supports the thought</dt>" not in text
    assert "<p>Well spotted.</p>" in text
    assignment.refresh_from_db()
    assert assignment.status == "in-progress"


def test_a_refused_exercise_keeps_what_was_typed(client: Client, world: World) -> None:
    assign(world)
    page = alex(client).post(
        "/portal/modules/thoughts/",
        {
            "action": "exercise",
            "kind": "thought-record",
            "situation": "A call from work.",
            "automatic_thought": "",
            "emotion": "scared",
            "emotion_strength": "80",
        },
    )
    assert page.status_code == 400
    text = page.content.decode()
    assert (
        '<p class="form-error" role="alert">Fill in &#x27;The thought that came to you&#x27;.</p>'
        in text
    )
    assert ">A call from work.</textarea>" in text
    assert text.count('role="alert"') == 1
    assert not ExerciseEntry.objects.exists()


def test_a_date_that_is_not_one_is_refused(client: Client, world: World) -> None:
    assign(world)
    page = alex(client).post(
        "/portal/modules/thoughts/",
        {"action": "exercise", "kind": "thought-record", "date": "yesterday"},
    )
    assert page.status_code == 400
    assert "Enter the date as a date, like 2026-12-03." in page.content.decode()


def test_a_sleep_diary_shows_its_figures(client: Client, world: World) -> None:
    assign(world, "nights")
    night = timezone.localdate() - dt.timedelta(days=1)
    alex(client).post(
        "/portal/modules/nights/",
        {
            "action": "exercise",
            "kind": "sleep-diary",
            "date": night.isoformat(),
            "bed_time": "23:00",
            "sleep_attempt_time": "23:00",
            "minutes_to_fall_asleep": "30",
            "wakings": "1",
            "minutes_awake": "30",
            "final_waking_time": "07:00",
            "out_of_bed_time": "07:00",
            "sleep_quality": "3",
            "nap_minutes": "0",
            "notes": "",
        },
    )
    text = client.get("/portal/modules/nights/").content.decode()
    assert "<dt>Time in bed</dt><dd>480 minutes</dd>" in text
    assert "<dt>Total sleep</dt><dd>420 minutes</dd>" in text
    assert "<dt>Sleep efficiency</dt><dd>88% of the time in bed asleep</dd>" in text


def test_the_portal_home_links_to_the_modules(client: Client, world: World) -> None:
    text = alex(client).get("/portal/").content.decode()
    assert '<a href="/portal/modules/">My CBT modules</a>' in text
