"""Issue 16, Spanish search: on /es/ the Spanish articles are found by Spanish words with
or without their accents, brand names find their generic, and English articles not yet
written in Spanish follow (SQLite FTS5 here, PostgreSQL full-text search on DATABASE_URL)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from clonacare.education.index import rebuild_search_index, search
from tests.conftest import REPO

pytestmark = pytest.mark.django_db

SPANISH = """---
title: "Bajar la dosis con calma"
summary: "Una reducción lenta protege del síndrome de abstinencia."
section: risks
order: 40
sources: ["ASAM 2025"]
reviewed_by: ""
reviewed_on: ""
---
## La reducción

La dependencia física no es una adicción. Los síntomas de abstinencia bajan con una
reducción lenta del clonazepam, acordada con su médico.
"""

ENGLISH_ONLY_ARTICLE = """---
title: "Only in English"
summary: "An article with no Spanish version."
section: basics
order: 20
sources: ["ASAM 2025"]
reviewed_by: ""
reviewed_on: ""
---
## About clonazepam

Clonazepam text.
"""


@pytest.fixture
def one_article_in_two_languages(content_dir: Callable[..., Path], settings: object) -> None:
    content_dir("withdrawal")  # English: "A test article", "Taper text."
    spanish = Path(str(settings.CONTENT_DIR)) / "articles" / "es"  # type: ignore[attr-defined]
    spanish.mkdir()
    (spanish / "withdrawal.md").write_text(SPANISH, encoding="utf-8")
    assert rebuild_search_index() == 2


@pytest.mark.usefixtures("one_article_in_two_languages")
@pytest.mark.parametrize(
    "query",
    ["reducción", "reduccion", "REDUCCION", "síntomas", "sintomas", "medico", "dependencia"],
)
def test_a_spanish_word_finds_the_spanish_article_with_or_without_accents(query: str) -> None:
    (hit,) = search(query, language="es")
    assert (hit.slug, hit.language, hit.title) == ("withdrawal", "es", "Bajar la dosis con calma")
    assert "<mark>" in hit.snippet


@pytest.mark.usefixtures("one_article_in_two_languages")
def test_the_english_search_does_not_see_the_spanish_article() -> None:
    assert search("reduccion") == []
    assert search("dependencia", language="en") == []
    (hit,) = search("taper")
    assert (hit.language, hit.title) == ("en", "A test article")


@pytest.mark.usefixtures("one_article_in_two_languages")
def test_an_article_written_in_spanish_is_listed_once_in_a_spanish_search() -> None:
    # "text" is in the English version only: the Spanish search leaves it out, as the
    # visitor reads that page in Spanish.
    assert search("text", language="es") == []


def test_the_spanish_page_finds_the_shipped_spanish_article(client: Client) -> None:
    for query in ("abstinencia", "reduccion", "reducción", "dependencia"):
        response = client.get("/es/search/", {"q": query})
        assert response.status_code == 200
        html = response.content.decode()
        assert '<a href="/es/learn/withdrawal/">La abstinencia de clonazepam' in html, query
        assert "mencionan" in html or "menciona" in html
        assert '<main id="main" class="wrap" tabindex="-1" lang="es">' in html


def test_a_brand_name_finds_its_generic_in_a_spanish_search() -> None:
    assert [h.slug for h in search("Klonopin abstinencia", language="es")] == [
        h.slug for h in search("clonazepam abstinencia", language="es")
    ]
    assert "withdrawal" in [h.slug for h in search("KLONOPIN abstinencia", language="es")]


@pytest.fixture
def faq_only_in_english(tmp_path: Path, settings: object) -> None:
    """The site's content with no Spanish FAQ (every article is written in Spanish by now)."""
    copy = tmp_path / "content"
    shutil.copytree(REPO / "content", copy)
    (copy / "articles" / "es" / "faq.md").unlink(missing_ok=True)
    settings.CONTENT_DIR = copy  # type: ignore[attr-defined]
    rebuild_search_index()


@pytest.mark.usefixtures("faq_only_in_english")
def test_english_articles_not_yet_in_spanish_follow_marked_as_english(
    client: Client, content_dir: Callable[..., Path], settings: object
) -> None:
    content_dir("only-english", text=ENGLISH_ONLY_ARTICLE)
    content_dir("withdrawal")
    spanish = Path(str(settings.CONTENT_DIR)) / "articles" / "es"  # type: ignore[attr-defined]
    spanish.mkdir()
    (spanish / "withdrawal.md").write_text(SPANISH, encoding="utf-8")
    assert rebuild_search_index() == 3
    hits = search("clonazepam", language="es")
    assert [(h.slug, h.language) for h in hits] == [("withdrawal", "es"), ("only-english", "en")]
    html = client.get("/es/search/", {"q": "clonazepam"}).content.decode()
    assert '<li lang="en">\n      <h2><a href="/es/learn/only-english/">' in html
    assert '<li>\n      <h2><a href="/es/learn/withdrawal/">Bajar la dosis' in html


def test_spanish_search_errors_are_in_spanish(client: Client) -> None:
    response = client.get("/es/search/", {"q": "¿?"})
    assert response.status_code == 400
    assert "Escriba al menos una palabra para buscar." in response.content.decode()
    response = client.get("/es/search/", {"q": "dosis " * 50})
    assert response.status_code == 400
    assert "Acorte su búsqueda a 200 caracteres o menos." in response.content.decode()


def test_spanish_search_runs_on_the_databases_own_spanish_engine() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM education_fts_es WHERE education_fts_es MATCH 'reduccion'"
            )
        else:
            cursor.execute(
                "SELECT count(*) FROM education_searchdocument WHERE language = 'es' "
                "AND search_vector @@ to_tsquery('spanish', 'reduccion')"
            )
        assert cursor.fetchone()[0] > 0
