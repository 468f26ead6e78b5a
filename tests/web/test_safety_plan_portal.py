"""The safety plan in the portal: linked from every page a signed-in patient opens,
always with the crisis lines, a printable page, and the patient adding to a plan
written with their care team (each save a new version, marked as theirs)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from clonacare.therapy.models import SafetyPlanVersion
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

LINK = '<a class="safety-plan-link" href="/portal/safety-plan/">My safety plan</a>'
PLAN = {"warning-signs": ["Lying awake going over the same worry"]}


def written_with_lee(world: World) -> None:
    """Lee writes alex's plan on the clinic page, as at an appointment."""
    response = signed_in(Client(), "lee").post(
        f"/clinic/patients/{world.alex.pk}/safety-plan/",
        {
            "based_on": "0",
            "warning-signs-0": PLAN["warning-signs"][0],
            "people-to-ask-0-name": "My sister Jo",
            "people-to-ask-0-reach": "555-0101",
        },
    )
    assert response.status_code == 302


def crisis_lines_shown(html: str) -> bool:
    return all(f'href="tel:{tel}"' in html.split('id="main"', 1)[1] for tel in ("988", "911"))


@pytest.mark.parametrize(
    "path",
    [
        "/portal/",
        "/portal/plan/",
        "/portal/modules/",
        "/portal/check-in/",
        "/portal/check-ins/",
        "/portal/doses/",
        "/portal/safety-plan/",
        "/",
    ],
)
def test_every_page_a_patient_opens_links_to_their_safety_plan(
    client: Client, world: World, path: str
) -> None:
    response = signed_in(client, "alex").get(path)
    assert response.status_code == 200
    assert LINK in response.content.decode()


@pytest.mark.parametrize("who", ["lee", "riverside_admin", None])
def test_staff_and_visitors_get_no_such_link(client: Client, world: World, who: str | None) -> None:
    if who:
        signed_in(client, who)
    assert LINK not in client.get("/").content.decode()


def test_a_patient_without_a_plan_learns_what_it_is_with_the_crisis_lines(
    client: Client, world: World
) -> None:
    html = signed_in(client, "alex").get("/portal/safety-plan/").content.decode()
    assert "<h2>What a safety plan is</h2>" in html
    assert "You do not have one yet. You write it together with someone on your care team" in html
    assert crisis_lines_shown(html)
    assert "Add to my plan" not in html


def test_the_patient_sees_the_plan_written_with_their_counsellor(
    client: Client, world: World
) -> None:
    world.lee.first_name, world.lee.last_name = "Lee", "Park"
    world.lee.save()
    written_with_lee(world)
    html = signed_in(client, "alex").get("/portal/safety-plan/").content.decode()
    assert "Lying awake going over the same worry" in html
    assert "<strong>My sister Jo</strong>: 555-0101" in html
    assert re.search(r"Written with Lee Park on \d+ \w+ \d{4}\. Version 1\.", html)
    assert crisis_lines_shown(html)
    assert '<a class="button-link" href="/portal/safety-plan/print/">Print version</a>' in html


def test_the_print_page_holds_the_plan_and_the_crisis_lines(client: Client, world: World) -> None:
    written_with_lee(world)
    response = signed_in(client, "alex").get("/portal/safety-plan/print/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="safety-plan-print-title">Safety plan of Alex Morgan</h1>' in html
    assert "Lying awake going over the same worry" in html
    assert crisis_lines_shown(html)
    assert '<script src="/static/clonacare/print.js" defer></script>' in html
    assert '<button type="button" data-print hidden>Print</button>' in html


def test_another_patients_plan_never_shows(client: Client, world: World) -> None:
    written_with_lee(world)
    html = signed_in(client, "blair").get("/portal/safety-plan/").content.decode()
    assert "Lying awake" not in html
    assert "<h2>What a safety plan is</h2>" in html


class TestAdding:
    def test_the_patient_adds_to_their_plan_as_a_new_version(
        self, client: Client, world: World
    ) -> None:
        written_with_lee(world)
        signed_in(client, "alex")
        form = client.get("/portal/safety-plan/edit/").content.decode()
        assert 'name="based_on" value="1"' in form
        assert 'value="Lying awake going over the same worry"' in form
        response = client.post(
            "/portal/safety-plan/edit/",
            {
                "based_on": "1",
                "warning-signs-0": "Lying awake going over the same worry",
                "warning-signs-1": "Skipping meals",
                "people-to-ask-0-name": "My sister Jo",
                "people-to-ask-0-reach": "555-0101",
            },
        )
        assert response.status_code == 302
        assert response["Location"] == "/portal/safety-plan/?saved=1"
        latest = SafetyPlanVersion.objects.get(number=2)
        assert latest.by_patient
        assert latest.content["warning-signs"] == [
            "Lying awake going over the same worry",
            "Skipping meals",
        ]
        assert SafetyPlanVersion.objects.get(number=1).content["warning-signs"] == [
            "Lying awake going over the same worry"
        ]
        html = client.get(response["Location"]).content.decode()
        assert "Saved. Your care team can see what you added" in html
        assert "Last added to by you on" in html

    def test_a_refused_form_comes_back_with_the_message_and_what_was_typed(
        self, client: Client, world: World
    ) -> None:
        written_with_lee(world)
        response = signed_in(client, "alex").post(
            "/portal/safety-plan/edit/",
            {"based_on": "1", "warning-signs-0": "x" * 201, "distraction-0": "The park"},
        )
        html = response.content.decode()
        assert response.status_code == 400
        assert (
            '<p class="form-error" role="alert">&#x27;Signs that a hard time is starting&#x27;, '
            "entry 1: the entry is at most 200 characters; got 201.</p>" in html
        )
        assert 'value="The park"' in html
        assert SafetyPlanVersion.objects.count() == 1

    def test_before_a_plan_is_written_with_the_care_team_the_patient_cannot_start_one(
        self, client: Client, world: World
    ) -> None:
        signed_in(client, "alex")
        page = client.get("/portal/safety-plan/edit/").content.decode()
        assert "You do not have a safety plan yet. You write it first with someone" in page
        response = client.post("/portal/safety-plan/edit/", {"warning-signs-0": "Tired"})
        assert response.status_code == 409
        assert (
            "The safety plan is first written with someone on the care team; after that the "
            "patient can add to it." in response.content.decode()
        )
        assert not SafetyPlanVersion.objects.exists()


def test_the_print_page_without_a_plan_says_so_with_the_crisis_lines(
    client: Client, world: World
) -> None:
    html = signed_in(client, "alex").get("/portal/safety-plan/print/").content.decode()
    assert "You do not have a safety plan yet." in html
    assert crisis_lines_shown(html)


def test_the_form_offers_two_empty_rows_a_section_up_to_ten(client: Client, world: World) -> None:
    response = signed_in(Client(), "lee").post(
        f"/clinic/patients/{world.alex.pk}/safety-plan/",
        {"based_on": "0", **{f"distraction-{n}": f"Place {n}" for n in range(10)}},
    )
    assert response.status_code == 302
    form = signed_in(client, "alex").get("/portal/safety-plan/edit/").content.decode()
    assert 'name="warning-signs-1"' in form
    assert 'name="warning-signs-2"' not in form
    assert 'name="distraction-9" value="Place 9"' in form
    assert 'name="distraction-10"' not in form
    assert 'name="people-to-ask-1-reach"' in form
