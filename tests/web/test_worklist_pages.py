"""The worklist page shows PAGE_SIZE patients at a time, most urgent first, with the
rest a click away: the count above the list is of everyone on it, the pages keep the
role filter, and a page that does not exist is answered 404 with the pages there are."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from clonacare.clinic.worklist_views import PAGE_SIZE
from clonacare.patients.models import CareTeamMember, Patient
from clonacare.plans.models import Plan
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db


def waiting_drafts(world: World, n: int) -> None:
    """``n`` patients on avery's care team, each with a draft plan awaiting approval."""
    for i in range(n):
        patient = Patient.objects.create(
            program=world.riverside,
            given_name=f"Waiting{i:03d}",
            family_name="Patient",
            date_of_birth=dt.date(1980, 1, 1),
        )
        CareTeamMember.objects.create(patient=patient, user=world.avery)
        Plan.objects.create(
            patient=patient,
            drug="clonazepam",
            parameters={},
            plan_json={},
            created_by=world.avery,
            created_at=timezone.now(),
        )


def listed(html: str) -> list[str]:
    return re.findall(r"<strong>(Waiting\d+) Patient</strong>", html)


def test_the_first_page_shows_the_most_urgent_and_counts_everyone(
    client: Client, world: World
) -> None:
    waiting_drafts(world, PAGE_SIZE + 3)
    signed_in(client, "avery")
    html = client.get("/clinic/").content.decode()
    assert f"{PAGE_SIZE + 3} patients need action today" in html
    assert len(listed(html)) == PAGE_SIZE
    assert f"Patients 1 to {PAGE_SIZE} of {PAGE_SIZE + 3}, most urgent first." in html
    assert '<a href="?page=2" rel="next">Next page</a>' in html


def test_the_second_page_holds_the_rest_and_keeps_the_role_filter(
    client: Client, world: World
) -> None:
    waiting_drafts(world, PAGE_SIZE + 3)
    signed_in(client, "avery")
    first = listed(client.get("/clinic/?role=prescriber").content.decode())
    response = client.get("/clinic/?role=prescriber&page=2")
    assert response.status_code == 200
    html = response.content.decode()
    second = listed(html)
    assert len(second) == 3
    assert not set(first) & set(second)
    assert f'<ol class="worklist" start="{PAGE_SIZE + 1}">' in html
    assert '<a href="?role=prescriber&amp;page=1" rel="prev">Previous page</a>' in html


def test_a_short_worklist_has_no_pages(client: Client, world: World) -> None:
    waiting_drafts(world, 2)
    signed_in(client, "avery")
    html = client.get("/clinic/").content.decode()
    assert len(listed(html)) == 2
    assert "Worklist pages" not in html


@pytest.mark.parametrize("asked", ["3", "0", "two"])
def test_a_page_that_does_not_exist_is_answered_404_with_the_pages_there_are(
    client: Client, world: World, asked: str
) -> None:
    waiting_drafts(world, PAGE_SIZE + 3)
    signed_in(client, "avery")
    response = client.get(f"/clinic/?page={asked}")
    assert response.status_code == 404
    assert (
        f"There is no page &#x27;{asked}&#x27; of the worklist: choose a page from 1 to 2."
        in response.content.decode()
    )
