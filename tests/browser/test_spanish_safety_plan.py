"""Issue 16: the safety plan in Spanish in a real browser at phone width (390x844). Lee
writes alex's plan at an appointment (the clinic page, English); alex opens it under
/es/, its print page and its form, and adds a line. At each page: <html lang="es">,
axe-core, and no English word in <main> outside an element marked lang="en" (the
sections' titles and help are Clonacare's own Spanish). Screenshot
portal-safety-plan-es-phone.png (docs/content.md, "Languages")."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import Browser, expect

from clonacare.therapy.models import SafetyPlanVersion
from tests.browser.conftest import open_tab, sign_in
from tests.browser.test_spanish_walk import check_spanish
from tests.personas import World, signed_in


@pytest.mark.parametrize("viewport", ["phone"])
def test_the_patient_reads_and_adds_to_their_plan_in_spanish_on_a_phone(
    browser: Browser, live_server: object, world: World, viewport: str
) -> None:
    response = signed_in(Client(), "lee").post(
        f"/clinic/patients/{world.alex.pk}/safety-plan/",
        {
            "based_on": "0",
            "warning-signs-0": "Me quedo despierta dándole vueltas a lo mismo",
            "coping-on-my-own-0": "Una ducha caliente y luego un té",
            "people-to-ask-0-name": "Mi hermana Jo",
            "people-to-ask-0-reach": "555-0101, a cualquier hora",
        },
    )
    assert response.status_code == 302
    base = str(live_server.url)  # type: ignore[attr-defined]
    with open_tab(browser, viewport, base) as visit:
        page = visit.page
        sign_in(visit, "alex")
        visit.open("/es/portal/safety-plan/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Mi plan de seguridad")
        expect(page.locator("#sp-warning-signs h2")).to_have_text(
            "Señales de que empieza un mal momento"
        )
        expect(page.locator("#sp-warning-signs")).to_contain_text(
            "Me quedo despierta dándole vueltas a lo mismo"
        )
        expect(page.locator("#sp-reasons-for-living h2")).to_have_text(
            "Lo que me ayuda a seguir adelante"
        )
        check_spanish(visit, "safety plan")
        visit.screenshot("portal-safety-plan-es")

        page.get_by_role("link", name="Versión para imprimir").click()
        expect(page.locator("#sp-safer-surroundings h2")).to_have_text(
            "Hacer más seguro el lugar donde estoy"
        )
        check_spanish(visit, "safety plan, print")
        visit.screenshot("portal-safety-plan-print-es")

        visit.open("/es/portal/safety-plan/edit/")
        expect(page.locator("#edit-distraction legend")).to_have_text(
            "Personas y lugares que me ayudan a distraerme"
        )
        check_spanish(visit, "safety plan, form")
        page.get_by_label("Personas y lugares que me ayudan a distraerme, Línea 1").fill(
            "Pasear con la perra por el parque"
        )
        page.get_by_role("button", name="Guardar mi plan").click()
        expect(page.get_by_role("status")).to_contain_text("Guardado.")
        expect(page.locator("#sp-distraction")).to_contain_text("Pasear con la perra por el parque")
        check_spanish(visit, "safety plan, saved")
    latest = SafetyPlanVersion.objects.get(number=2)
    assert latest.by_patient
    assert latest.content["distraction"] == ["Pasear con la perra por el parque"]
