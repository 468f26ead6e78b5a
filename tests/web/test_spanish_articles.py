"""Issue 16: an article written in Spanish is its own text (content/articles/es/), shown
at /es/learn/<slug>/ in Spanish with lang="es", its own review status and hreflang links
to its English counterpart; an article not yet written in Spanish is shown in English
there, saying so, as before."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from clonacare.education.models import ContentReview
from clonacare.education.review import pages

pytestmark = pytest.mark.django_db


def main_of(html: str) -> re.Match[str]:
    found = re.search(r'<main id="main" class="wrap" tabindex="-1" lang="(\w+)">', html)
    assert found is not None
    return found


def test_a_spanish_article_is_shown_in_spanish(client: Client) -> None:
    response = client.get("/es/learn/withdrawal/")
    assert response.status_code == 200
    html = response.content.decode()
    assert main_of(html).group(1) == "es"
    assert "<h1>La abstinencia de clonazepam y cómo evitarla</h1>" in html
    assert "todavía no está escrita en español" not in html  # no untranslated notice
    assert "Pendiente de revisión clínica" in html
    assert "Riesgos, efectos secundarios y abstinencia" in html  # its section, in Spanish
    assert '<li><a href="/es/">Aprender</a></li>' in html
    assert '<link rel="alternate" hreflang="en" href="http://testserver/learn/withdrawal/">' in html


def test_the_english_article_is_unchanged(client: Client) -> None:
    html = client.get("/learn/withdrawal/").content.decode()
    assert main_of(html).group(1) == "en"
    assert "<h1>Clonazepam withdrawal and how to avoid it</h1>" in html
    assert "Awaiting clinical review" in html
    assert "Pendiente" not in html


def test_an_article_not_yet_in_spanish_is_english_and_says_so(client: Client) -> None:
    html = client.get("/es/learn/faq/").content.decode()
    assert main_of(html).group(1) == "en"
    assert "Awaiting clinical review" in html  # the page's own words stay English
    assert 'class="notice untranslated-notice" lang="es"' in html
    assert '<li><a href="/es/">Learn</a></li>' in html  # links keep the visitor's language


def test_every_spanish_article_has_an_english_counterpart() -> None:
    spanish = [p for p in pages() if p.kind == ContentReview.Kind.ARTICLE_ES]
    english = {p.slug for p in pages() if p.kind == ContentReview.Kind.ARTICLE}
    assert [p.slug for p in spanish] == ["withdrawal"]
    assert {p.slug for p in spanish} <= english


def test_the_spanish_version_has_its_own_review(client: Client) -> None:
    reviewer = User.objects.create_user("reviewer")
    ContentReview.objects.create(
        kind=ContentReview.Kind.ARTICLE,
        slug="withdrawal",
        fingerprint=next(
            p.fingerprint for p in pages() if p.kind == "article" and p.slug == "withdrawal"
        ),
        reviewer=reviewer,
        reviewer_name="A Clinician",
        credentials="MD",
        reviewed_at=timezone.now(),
    )
    assert "Clinically reviewed" in client.get("/learn/withdrawal/").content.decode()
    spanish = client.get("/es/learn/withdrawal/").content.decode()
    assert "Revisado por un clínico" not in spanish
    assert "Pendiente de revisión clínica" in spanish
