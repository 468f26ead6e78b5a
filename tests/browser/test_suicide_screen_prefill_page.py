"""The level-of-care form in a real browser: after a completed negative ASQ, an
unfinished ASQ attempt fills the suicide screen with "incomplete" (never the older
"negative"), and the note beside the field says which alert and date it came from.
Checked with axe-core and saved at desktop and phone width."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from clonacare.assessments.actions import IncompleteResponse, do_submit_response
from clonacare.audit.log import Actor
from tests.browser.conftest import Visit, sign_in
from tests.personas import World

NO = {f"asq-{n}": "no" for n in range(1, 5)}


def test_an_unfinished_asq_fills_incomplete_with_its_source(visit: Visit, world: World) -> None:
    alex = Actor(world.alex_user.pk, "alex", "patient", world.riverside.pk, None, "")
    nov_2 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    do_submit_response(alex, world.alex, "asq", NO, now=nov_2)
    with pytest.raises(IncompleteResponse):
        do_submit_response(
            alex, world.alex, "asq", NO | {"asq-3": None}, now=nov_2 + dt.timedelta(days=7)
        )
    sign_in(visit, "avery")
    visit.open(f"/clinic/patients/{world.alex.pk}/level-of-care/")
    visit.check_accessibility()
    screen = visit.page.get_by_label("Suicide screen (ASQ)")
    expect(screen).to_have_value("incomplete")
    expect(screen).to_have_accessible_description(
        'Prefilled "incomplete" from the suicide-screen-incomplete alert of 9 Nov 2026 '
        "(asq item 3: not answered), newer than the last completed ASQ (2 Nov 2026, negative)."
    )
    visit.screenshot("clinic-level-of-care-screen-incomplete")
