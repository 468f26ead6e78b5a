"""Issue 16: an article written in Spanish is its own text (content/articles/es/), shown
at /es/learn/<slug>/ in Spanish with lang="es", its own review status and hreflang links
to its English counterpart; an article not yet written in Spanish is shown in English
there, saying so, as before."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.utils import timezone

from clonacare.education.models import ContentReview
from clonacare.education.review import pages
from tests.conftest import REPO

pytestmark = pytest.mark.django_db

SPANISH = sorted((REPO / "content" / "articles" / "es").glob("*.md"))


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


@pytest.fixture
def faq_only_in_english(tmp_path: Path) -> Iterator[None]:
    """A copy of the site's content with no Spanish FAQ, whatever is written by now."""
    copy = tmp_path / "content"
    shutil.copytree(REPO / "content", copy)
    (copy / "articles" / "es" / "faq.md").unlink(missing_ok=True)
    with override_settings(CONTENT_DIR=copy):
        yield


@pytest.mark.usefixtures("faq_only_in_english")
def test_an_article_not_yet_in_spanish_is_english_and_says_so(client: Client) -> None:
    html = client.get("/es/learn/faq/").content.decode()
    assert main_of(html).group(1) == "en"
    assert "Awaiting clinical review" in html  # the page's own words stay English
    assert 'class="notice untranslated-notice" lang="es"' in html
    assert '<li><a href="/es/">Learn</a></li>' in html  # links keep the visitor's language


def test_every_spanish_article_has_an_english_counterpart() -> None:
    spanish = [p for p in pages() if p.kind == ContentReview.Kind.ARTICLE_ES]
    english = {p.slug for p in pages() if p.kind == ContentReview.Kind.ARTICLE}
    assert sorted(p.slug for p in spanish) == [path.stem for path in SPANISH]
    assert "withdrawal" in english
    assert {p.slug for p in spanish} <= english


@pytest.mark.parametrize("path", SPANISH, ids=lambda p: p.stem)
def test_each_spanish_article_is_shown_in_spanish_beside_its_english_twin(
    client: Client, path: Path
) -> None:
    slug = path.stem
    title = next(p.title for p in pages() if p.kind == "article-es" and p.slug == slug)
    response = client.get(f"/es/learn/{slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert main_of(html).group(1) == "es"
    assert "todavía no está escrita en español" not in html
    assert "Pendiente de revisión clínica" in html  # none is reviewed in the files
    assert f'hreflang="en" href="http://testserver/learn/{slug}/"' in html
    english = client.get(f"/learn/{slug}/").content.decode()
    assert f'hreflang="es" href="http://testserver/es/learn/{slug}/"' in english
    assert title not in english


@pytest.mark.parametrize("path", SPANISH, ids=lambda p: p.stem)
def test_a_spanish_article_links_to_pages_that_exist(client: Client, path: Path) -> None:
    """Every link works, and none sends a Spanish reader to an English page whose Spanish
    twin is written (a link under /es/ to a page not yet written in Spanish shows it in
    English, saying so in Spanish, and turns Spanish by itself once it is)."""
    written = {p.stem for p in SPANISH}
    links = re.findall(r"\]\((/[^)\s]*)\)", path.read_text(encoding="utf-8"))
    assert links, f"{path.name} links to no other page"
    for link in links:
        target = link.split("#")[0]
        assert client.get(target).status_code == 200, f"{path.name} links to {link}"
        english = re.fullmatch(r"/learn/([a-z0-9-]+)/", target)
        assert english is None or english.group(1) not in written, (
            f"{path.name} links to {link}; its Spanish page is /es{target}"
        )


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
