"""``/patients/{id}/exercises``: the thought records, sleep diaries and coping plans a
patient saves under an assigned module (or their care team on the patient's word),
each field checked against the exercise's data file with a message naming it; a
sleep diary's time in bed, total sleep and sleep efficiency as numbers only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from clonacare.audit.models import AuditEvent
from clonacare.therapy.models import ExerciseEntry, ModuleAssignment
from tests.api_client import ApiClient
from tests.personas import World
from tests.web.therapy_world import plant_modules

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("modules")]


@pytest.fixture
def modules(tmp_path: Path, settings: SettingsWrapper) -> Path:
    """The planted modules (tests/web/therapy_world.py) as the site's."""
    return plant_modules(tmp_path, settings)


WORK_NOT_ALLOWED = (
    "Only the patient, or a clinician on their care team on the patient's word, works "
    "through a module."
)


def today() -> dt.date:
    return timezone.localdate()


def assigned(world: World, module: str = "thoughts", patient: str = "alex") -> int:
    client = ApiClient(world.avery)
    response = client.post(f"/patients/{getattr(world, patient).pk}/modules", {"module": module})
    assert response.status_code == 201
    return int(response.json()["id"])


THOUGHT_RECORD = {
    "situation": "A friend did not answer my message.",
    "automatic_thought": "They are fed up with me.",
    "emotion": "hurt",
    "emotion_strength": 70,
    "evidence_for": "They answered late last week too.",
    "evidence_against": "They said they were busy at work.",
    "balanced_thought": "They are probably busy.",
    "emotion_after": 30,
}
SLEEP_DIARY = {
    "bed_time": "22:30",
    "sleep_attempt_time": "23:00",
    "minutes_to_fall_asleep": 40,
    "wakings": 2,
    "minutes_awake": 50,
    "final_waking_time": "06:30",
    "out_of_bed_time": "07:00",
    "sleep_quality": 2,
    "nap_minutes": 0,
    "notes": "",
}
COPING_PLAN = {
    "triggers": "Evenings alone.",
    "warning_signs": "Not sleeping.",
    "coping_steps": "Walk, then call my sister.",
    "people_to_contact": "Sam; my counsellor.",
}


def save(
    world: World,
    who: str = "alex_user",
    *,
    kind: str = "thought-record",
    assignment: int | None = None,
    patient: str = "alex",
    **fields: Any,
) -> Any:
    body: dict[str, Any] = {
        "kind": kind,
        "assignment": assignment,
        **{"thought-record": THOUGHT_RECORD, "sleep-diary": SLEEP_DIARY}.get(kind, COPING_PLAN),
        **fields,
    }
    body = {k: v for k, v in body.items() if v is not ...}
    client = ApiClient(getattr(world, who))
    return client.post(f"/patients/{getattr(world, patient).pk}/exercises", body)


def refused(response: Any, status: int, detail: str) -> None:
    assert (response.status_code, response.json()) == (status, {"detail": detail})
    assert not ExerciseEntry.objects.exists()


class TestSaving:
    def test_the_patient_saves_a_thought_record(self, world: World) -> None:
        assignment = assigned(world)
        response = save(world, assignment=assignment)
        assert response.status_code == 201
        body = response.json()
        assert (body["kind"], body["assignment_id"], body["date"]) == (
            "thought-record",
            assignment,
            today().isoformat(),
        )
        assert body["fields"] == THOUGHT_RECORD
        assert (body["self_reported"], body["entered_by"], body["late_entry"]) == (
            True,
            "alex",
            False,
        )
        assert (body["figures"], body["comments"]) == (None, [])

    def test_the_first_entry_starts_the_module(self, world: World) -> None:
        assignment = assigned(world)
        save(world, assignment=assignment)
        assert ModuleAssignment.objects.get(pk=assignment).status == "in-progress"

    def test_optional_fields_may_be_left_out(self, world: World) -> None:
        response = save(
            world,
            assignment=assigned(world),
            evidence_for=...,
            evidence_against="",
            balanced_thought=...,
            emotion_after=...,
        )
        assert response.status_code == 201
        fields = response.json()["fields"]
        assert (fields["evidence_for"], fields["evidence_against"], fields["emotion_after"]) == (
            "",
            "",
            None,
        )

    def test_text_is_kept_without_surrounding_spaces(self, world: World) -> None:
        response = save(world, assignment=assigned(world), emotion="  scared ")
        assert response.json()["fields"]["emotion"] == "scared"

    @pytest.mark.parametrize("persona", ["lee", "kim", "avery"])
    def test_the_care_team_saves_on_the_patients_word(self, world: World, persona: str) -> None:
        response = save(world, persona, assignment=assigned(world))
        assert response.status_code == 201
        assert (response.json()["self_reported"], response.json()["entered_by"]) == (
            False,
            persona,
        )

    def test_a_program_admin_may_not_save(self, world: World) -> None:
        refused(save(world, "riverside_admin", assignment=assigned(world)), 403, WORK_NOT_ALLOWED)

    @pytest.mark.parametrize("persona", ["blair_user", "brook", "site_admin"])
    def test_a_record_out_of_reach_is_not_found(self, world: World, persona: str) -> None:
        refused(save(world, persona, assignment=assigned(world)), 404, "Patient not found.")

    def test_another_patients_assignment_is_not_found(self, world: World) -> None:
        theirs = assigned(world, patient="blair")
        refused(save(world, assignment=theirs), 404, "Module assignment not found.")

    def test_an_assignment_that_does_not_exist_is_not_found(self, world: World) -> None:
        refused(save(world, assignment=999999), 404, "Module assignment not found.")

    def test_an_exercise_the_module_does_not_name(self, world: World) -> None:
        refused(
            save(world, kind="sleep-diary", assignment=assigned(world)),
            400,
            "The module 'Thoughts module' has no sleep diary; its exercises: thought-record.",
        )

    def test_an_unknown_exercise(self, world: World) -> None:
        refused(
            save(world, kind="gratitude-list", assignment=assigned(world)),
            400,
            "Unknown exercise 'gratitude-list'; choose one of: thought-record, sleep-diary, "
            "coping-plan.",
        )

    def test_an_earlier_day_is_a_late_entry(self, world: World) -> None:
        day = today() - dt.timedelta(days=1)
        body = save(world, assignment=assigned(world), date=day.isoformat()).json()
        assert (body["date"], body["late_entry"]) == (day.isoformat(), True)

    def test_a_day_in_the_future(self, world: World) -> None:
        tomorrow = (today() + dt.timedelta(days=1)).isoformat()
        refused(
            save(world, assignment=assigned(world), date=tomorrow),
            400,
            "The day of the exercise cannot be in the future.",
        )

    def test_a_day_before_birth(self, world: World) -> None:
        refused(
            save(world, assignment=assigned(world), date="1980-01-01"),
            400,
            "The day of the exercise cannot be before the date of birth.",
        )

    def test_a_saved_entry_is_audited_without_what_was_written(self, world: World) -> None:
        assignment = assigned(world)
        entry = save(world, assignment=assignment).json()
        event = AuditEvent.objects.get(action="exercise.save")
        assert (event.actor_username, event.patient_id, event.object_id) == (
            "alex",
            world.alex.pk,
            str(entry["id"]),
        )
        assert event.detail == {
            "kind": "thought-record",
            "day": today().isoformat(),
            "assignment_id": assignment,
            "late_entry": False,
        }


class TestFields:
    """Every message names the field by the label the form shows."""

    @pytest.mark.parametrize(
        ("fields", "detail"),
        [
            ({"situation": ""}, "Fill in 'What was happening'."),
            ({"automatic_thought": ...}, "Fill in 'The thought that came to you'."),
            ({"emotion": "   "}, "Fill in 'The feeling'."),
            (
                {"emotion": "x" * 101},
                "'The feeling' is at most 100 characters; got 101.",
            ),
            (
                {"emotion_strength": 101},
                "'How strong the feeling was (0 to 100)' is a whole number from 0 to 100; got 101.",
            ),
            (
                {"emotion_strength": -1},
                "'How strong the feeling was (0 to 100)' is a whole number from 0 to 100; got -1.",
            ),
            (
                {"emotion_after": 5.5},
                "'How strong the feeling is now (0 to 100)' is a whole number from 0 to 100; "
                "got 5.5.",
            ),
            (
                {"emotion_strength": True},
                "'How strong the feeling was (0 to 100)' is a whole number from 0 to 100; "
                "got True.",
            ),
            ({"situation": 12}, "'What was happening' must be text."),
            ({"mood": "low"}, "A thought record has no field(s): mood."),
        ],
    )
    def test_a_thought_record_field_refused(
        self, world: World, fields: dict[str, Any], detail: str
    ) -> None:
        refused(save(world, assignment=assigned(world), **fields), 400, detail)

    def test_the_strengths_take_both_ends_of_their_range(self, world: World) -> None:
        response = save(world, assignment=assigned(world), emotion_strength=0, emotion_after=100)
        assert response.status_code == 201

    @pytest.mark.parametrize(
        ("fields", "detail"),
        [
            (
                {"bed_time": "25:00"},
                "'Time you went to bed' is a time of day like 23:30; got '25:00'.",
            ),
            (
                {"final_waking_time": 630},
                "'Time of your final waking' is a time of day like 23:30; got 630.",
            ),
            (
                {"sleep_quality": 0},
                "'How well you slept (1 to 5)' is a whole number from 1 to 5; got 0.",
            ),
            (
                {"sleep_quality": 6},
                "'How well you slept (1 to 5)' is a whole number from 1 to 5; got 6.",
            ),
            ({"wakings": ...}, "Fill in 'Times you woke in the night'."),
            (
                {"minutes_to_fall_asleep": 1441},
                "'Minutes it took to fall asleep' is a whole number from 0 to 1440; got 1441.",
            ),
            (
                {"sleep_attempt_time": "22:00"},
                "The times must follow each other through the night: to bed, then trying to "
                "sleep, then the final waking, then out of bed.",
            ),
            (
                {"out_of_bed_time": "06:00"},
                "The times must follow each other through the night: to bed, then trying to "
                "sleep, then the final waking, then out of bed.",
            ),
            (
                {"minutes_awake": 411},
                "The minutes to fall asleep and awake in the night add up to more than the "
                "time from trying to sleep to the final waking.",
            ),
        ],
    )
    def test_a_sleep_diary_field_refused(
        self, world: World, fields: dict[str, Any], detail: str
    ) -> None:
        assignment = assigned(world, "nights")
        refused(save(world, kind="sleep-diary", assignment=assignment, **fields), 400, detail)

    def test_a_coping_plan_needs_its_steps(self, world: World) -> None:
        refused(
            save(world, kind="coping-plan", assignment=assigned(world, "coping"), coping_steps=""),
            400,
            "Fill in 'What you will do'.",
        )


class TestSleepDiary:
    def test_it_gives_time_in_bed_total_sleep_and_efficiency(self, world: World) -> None:
        night = today() - dt.timedelta(days=1)
        response = save(
            world, kind="sleep-diary", assignment=assigned(world, "nights"), date=night.isoformat()
        )
        assert response.status_code == 201
        body = response.json()
        # 22:30 to 07:00 in bed is 510 minutes; 23:00 to 06:30 is 450, less 40 and 50.
        assert body["figures"] == {
            "time_in_bed_minutes": 510,
            "total_sleep_minutes": 360,
            "efficiency_percent": 71,
        }
        # The night that began yesterday ended this morning: not a late entry.
        assert (body["date"], body["late_entry"]) == (night.isoformat(), False)
        assert body["fields"]["bed_time"] == "22:30"

    def test_a_night_before_that_is_a_late_entry(self, world: World) -> None:
        night = today() - dt.timedelta(days=2)
        body = save(
            world, kind="sleep-diary", assignment=assigned(world, "nights"), date=night.isoformat()
        ).json()
        assert body["late_entry"] is True

    def test_a_night_after_midnight_and_a_short_hour_are_read_as_a_clock(
        self, world: World
    ) -> None:
        body = save(
            world,
            kind="sleep-diary",
            assignment=assigned(world, "nights"),
            bed_time="0:15",
            sleep_attempt_time="00:15",
            minutes_to_fall_asleep=0,
            minutes_awake=0,
            final_waking_time="08:15",
            out_of_bed_time="08:15",
        ).json()
        assert body["fields"]["bed_time"] == "00:15"
        assert body["figures"] == {
            "time_in_bed_minutes": 480,
            "total_sleep_minutes": 480,
            "efficiency_percent": 100,
        }

    def test_the_night_in_the_future_names_the_night(self, world: World) -> None:
        tomorrow = (today() + dt.timedelta(days=1)).isoformat()
        refused(
            save(world, kind="sleep-diary", assignment=assigned(world, "nights"), date=tomorrow),
            400,
            "The night of the sleep diary cannot be in the future.",
        )


class TestReading:
    def test_newest_day_first_with_the_count_and_a_filter_by_kind(self, world: World) -> None:
        thoughts = assigned(world)
        nights = assigned(world, "nights")
        yesterday = (today() - dt.timedelta(days=1)).isoformat()
        save(world, assignment=thoughts, date=yesterday)
        save(world, kind="sleep-diary", assignment=nights)
        client = ApiClient(world.lee)
        body = client.get(f"/patients/{world.alex.pk}/exercises").json()
        assert body["count"] == 2
        assert [i["kind"] for i in body["items"]] == ["sleep-diary", "thought-record"]
        only = client.get(f"/patients/{world.alex.pk}/exercises", kind="thought-record").json()
        assert (only["count"], only["items"][0]["date"]) == (1, yesterday)

    @pytest.mark.parametrize("persona", ["alex_user", "lee", "kim", "avery", "riverside_admin"])
    def test_whoever_may_see_the_record_reads_it(self, world: World, persona: str) -> None:
        save(world, assignment=assigned(world))
        response = ApiClient(getattr(world, persona)).get(f"/patients/{world.alex.pk}/exercises")
        assert (response.status_code, response.json()["count"]) == (200, 1)

    @pytest.mark.parametrize("persona", ["blair_user", "brook", "site_admin"])
    def test_another_record_is_not_found(self, world: World, persona: str) -> None:
        save(world, assignment=assigned(world))
        response = ApiClient(getattr(world, persona)).get(f"/patients/{world.alex.pk}/exercises")
        assert (response.status_code, response.json()) == (404, {"detail": "Patient not found."})

    def test_a_read_is_audited(self, world: World) -> None:
        ApiClient(world.riverside_admin).get(f"/patients/{world.alex.pk}/exercises")
        event = AuditEvent.objects.get(action="exercises.list")
        assert (event.actor_username, event.patient_id) == ("riverside_admin", world.alex.pk)


def test_the_list_reads_a_fixed_number_of_queries(world: World) -> None:
    assignment = assigned(world)
    save(world, assignment=assignment)
    client = ApiClient(world.lee)
    with CaptureQueriesContext(connection) as one:
        client.get(f"/patients/{world.alex.pk}/exercises")
    save(world, assignment=assignment)
    save(world, kind="sleep-diary", assignment=assigned(world, "nights"))
    with CaptureQueriesContext(connection) as three:
        client.get(f"/patients/{world.alex.pk}/exercises")
    assert len(three) == len(one)
