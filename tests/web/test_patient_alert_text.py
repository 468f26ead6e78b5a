"""What the patient is told after a safety alert, through the API (``what_happens``) and
the pages: worded per alert code, every sentence true of the notification log (sent,
failed, no address, no one on the care team), of the page's own alerts, and of what the
escalation did; always ending with whom to call in danger now (the crisis resources)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from clonacare.assessments.delivery import deliver
from clonacare.assessments.models import SafetyAlert
from clonacare.patients.models import CareTeamMember
from tests.api_client import ApiClient
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db(transaction=True)

PHQ9_ITEM9 = [1, 2, 0, 3, 1, 0, 2, 1, 2]
STORED = (
    "It is stored for your care team and shows on their screens in Clonacare until one of "
    "them marks it as handled."
)
THOUGHTS = "Some of your answers tell us you may be having thoughts of harming yourself."
NOT_AT_ONCE = "An email may not be read at once, so do not wait for a reply if you need help."
DANGER = "If you are in danger now, call 988 or 911."


def submit(world: World, answers: object) -> tuple[int, dict[str, Any]]:
    response = ApiClient(world.alex_user).post(
        f"/patients/{world.alex.pk}/assessments", {"instrument": "phq9", "answers": answers}
    )
    return response.status_code, response.json()


def test_a_suicide_answer_says_so_and_who_was_emailed(emails: World) -> None:
    status, body = submit(emails, PHQ9_ITEM9)
    assert status == 201
    assert body["what_happens"] == [
        THOUGHTS,
        STORED,
        "Your care team has been emailed about it now.",
        "If no one marks it as handled within 15 minutes, the program's on-call contact is "
        "emailed.",
        NOT_AT_ONCE,
        DANGER,
    ]


def test_a_skipped_item_9_is_not_called_thoughts_of_harm(emails: World) -> None:
    status, body = submit(emails, [*PHQ9_ITEM9[:8], None])
    assert status == 400
    assert [a["code"] for a in body["alerts"]] == ["suicide-screen-incomplete"]
    assert body["what_happens"][0] == (
        "A question about your safety was left unanswered, or its answer could not be read; "
        "your care team will ask it with you."
    )
    assert THOUGHTS not in body["what_happens"]
    assert body["what_happens"][-1] == DANGER


def test_the_portal_words_a_skipped_safety_question_the_same(client: Client, emails: World) -> None:
    signed_in(client, emails.alex_user)
    posted = {f"phq9-{n}": "1" for n in range(1, 9)}
    html = client.post("/portal/questionnaires/phq9/", posted).content.decode()
    assert (
        "A question about your safety was left unanswered, or its answer could not be read; "
        "your care team will ask it with you."
    ) in html
    assert "thoughts of harming yourself" not in html
    assert "An alert has gone to your care team" not in html


def test_with_no_one_on_the_care_team_it_says_so_and_escalates_at_once(emails: World) -> None:
    CareTeamMember.objects.filter(patient=emails.alex).delete()
    _, body = submit(emails, PHQ9_ITEM9)
    assert body["what_happens"][1:4] == [
        STORED,
        "No one is on your care team in Clonacare yet, so no email could be sent.",
        # Escalated once the submission committed, not 15 minutes later.
        "Because no email reached your care team, the program's on-call contact has been "
        "emailed instead.",
    ]
    alert = SafetyAlert.objects.get()
    assert alert.escalated_at is not None
    client = Client()
    signed_in(client, emails.alex_user)
    html = client.get(f"/portal/responses/{body['id']}/").content.decode().replace("&#x27;", "'")
    assert (
        "Because no email reached your care team, the program's on-call contact has been "
        "emailed instead."
    ) in html


def test_after_the_escalation_time_it_names_who_was_emailed(emails: World) -> None:
    _, body = submit(emails, PHQ9_ITEM9)
    alert = SafetyAlert.objects.get()
    assert alert.notified_at is not None
    deliver(alert.notified_at + dt.timedelta(minutes=15))
    client = Client()
    signed_in(client, emails.alex_user)
    html = client.get(f"/portal/responses/{body['id']}/").content.decode().replace("&#x27;", "'")
    assert (
        "No one marked it as handled within 15 minutes, so the program's on-call contact has "
        "been emailed."
    ) in html
    assert "An alert has gone to your care team" not in html


def test_a_result_page_describes_its_own_alert_not_the_newest(
    client: Client, emails: World
) -> None:
    _, first = submit(emails, PHQ9_ITEM9)
    handled = SafetyAlert.objects.get()
    acknowledged = ApiClient(emails.kim).post(
        f"/alerts/{handled.pk}/acknowledge", {"note": "Called Alex; safety plan made."}
    )
    assert acknowledged.status_code == 200
    _, second = submit(emails, PHQ9_ITEM9)  # a new, open alert of the same code
    signed_in(client, emails.alex_user)
    old = client.get(f"/portal/responses/{first['id']}/").content.decode()
    new = client.get(f"/portal/responses/{second['id']}/").content.decode()
    assert "Your care team has marked this alert as handled." in old
    assert "Your care team has been emailed about it now." not in old
    assert "Your care team has been emailed about it now." in new
