"""The clinic's outcomes page /clinic/programs/<id>/outcomes/: the figures with their
definitions and sources, the charts, the period form and its errors, who may open it."""

from __future__ import annotations

import pytest
from django.test import Client

from clonacare.audit.models import AuditEvent
from tests.personas import World, signed_in
from tests.web.outcomes_world import add_patients, taper


def value_of(page: str, label: str) -> str:
    """The value cell of the row headed ``label``."""
    row = page[page.index(f'<th scope="row">{label}<br>') :]
    return row[row.index("<td>") + len("<td>") : row.index("</td>")]


def url(world: World) -> str:
    return f"/clinic/programs/{world.riverside.pk}/outcomes/"


def test_it_shows_each_figure_with_its_definition_source_and_charts(
    client: Client, world: World
) -> None:
    for patient in add_patients(world, 11):
        taper(world, patient, started_days_ago=20)
    response = signed_in(client, world.riverside_admin).get(url(world))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Program outcomes</h1>" in page
    assert value_of(page, "Started a taper") == "11"
    assert value_of(page, "Finished: stopped the benzodiazepine") == "0"
    assert "Taper attempts whose first plan&#x27;s first day falls in the period." in page
    assert "ASAM 2025 Rec 11 (clinical reference, Tapering rules)" in page
    assert page.count('<img src="data:image/svg+xml;base64,') == 2
    assert f'href="/clinic/programs/{world.riverside.pk}/outcomes.csv?from=&amp;to=' in page


def test_a_small_figure_reads_fewer_than_eleven(client: Client, world: World) -> None:
    taper(world, world.alex, started_days_ago=20)
    page = signed_in(client, world.lee).get(url(world)).content.decode()
    assert value_of(page, "Started a taper") == "fewer than 11"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?from=31/01/2026", "The &#x27;from&#x27; date must be a date like 2026-01-31, not"),
        (
            "?from=2026-05-01&to=2026-04-01",
            "The period&#x27;s &#x27;from&#x27; date (2026-05-01) is after its &#x27;to&#x27; "
            "date (2026-04-01).",
        ),
    ],
)
def test_a_bad_period_shows_the_form_again_with_the_message(
    client: Client, world: World, query: str, message: str
) -> None:
    response = signed_in(client, world.avery).get(url(world) + query)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'role="alert" id="o-error"' in page
    assert "<table" not in page


@pytest.mark.parametrize("who", ["alex_user", "brook", "site_admin"])
def test_patients_other_programs_and_the_site_admin_are_told_not_found(
    client: Client, world: World, who: str
) -> None:
    response = signed_in(client, getattr(world, who)).get(url(world))
    assert response.status_code == 404


def test_the_read_of_the_page_is_audited(client: Client, world: World) -> None:
    signed_in(client, world.kim).get(url(world) + "?from=2026-01-01")
    event = AuditEvent.objects.get(action="outcomes.view")
    assert (event.actor_username, event.program_id) == ("kim", world.riverside.pk)
    assert event.detail["from"] == "2026-01-01"


def test_a_signed_out_visitor_is_sent_to_sign_in(client: Client, world: World) -> None:
    response = client.get(url(world))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
