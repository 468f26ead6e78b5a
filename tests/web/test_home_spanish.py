"""Issue 16: the home page in Spanish lists each article in Spanish where it is written
in Spanish (the English article, marked lang="en", where not), with its own words and
section names in Spanish; the English home page is unchanged."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from tests.web.test_portal_spanish import ENGLISH_ONLY, spanish_main

pytestmark = pytest.mark.django_db


def test_the_spanish_home_page_lists_the_spanish_articles(client: Client) -> None:
    html = client.get("/es/").content.decode()
    assert '<a href="/es/learn/withdrawal/">La abstinencia de clonazepam y cómo evitarla</a>' in (
        html
    )
    assert "Por favor, no deje el clonazepam por su cuenta." in html
    assert "Riesgos, efectos secundarios y abstinencia" in html  # a section, in Spanish
    assert sorted(set(spanish_main(html)) & ENGLISH_ONLY) == []


def test_an_article_not_written_in_spanish_is_listed_in_english_and_marked(
    client: Client, content_dir: Callable[..., Path], settings: object
) -> None:
    english = content_dir("withdrawal").read_text(encoding="utf-8")  # "A test article"
    content_dir("only-english")
    spanish = Path(str(settings.CONTENT_DIR)) / "articles" / "es"  # type: ignore[attr-defined]
    spanish.mkdir()
    (spanish / "withdrawal.md").write_text(
        english.replace("A test article", "Un artículo de prueba"), encoding="utf-8"
    )
    html = client.get("/es/").content.decode()
    assert '<li class="card">\n      <h3><a href="/es/learn/withdrawal/">Un artículo' in html
    assert '<li class="card" lang="en">\n      <h3><a href="/es/learn/only-english/">A test' in (
        html
    )
    assert '<h2 id="section-basics" lang="en">Understanding clonazepam</h2>' in html


def test_the_english_home_page_is_unchanged(client: Client) -> None:
    html = client.get("/").content.decode()
    assert '<a href="/learn/withdrawal/">Clonazepam withdrawal and how to avoid it</a>' in html
    assert '<li class="card" lang' not in html
    assert '<h2 id="section-risks">Risks, side effects and withdrawal</h2>' in html
