"""``/patients/{id}/safety-plan``: the personal safety plan through the API. Whoever may
see the record reads it with the crisis lines beside it; a prescriber, nurse or
counsellor on the care team writes it with the patient, the patient adds to it, and
every save is a new version that leaves the earlier ones as they were."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User

from clonacare.therapy.models import SafetyPlanVersion
from tests.api_client import BASE, ApiClient
from tests.personas import World

pytestmark = pytest.mark.django_db

FIRST = {
    "warning-signs": ["Not sleeping for two nights", "Cancelling plans with friends"],
    "coping-on-my-own": ["A long walk by the river"],
    "people-to-ask": [{"name": "My sister Jo", "reach": "555-0101"}],
    "professionals": [{"name": "Lee, my counsellor", "reach": "Riverside front desk"}],
}
NOT_ALLOWED = (
    "Only the patient, or a prescriber, nurse or counsellor on their care team, writes "
    "the safety plan."
)


def put(user: User, patient_id: int, body: Any) -> Any:
    client = ApiClient(user)
    return client.client.put(
        f"{BASE}/patients/{patient_id}/safety-plan",
        json.dumps(body),
        content_type="application/json",
        headers=client.headers,
    )


def entries(body: dict[str, Any]) -> dict[str, list[Any]]:
    return {s["id"]: s["entries"] for s in body["sections"]}


class TestReading:
    def test_a_patient_without_a_plan_gets_the_sections_and_the_crisis_lines(
        self, world: World
    ) -> None:
        response = ApiClient(world.alex_user).get(f"/patients/{world.alex.pk}/safety-plan")
        assert response.status_code == 200
        body = response.json()
        assert (body["version"], body["saved_by"], body["history"]) == (None, None, [])
        assert [s["id"] for s in body["sections"]] == [
            "warning-signs",
            "coping-on-my-own",
            "distraction",
            "people-to-ask",
            "professionals",
            "safer-surroundings",
            "reasons-for-living",
        ]
        assert all(s["entries"] == [] for s in body["sections"])
        assert [(c["name"], c["contact"]) for c in body["crisis_lines"]] == [
            ("988 Suicide & Crisis Lifeline", "988"),
            ("Emergency services", "911"),
            ("SAMHSA National Helpline", "1-800-662-4357"),
        ]

    @pytest.mark.parametrize("persona", ["alex_user", "avery", "kim", "lee", "riverside_admin"])
    def test_the_patient_their_care_team_and_the_program_admin_read_it(
        self, world: World, persona: str
    ) -> None:
        assert put(world.lee, world.alex.pk, {"sections": FIRST}).status_code == 200
        response = ApiClient(getattr(world, persona)).get(f"/patients/{world.alex.pk}/safety-plan")
        assert response.status_code == 200
        assert entries(response.json())["people-to-ask"] == [
            {"name": "My sister Jo", "reach": "555-0101"}
        ]

    @pytest.mark.parametrize("persona", ["brook", "blair_user", "casey_user", "site_admin"])
    def test_anyone_else_is_told_the_patient_is_not_found(self, world: World, persona: str) -> None:
        put(world.lee, world.alex.pk, {"sections": FIRST})
        response = ApiClient(getattr(world, persona)).get(f"/patients/{world.alex.pk}/safety-plan")
        assert (response.status_code, response.json()) == (404, {"detail": "Patient not found."})

    def test_lee_is_not_on_blairs_care_team(self, world: World) -> None:
        response = ApiClient(world.lee).get(f"/patients/{world.blair.pk}/safety-plan")
        assert (response.status_code, response.json()) == (404, {"detail": "Patient not found."})


class TestWriting:
    @pytest.mark.parametrize("persona", ["lee", "avery", "kim"])
    def test_a_clinician_on_the_care_team_writes_it_with_the_patient(
        self, world: World, persona: str
    ) -> None:
        response = put(getattr(world, persona), world.alex.pk, {"sections": FIRST})
        assert response.status_code == 200
        body = response.json()
        assert (body["version"], body["saved_by"], body["by_patient"]) == (1, persona, False)
        assert entries(body)["warning-signs"] == FIRST["warning-signs"]
        assert entries(body)["reasons-for-living"] == []
        assert [h["version"] for h in body["history"]] == [1]
        assert body["history"][0]["sections_changed"] == [
            "warning-signs",
            "coping-on-my-own",
            "people-to-ask",
            "professionals",
        ]

    def test_the_program_admin_may_read_but_not_write(self, world: World) -> None:
        response = put(world.riverside_admin, world.alex.pk, {"sections": FIRST})
        assert (response.status_code, response.json()) == (403, {"detail": NOT_ALLOWED})
        assert not SafetyPlanVersion.objects.exists()

    @pytest.mark.parametrize(
        ("persona", "patient"),
        [("brook", "alex"), ("lee", "blair"), ("site_admin", "alex"), ("blair_user", "alex")],
    )
    def test_a_record_out_of_reach_is_not_found(
        self, world: World, persona: str, patient: str
    ) -> None:
        response = put(getattr(world, persona), getattr(world, patient).pk, {"sections": FIRST})
        assert (response.status_code, response.json()) == (404, {"detail": "Patient not found."})
        assert not SafetyPlanVersion.objects.exists()

    def test_the_patient_adds_to_a_plan_once_it_is_written_with_a_clinician(
        self, world: World
    ) -> None:
        response = put(world.alex_user, world.alex.pk, {"sections": FIRST})
        assert (response.status_code, response.json()) == (
            409,
            {
                "detail": "The safety plan is first written with someone on the care team; "
                "after that the patient can add to it."
            },
        )
        put(world.lee, world.alex.pk, {"sections": FIRST})
        added = {**FIRST, "reasons-for-living": ["My daughter's wedding in June"]}
        response = put(world.alex_user, world.alex.pk, {"sections": added, "based_on": 1})
        assert response.status_code == 200
        body = response.json()
        assert (body["version"], body["saved_by"], body["by_patient"]) == (2, "alex", True)
        assert [
            (h["version"], h["by_patient"], h["sections_changed"]) for h in body["history"]
        ] == [
            (2, True, ["reasons-for-living"]),
            (1, False, ["warning-signs", "coping-on-my-own", "people-to-ask", "professionals"]),
        ]

    def test_every_version_is_kept_as_it_was(self, world: World) -> None:
        put(world.lee, world.alex.pk, {"sections": FIRST})
        put(world.avery, world.alex.pk, {"sections": {"warning-signs": ["Drinking more"]}})
        latest = ApiClient(world.alex_user).get(f"/patients/{world.alex.pk}/safety-plan").json()
        assert latest["version"] == 2
        assert entries(latest)["people-to-ask"] == []
        first = ApiClient(world.alex_user).get(f"/patients/{world.alex.pk}/safety-plan", version=1)
        assert first.status_code == 200
        assert first.json()["version"] == 1
        assert entries(first.json()) == {
            **{s: [] for s in entries(latest)},
            **FIRST,
        }
        assert SafetyPlanVersion.objects.count() == 2

    def test_a_version_the_plan_does_not_have_is_not_found(self, world: World) -> None:
        put(world.lee, world.alex.pk, {"sections": FIRST})
        for number in (2, 99999999999):
            response = ApiClient(world.lee).get(
                f"/patients/{world.alex.pk}/safety-plan", version=number
            )
            assert (response.status_code, response.json()) == (
                404,
                {"detail": "Safety plan version not found."},
            )

    def test_a_clinician_going_through_an_unchanged_plan_keeps_a_version(
        self, world: World
    ) -> None:
        put(world.lee, world.alex.pk, {"sections": FIRST})
        response = put(world.kim, world.alex.pk, {"sections": FIRST})
        assert response.status_code == 200
        assert response.json()["history"][0]["sections_changed"] == []

    def test_a_patient_saving_nothing_new_is_refused(self, world: World) -> None:
        put(world.lee, world.alex.pk, {"sections": FIRST})
        response = put(world.alex_user, world.alex.pk, {"sections": FIRST})
        assert (response.status_code, response.json()) == (
            400,
            {"detail": "Nothing was changed in the safety plan."},
        )

    def test_a_save_over_a_newer_version_is_a_conflict(self, world: World) -> None:
        put(world.lee, world.alex.pk, {"sections": FIRST})
        put(world.kim, world.alex.pk, {"sections": FIRST, "based_on": 1})
        stale = {**FIRST, "distraction": ["The library"]}
        response = put(world.alex_user, world.alex.pk, {"sections": stale, "based_on": 1})
        assert (response.status_code, response.json()) == (
            409,
            {
                "detail": "The safety plan was saved again (version 2) after this one was "
                "opened; open it again to see that version first."
            },
        )
        assert SafetyPlanVersion.objects.count() == 2


class TestRefusals:
    @pytest.mark.parametrize(
        ("sections", "message"),
        [
            ({}, "Write at least one entry in one part of the safety plan."),
            (
                {"warning-signs": ["", "   "]},
                "Write at least one entry in one part of the safety plan.",
            ),
            (
                {"hobbies": ["chess"]},
                "The safety plan has no section(s) hobbies; its sections: warning-signs, "
                "coping-on-my-own, distraction, people-to-ask, professionals, "
                "safer-surroundings, reasons-for-living.",
            ),
            (
                {"warning-signs": "tired"},
                "'Signs that a hard time is starting' is a list of entries.",
            ),
            (
                {"coping-on-my-own": [f"walk {n}" for n in range(11)]},
                "'What I can do on my own' takes at most 10 entries; got 11.",
            ),
            (
                {"warning-signs": ["x" * 201]},
                "'Signs that a hard time is starting', entry 1: the entry is at most 200 "
                "characters; got 201.",
            ),
            (
                {"warning-signs": [3]},
                "'Signs that a hard time is starting', entry 1: the entry is text.",
            ),
            (
                {"people-to-ask": [{"reach": "555-0101"}]},
                "'People I can ask for help', entry 1: write who this is.",
            ),
            (
                {"people-to-ask": ["Jo"]},
                '\'People I can ask for help\', entry 1: give a "name" and how to "reach" them.',
            ),
            (
                {"professionals": [{"name": "Lee", "phone": "1"}]},
                "'My care team and other services', entry 1: no field(s) phone.",
            ),
            (
                {"professionals": [{"name": "Lee", "reach": "r" * 101}]},
                "'My care team and other services', entry 1: how to reach them is at most "
                "100 characters; got 101.",
            ),
        ],
    )
    def test_a_plan_the_checks_refuse_is_not_saved(
        self, world: World, sections: dict[str, Any], message: str
    ) -> None:
        response = put(world.lee, world.alex.pk, {"sections": sections})
        assert (response.status_code, response.json()) == (400, {"detail": message})
        assert not SafetyPlanVersion.objects.exists()

    def test_an_unknown_field_is_refused(self, world: World) -> None:
        response = put(world.lee, world.alex.pk, {"sections": FIRST, "notes": "x"})
        assert response.status_code == 400
        assert not SafetyPlanVersion.objects.exists()

    def test_spaces_are_tidied_and_empty_rows_dropped(self, world: World) -> None:
        sections = {
            "warning-signs": ["  Not   sleeping ", ""],
            "people-to-ask": [{"name": " Jo ", "reach": ""}, {"name": "", "reach": ""}],
        }
        body = put(world.lee, world.alex.pk, {"sections": sections}).json()
        assert entries(body)["warning-signs"] == ["Not sleeping"]
        assert entries(body)["people-to-ask"] == [{"name": "Jo", "reach": ""}]
