"""``/api/v1/patients/{id}/assessments`` and ``/api/v1/instruments``: questionnaires
submitted through the API are scored by the core, under the patient access rules."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from pytest_django import DjangoAssertNumQueries

from clonacare.assessments.models import InstrumentResponse, SafetyAlert
from clonacare.audit.models import AuditEvent
from tests.api_client import ApiClient
from tests.personas import World

pytestmark = pytest.mark.django_db

PHQ9_MODERATE = [1, 2, 0, 3, 1, 0, 2, 1, 0]  # total 10, item 9 (self-harm) not endorsed
PHQ9_ITEM9 = [1, 2, 0, 3, 1, 0, 2, 1, 2]  # total 12, item 9 endorsed: suicide-risk alert
NOT_FOUND = {"detail": "Patient not found."}


def submit(
    user: User, patient_id: int, instrument: str, answers: object
) -> tuple[int, dict[str, Any]]:
    response = ApiClient(user).post(
        f"/patients/{patient_id}/assessments", {"instrument": instrument, "answers": answers}
    )
    return response.status_code, response.json()


class TestSubmitting:
    def test_a_patient_submits_a_phq9_for_their_own_record(self, world: World) -> None:
        status, body = submit(world.alex_user, world.alex.pk, "phq9", PHQ9_MODERATE)
        assert status == 201
        assert {k: body[k] for k in ("instrument", "total", "band", "complete")} == {
            "instrument": "phq9",
            "total": 10,
            "band": "moderate",
            "complete": True,
        }
        assert (body["patient_id"], body["self_reported"], body["entered_by"]) == (
            world.alex.pk,
            True,
            "alex",
        )
        assert (body["alerts"], body["crisis_resources"]) == ([], [])
        assert body["answers"]["phq9-4"] == "3"
        assert body["range"] == [0, 27]
        stored = InstrumentResponse.objects.get(pk=body["id"])
        assert (stored.patient_id, stored.total) == (world.alex.pk, 10)

    def test_an_endorsed_item_9_raises_an_alert_with_crisis_resources(self, world: World) -> None:
        status, body = submit(world.alex_user, world.alex.pk, "phq9", PHQ9_ITEM9)
        assert status == 201
        assert body["total"] == 12
        (alert,) = body["alerts"]
        assert alert["code"] == "suicide-risk"
        assert alert["message"].startswith("Possible suicide risk")
        assert alert["open"] is True
        assert alert["source"] == (
            "PHQ-9 item 9 above 0 calls for a same-day suicide-risk assessment whatever the "
            "total (clinical reference, Instruments: PHQ-9)"
        )
        assert [r["contact"] for r in body["crisis_resources"]][:1] == ["988"]
        assert SafetyAlert.objects.get(pk=alert["id"]).patient_id == world.alex.pk

    def test_answers_may_be_strings_or_an_object(self, world: World) -> None:
        as_strings = [str(a) for a in PHQ9_MODERATE]
        assert submit(world.alex_user, world.alex.pk, "phq9", as_strings)[1]["total"] == 10
        as_object = {f"phq9-{n}": a for n, a in enumerate(PHQ9_MODERATE, 1)}
        assert submit(world.alex_user, world.alex.pk, "phq9", as_object)[1]["total"] == 10

    def test_a_clinician_submits_for_a_patient_on_their_care_team(self, world: World) -> None:
        status, body = submit(world.lee, world.alex.pk, "phq9", PHQ9_MODERATE)
        assert status == 201
        assert (body["self_reported"], body["entered_by"]) == (False, "lee")

    def test_a_clinician_rates_a_clinician_rated_instrument(self, world: World) -> None:
        status, body = submit(world.avery, world.alex.pk, "ciwa-b", [])
        assert status == 400  # reached the core: avery may use it; the form is empty
        assert body["detail"].startswith("no total: ciwa-b item 1")


class TestRefusals:
    # Issue 8: item 9 left unanswered (or answered with what is not an answer) is never
    # negative; the refusal carries the alert that asks staff to complete the screen.
    @pytest.mark.parametrize(
        ("answers", "message", "alerts"),
        [
            (
                PHQ9_MODERATE[:8],
                "no total: phq9 item 9 is not answered; a total needs every item that applies.",
                ["suicide-screen-incomplete"],
            ),
            (
                [*PHQ9_MODERATE[:8], None],
                "no total: phq9 item 9 is not answered; a total needs every item that applies.",
                ["suicide-screen-incomplete"],
            ),
            (
                [*PHQ9_MODERATE[:8], 7],
                "phq9 item 9: '7' is not an answer; choose one of 0, 1, 2, 3.",
                ["suicide-screen-incomplete"],
            ),
            # Which answer is which is unknown: the suicide screen could not be read.
            ([0] * 11, "phq9 takes 9 to 10 answers; got 11.", ["suicide-screen-incomplete"]),
            (
                {"phq9-99": 1},
                "phq9 has no item 'phq9-99'; its items: "
                + ", ".join(f"phq9-{n}" for n in range(1, 11))
                + ".",
                ["suicide-screen-incomplete"],
            ),
            (
                [1, 1.5],
                "field 'answers': answer 2 is 1.5; each answer is a code (a string or a "
                "whole number) or null.",
                ["suicide-screen-incomplete"],
            ),
            (
                [True],
                "field 'answers': answer 1 is True; each answer is a code (a string or a "
                "whole number) or null.",
                ["suicide-screen-incomplete"],
            ),
            (
                "1,2,0",
                "field 'answers': give a list of answers in item order, or an object of "
                "item id to answer.",
                [],
            ),
        ],
    )
    def test_it_refuses_bad_answers_and_stores_nothing(
        self, world: World, answers: object, message: str, alerts: list[str]
    ) -> None:
        status, body = submit(world.alex_user, world.alex.pk, "phq9", answers)
        assert (status, body["detail"]) == (400, message)
        assert [a["code"] for a in body.get("alerts", [])] == alerts
        assert bool(body.get("crisis_resources")) == bool(alerts)
        assert not InstrumentResponse.objects.exists()

    def test_an_incomplete_form_still_raises_its_safety_alert(self, world: World) -> None:
        answers = {f"phq9-{n}": "0" for n in range(1, 9) if n != 4} | {"phq9-9": "1"}
        status, body = submit(world.alex_user, world.alex.pk, "phq9", answers)
        assert status == 400
        assert body["detail"] == (
            "no total: phq9 item 4 is not answered; a total needs every item that applies."
        )
        assert [a["code"] for a in body["alerts"]] == ["suicide-risk"]
        assert [r["contact"] for r in body["crisis_resources"]] == [
            "988",
            "911",
            "1-800-662-4357",
        ]
        assert not InstrumentResponse.objects.exists()
        assert SafetyAlert.objects.get().patient_id == world.alex.pk

    def test_it_names_the_instruments_a_patient_may_use(self, world: World) -> None:
        assert submit(world.alex_user, world.alex.pk, "nope", [1]) == (
            400,
            {"detail": "Unknown instrument 'nope'; choose one of: asq, gad7, phq9, sds."},
        )

    def test_it_refuses_an_unknown_field_by_name(self, world: World) -> None:
        body = {"instrument": "phq9", "answers": PHQ9_MODERATE, "extra": 1}
        response = ApiClient(world.alex_user).post(f"/patients/{world.alex.pk}/assessments", body)
        assert (response.status_code, response.json()) == (
            400,
            {"detail": "unknown field 'extra'."},
        )
        assert not InstrumentResponse.objects.exists()

    def test_a_misspelt_conditions_field_is_refused_not_dropped(self, world: World) -> None:
        body = {"instrument": "dsm5-sud", "answers": [0] * 11, "condition": ["taken-as-prescribed"]}
        response = ApiClient(world.avery).post(f"/patients/{world.alex.pk}/assessments", body)
        assert (response.status_code, response.json()) == (
            400,
            {"detail": "unknown field 'condition'."},
        )
        assert not InstrumentResponse.objects.exists()

    def test_it_names_missing_fields(self, world: World) -> None:
        response = ApiClient(world.alex_user).post(f"/patients/{world.alex.pk}/assessments", {})
        assert response.status_code == 400
        assert response.json() == {"detail": "missing fields 'instrument', 'answers'."}

    def test_a_patient_may_not_submit_a_clinician_rated_instrument(self, world: World) -> None:
        assert submit(world.alex_user, world.alex.pk, "ciwa-b", [0] * 4) == (
            403,
            {"detail": "ciwa-b is completed by a clinician, not by the patient."},
        )
        assert not InstrumentResponse.objects.exists()

    def test_a_program_admin_may_not_submit(self, world: World) -> None:
        status, _ = submit(world.riverside_admin, world.alex.pk, "phq9", PHQ9_MODERATE)
        assert status == 403
        assert not InstrumentResponse.objects.exists()

    @pytest.mark.parametrize(
        ("persona", "patient"),
        [
            ("alex_user", "blair"),  # a patient, for someone else
            ("lee", "blair"),  # a counsellor, not on blair's care team
            ("brook", "alex"),  # another program's prescriber
            ("site_admin", "alex"),  # no patient records at all
        ],
    )
    def test_a_record_out_of_reach_is_not_found(
        self, world: World, persona: str, patient: str
    ) -> None:
        target = getattr(world, patient)
        assert submit(getattr(world, persona), target.pk, "phq9", PHQ9_MODERATE) == (
            404,
            NOT_FOUND,
        )
        assert submit(getattr(world, persona), 999_999, "phq9", PHQ9_MODERATE) == (404, NOT_FOUND)
        assert not InstrumentResponse.objects.exists()


class TestListing:
    @pytest.fixture
    def history(self, world: World) -> None:
        submit(world.alex_user, world.alex.pk, "phq9", PHQ9_MODERATE)
        submit(world.alex_user, world.alex.pk, "gad7", [1, 1, 1, 1, 1, 1, 1])
        submit(world.blair_user, world.blair.pk, "phq9", PHQ9_ITEM9)

    @pytest.mark.usefixtures("history")
    def test_it_lists_a_patients_results_newest_first(self, world: World) -> None:
        body = ApiClient(world.alex_user).get(f"/patients/{world.alex.pk}/assessments").json()
        assert body["count"] == 2
        assert [(r["instrument"], r["total"]) for r in body["items"]] == [("gad7", 7), ("phq9", 10)]

    @pytest.mark.usefixtures("history")
    def test_it_filters_by_instrument_and_pages(self, world: World) -> None:
        client = ApiClient(world.avery)
        body = client.get(f"/patients/{world.alex.pk}/assessments", instrument="phq9").json()
        assert [r["instrument"] for r in body["items"]] == ["phq9"]
        body = client.get(f"/patients/{world.alex.pk}/assessments", limit=1, offset=1).json()
        assert ([r["instrument"] for r in body["items"]], body["count"]) == (["phq9"], 2)

    @pytest.mark.usefixtures("history")
    def test_alerts_and_crisis_resources_are_listed_with_the_result(self, world: World) -> None:
        body = ApiClient(world.kim).get(f"/patients/{world.blair.pk}/assessments").json()
        (result,) = body["items"]
        assert [a["code"] for a in result["alerts"]] == ["suicide-risk"]
        assert result["crisis_resources"]

    @pytest.mark.usefixtures("history")
    def test_an_unknown_instrument_filter_is_a_400_naming_it(self, world: World) -> None:
        response = ApiClient(world.avery).get(
            f"/patients/{world.alex.pk}/assessments", instrument="nope"
        )
        assert (response.status_code, response.json()) == (
            400,
            {
                "detail": "Unknown instrument 'nope'; choose one of: asq, ciwa-b, dsm5-sud, "
                "gad7, phq9, sds."
            },
        )

    @pytest.mark.usefixtures("history")
    def test_a_shipped_instrument_without_results_filters_to_none(self, world: World) -> None:
        body = ApiClient(world.avery).get(
            f"/patients/{world.alex.pk}/assessments", instrument="asq"
        )
        assert (body.status_code, body.json()) == (200, {"items": [], "count": 0})

    @pytest.mark.usefixtures("history")
    def test_listed_alerts_carry_their_source(self, world: World) -> None:
        body = ApiClient(world.kim).get(f"/patients/{world.blair.pk}/assessments").json()
        (alert,) = body["items"][0]["alerts"]
        assert alert["source"].startswith(
            "PHQ-9 item 9 above 0 calls for a same-day suicide-risk assessment"
        )

    @pytest.mark.usefixtures("history")
    def test_a_patient_cannot_list_another_patients_results(self, world: World) -> None:
        response = ApiClient(world.alex_user).get(f"/patients/{world.blair.pk}/assessments")
        assert (response.status_code, response.json()) == (404, NOT_FOUND)

    def test_the_list_does_not_query_per_result(
        self, world: World, django_assert_max_num_queries: DjangoAssertNumQueries
    ) -> None:
        for _ in range(20):
            submit(world.alex_user, world.alex.pk, "phq9", PHQ9_ITEM9)
        client = ApiClient(world.avery)
        # One more than before alerts joined their repeats: the repeats, with their alert.
        with django_assert_max_num_queries(8):
            body = client.get(f"/patients/{world.alex.pk}/assessments", limit=100).json()
        assert body["count"] == 20
        assert {a["id"] for r in body["items"] for a in r["alerts"]} == {
            body["items"][-1]["alerts"][0]["id"]
        }  # nineteen repeats joined the first alert


class TestAudit:
    def test_submitting_is_audited(self, world: World) -> None:
        _, body = submit(world.alex_user, world.alex.pk, "phq9", PHQ9_ITEM9)
        actions = set(
            AuditEvent.objects.filter(patient_id=world.alex.pk).values_list("action", flat=True)
        )
        # No one on alex's care team has an email address: that outcome is audited at once.
        assert actions == {
            "assessments.write",
            "assessment.submit",
            "alert.raise",
            "alert.notify",
        }
        event = AuditEvent.objects.get(action="assessment.submit")
        assert (event.actor_username, event.object_id) == ("alex", str(body["id"]))

    def test_listing_is_audited(self, world: World) -> None:
        ApiClient(world.kim).get(f"/patients/{world.blair.pk}/assessments")
        event = AuditEvent.objects.get(action="assessments.list")
        assert (event.actor_username, event.patient_id) == ("kim", world.blair.pk)

    def test_a_refused_submission_is_audited(self, world: World) -> None:
        submit(world.brook, world.alex.pk, "phq9", PHQ9_MODERATE)
        event = AuditEvent.objects.get(action="assessments.write.denied")
        assert (event.actor_username, event.detail) == ("brook", {"patient_id": world.alex.pk})


class TestInstruments:
    def test_a_patient_gets_the_self_report_instruments(self, world: World) -> None:
        body = ApiClient(world.alex_user).get("/instruments").json()
        assert [i["id"] for i in body["items"]] == ["asq", "gad7", "phq9", "sds"]
        assert body["count"] == 4
        phq9 = body["items"][2]
        assert (phq9["self_report"], len(phq9["items"])) == (True, 10)
        assert [o["code"] for o in phq9["items"][0]["options"]] == ["0", "1", "2", "3"]

    def test_a_clinician_gets_every_shipped_instrument(self, world: World) -> None:
        body = ApiClient(world.kim).get("/instruments").json()
        assert [i["id"] for i in body["items"]] == [
            "asq",
            "ciwa-b",
            "dsm5-sud",
            "gad7",
            "phq9",
            "sds",
        ]

    def test_a_site_admin_gets_none(self, world: World) -> None:
        assert ApiClient(world.site_admin).get("/instruments").json() == {"items": [], "count": 0}
