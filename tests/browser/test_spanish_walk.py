"""Issue 16's "Done when" walk, in a real browser at phone width (390x844): the public
site in Spanish (home, an article, the FAQ, a brand name searched, the crisis box), a
questionnaire (English only, said plainly in Spanish and marked lang="en"; one sent)
and the portal in Spanish (home, check-in, dose log, plan, a CBT module, and last a
check-in with thoughts of self-harm, whose crisis box tells what happens in Spanish),
signed in as patient alex. At every page: <html lang="es">, axe-core with no serious or critical
violation (its `html-has-lang` and `valid-lang` rules included), and every English part
marked lang="en". Screenshots es-walk-*-phone.png (docs/content.md, "Languages")."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from clonacare.education.index import rebuild_search_index
from clonacare.therapy.models import ModuleAssignment
from tests.browser.conftest import Visit, open_tab, sign_in
from tests.browser.test_portal_plan import approve_a_plan
from tests.personas import World

# Text in <main> outside any lang="en" element that is an English word and never a
# Spanish one: a string left untranslated on a Spanish page.
ENGLISH_WORDS_JS = """() => {
  const words = new Set(["the", "your", "you", "and", "what", "how", "with", "this",
    "have", "for", "please", "save", "send", "back", "today", "record", "care", "team",
    "emailed", "alert", "answers", "handled", "seizure", "harming", "prescriber", "nurse",
    "counsellor", "assessed", "attended"]);
  const found = [];
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      for (const w of node.textContent.toLowerCase().match(/[a-z]+/g) || []) {
        if (words.has(w)) found.push(w);
      }
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    if (node.getAttribute("lang") === "en" || ["SCRIPT", "STYLE"].includes(node.tagName)) return;
    for (const child of node.childNodes) walk(child);
  };
  walk(document.querySelector("main"));
  return [...new Set(found)].sort();
}"""


def check_spanish(visit: Visit, name: str) -> None:
    """The page is Spanish, passes axe and leaves no English unmarked in <main>."""
    expect(visit.page.locator("html")).to_have_attribute("lang", "es")
    expect(visit.page.get_by_role("complementary", name="Ayuda en una crisis")).to_contain_text(
        "988"
    )
    assert visit.page.evaluate(ENGLISH_WORDS_JS) == [], name
    visit.check_accessibility()


@pytest.mark.parametrize("viewport", ["phone"])
def test_the_public_site_a_questionnaire_and_the_portal_in_spanish_on_a_phone(
    browser: Browser, live_server: object, world: World, viewport: str
) -> None:
    rebuild_search_index()
    approve_a_plan(world)
    ModuleAssignment.objects.create(
        patient=world.alex, module="sleep", assigned_by=world.lee, assigned_at=timezone.now()
    )
    base = str(live_server.url)  # type: ignore[attr-defined]
    with open_tab(browser, viewport, base) as visit:
        page = visit.page
        # The public site.
        visit.open("/es/")
        expect(page.locator("main")).to_have_attribute("lang", "es")
        check_spanish(visit, "home")
        visit.screenshot("es-walk-home")
        visit.open("/es/learn/withdrawal/")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "La abstinencia de clonazepam y cómo evitarla"
        )
        expect(page.locator(".untranslated-notice")).to_have_count(0)
        check_spanish(visit, "article")
        visit.screenshot("es-walk-article")
        visit.open("/es/learn/faq/")
        expect(page.locator("main")).to_have_attribute("lang", "es")
        expect(page.locator(".untranslated-notice")).to_have_count(0)
        check_spanish(visit, "faq")
        visit.screenshot("es-walk-faq")
        search = page.get_by_role("search").get_by_role("searchbox")
        search.fill("Xanax")
        search.press("Enter")
        expect(page).to_have_url(re.compile(r"/es/search/\?q=Xanax$"))
        expect(page.locator("main a[href='/es/learn/other-benzodiazepines/']")).not_to_have_count(0)
        check_spanish(visit, "search-xanax")
        visit.screenshot("es-walk-search-xanax")

        # The portal, signed in as the patient.
        sign_in(visit, "alex")
        visit.open("/es/portal/")
        team = page.get_by_role("region", name="Su equipo de atención")
        expect(team).to_contain_text("(Quien le receta)")
        expect(team).to_contain_text("(Enfermería)")
        check_spanish(visit, "portal-home")
        visit.screenshot("es-walk-portal-home")
        visit.open("/es/portal/questionnaires/gad7/")
        expect(page.locator(".questionnaire-language")).to_contain_text(
            "Este cuestionario está solo en inglés"
        )
        expect(page.get_by_role("heading", level=1)).to_have_attribute("lang", "en")
        expect(page.locator("form.questionnaire > div")).to_have_attribute("lang", "en")
        check_spanish(visit, "questionnaire")
        visit.screenshot("es-walk-questionnaire")
        for number in range(1, 8):
            page.locator(f'input[name="gad7-{number}"]').first.check()
        page.get_by_role("button", name="Enviar mis respuestas").click()
        expect(page).not_to_have_url(re.compile(r"/questionnaires/gad7/$"))
        check_spanish(visit, "questionnaire-sent")
        visit.screenshot("es-walk-questionnaire-sent")
        visit.open("/es/portal/check-in/")
        check_spanish(visit, "check-in")
        visit.screenshot("es-walk-check-in")
        visit.open("/es/portal/doses/")
        check_spanish(visit, "dose-log")
        visit.screenshot("es-walk-dose-log")
        visit.open("/es/portal/plan/")
        expect(page.get_by_role("heading", name="Próximo cambio")).to_be_visible()
        check_spanish(visit, "plan")
        visit.screenshot("es-walk-plan")
        visit.open("/es/portal/modules/sleep/")
        expect(page.locator(".untranslated-notice")).to_have_count(0)
        expect(page.get_by_role("heading", name="Ejercicio: Diario de sueño")).to_be_visible()
        expect(page.get_by_label("Hora en que se acostó")).to_be_visible()
        check_spanish(visit, "module")
        visit.screenshot("es-walk-module")

        # Last, as it raises an alert: a check-in with thoughts of self-harm.
        visit.open("/es/portal/check-in/")
        page.locator('input[name="seizure"][value="no"]').check()
        page.locator('input[name="self_harm_thoughts"][value="yes"]').check()
        for scale in ("sleep", "anxiety", "craving"):
            page.locator(f'select[name="{scale}"]').select_option("3")
        for number in range(1, 18):
            page.locator(f'input[name="ciwab-{number}"]').first.check()
        page.get_by_role("button", name="Enviar a mi equipo de atención").click()
        box = page.get_by_role("alert").filter(has_text="Por favor, pida apoyo ahora")
        expect(box).to_contain_text(
            "Algunas de sus respuestas nos dicen que quizá esté pensando en hacerse daño."
        )
        expect(box).to_contain_text("Si está en peligro ahora, llame al 988 o 911.")
        expect(box.locator('[lang="en"]')).to_have_count(0)
        check_spanish(visit, "check-in-crisis")
        visit.screenshot("es-walk-check-in-crisis")

        # The recovery record: its history in Spanish, the alert in plain words.
        visit.open("/es/portal/recovery/")
        history = page.locator("ol.timeline")
        expect(history).to_contain_text("Plan de reducción aprobado (Clonazepam)")
        expect(history).to_contain_text("Empieza el plan:")
        expect(history).to_contain_text(
            "Alerta de seguridad: respuestas sobre pensamientos de hacerse daño"
        )
        expect(history).not_to_contain_text("suicide")
        check_spanish(visit, "recovery")
        visit.screenshot("es-walk-recovery")
