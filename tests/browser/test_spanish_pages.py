"""The Spanish pages in a real browser (issue 16, first part): the switch in the header,
the Spanish frame and crisis resources, an article not yet translated marked as English,
and axe-core, including its `lang` checks, at desktop and phone width."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from playwright.sync_api import expect
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.browser.conftest import Visit
from tests.conftest import REPO


def test_a_visitor_switches_to_spanish_and_back(
    visit: Visit, settings: SettingsWrapper, tmp_path: Path
) -> None:
    # Every article is written in Spanish by now: the site serves a copy of its content
    # without the Spanish FAQ, to show a page not yet written in Spanish.
    copy = tmp_path / "content"
    shutil.copytree(REPO / "content", copy)
    (copy / "articles" / "es" / "faq.md").unlink(missing_ok=True)
    settings.CONTENT_DIR = copy
    visit.open("/learn/withdrawal/")
    visit.page.get_by_role("button", name="Español").click()
    expect(visit.page).to_have_url(re.compile(r"/es/learn/withdrawal/$"))
    expect(visit.page.locator("html")).to_have_attribute("lang", "es")
    expect(visit.page.get_by_role("complementary", name="Ayuda en una crisis")).to_contain_text(
        "988 Línea de Prevención del Suicidio y Crisis"
    )
    # This article is written in Spanish (content/articles/es/withdrawal.md).
    expect(visit.page.locator("main")).to_have_attribute("lang", "es")
    expect(visit.page.get_by_role("heading", level=1)).to_have_text(
        "La abstinencia de clonazepam y cómo evitarla"
    )
    expect(visit.page.locator(".untranslated-notice")).to_have_count(0)
    visit.check_accessibility()
    visit.screenshot("article-withdrawal-es")
    # One not yet written in Spanish (the FAQ, in this copy) is shown in English, saying so.
    visit.open("/es/learn/faq/")
    expect(visit.page.locator("main")).to_have_attribute("lang", "en")
    expect(visit.page.locator(".untranslated-notice")).to_have_text(
        "Esta página todavía no está escrita en español, así que se muestra en inglés."
    )
    visit.check_accessibility()
    visit.open("/es/learn/withdrawal/")
    # The choice holds: the English link to the home page leads to the Spanish one.
    visit.page.get_by_role("navigation", name="Principal").get_by_role(
        "link", name="Aprender"
    ).click()
    expect(visit.page).to_have_url(re.compile(r"/es/$"))
    visit.check_accessibility()
    visit.screenshot("home-es")
    visit.page.get_by_role("button", name="English").click()
    expect(visit.page).to_have_url(re.compile(r"/$"))
    expect(visit.page.locator("html")).to_have_attribute("lang", "en")
    expect(visit.page.get_by_role("link", name="Skip to main content")).to_be_attached()
