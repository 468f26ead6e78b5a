"""Education articles: Markdown files with YAML front matter, rendered for the site.

An article file is ``<slug>.md`` in ``CONTENT_DIR/articles``::

    ---
    title: "..."            # the page's h1 and <title>
    summary: "..."          # meta description and home-page blurb (at most 160 characters)
    section: basics         # one of SECTIONS
    order: 10               # sort order across the site
    sources: ["...", ...]   # what the facts come from, listed on the page
    reviewed_by: ""         # a clinician's name, once reviewed; empty until then
    reviewed_on: ""         # ISO date of that review; empty until then
    ---
    Markdown body; ## and ### headings make the table of contents.

In the ``questions`` section every ``##`` heading is a question and what follows it,
up to the next ``##``, its answer (schema.org FAQPage).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from html import unescape
from pathlib import Path
from typing import Any

import markdown
from django.utils.translation import gettext_lazy

from clonacare.core.frontmatter import review_date, split_front_matter
from clonacare.education.sources import Source, SourceLink, SourcesError, linked, load_links

# Marked for translation: an article written in Spanish names its section in Spanish
# (its page renders in its own language); pages in English keep these words.
SECTIONS: Mapping[str, object] = {
    "basics": gettext_lazy("Understanding clonazepam"),
    "risks": gettext_lazy("Risks, side effects and withdrawal"),
    "dependence": gettext_lazy("Dependence and addiction"),
    "treatment": gettext_lazy("Treatment and recovery"),
    "questions": gettext_lazy("Questions and answers"),
    "related": gettext_lazy("Related reading"),
}
REQUIRED = ("title", "summary", "section", "order", "sources", "reviewed_by", "reviewed_on")
SUMMARY_MAX_CHARS = 160
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TAG = re.compile(r"<[^>]+>")


class ContentError(Exception):
    """An article file that cannot be published; the message names the file and field."""


@dataclass(frozen=True)
class TocEntry:
    anchor: str
    title: str
    level: int


@dataclass(frozen=True)
class FaqItem:
    question: str
    answer_html: str
    answer_text: str


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    summary: str
    section: str
    order: int
    # Each the source's text, rendered as a link where it has a public address
    # (education/sources.py, CONTENT_DIR/sources.toml).
    sources: tuple[Source, ...]
    reviewed_by: str
    reviewed_on: dt.date | None
    html: str
    text: str
    toc: tuple[TocEntry, ...]
    faq: tuple[FaqItem, ...]
    # The version's fingerprint: SHA-256 of the file's text. A clinician's review in the
    # app is of one fingerprint; any edit makes a new one (education/review.py).
    fingerprint: str = ""

    @property
    def section_title(self) -> str:
        return str(SECTIONS[self.section])

    @property
    def is_reviewed(self) -> bool:
        return bool(self.reviewed_by) and self.reviewed_on is not None


def html_to_text(html: str) -> str:
    """Plain text of rendered HTML, whitespace collapsed (for search and JSON-LD)."""
    return re.sub(r"\s+", " ", unescape(_TAG.sub(" ", html))).strip()


def _split_front_matter(raw: str, name: str) -> tuple[dict[str, Any], str]:
    return split_front_matter(raw, name, ContentError)


def _validate(meta: dict[str, Any], name: str) -> None:
    missing = [key for key in REQUIRED if key not in meta]
    if missing:
        raise ContentError(f"{name}: missing front matter field(s): {', '.join(missing)}.")
    unknown = sorted(set(meta) - set(REQUIRED))
    if unknown:
        raise ContentError(f"{name}: unknown front matter field(s): {', '.join(unknown)}.")
    for key in ("title", "summary"):
        if not isinstance(meta[key], str) or not meta[key].strip():
            raise ContentError(f"{name}: '{key}' must be a non-empty string.")
    if len(meta["summary"]) > SUMMARY_MAX_CHARS:
        raise ContentError(f"{name}: 'summary' is longer than {SUMMARY_MAX_CHARS} characters.")
    if meta["section"] not in SECTIONS:
        raise ContentError(f"{name}: 'section' must be one of {', '.join(SECTIONS)}.")
    if not isinstance(meta["order"], int) or isinstance(meta["order"], bool):
        raise ContentError(f"{name}: 'order' must be a whole number.")
    sources = meta["sources"]
    if (
        not isinstance(sources, list)
        or not sources
        or not all(isinstance(s, str) and s.strip() for s in sources)
    ):
        raise ContentError(f"{name}: 'sources' must be a non-empty list of strings.")
    if not isinstance(meta["reviewed_by"], str):
        raise ContentError(f"{name}: 'reviewed_by' must be a string (empty until reviewed).")


def _review_date(value: Any, name: str) -> dt.date | None:
    return review_date(value, name, ContentError)


def _toc(tokens: list[dict[str, Any]]) -> tuple[TocEntry, ...]:
    entries: list[TocEntry] = []
    for token in tokens:
        entries.append(
            TocEntry(anchor=token["id"], title=html_to_text(token["name"]), level=token["level"])
        )
        entries.extend(_toc(token.get("children", [])))
    return tuple(entries)


def _faq(html: str) -> tuple[FaqItem, ...]:
    parts = re.split(r"<h2[^>]*>(.*?)</h2>", html, flags=re.S)
    items = []
    for question, answer in zip(parts[1::2], parts[2::2], strict=True):
        items.append(
            FaqItem(
                question=html_to_text(question),
                answer_html=answer.strip(),
                answer_text=html_to_text(answer),
            )
        )
    return tuple(items)


def parse_article(
    raw: str, slug: str, name: str | None = None, links: tuple[SourceLink, ...] = ()
) -> Article:
    """Parse one article file's text. Raises ContentError naming the file and the fault."""
    name = name or f"{slug}.md"
    if not _SLUG.match(slug):
        raise ContentError(f"{name}: the file name must be a lowercase slug like 'withdrawal.md'.")
    meta, body = _split_front_matter(raw, name)
    _validate(meta, name)
    reviewed_on = _review_date(meta["reviewed_on"], name)
    if bool(meta["reviewed_by"].strip()) != (reviewed_on is not None):
        raise ContentError(f"{name}: 'reviewed_by' and 'reviewed_on' are filled in together.")
    md = markdown.Markdown(
        extensions=["toc", "tables", "sane_lists", "smarty"],
        extension_configs={"toc": {"toc_depth": "2-3"}},
        output_format="html",
    )
    html = md.convert(body)
    faq = _faq(html) if meta["section"] == "questions" else ()
    if meta["section"] == "questions" and not faq:
        raise ContentError(f"{name}: a questions page needs '## Question?' headings.")
    return Article(
        slug=slug,
        title=meta["title"].strip(),
        summary=meta["summary"].strip(),
        section=meta["section"],
        order=meta["order"],
        sources=tuple(linked(s.strip(), links) for s in meta["sources"]),
        reviewed_by=meta["reviewed_by"].strip(),
        reviewed_on=reviewed_on,
        html=html,
        text=html_to_text(html),
        toc=_toc(getattr(md, "toc_tokens", [])),
        faq=faq,
        fingerprint=hashlib.sha256(raw.encode("utf-8")).hexdigest(),
    )


@lru_cache(maxsize=4)
def _load(
    directory: Path, stamp: tuple[tuple[str, float], ...], links: tuple[SourceLink, ...]
) -> tuple[Article, ...]:
    articles = [
        parse_article(path.read_text(encoding="utf-8"), path.stem, path.name, links)
        for path in sorted(directory.glob("*.md"))
    ]
    return tuple(sorted(articles, key=lambda a: (a.order, a.slug)))


def load_articles(directory: Path) -> tuple[Article, ...]:
    """Every article in ``directory`` in site order; re-read when a file changes.

    Raises ContentError for the first file that cannot be published (the sources file
    included).
    """
    try:
        links = load_links(directory)
    except SourcesError as exc:
        raise ContentError(str(exc)) from None
    stamp = tuple(sorted((p.name, p.stat().st_mtime) for p in directory.glob("*.md")))
    return _load(directory, stamp, links)
