"""Sources as links (issue 16): an article's sources link to their public addresses from
CONTENT_DIR/sources.toml, a source without one stays text, and a bad file is refused."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from clonacare.education.content import ContentError, load_articles
from clonacare.therapy.content import load_modules
from clonacare.therapy.models import ModuleAssignment
from tests.personas import World, signed_in

web_page = pytest.mark.django_db

ARTICLE = """---
title: "Title"
summary: "Summary."
section: basics
order: 1
sources:
  - "Book 1999: a printed book"
  - "FDA 2020: a safety communication"
  - "Own address: https://example.org/own"
reviewed_by: ""
reviewed_on: ""
---
Text.
"""


def sources_section(html: str) -> str:
    found = re.search(r'<section class="sources".*?</section>', html, flags=re.S)
    assert found, "the page has no sources section"
    return found.group(0)


@web_page
def test_an_article_links_its_sources_to_their_public_addresses(client: Client) -> None:
    page = client.get("/learn/withdrawal/")
    assert page.status_code == 200
    section = sources_section(page.content.decode())
    assert (
        '<a href="https://doi.org/10.1007/s11606-025-09499-2" rel="noopener">ASAM 2025: Joint'
        in section
    )
    assert 'href="https://www.fda.gov/drugs/drug-safety-and-availability/' in section
    # Nothing on the page claims a date the address was checked: none was opened live.
    assert "checked" not in section


@web_page
def test_a_source_without_an_address_stays_text(client: Client) -> None:
    section = sources_section(client.get("/learn/treatment/").content.decode())
    item = re.search(r"<li[^>]*>(ASAM Criteria: The ASAM Criteria[^<]*)</li>", section)
    assert item, "the ASAM Criteria (a printed book) should be listed as plain text"


@web_page
def test_a_source_that_carries_its_own_address_shows_it_as_a_link(client: Client) -> None:
    section = sources_section(client.get("/learn/other-benzodiazepines/").content.decode())
    assert '<a href="https://open.fda.gov/apis/drug/" rel="noopener">openFDA NDC' in section
    assert ": https://open.fda.gov" not in section


@web_page
def test_the_spanish_article_links_the_same_sources(client: Client) -> None:
    section = sources_section(client.get("/es/learn/withdrawal/").content.decode())
    assert 'href="https://doi.org/10.1007/s11606-025-09499-2"' in section


def write(tmp_path: Path, sources_toml: str) -> Path:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "one.md").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "sources.toml").write_text(sources_toml, encoding="utf-8")
    return articles


def test_entries_link_by_the_start_of_the_text_and_a_checked_date_is_shown(
    tmp_path: Path,
) -> None:
    articles = write(
        tmp_path,
        '[[source]]\nstarts_with = "FDA 2020"\nurl = "https://fda.example/x"\n'
        'found = "test"\nchecked = 2026-12-01\n',
    )
    book, fda, own = load_articles(articles)[0].sources
    assert (book, book.url, book.__html__()) == (
        "Book 1999: a printed book",
        None,
        "Book 1999: a printed book",
    )
    assert fda.url == "https://fda.example/x"
    assert fda.__html__() == (
        '<a href="https://fda.example/x" rel="noopener">FDA 2020: a safety communication</a>'
        " (checked 2026-12-01)"
    )
    assert (own, own.url) == ("Own address", "https://example.org/own")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            'starts_with = "FDA"\nurl = "http://fda.example/x"\nfound = "t"\n',
            "sources.toml [[source]] #1: 'url' must be one https:// address.",
        ),
        (
            'starts_with = ""\nurl = "https://fda.example/x"\nfound = "t"\n',
            "sources.toml [[source]] #1: 'starts_with' must be a non-empty string.",
        ),
        (
            'starts_with = "FDA"\nurl = "https://fda.example/x"\n',
            "sources.toml [[source]] #1: 'found' must say where the address was seen.",
        ),
        (
            'starts_with = "FDA"\nurl = "https://f.example/"\nfound = "t"\nchecked = "soon"\n',
            "sources.toml [[source]] #1: 'checked' must be a date (2026-12-04) or empty.",
        ),
        (
            'starts_with = "FDA"\nurl = "https://f.example/"\nfound = "t"\nlink = "x"\n',
            "sources.toml [[source]] #1: unknown field(s): link.",
        ),
    ],
)
def test_a_bad_sources_file_is_refused_naming_the_entry(
    tmp_path: Path, entry: str, message: str
) -> None:
    articles = write(tmp_path, "[[source]]\n" + entry)
    with pytest.raises(ContentError) as refused:
        load_articles(articles)
    assert str(refused.value) == message


def test_every_entry_of_the_shipped_file_links_a_source_the_content_names() -> None:
    data = tomllib.loads((Path(settings.CONTENT_DIR) / "sources.toml").read_text("utf-8"))
    named = {s for a in load_articles(Path(settings.CONTENT_DIR) / "articles") for s in a.sources}
    named |= {s for m in load_modules() for s in m.sources}
    for entry in data["source"]:
        assert any(s.startswith(entry["starts_with"]) for s in named), entry["starts_with"]
        # An address nobody opened carries no "checked" date (issue 16).
        assert entry["checked"] == ""


@web_page
def test_a_modules_sources_link_in_the_portal(client: Client, world: World) -> None:
    ModuleAssignment.objects.create(
        patient=world.alex, module="sleep", assigned_by=world.lee, assigned_at=timezone.now()
    )
    page = signed_in(client, "alex").get("/portal/modules/sleep/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<a href="https://doi.org/10.5664/jcsm.8986" rel="noopener">Edinger JD et al.' in html
    assert '<a href="https://doi.org/10.7326/M15-2175" rel="noopener">Qaseem A et al.' in html
