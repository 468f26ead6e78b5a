"""Issue 16, brand names in Spanish: the Spanish page on other benzodiazepines names
every US brand in the drug data with its generic as a US label spells it, so a brand
searched on /es/ finds that page in Spanish (SQLite FTS5 here, PostgreSQL full-text
search on DATABASE_URL)."""

from __future__ import annotations

import pytest
from django.test import Client

from clonacare.core.drugs import brand_names
from clonacare.education.content import load_articles
from clonacare.education.index import rebuild_search_index, search
from tests.conftest import REPO

pytestmark = pytest.mark.django_db

SPANISH_PAGE = next(
    a
    for a in load_articles(REPO / "content" / "articles" / "es")
    if a.slug == "other-benzodiazepines"
)
BRANDS = sorted(brand_names().items())


def test_every_brand_is_named_with_its_generic_on_the_spanish_page() -> None:
    text = SPANISH_PAGE.text.lower()
    for brand, generic in BRANDS:
        assert f"{brand} " in text or f"{brand})" in text or f"{brand}," in text, brand
        assert generic in text, generic


@pytest.mark.parametrize(("brand", "generic"), BRANDS, ids=[b for b, _ in BRANDS])
def test_a_brand_searched_in_spanish_finds_the_spanish_page(brand: str, generic: str) -> None:
    rebuild_search_index()
    hits = [(h.slug, h.language) for h in search(brand.title(), language="es")]
    assert ("other-benzodiazepines", "es") in hits, (brand, hits)


def test_the_spanish_search_page_lists_it_for_a_brand(client: Client) -> None:
    rebuild_search_index()
    html = client.get("/es/search/", {"q": "Halcion"}).content.decode()
    assert 'href="/es/learn/other-benzodiazepines/"' in html
