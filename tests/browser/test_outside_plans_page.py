"""An outside plan on the clinic's record page in a real browser: a record imported
from another program shows the plan it came with, marked as from that program and not
approved here, with its doses readable on a desktop and on a phone, and the scores and
consents that came with it as received (axe-checked; screenshots looked at)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.api_client import ApiClient
from tests.browser.conftest import Visit, sign_in
from tests.personas import World
from tests.web.fhir_world import full_record


def test_an_imported_record_shows_its_outside_plan(visit: Visit, world: World) -> None:
    full_record(world)
    bundle = ApiClient(world.avery).get(f"/patients/{world.alex.pk}/fhir").json()
    response = ApiClient(world.brook).post(f"/programs/{world.northgate.pk}/fhir-import", bundle)
    assert response.status_code == 201, response.json()
    sign_in(visit, "brook")
    visit.open(f"/clinic/patients/{response.json()['id']}/")
    page = visit.page
    section = page.get_by_role("region", name="Plans received from another program")
    expect(section).to_be_visible()
    plan = section.get_by_role("article")
    expect(plan.get_by_role("heading", level=3)).to_have_text(
        "clonazepam taper plan, switching to diazepam from Riverside Recovery"
    )
    expect(plan.locator(".warning-note")).to_contain_text(
        "Not a Clonacare plan: nobody in this program approved it."
    )
    doses = plan.get_by_role("region", name="clonazepam doses in the plan from Riverside Recovery")
    expect(doses.get_by_role("row").nth(1)).to_contain_text("morning 0.5 mg, night 1 mg")
    scores = page.get_by_role("region", name="Scores received from another program").first
    expect(scores).to_contain_text("Answered in another program, not here.")
    consents = page.get_by_role("region", name="Consents given to another program").first
    expect(consents).to_contain_text("They cover none of this program's disclosures.")
    section.scroll_into_view_if_needed()
    visit.check_accessibility()
    visit.screenshot("clinic-outside-plan")
