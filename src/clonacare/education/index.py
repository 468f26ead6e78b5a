"""Search across the education articles: SQLite FTS5 or PostgreSQL full-text search."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.models import F
from django.utils.safestring import SafeString, mark_safe

from clonacare.core.drugs import brand_names
from clonacare.education.content import load_articles
from clonacare.education.models import SearchDocument

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
_WORD = re.compile(r"\w+", re.UNICODE)
# Highlight markers that cannot occur in article text; escaped text is then marked up.
_START, _STOP = "\x02", "\x03"


class QueryError(ValueError):
    """A search the site cannot run; the message is shown to the visitor."""


@dataclass(frozen=True)
class SearchHit:
    slug: str
    title: str
    summary: str
    snippet: SafeString


def rebuild_search_index(using: str = "default") -> int:
    """Replace the index with the articles on disk, in one transaction; returns the count."""
    articles = load_articles(settings.CONTENT_DIR / "articles")
    connection = connections[using]
    with transaction.atomic(using=using):
        SearchDocument.objects.using(using).all().delete()
        SearchDocument.objects.using(using).bulk_create(
            SearchDocument(
                slug=a.slug, title=a.title, summary=a.summary, section=a.section, body=a.text
            )
            for a in articles
        )
        if connection.vendor == "postgresql":
            SearchDocument.objects.using(using).update(search_vector=_weighted_vector())
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM education_fts")
                cursor.executemany(
                    "INSERT INTO education_fts (slug, title, summary, body) "
                    "VALUES (%s, %s, %s, %s)",
                    [(a.slug, a.title, a.summary, a.text) for a in articles],
                )
    return len(articles)


def _brand_phrases() -> dict[tuple[str, ...], str]:
    # Brand names visitors type ("Xanax XR" is two words), from the drug data, each
    # searched as the generic name the articles use.
    return {tuple(_WORD.findall(brand)): drug for brand, drug in brand_names().items()}


def _generic_names(words: list[str]) -> list[str]:
    """``words`` with every brand name, however many words long, as its generic name;
    the longest brand wins where two start at the same word."""
    phrases = _brand_phrases()
    longest = max((len(p) for p in phrases), default=0)
    terms: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            drug = phrases.get(tuple(words[i : i + size]))
            if drug is not None:
                terms.append(drug)
                i += size
                break
        else:
            terms.append(words[i])
            i += 1
    return terms


def query_terms(query: str) -> list[str]:
    """The words of a visitor's query, brand names (any case) as their generic name;
    QueryError when it is too long or has no words."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"Please shorten your search to {MAX_QUERY_CHARS} characters or fewer.")
    terms = _generic_names(_WORD.findall(query.lower())[:MAX_TERMS])
    if not terms:
        raise QueryError("Please type at least one word to search for.")
    return terms


def _mark(snippet: str) -> SafeString:
    html = escape(snippet).replace(_START, "<mark>").replace(_STOP, "</mark>")
    return mark_safe(html)  # noqa: S308  (escaped above; only our own <mark> tags added)


def search(query: str, using: str = "default", limit: int = 20) -> list[SearchHit]:
    """Articles matching every word of ``query``, best first, with a highlighted snippet."""
    terms = query_terms(query)
    if connections[using].vendor == "postgresql":
        return _search_postgresql(terms, using, limit)
    return _search_sqlite(terms, using, limit)


def _search_sqlite(terms: list[str], using: str, limit: int) -> list[SearchHit]:
    # Each word quoted (so FTS5 syntax in the query is only ever text) and prefix-matched.
    match = " ".join('"{}"*'.format(t.replace('"', "")) for t in terms)
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT slug, title, summary, snippet(education_fts, 3, %s, %s, '…', 24) "
            "FROM education_fts WHERE education_fts MATCH %s "
            "ORDER BY bm25(education_fts, 0.0, 10.0, 4.0, 1.0) LIMIT %s",
            [_START, _STOP, match, limit],
        )
        rows = cursor.fetchall()
    return [SearchHit(slug, title, summary, _mark(snip)) for slug, title, summary, snip in rows]


def _weighted_vector() -> Any:
    from django.contrib.postgres.search import SearchVector

    return (
        SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("body", weight="C", config="english")
    )


def _search_postgresql(terms: list[str], using: str, limit: int) -> list[SearchHit]:
    from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank

    # Prefix-match every word, as on SQLite; raw tsquery built only from \w+ words.
    query = SearchQuery(" & ".join(f"{t}:*" for t in terms), search_type="raw", config="english")
    rows = (
        SearchDocument.objects.using(using)
        .filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .annotate(
            snippet=SearchHeadline(
                "body",
                query,
                config="english",
                start_sel=_START,
                stop_sel=_STOP,
                max_words=35,
                min_words=15,
            )
        )
        .order_by("-rank", "slug")[:limit]
    )
    return [SearchHit(d.slug, d.title, d.summary, _mark(d.snippet)) for d in rows]


def rebuild_after_migrate(sender: object, using: str = "default", **signal: object) -> None:
    """``post_migrate`` receiver (connected in ``EducationConfig.ready``): rebuild the
    index on the database just migrated."""
    rebuild_search_index(using=using)
