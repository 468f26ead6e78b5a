"""The education site's pages: every article, its metadata, sources, review status and FAQ."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html import unescape
from pathlib import Path

import pytest
from django.test import Client

from clonacare.core.crisis import load_crisis_resources
from tests.conftest import REPO

pytestmark = pytest.mark.django_db
SLUGS = sorted(p.stem for p in (REPO / "content" / "articles").glob("*.md"))
CRISIS_TEXT = ("988", "911", "1-800-662-4357")


def visible_text(html: str) -> str:
    """The page's text without scripts, tags or the <head>, whitespace collapsed."""
    body = html.split("<body", 1)[1]
    body = re.sub(r"<script.*?</script>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body)))


def test_it_lists_every_article_on_the_home_page(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for slug in SLUGS:
        assert f'href="/learn/{slug}/"' in html
    assert (
        "<title>Clonazepam (Klonopin): risks, dependence and the safe way off · Clonacare" in html
    )


def test_the_home_page_lists_its_sources_and_review_status(client: Client) -> None:
    text = visible_text(client.get("/").content.decode())
    assert "Sources for this page" in text
    assert "FDA label: Klonopin (clonazepam) prescribing information, DailyMed" in text
    assert "Review status: awaiting clinical review." in text


@pytest.mark.parametrize("slug", SLUGS)
def test_it_renders_each_article_with_title_description_contents_and_sources(
    client: Client, slug: str
) -> None:
    response = client.get(f"/learn/{slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    title = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert title is not None
    assert f"<title>{title.group(1)} · Clonacare</title>" in html
    description = re.search(r'<meta name="description" content="([^"]+)">', html)
    assert description is not None
    assert 20 < len(description.group(1)) <= 160
    assert 'aria-labelledby="toc-title"' in html
    assert '<h2 id="sources-title">Sources</h2>' in html
    assert "Awaiting clinical review" in html
    assert "does not replace" in visible_text(html)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/learn/withdrawal/",
        "/search/",
        "/search/?q=taper",
        "/search/?q=%21%21",
        "/learn/no-such-page/",
    ],
)
def test_every_page_shows_the_crisis_resources_in_its_visible_text(
    client: Client, path: str
) -> None:
    text = visible_text(client.get(path).content.decode())
    for number in CRISIS_TEXT:
        assert number in text
    for resource in load_crisis_resources().resources:
        assert resource.name in text


def test_an_unknown_article_is_a_404_page_with_search(client: Client) -> None:
    response = client.get("/learn/no-such-page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_the_faq_carries_faqpage_json_ld_listing_every_question(client: Client) -> None:
    html = client.get("/learn/faq/").content.decode()
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match is not None
    data = json.loads(match.group(1))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "FAQPage"
    questions = [q["name"] for q in data["mainEntity"]]
    headings = [
        unescape(re.sub(r"<[^>]+>", "", h))
        for h in re.findall(r"<h2 id=\"[^\"]+\">(.*?)</h2>", html)
    ]
    page_questions = [h for h in headings if h.endswith("?")]
    assert len(questions) >= 8
    assert questions == page_questions
    for entity in data["mainEntity"]:
        assert entity["@type"] == "Question"
        assert entity["acceptedAnswer"]["@type"] == "Answer"
        assert len(entity["acceptedAnswer"]["text"]) > 40


def test_the_faq_answers_the_source_pages_eight_questions(client: Client) -> None:
    # The source page asks: what addiction is, how to recognise it, whether it can be
    # treated, long-term risks, whether supervised withdrawal is needed, which therapies,
    # which medications, how long recovery takes. Our own wording, one question each.
    html = client.get("/learn/faq/").content.decode().lower()
    questions = re.findall(r"<h2 id=\"[^\"]+\">(.*?)</h2>", html)
    topics = {
        "addiction": "addicted",
        "recognising it": "tell if",
        "treatment": "help for clonazepam addiction",
        "long-term risks": "for a long time",
        "supervision": "medical supervision",
        "therapies": "therapies",
        "medications": "medicines",
        "recovery time": "how long does recovery",
    }
    for topic, words in topics.items():
        assert any(words in q for q in questions), topic


def test_the_faq_follows_the_reference_not_detox_framing(client: Client) -> None:
    text = visible_text(client.get("/learn/faq/").content.decode()).lower()
    assert "gradual taper" in text
    assert "no medicine replaces the taper" in text
    assert "months to years" in text


# What the source page covers, each topic as a phrase our own articles must use.
TOPICS = {
    "what-is-clonazepam": ["benzodiazepine", "gaba", "half-life"],
    "uses-of-clonazepam": ["seizure", "panic disorder", "insomnia", "restless legs", "off-label"],
    "side-effects-and-risks": [
        "drowsy",
        "dizziness",
        "coordination",
        "boxed warning",
        "opioid",
        "suicidal",
        "dependence",
        "addiction",
    ],
    "withdrawal": ["seizures", "abrupt", "taper", "25%"],
    "dependence-and-addiction": ["risk factors", "craving", "physical dependence"],
    "treatment": [
        "assessment",
        "taper",
        "cognitive behavioural therapy",
        "counselling",
        "support groups",
        "co-occurring",
        "months to years",
    ],
    "support-groups": ["narcotics anonymous"],
    "outpatient-recovery": ["outpatient"],
    "dual-diagnosis": ["mental health"],
}


@pytest.mark.parametrize("slug", sorted(TOPICS))
def test_the_articles_cover_the_source_pages_topics(client: Client, slug: str) -> None:
    text = visible_text(client.get(f"/learn/{slug}/").content.decode()).lower()
    for phrase in TOPICS[slug]:
        assert phrase in text, phrase


def test_a_reviewed_article_names_its_reviewer_and_date(
    client: Client, content_dir: Callable[..., Path]
) -> None:
    content_dir(reviewed_by="Dr. Jordan Rivera", reviewed_on="2026-11-20")
    html = client.get("/learn/test-article/").content.decode()
    assert "Clinically reviewed" in html
    assert "Dr. Jordan Rivera" in html
    assert '<time datetime="2026-11-20">20 November 2026</time>' in html
    assert "Awaiting clinical review" not in html


def test_an_unreviewed_article_says_it_awaits_review(
    client: Client, content_dir: Callable[..., Path]
) -> None:
    content_dir()
    text = visible_text(client.get("/learn/test-article/").content.decode())
    assert "Awaiting clinical review" in text
    assert "Review status: awaiting clinical review." in text


def test_article_pages_only_answer_get(client: Client) -> None:
    assert client.post("/learn/faq/").status_code == 405
