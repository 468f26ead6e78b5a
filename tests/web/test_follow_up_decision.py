"""The care team keeps on or ends the check-ins after a patient's taper, on the clinic's
monitoring page: a prescriber, nurse or counsellor on the care team decides, with a
reason; every decision is kept (the newest in force) and audited; anyone else is refused
with a clear message, and a refusal writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from clonacare.audit.models import AuditEvent
from clonacare.monitoring.models import FollowUpDecision
from tests.personas import World, signed_in
from tests.web.follow_up_world import finished_taper

pytestmark = pytest.mark.django_db

NOT_ALLOWED = (
    "Only a prescriber, nurse or counsellor on the patient&#x27;s care team keeps or ends "
    "the check-ins after the taper."
)


def page_url(world: World) -> str:
    return f"/clinic/patients/{world.alex.pk}/monitoring/"


def decide(client: Client, world: World, choice: str, reason: str) -> tuple[int, str]:
    response = client.post(page_url(world) + "follow-up/", {"follow_up": choice, "reason": reason})
    return response.status_code, response.content.decode()


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def test_the_page_shows_the_follow_up_after_a_finished_taper(client: Client, world: World) -> None:
    finished_taper(world, stopped_days_ago=10)
    stop = timezone.localdate() - dt.timedelta(days=10)
    html = signed_in(client, "kim").get(page_url(world)).content.decode()
    assert (
        f"The taper stopped the benzodiazepine: the first day without it was {long_date(stop)}. "
        "Check-ins are asked for every 30 days (daily for the 7 days after the last dose)."
    ) in html
    nxt = stop + dt.timedelta(days=30)
    assert f"Next: <strong>{nxt:%A} {long_date(nxt)}</strong>." in html
    assert "Monthly follow-up: <strong>on</strong> (on by default; no decision recorded)." in html
    assert 'action="/clinic/patients/' in html


def test_a_care_team_member_ends_the_follow_up_with_a_reason(client: Client, world: World) -> None:
    finished_taper(world, stopped_days_ago=40)
    signed_in(client, "lee")
    status, _ = decide(client, world, "off", "  Doing well for a year; agreed with Alex.  ")
    assert status == 302
    decision = FollowUpDecision.objects.get()
    assert (decision.on, decision.reason, decision.decided_by) == (
        False,
        "Doing well for a year; agreed with Alex.",
        world.lee,
    )
    event = AuditEvent.objects.get(action="follow-up.set")
    assert (event.patient_id, event.actor_username, event.object_id) == (
        world.alex.pk,
        "lee",
        str(decision.pk),
    )
    assert event.detail == {"on": False, "reason": "Doing well for a year; agreed with Alex."}
    html = client.get(page_url(world)).content.decode()
    assert (
        "<strong>The care team has ended the check-ins after the taper</strong>; none is asked for."
    ) in html
    assert "Monthly follow-up: <strong>ended</strong>." in html
    assert "ended by lee: Doing well for a year; agreed with Alex.</li>" in html


def test_the_history_is_kept_and_the_newest_decision_is_in_force(
    client: Client, world: World
) -> None:
    finished_taper(world, stopped_days_ago=40)
    assert decide(signed_in(client, "avery"), world, "off", "Settled.")[0] == 302
    assert decide(signed_in(client, "kim"), world, "on", "Sleep trouble is back.")[0] == 302
    html = client.get(page_url(world)).content.decode()
    assert "Monthly follow-up: <strong>on</strong>." in html
    history = html[html.index("Decisions, newest first") :]
    assert history.index("kept on by kim: Sleep trouble is back.") < history.index(
        "ended by avery: Settled."
    )
    assert FollowUpDecision.objects.count() == 2


def test_a_decision_can_be_made_before_the_taper_ends(client: Client, world: World) -> None:
    finished_taper(world, stopped_days_ago=-5)
    stop = timezone.localdate() + dt.timedelta(days=5)
    signed_in(client, "avery")
    assert decide(client, world, "off", "Moving abroad; their new clinic follows up.")[0] == 302
    html = client.get(page_url(world)).content.decode()
    assert (
        f"The plan in force stops the benzodiazepine: the first day without it is "
        f"{long_date(stop)}. From then, check-ins are asked for every 30 days (daily for the "
        "7 days after the last dose); <strong>the care team has ended them</strong>, so none "
        "will be asked for after the taper."
    ) in html


def test_a_plan_that_keeps_a_lower_dose_says_the_taper_schedule_goes_on(
    client: Client, world: World
) -> None:
    finished_taper(world, stopped_days_ago=10, stops=False)
    html = signed_in(client, "avery").get(page_url(world)).content.decode()
    assert (
        "The plan in force ends on a lower dose kept on, so the taper's check-in schedule "
        "goes on. Check-ins every 30 days replace it only after a taper that stops the "
        "benzodiazepine."
    ) in html


@pytest.mark.parametrize(
    ("choice", "reason", "message"),
    [
        ("off", "   ", "Say why the check-ins after the taper are kept on or ended."),
        ("", "A reason.", "Choose whether the check-ins after the taper continue or end."),
        ("maybe", "A reason.", "Choose whether the check-ins after the taper continue or end."),
        ("off", "x" * 401, "The reason is at most 400 characters; this one has 401."),
        ("on", "Keep going.", "The check-ins after the taper are already on; nothing changed."),
    ],
)
def test_a_wrong_decision_is_refused_and_nothing_is_written(
    client: Client, world: World, choice: str, reason: str, message: str
) -> None:
    finished_taper(world, stopped_days_ago=40)
    status, html = decide(signed_in(client, "avery"), world, choice, reason)
    assert status == 400
    assert f'<p class="form-error" role="alert" id="follow-up-error">{message}</p>' in html
    assert not FollowUpDecision.objects.exists()
    assert not AuditEvent.objects.filter(action="follow-up.set").exists()


def test_ending_twice_is_refused(client: Client, world: World) -> None:
    finished_taper(world, stopped_days_ago=40)
    signed_in(client, "avery")
    assert decide(client, world, "off", "Settled.")[0] == 302
    status, html = decide(client, world, "off", "Again.")
    assert status == 400
    assert "The check-ins after the taper are already ended; nothing changed." in html
    assert FollowUpDecision.objects.count() == 1


def test_a_program_admin_sees_the_section_without_the_form_and_is_refused(
    client: Client, world: World
) -> None:
    finished_taper(world, stopped_days_ago=40)
    signed_in(client, "riverside_admin")
    assert 'name="follow_up"' not in client.get(page_url(world)).content.decode()
    status, html = decide(client, world, "off", "Tidying up.")
    assert status == 403
    assert NOT_ALLOWED in html
    assert not FollowUpDecision.objects.exists()


def test_a_counsellor_not_on_the_care_team_finds_no_such_patient(
    client: Client, world: World
) -> None:
    signed_in(client, "lee")
    response = client.post(
        f"/clinic/patients/{world.blair.pk}/monitoring/follow-up/",
        {"follow_up": "off", "reason": "Not mine."},
    )
    assert response.status_code == 404
    assert not FollowUpDecision.objects.exists()


def test_staff_of_another_program_find_no_such_patient(client: Client, world: World) -> None:
    finished_taper(world, stopped_days_ago=40)
    status, _ = decide(signed_in(client, "brook"), world, "off", "Not mine.")
    assert status == 404
    assert not FollowUpDecision.objects.exists()


def test_a_patient_cannot_post_the_clinic_form(client: Client, world: World) -> None:
    finished_taper(world, stopped_days_ago=40)
    status, _ = decide(signed_in(client, world.alex_user), world, "off", "Enough.")
    assert status == 404
    assert not FollowUpDecision.objects.exists()
