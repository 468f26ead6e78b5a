"""``/patients/{id}/check-ins``: the patient's check-in (the CIWA-B items they rate,
sleep, anxiety and craving, a seizure, thoughts of self-harm, a note), one a day,
entered by the patient or by their care team on the patient's word. A seizure or
thoughts of self-harm raise their safety alert at once, emailed to the care team,
whatever else the check-in says; every refusal says why and stores no check-in."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from clonacare.assessments.models import SafetyAlert
from clonacare.audit.models import AuditEvent
from clonacare.monitoring.models import CheckIn
from tests.api_client import ApiClient
from tests.personas import World

pytestmark = pytest.mark.django_db

Commit = Callable[..., Any]
PATIENT_ITEMS = [f"ciwab-{n}" for n in range(1, 18)]
NOT_ALLOWED = (
    "Only the patient, or a clinician on their care team on the patient's word, enters a check-in."
)
SELF_HARM_MISSING = (
    "Say whether there have been thoughts of self-harm: yes or no. Unanswered, it is not "
    "read as a no: the care team is alerted to ask it."
)
DELIVERY_NO_ADDRESS = [
    "It is stored for your care team and shows on their screens in Clonacare until one of "
    "them marks it as handled.",
    "No email could be sent to your care team (no address on file).",
    "An email may not be read at once, so do not wait for a reply if you need help.",
    "If you are in danger now, call 988 or 911.",
]


def today() -> dt.date:
    return timezone.localdate()


def answers(**changes: Any) -> dict[str, Any]:
    """A complete check-in for today with nothing alarming, changed by ``changes``."""
    body: dict[str, Any] = {
        "date": today().isoformat(),
        "seizure": False,
        "self_harm_thoughts": False,
        "sleep": 3,
        "anxiety": 4,
        "craving": 2,
        "ciwa_b": dict.fromkeys(PATIENT_ITEMS, 1),
        "note": "A rough afternoon.",
    }
    return body | changes


def check_in(world: World, who: str = "alex_user", **changes: Any) -> Any:
    client = ApiClient(getattr(world, who))
    return client.post(f"/patients/{world.alex.pk}/check-ins", answers(**changes))


@pytest.fixture
def emails(world: World) -> World:
    for user, address in ((world.avery, "avery@riverside.example"), (world.kim, "kim@x.example")):
        user.email = address
        user.save(update_fields=["email"])
    return world


class TestCheckingIn:
    def test_the_patient_checks_in(self, world: World) -> None:
        response = check_in(world, ciwa_b=dict.fromkeys(PATIENT_ITEMS, "2") | {"ciwab-3": 4})
        assert response.status_code == 201, response.content
        body = response.json()
        stored = CheckIn.objects.get()
        assert body == {
            "id": stored.pk,
            "patient_id": world.alex.pk,
            "date": today().isoformat(),
            "seizure": False,
            "self_harm_thoughts": False,
            "sleep": 3,
            "anxiety": 4,
            "craving": 2,
            "ciwa_b": dict.fromkeys(PATIENT_ITEMS, 2) | {"ciwab-3": 4},
            "note": "A rough afternoon.",
            "self_reported": True,
            "entered_by": "alex",
            "entered_at": body["entered_at"],
            "late_entry": False,
            "alerts": [],
            "what_happens": [],
            "crisis_resources": body["crisis_resources"],
            "next": None,
        }
        assert [r["contact"] for r in body["crisis_resources"]] == ["988", "911", "1-800-662-4357"]
        assert not SafetyAlert.objects.exists()

    def test_yes_and_no_may_be_words(self, world: World) -> None:
        body = check_in(world, seizure="no", self_harm_thoughts="No").json()
        assert (body["seizure"], body["self_harm_thoughts"]) == (False, False)

    def test_without_a_date_it_is_todays(self, world: World) -> None:
        body = answers()
        del body["date"]
        response = ApiClient(world.alex_user).post(f"/patients/{world.alex.pk}/check-ins", body)
        assert response.json()["date"] == today().isoformat()

    def test_a_check_in_for_an_earlier_day_is_a_late_entry(self, world: World) -> None:
        yesterday = today() - dt.timedelta(days=2)
        body = check_in(world, date=yesterday.isoformat()).json()
        assert (body["date"], body["late_entry"]) == (yesterday.isoformat(), True)

    def test_the_note_is_optional_and_kept_without_surrounding_spaces(self, world: World) -> None:
        assert check_in(world, note=None).json()["note"] == ""
        later = (today() - dt.timedelta(days=1)).isoformat()
        assert check_in(world, date=later, note="  Slept badly. ").json()["note"] == (
            "Slept badly."
        )

    @pytest.mark.parametrize("persona", ["avery", "kim", "lee"])
    def test_the_care_team_enters_it_on_the_patients_word(self, world: World, persona: str) -> None:
        body = check_in(world, persona).json()
        assert (body["self_reported"], body["entered_by"]) == (False, persona)

    def test_a_check_in_is_audited(self, world: World) -> None:
        check_in(world)
        event = AuditEvent.objects.get(action="check-in")
        assert (event.actor_username, event.patient_id, event.object_id) == (
            "alex",
            world.alex.pk,
            str(CheckIn.objects.get().pk),
        )
        assert event.detail == {"day": today().isoformat(), "late_entry": False}


class TestSafetyAnswers:
    @pytest.mark.django_db(transaction=True)
    def test_a_seizure_raises_the_alert_and_emails_the_care_team(self, emails: World) -> None:
        response = check_in(emails, seizure=True)
        assert response.status_code == 201, response.content
        body = response.json()
        alert = SafetyAlert.objects.get()
        assert (alert.code, alert.patient_id) == ("seizure", emails.alex.pk)
        assert (
            alert.trigger
            == f"check-in for {today().isoformat()}: seizure since the last check-in: yes"
        )
        assert body["alerts"] == [
            {"id": alert.pk, "code": "seizure", "message": alert.message, "open": True}
        ]
        assert list(CheckIn.objects.get().alerts.all()) == [alert]
        assert sorted(m.to[0] for m in mail.outbox) == ["avery@riverside.example", "kim@x.example"]
        assert mail.outbox[0].subject == (
            "[Clonacare] Safety alert (seizure) for a Riverside Recovery patient"
        )
        assert body["what_happens"] == [
            "Your answers tell us about a seizure.",
            "It is stored for your care team and shows on their screens in Clonacare until "
            "one of them marks it as handled.",
            "Your care team has been emailed about it now.",
            "An email may not be read at once, so do not wait for a reply if you need help.",
            "If you are in danger now, call 988 or 911.",
        ]
        assert body["next"] is None
        assert AuditEvent.objects.filter(action="alert.raise", detail={"code": "seizure"}).exists()

    def test_thoughts_of_self_harm_raise_suicide_risk_and_open_the_asq(self, world: World) -> None:
        body = check_in(world, self_harm_thoughts=True).json()
        alert = SafetyAlert.objects.get()
        assert alert.code == "suicide-risk"
        assert alert.trigger == f"check-in for {today().isoformat()}: thoughts of self-harm: yes"
        assert body["next"] == "asq"
        assert [a["code"] for a in body["alerts"]] == ["suicide-risk"]
        assert body["what_happens"] == [
            "Some of your answers tell us you may be having thoughts of harming yourself.",
            *DELIVERY_NO_ADDRESS,
        ]

    def test_both_raise_their_alerts_in_one_mail_to_each_member(
        self, emails: World, django_capture_on_commit_callbacks: Commit
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            body = check_in(emails, seizure=True, self_harm_thoughts="yes").json()
        assert sorted(a["code"] for a in body["alerts"]) == ["seizure", "suicide-risk"]
        assert len(mail.outbox) == 2

    def test_a_clinicians_entry_raises_the_alert_too(self, world: World) -> None:
        body = check_in(world, "kim", seizure=True).json()
        assert [a["code"] for a in body["alerts"]] == ["seizure"]
        event = AuditEvent.objects.get(action="alert.raise")
        assert event.actor_username == "kim"

    def test_an_open_alert_is_joined_not_copied(self, world: World) -> None:
        check_in(world, seizure=True)
        yesterday = (today() - dt.timedelta(days=1)).isoformat()
        body = check_in(world, date=yesterday, seizure=True).json()
        alert = SafetyAlert.objects.get()
        assert (alert.repeats, body["alerts"][0]["id"]) == (1, alert.pk)
        assert alert.last_trigger == (
            f"check-in for {yesterday}: seizure since the last check-in: yes"
        )

    def test_the_patient_sees_the_alerts_of_their_check_in(self, world: World) -> None:
        check_in(world, seizure=True)
        (item,) = (
            ApiClient(world.alex_user).get(f"/patients/{world.alex.pk}/check-ins").json()["items"]
        )
        assert [a["code"] for a in item["alerts"]] == ["seizure"]

    def test_self_harm_left_out_is_refused_and_raises_the_incomplete_screen_alert(
        self, world: World
    ) -> None:
        body = answers()
        del body["self_harm_thoughts"]
        response = ApiClient(world.alex_user).post(f"/patients/{world.alex.pk}/check-ins", body)
        assert response.status_code == 400
        refused = response.json()
        alert = SafetyAlert.objects.get()
        assert refused == {
            "detail": SELF_HARM_MISSING,
            "alerts": [
                {
                    "id": alert.pk,
                    "code": "suicide-screen-incomplete",
                    "message": alert.message,
                    "open": True,
                }
            ],
            "what_happens": [
                "A question about your safety was left unanswered, or its answer could not be "
                "read; your care team will ask it with you.",
                *DELIVERY_NO_ADDRESS,
            ],
            "crisis_resources": refused["crisis_resources"],
            "next": None,
        }
        assert alert.trigger == (
            f"check-in for {today().isoformat()}: thoughts of self-harm: not answered"
        )
        assert not CheckIn.objects.exists()

    def test_an_unreadable_self_harm_answer_is_refused_and_alerts(self, world: World) -> None:
        response = check_in(world, self_harm_thoughts="maybe")
        assert response.status_code == 400
        assert response.json()["detail"] == (
            "The answer about thoughts of self-harm is yes or no (true or false); got 'maybe'."
        )
        alert = SafetyAlert.objects.get()
        assert (alert.code, alert.trigger) == (
            "suicide-screen-incomplete",
            f"check-in for {today().isoformat()}: thoughts of self-harm: unreadable answer 'maybe'",
        )

    def test_a_bad_rating_never_hides_a_seizure(
        self, emails: World, django_capture_on_commit_callbacks: Commit
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            response = check_in(emails, seizure=True, self_harm_thoughts=True, sleep=11)
        assert response.status_code == 400
        refused = response.json()
        assert refused["detail"] == "Sleep is rated with a whole number from 0 to 10; got 11."
        assert sorted(a["code"] for a in refused["alerts"]) == ["seizure", "suicide-risk"]
        assert refused["next"] == "asq"
        assert refused["what_happens"][:2] == [
            "Your answers tell us about a seizure.",
            "Some of your answers tell us you may be having thoughts of harming yourself.",
        ]
        assert [r["contact"] for r in refused["crisis_resources"]] == [
            "988",
            "911",
            "1-800-662-4357",
        ]
        assert len(mail.outbox) == 2
        assert not CheckIn.objects.exists()

    def test_a_second_check_in_of_the_day_is_refused_but_its_seizure_alerts(
        self, world: World
    ) -> None:
        assert check_in(world).status_code == 201
        response = check_in(world, "kim", seizure=True)
        assert response.status_code == 409
        refused = response.json()
        assert refused["detail"] == (
            f"There is already a check-in for {today().isoformat()}: one check-in a day."
        )
        assert [a["code"] for a in refused["alerts"]] == ["seizure"]
        assert SafetyAlert.objects.get().code == "seizure"
        assert CheckIn.objects.get().seizure is False

    def test_a_date_that_cannot_be_read_still_alerts(self, world: World) -> None:
        response = check_in(world, date="tomorrow-ish", seizure=True)
        assert response.status_code == 400
        assert SafetyAlert.objects.get().trigger == (
            "check-in: seizure since the last check-in: yes"
        )


class TestRefusals:
    def refused(self, response: Any, status: int, detail: str) -> None:
        assert (response.status_code, response.json()) == (status, {"detail": detail})
        assert not CheckIn.objects.exists()
        assert not SafetyAlert.objects.exists()

    def test_a_program_admin_may_not_check_in_for_the_patient(self, world: World) -> None:
        self.refused(check_in(world, "riverside_admin", seizure=True), 403, NOT_ALLOWED)

    @pytest.mark.parametrize("persona", ["blair_user", "brook", "site_admin"])
    def test_a_record_out_of_reach_is_not_found(self, world: World, persona: str) -> None:
        client = ApiClient(getattr(world, persona))
        response = client.post(f"/patients/{world.alex.pk}/check-ins", answers(seizure=True))
        missing = client.post("/patients/999999/check-ins", answers(seizure=True))
        assert (response.status_code, response.content) == (404, missing.content)
        assert response.json() == {"detail": "Patient not found."}
        assert not SafetyAlert.objects.exists()

    def test_a_second_check_in_of_the_day(self, world: World) -> None:
        check_in(world)
        response = check_in(world, sleep=5)
        assert (response.status_code, response.json()) == (
            409,
            {"detail": f"There is already a check-in for {today()}: one check-in a day."},
        )
        assert CheckIn.objects.get().sleep == 3

    def test_the_seizure_question_left_out(self, world: World) -> None:
        body = answers()
        del body["seizure"]
        response = ApiClient(world.alex_user).post(f"/patients/{world.alex.pk}/check-ins", body)
        self.refused(
            response,
            400,
            "Say whether there has been a seizure since the last check-in: yes or no.",
        )

    @pytest.mark.parametrize("answer", ["maybe", 1])
    def test_a_seizure_answer_that_is_not_yes_or_no(self, world: World, answer: object) -> None:
        self.refused(
            check_in(world, seizure=answer),
            400,
            f"The answer about a seizure since the last check-in is yes or no (true or false); "
            f"got {answer!r}.",
        )

    def test_a_date_in_the_future(self, world: World) -> None:
        tomorrow = (today() + dt.timedelta(days=1)).isoformat()
        self.refused(
            check_in(world, date=tomorrow), 400, "The check-in date cannot be in the future."
        )

    def test_a_date_before_birth(self, world: World) -> None:
        self.refused(
            check_in(world, date="1970-06-01"),
            400,
            "The check-in date cannot be before the date of birth.",
        )

    @pytest.mark.parametrize("date", ["03/12/2026", "2026-W49", 20261203])
    def test_a_date_that_is_not_one(self, world: World, date: object) -> None:
        self.refused(
            check_in(world, date=date),
            400,
            f"The check-in date must be a date as YYYY-MM-DD; got {date!r}.",
        )

    @pytest.mark.parametrize(
        ("scale", "words"),
        [
            ("sleep", "0 (slept well) to 10 (could not sleep at all)"),
            ("anxiety", "0 (not anxious) to 10 (as anxious as I can imagine)"),
            ("craving", "0 (no craving) to 10 (the strongest craving I can imagine)"),
        ],
    )
    def test_a_rating_left_out(self, world: World, scale: str, words: str) -> None:
        self.refused(check_in(world, **{scale: None}), 400, f"Rate {scale} from {words}.")

    @pytest.mark.parametrize("value", [-1, 11, 4.5, "7", True])
    def test_a_rating_out_of_its_range(self, world: World, value: object) -> None:
        self.refused(
            check_in(world, anxiety=value),
            400,
            f"Anxiety is rated with a whole number from 0 to 10; got {value!r}.",
        )

    def test_the_ciwa_b_items_left_out(self, world: World) -> None:
        self.refused(
            check_in(world, ciwa_b=None),
            400,
            "The check-in needs an answer to each CIWA-B item the patient rates (ciwab-1 to "
            "ciwab-17), one of 0, 1, 2, 3, 4.",
        )

    def test_ciwa_b_answers_that_are_not_an_object(self, world: World) -> None:
        self.refused(
            check_in(world, ciwa_b=[1] * 17),
            400,
            "The CIWA-B answers must be an object of item id to answer (ciwab-1 to ciwab-17, "
            "each one of 0, 1, 2, 3, 4).",
        )

    def test_an_item_the_clinician_rates(self, world: World) -> None:
        self.refused(
            check_in(world, ciwa_b=dict.fromkeys(PATIENT_ITEMS, 1) | {"ciwab-19": 2}),
            400,
            "ciwa-b item 19 is rated by a clinician, not in the patient's check-in; it asks "
            "ciwab-1 to ciwab-17.",
        )

    def test_an_item_ciwa_b_does_not_have(self, world: World) -> None:
        self.refused(
            check_in(world, ciwa_b=dict.fromkeys(PATIENT_ITEMS, 1) | {"ciwab-99": 2}),
            400,
            "CIWA-B has no item 'ciwab-99'; the check-in asks ciwab-1 to ciwab-17.",
        )

    @pytest.mark.parametrize("answer", [5, "often", True, None])
    def test_an_answer_that_is_not_an_option(self, world: World, answer: object) -> None:
        self.refused(
            check_in(world, ciwa_b=dict.fromkeys(PATIENT_ITEMS, 1) | {"ciwab-4": answer}),
            400,
            f"ciwa-b item 4: {answer!r} is not one of its answers (0, 1, 2, 3, 4).",
        )

    def test_items_left_unanswered(self, world: World) -> None:
        given = {k: 1 for k in PATIENT_ITEMS if k not in ("ciwab-2", "ciwab-17")}
        self.refused(
            check_in(world, ciwa_b=given),
            400,
            "ciwa-b item 2, ciwa-b item 17 are not answered; the check-in needs every CIWA-B "
            "item the patient rates.",
        )

    def test_a_note_that_is_not_text(self, world: World) -> None:
        self.refused(check_in(world, note=["x"]), 400, "The note must be text.")

    def test_a_note_too_long(self, world: World) -> None:
        self.refused(
            check_in(world, note="n" * 401),
            400,
            "The note is at most 400 characters; this one has 401.",
        )

    def test_an_unknown_field(self, world: World) -> None:
        self.refused(check_in(world, mood=3), 400, "unknown field 'mood'.")

    def test_a_body_that_is_not_an_object(self, world: World) -> None:
        response = ApiClient(world.alex_user).post(f"/patients/{world.alex.pk}/check-ins", [1])
        self.refused(response, 400, "The request body must be a JSON object.")


class TestTheList:
    def test_newest_day_first_with_the_count(self, world: World) -> None:
        days = [today() - dt.timedelta(days=n) for n in (3, 0, 1)]
        for day in days:
            check_in(world, date=day.isoformat())
        body = ApiClient(world.alex_user).get(f"/patients/{world.alex.pk}/check-ins").json()
        assert [item["date"] for item in body["items"]] == [
            d.isoformat() for d in sorted(days, reverse=True)
        ]
        assert body["count"] == 3
        assert "what_happens" not in body["items"][0]

    @pytest.mark.parametrize("persona", ["avery", "lee", "riverside_admin"])
    def test_whoever_may_see_the_record_reads_it(self, world: World, persona: str) -> None:
        check_in(world)
        client = ApiClient(getattr(world, persona))
        assert client.get(f"/patients/{world.alex.pk}/check-ins").json()["count"] == 1

    @pytest.mark.parametrize("persona", ["blair_user", "brook", "site_admin"])
    def test_another_record_is_not_found(self, world: World, persona: str) -> None:
        check_in(world)
        client = ApiClient(getattr(world, persona))
        response = client.get(f"/patients/{world.alex.pk}/check-ins")
        missing = client.get("/patients/999999/check-ins")
        assert (response.status_code, response.content) == (404, missing.content)
        assert AuditEvent.objects.filter(action="check-ins.list.denied").count() == 2

    def test_a_read_is_audited(self, world: World) -> None:
        ApiClient(world.kim).get(f"/patients/{world.alex.pk}/check-ins")
        event = AuditEvent.objects.get(action="check-ins.list")
        assert (event.actor_username, event.patient_id) == ("kim", world.alex.pk)


class TestWhatThePatientSees:
    def test_their_alert_list_shows_the_self_harm_alert_of_their_check_in(
        self, world: World
    ) -> None:
        check_in(world, self_harm_thoughts=True)
        items = ApiClient(world.alex_user).get("/alerts").json()["items"]
        assert [(a["code"], a["trigger"]) for a in items] == [
            ("suicide-risk", f"check-in for {today().isoformat()}: thoughts of self-harm: yes")
        ]

    def test_their_alert_list_shows_the_seizure_alert_of_their_check_in(self, world: World) -> None:
        check_in(world, seizure=True)
        items = ApiClient(world.alex_user).get("/alerts").json()["items"]
        assert [(a["code"], a["trigger"]) for a in items] == [
            ("seizure", f"check-in for {today().isoformat()}: seizure since the last check-in: yes")
        ]

    def test_a_check_in_entered_by_a_nurse_on_their_word_shows_its_alert_to_them(
        self, world: World
    ) -> None:
        check_in(world, "kim", seizure=True)
        items = ApiClient(world.alex_user).get("/alerts").json()["items"]
        assert [a["code"] for a in items] == ["seizure"]

    def test_the_api_docs_give_each_ratings_words_and_source(self, client: Client) -> None:
        schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
        sleep = schema["CheckInIn"]["properties"]["sleep"]["description"]
        assert sleep.startswith(
            "How troubled was your sleep last night? A whole number from 0 (slept well) to 10 "
            "(could not sleep at all). Source: Clonacare (issue 10): a 0–10 rating in our own "
            "words; not a validated sleep scale"
        )


def test_the_migration_marks_check_in_alerts_stored_before_the_mark(world: World) -> None:
    from django.apps import apps

    migration = importlib.import_module("clonacare.assessments.migrations.0005_alert_from_check_in")
    check_in(world, seizure=True)
    fields = {"patient": world.alex, "message": "…", "raised_at": timezone.now()}
    SafetyAlert.objects.create(code="suicide-risk", trigger="phq-9 item 9: 2", **fields)
    # As stored before the mark: a check-in's alert unmarked.
    SafetyAlert.objects.update(from_check_in=False)
    migration.mark_check_in_alerts(apps, None)
    marked = dict(SafetyAlert.objects.values_list("code", "from_check_in"))
    assert marked == {"seizure": True, "suicide-risk": False}
