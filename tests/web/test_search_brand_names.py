"""Issue 16, brand names: every US brand in the drug data finds an article naming its
generic (SQLite FTS5 here, PostgreSQL full-text search on DATABASE_URL)."""

from __future__ import annotations

import pytest
from django.test import Client

from clonacare.core.drugs import brand_names
from clonacare.education.content import load_articles
from clonacare.education.index import query_terms, search
from tests.conftest import REPO

pytestmark = pytest.mark.django_db

ARTICLE_TEXT = {
    a.slug: f"{a.title} {a.summary} {a.text}".lower()
    for a in load_articles(REPO / "content" / "articles")
}
BRANDS = sorted(brand_names().items())


def test_the_data_holds_the_brands_the_issue_names() -> None:
    assert {"klonopin", "xanax", "ativan", "valium", "restoril"} <= set(brand_names())


@pytest.mark.parametrize(("brand", "generic"), BRANDS, ids=[b for b, _ in BRANDS])
def test_a_brand_search_finds_an_article_naming_its_generic(brand: str, generic: str) -> None:
    for query in (brand, brand.upper(), brand.title()):
        slugs = [hit.slug for hit in search(query)]
        assert slugs, f"{query!r} finds nothing"
        assert any(generic in ARTICLE_TEXT[slug] for slug in slugs), (query, slugs)
        assert slugs == [hit.slug for hit in search(generic)]


def test_every_brand_is_named_with_its_generic_on_the_other_benzodiazepines_page() -> None:
    text = ARTICLE_TEXT["other-benzodiazepines"]
    for brand, generic in BRANDS:
        assert f"{brand} " in text or f"{brand})" in text or f"{brand}," in text, brand
        assert generic in text, generic


def test_a_brand_of_two_words_is_one_generic_name() -> None:
    assert query_terms("Xanax XR withdrawal") == ["alprazolam", "withdrawal"]
    assert query_terms("loreev xr") == ["lorazepam"]
    assert query_terms("xanax") == ["alprazolam"]
    # Only a brand's own words are replaced: "XR" alone stays a word of the query.
    assert query_terms("XR tablets") == ["xr", "tablets"]


def test_a_brand_and_other_words_must_all_match() -> None:
    assert search("Valium zzzyzzx") == []
    slugs = [hit.slug for hit in search("Ativan withdrawal")]
    assert "other-benzodiazepines" in slugs
    assert slugs == [hit.slug for hit in search("lorazepam withdrawal")]


def test_the_search_page_finds_the_other_benzodiazepines_for_a_brand(client: Client) -> None:
    html = client.get("/search/", {"q": "Restoril"}).content.decode()
    assert 'href="/learn/other-benzodiazepines/"' in html
    assert "<mark>temazepam</mark>" in html.lower()
