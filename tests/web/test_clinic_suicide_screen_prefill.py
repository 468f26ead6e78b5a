"""The level-of-care form's suicide screen: prefilled from the latest completed ASQ unless
a newer suicide alert says more (a refused or unfinished ASQ, an open imminent-risk alert,
a PHQ-9 item 9 answer), never from an older "negative"; the note beside the field says
which screen or alert, and which date, the value came from. "incomplete" is a choice of
its own, and recording it raises the incomplete-screen alert."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from clonacare.assessments.actions import (
    IncompleteResponse,
    do_acknowledge_alert,
    do_submit_response,
)
from clonacare.assessments.models import LevelOfCareAssessment, SafetyAlert
from clonacare.audit.log import Actor
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

FORM = "/clinic/patients/{}/level-of-care/"
NOV_2 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
NOV_9 = dt.datetime(2026, 11, 9, 9, 0, tzinfo=dt.UTC)
NOV_16 = dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.UTC)
NO = {f"asq-{n}": "no" for n in range(1, 5)}
PHQ9_NONE = {f"phq9-{n}": "0" for n in range(1, 10)}
FILLED: dict[str, str] = {
    "drug": "clonazepam",
    "daily_dose_mg": "1.5",
    "days_per_week": "7",
    "duration_months": "18",
    "indication": "panic disorder",
    "age": "44",
    "pregnant": "false",
    "history_withdrawal_seizure": "false",
    "history_withdrawal_delirium": "false",
    "alcohol_use_disorder": "false",
    "opioid_use": "false",
    "other_sedatives": "false",
    "suicide_screen": "incomplete",
    "unstable_medical": "false",
    "unstable_psychiatric": "false",
    "previous_failed_tapers": "0",
    "support_at_home": "true",
    "equivalence": "ashton",
}


def alex(world: World) -> Actor:
    return Actor(world.alex_user.pk, "alex", "patient", world.riverside.pk, None, "")


def avery(world: World) -> Actor:
    return Actor(world.avery.pk, "avery", "prescriber", world.riverside.pk, None, "")


def submit(world: World, instrument: str, answers: dict[str, Any], at: dt.datetime) -> None:
    do_submit_response(alex(world), world.alex, instrument, answers, now=at)


def refused(world: World, answers: dict[str, Any], at: dt.datetime) -> None:
    with pytest.raises(IncompleteResponse):
        do_submit_response(alex(world), world.alex, "asq", answers, now=at)


def page(client: Client, world: World) -> str:
    signed_in(client, world.avery)
    response = client.get(FORM.format(world.alex.pk))
    assert response.status_code == 200
    return response.content.decode()


def selected(html: str) -> str | None:
    for value in ("negative", "non-acute positive", "acute positive", "incomplete"):
        if f'<option value="{value}" selected>' in html:
            return value
    return None


def notes(html: str) -> list[str]:
    start = html.index('<span id="screen-notes">')
    block = html[start : html.index("</span></span>", start)]
    return [n.split("</span>")[0] for n in block.split('<span class="hint screen-note">')[1:]]


def test_the_latest_asq_fills_the_screen_and_says_so(client: Client, world: World) -> None:
    submit(world, "asq", NO, NOV_2)
    html = page(client, world)
    assert selected(html) == "negative"
    assert notes(html) == ["Prefilled from the ASQ of 2 Nov 2026: negative."]


def test_without_an_asq_nothing_is_chosen_and_the_note_says_so(
    client: Client, world: World
) -> None:
    html = page(client, world)
    assert selected(html) is None
    assert notes(html) == [
        "No ASQ on file: choose the screen&#x27;s result (&quot;incomplete&quot; if it was "
        "not done)."
    ]


def test_incomplete_is_offered_with_its_meaning(client: Client, world: World) -> None:
    html = page(client, world)
    assert '<option value="incomplete">incomplete (not screened)' in html
    assert 'aria-describedby="screen-notes"' in html


def test_a_newer_unfinished_asq_fills_incomplete_not_the_older_negative(
    client: Client, world: World
) -> None:
    submit(world, "asq", NO, NOV_2)
    refused(world, NO | {"asq-4": None}, NOV_9)
    html = page(client, world)
    assert selected(html) == "incomplete"
    assert notes(html) == [
        "Prefilled &quot;incomplete&quot; from the suicide-screen-incomplete alert of "
        "9 Nov 2026 (asq item 4: not answered), newer than the last completed ASQ "
        "(2 Nov 2026, negative)."
    ]


def test_a_newer_unfinished_asq_with_a_yes_fills_non_acute_positive(
    client: Client, world: World
) -> None:
    submit(world, "asq", NO, NOV_2)
    refused(world, NO | {"asq-2": "yes", "asq-5": None}, NOV_9)
    html = page(client, world)
    assert selected(html) == "non-acute positive"
    assert notes(html) == [
        "Prefilled &quot;non-acute positive&quot; from the suicide-risk alert of 9 Nov 2026 "
        "(asq item 2: yes (Yes)), newer than the last completed ASQ (2 Nov 2026, negative)."
    ]


def test_a_repeat_joining_an_open_alert_counts_from_its_own_date(
    client: Client, world: World
) -> None:
    submit(world, "asq", NO | {"asq-1": "yes", "asq-5": "no"}, NOV_2)  # suicide-risk, open
    submit(world, "asq", NO, NOV_9)
    refused(world, NO | {"asq-3": "yes", "asq-5": None}, NOV_16)  # joins the open alert
    assert SafetyAlert.objects.get(code="suicide-risk").repeats == 1
    html = page(client, world)
    assert selected(html) == "non-acute positive"
    assert notes(html)[0].startswith(
        "Prefilled &quot;non-acute positive&quot; from the suicide-risk alert of 16 Nov 2026 "
        "(asq item 3: yes (Yes)), newer than the last completed ASQ (9 Nov 2026, negative)."
    )


def test_an_open_imminent_risk_alert_fills_acute_positive_until_acknowledged(
    client: Client, world: World
) -> None:
    submit(world, "asq", NO | {"asq-1": "yes", "asq-5": "yes"}, NOV_2)
    submit(world, "asq", NO, NOV_9)
    html = page(client, world)
    assert selected(html) == "acute positive"
    assert notes(html) == [
        "Prefilled &quot;acute positive&quot; from the suicide-risk-imminent alert of "
        "2 Nov 2026 (asq item 5: yes (Yes)), still open (not acknowledged)."
    ]
    imminent = SafetyAlert.objects.get(code="suicide-risk-imminent")
    do_acknowledge_alert(avery(world), imminent, note="Seen in clinic; safe.", now=NOV_16)
    html = page(client, world)
    assert selected(html) == "negative"
    assert notes(html) == ["Prefilled from the ASQ of 9 Nov 2026: negative."]


def test_an_unfinished_asq_with_the_acuity_yes_fills_acute_positive(
    client: Client, world: World
) -> None:
    submit(world, "asq", NO, NOV_2)
    refused(world, {"asq-1": "yes", "asq-2": None, "asq-5": "yes"}, NOV_9)
    html = page(client, world)
    assert selected(html) == "acute positive"
    assert notes(html)[0] == (
        "Prefilled &quot;acute positive&quot; from the suicide-risk-imminent alert of "
        "9 Nov 2026 (asq item 5: yes (Yes)), newer than the last completed ASQ "
        "(2 Nov 2026, negative)."
    )


def test_phq9_item_9_after_the_asq_asks_for_the_asq_and_is_not_read_as_one(
    client: Client, world: World
) -> None:
    submit(world, "asq", NO, NOV_2)
    submit(world, "phq9", PHQ9_NONE | {"phq9-9": "2"}, NOV_9)
    html = page(client, world)
    assert selected(html) == "incomplete"
    assert notes(html) == [
        "Prefilled &quot;incomplete&quot; from the suicide-risk alert of 9 Nov 2026 "
        "(phq9 item 9: 2 (More than half the days)), newer than the last completed ASQ "
        "(2 Nov 2026, negative). Not an ASQ result: the screen stays incomplete until the "
        "ASQ is done.",
        "PHQ-9 item 9 answered above 0 on 9 Nov 2026: complete the ASQ.",
    ]


def test_phq9_item_9_before_the_asq_does_not_change_it(client: Client, world: World) -> None:
    submit(world, "phq9", PHQ9_NONE | {"phq9-9": "1"}, NOV_2)
    submit(world, "asq", NO, NOV_9)
    html = page(client, world)
    assert selected(html) == "negative"
    assert notes(html) == ["Prefilled from the ASQ of 9 Nov 2026: negative."]


def test_a_phq9_with_item_9_at_0_adds_no_note(client: Client, world: World) -> None:
    submit(world, "asq", NO, NOV_2)
    submit(world, "phq9", PHQ9_NONE, NOV_9)
    html = page(client, world)
    assert selected(html) == "negative"
    assert notes(html) == ["Prefilled from the ASQ of 2 Nov 2026: negative."]


def test_recording_incomplete_raises_the_alert_and_the_next_form_keeps_it(
    client: Client, world: World
) -> None:
    page(client, world)
    response = client.post(FORM.format(world.alex.pk), FILLED)
    assert response.status_code == 302
    stored = LevelOfCareAssessment.objects.get()
    assert (stored.record["suicide_screen"], stored.level) == ("incomplete", "outpatient")
    assert [r["code"] for r in stored.result["reasons"]] == ["suicide-screen-incomplete"]
    alert = SafetyAlert.objects.get()
    assert (alert.code, alert.level_of_care_id) == ("suicide-screen-incomplete", stored.pk)
    patient_page = client.get(f"/clinic/patients/{world.alex.pk}/").content.decode()
    assert "Suicide screen incomplete: no completed suicide screen is recorded" in patient_page
    html = page(client, world)
    assert selected(html) == "incomplete"
    assert notes(html)[0].startswith(
        "Prefilled &quot;incomplete&quot; from the suicide-screen-incomplete alert of "
    )
    assert notes(html)[0].endswith(", with no completed ASQ on file.")


def test_a_newer_level_of_care_record_fills_its_own_screen(client: Client, world: World) -> None:
    submit(world, "asq", NO, NOV_2)
    page(client, world)
    assert (
        client.post(
            FORM.format(world.alex.pk), FILLED | {"suicide_screen": "non-acute positive"}
        ).status_code
        == 302
    )
    html = page(client, world)
    assert selected(html) == "non-acute positive"
    assert notes(html)[0].startswith(
        "Prefilled &quot;non-acute positive&quot; from the suicide-risk alert of "
    )
    assert "(level-of-care assessment: Suicide risk: non-acute positive screen; " in notes(html)[0]
