"""Search across the articles (SQLite FTS5 here, PostgreSQL full-text search on DATABASE_URL)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from clonacare.education.index import MAX_QUERY_CHARS, rebuild_search_index, search

pytestmark = pytest.mark.django_db


def test_it_finds_articles_and_marks_the_words(client: Client) -> None:
    response = client.get("/search/", {"q": "withdrawal seizures"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/learn/withdrawal/"' in html
    assert "<mark>" in html
    assert "mention" in html


def test_it_ranks_the_article_named_for_the_words_first() -> None:
    hits = search("support groups")
    assert hits[0].slug == "support-groups"


def test_it_matches_the_start_of_a_word() -> None:
    slugs = {hit.slug for hit in search("benzodiaz")}
    assert "what-is-clonazepam" in slugs


def test_the_brand_name_finds_what_the_generic_name_finds() -> None:
    brand = [hit.slug for hit in search("Klonopin withdrawal")]
    assert "withdrawal" in brand
    assert brand == [hit.slug for hit in search("clonazepam withdrawal")]


def test_every_word_must_match() -> None:
    assert search("taper zzzyzzx") == []


def test_it_says_so_when_nothing_matches(client: Client) -> None:
    html = client.get("/search/", {"q": "zzzyzzx"}).content.decode()
    assert "No article matches “zzzyzzx”." in html


def test_an_empty_search_shows_suggestions(client: Client) -> None:
    response = client.get("/search/")
    assert response.status_code == 200
    assert "Search across every article" in response.content.decode()


def test_a_search_without_words_is_refused_with_a_message(client: Client) -> None:
    response = client.get("/search/", {"q": "!!! ???"})
    assert response.status_code == 400
    assert "Please type at least one word to search for." in response.content.decode()


def test_a_search_that_is_too_long_is_refused_with_a_message(client: Client) -> None:
    response = client.get("/search/", {"q": "taper " * 50})
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Please shorten your search to {MAX_QUERY_CHARS} characters or fewer." in html


@pytest.mark.parametrize(
    "query",
    [
        'taper" OR NEAR(',
        "title:taper",
        "taper*",
        "-taper",
        "taper AND",
        "((( taper",
        "'; DROP TABLE x",
    ],
)
def test_search_syntax_in_a_query_is_only_ever_text(client: Client, query: str) -> None:
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200


MARKUP_ARTICLE = """---
title: "Quoting <b>markup</b> <script>alert('title')</script>"
summary: "An article that quotes markup."
section: basics
order: 10
sources: ["A test"]
reviewed_by: ""
reviewed_on: ""
---
## Markup as text

Some pages quote markup such as `<script>alert('body')</script>` and `<b>bold</b>` near
the word quillwort, which no shipped article uses.
"""


def test_a_snippet_escapes_the_article_text(
    client: Client, content_dir: Callable[..., Path]
) -> None:
    content_dir("quoting-markup", text=MARKUP_ARTICLE)
    assert rebuild_search_index() == 1
    (hit,) = search("quillwort")
    assert hit.snippet.count("<mark>") == hit.snippet.count("</mark>") == 1
    html = client.get("/search/", {"q": "quillwort"}).content.decode()
    assert (
        "Quoting &lt;b&gt;markup&lt;/b&gt; &lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;"
        in html
    )
    # The quoted markup of the body is shown as text: escaped in SQLite's snippet; in
    # PostgreSQL's, ts_headline leaves tag-like words out, so only their text is left.
    if connection.vendor == "postgresql":
        assert "such as  alert(&#x27;body&#x27;)  and  bold  near" in html
    else:
        assert "&lt;script&gt;alert(&#x27;body&#x27;)&lt;/script&gt;" in html
        assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<mark>quillwort</mark>" in html
    for planted in ("<b>markup", "<script>alert", "<b>bold"):
        assert planted not in html


def test_it_searches_with_the_databases_own_full_text_engine() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM education_fts WHERE education_fts MATCH 'taper'")
            assert cursor.fetchone()[0] > 0
        else:
            assert connection.vendor == "postgresql"
            cursor.execute(
                "SELECT count(*) FROM education_searchdocument "
                "WHERE search_vector @@ to_tsquery('english', 'taper')"
            )
            assert cursor.fetchone()[0] > 0
