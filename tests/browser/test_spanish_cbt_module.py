"""Issue 16 in a real browser at phone width: a patient reads a CBT module in Spanish in
the portal (its text marked lang="es"), marks a part done there, and finds it done on
the English page too; each page checked with axe-core (lang attributes included) and
saved as a screenshot."""

from __future__ import annotations

from django.utils import timezone
from playwright.sync_api import Browser, expect

from clonacare.therapy.models import ModuleAssignment
from tests.browser.conftest import open_tab, sign_in
from tests.personas import World


def test_a_patient_reads_a_module_in_spanish_and_marks_a_part_done(
    browser: Browser, live_server: object, world: World
) -> None:
    ModuleAssignment.objects.create(
        patient=world.alex, module="sleep", assigned_by=world.lee, assigned_at=timezone.now()
    )
    base = str(live_server.url)  # type: ignore[attr-defined]
    with open_tab(browser, "phone", base) as patient:
        sign_in(patient, "alex")
        patient.open("/es/portal/modules/")
        link = patient.page.get_by_role("link", name="Dormir durante la reducción")
        expect(link).to_have_attribute("lang", "es")
        patient.check_accessibility()
        patient.screenshot("portal-modules-es")

        link.click()
        title = patient.page.get_by_role("heading", level=1)
        expect(title).to_have_text("Dormir durante la reducción")
        expect(title).to_have_attribute("lang", "es")
        first = patient.page.locator("#section-why-sleep-changes")
        expect(first.get_by_role("heading", level=2)).to_have_text("Por qué cambia el sueño")
        patient.check_accessibility()
        patient.screenshot("portal-module-es")

        first.get_by_role("button").click()
        expect(patient.page).to_have_url(
            f"{base}/es/portal/modules/sleep/#section-why-sleep-changes"
        )
        expect(first.get_by_role("button")).to_have_count(0)
        expect(first.locator(".status-note")).to_be_visible()
        patient.check_accessibility()

        patient.open("/portal/modules/sleep/")
        english = patient.page.locator("#section-why-sleep-changes")
        expect(english.get_by_role("heading", level=2)).to_have_text("Why sleep changes")
        expect(english.get_by_role("button")).to_have_count(0)
