"""Search across the education articles: SQLite FTS5 or PostgreSQL full-text search.

Each language has its own index: English articles (content/articles/) with English
stemming, Spanish articles (content/articles/es/) with Spanish rules that ignore accents,
so "reducción" and "reduccion" find the same pages. A search in Spanish lists the
Spanish articles first, then the English articles not yet written in Spanish (the site
shows those in English on its Spanish pages too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.models import F
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from clonacare.core.drugs import brand_names
from clonacare.education.content import Article, load_articles
from clonacare.education.models import SearchDocument

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
_WORD = re.compile(r"\w+", re.UNICODE)
# Highlight markers that cannot occur in article text; escaped text is then marked up.
_START, _STOP = "\x02", "\x03"
# Per language: the SQLite FTS5 table (migrations 0002 and 0006) and PostgreSQL's
# text-search configuration. PostgreSQL's spanish stemmer drops acute accents from the
# words it indexes and from the words searched for, so no unaccent extension is needed.
FTS_TABLE = {"en": "education_fts", "es": "education_fts_es"}
PG_CONFIG = {"en": "english", "es": "spanish"}


class QueryError(ValueError):
    """A search the site cannot run; the message is shown to the visitor."""


@dataclass(frozen=True)
class SearchHit:
    slug: str
    title: str
    summary: str
    snippet: SafeString
    # The language the article is written in: "es" for a Spanish article, "en" for an
    # English one (also found by a Spanish search when it has no Spanish version).
    language: str = "en"


def _articles_by_language() -> dict[str, tuple[Article, ...]]:
    root = settings.CONTENT_DIR / "articles"
    found = {"en": load_articles(root)}
    for language in FTS_TABLE:
        if language != "en" and (root / language).is_dir():
            found[language] = load_articles(root / language)
    return found


def rebuild_search_index(using: str = "default") -> int:
    """Replace the index with the articles on disk, every language, in one transaction;
    returns the count of documents (an article written in two languages counts twice)."""
    by_language = _articles_by_language()
    connection = connections[using]
    with transaction.atomic(using=using):
        SearchDocument.objects.using(using).all().delete()
        SearchDocument.objects.using(using).bulk_create(
            SearchDocument(
                slug=a.slug,
                language=language,
                title=a.title,
                summary=a.summary,
                section=a.section,
                body=a.text,
            )
            for language, articles in by_language.items()
            for a in articles
        )
        if connection.vendor == "postgresql":
            for language in by_language:
                SearchDocument.objects.using(using).filter(language=language).update(
                    search_vector=_weighted_vector(PG_CONFIG[language])
                )
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                for language, table in FTS_TABLE.items():
                    cursor.execute(f"DELETE FROM {table}")  # noqa: S608  (a name of ours)
                    cursor.executemany(
                        f"INSERT INTO {table} (slug, title, summary, body) "  # noqa: S608
                        "VALUES (%s, %s, %s, %s)",
                        [
                            (a.slug, a.title, a.summary, a.text)
                            for a in by_language.get(language, ())
                        ],
                    )
    return sum(len(articles) for articles in by_language.values())


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
        raise QueryError(
            gettext("Please shorten your search to %(count)d characters or fewer.")
            % {"count": MAX_QUERY_CHARS}
        )
    terms = _generic_names(_WORD.findall(query.lower())[:MAX_TERMS])
    if not terms:
        raise QueryError(gettext("Please type at least one word to search for."))
    return terms


def _mark(snippet: str) -> SafeString:
    html = escape(snippet).replace(_START, "<mark>").replace(_STOP, "</mark>")
    return mark_safe(html)  # noqa: S308  (escaped above; only our own <mark> tags added)


def search(
    query: str, using: str = "default", limit: int = 20, language: str = "en"
) -> list[SearchHit]:
    """Articles matching every word of ``query``, best first, with a highlighted snippet.

    ``language`` is the visitor's ("en" or "es"; any other searches as English): in
    Spanish, the Spanish articles come first, then English articles that have no Spanish
    version. QueryError (from ``query_terms``) for a query too long or without words.
    """
    terms = query_terms(query)
    if language not in FTS_TABLE or language == "en":
        return _search_in("en", terms, using, limit)
    hits = _search_in(language, terms, using, limit)
    written = set(
        SearchDocument.objects.using(using).filter(language=language).values_list("slug", flat=True)
    )
    english = [h for h in _search_in("en", terms, using, limit) if h.slug not in written]
    return (hits + english)[:limit]


def _search_in(language: str, terms: list[str], using: str, limit: int) -> list[SearchHit]:
    if connections[using].vendor == "postgresql":
        return _search_postgresql(terms, using, limit, language)
    return _search_sqlite(terms, using, limit, language)


def _search_sqlite(terms: list[str], using: str, limit: int, language: str) -> list[SearchHit]:
    # Each word quoted (so FTS5 syntax in the query is only ever text) and prefix-matched.
    match = " ".join('"{}"*'.format(t.replace('"', "")) for t in terms)
    table = FTS_TABLE[language]
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT slug, title, summary, snippet({table}, 3, %s, %s, '…', 24) "  # noqa: S608
            f"FROM {table} WHERE {table} MATCH %s "
            f"ORDER BY bm25({table}, 0.0, 10.0, 4.0, 1.0) LIMIT %s",
            [_START, _STOP, match, limit],
        )
        rows = cursor.fetchall()
    return [
        SearchHit(slug, title, summary, _mark(snip), language)
        for slug, title, summary, snip in rows
    ]


def _weighted_vector(config: str) -> Any:
    from django.contrib.postgres.search import SearchVector

    return (
        SearchVector("title", weight="A", config=config)
        + SearchVector("summary", weight="B", config=config)
        + SearchVector("body", weight="C", config=config)
    )


def _search_postgresql(terms: list[str], using: str, limit: int, language: str) -> list[SearchHit]:
    from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank

    config = PG_CONFIG[language]
    # Prefix-match every word, as on SQLite; raw tsquery built only from \w+ words.
    query = SearchQuery(" & ".join(f"{t}:*" for t in terms), search_type="raw", config=config)
    rows = (
        SearchDocument.objects.using(using)
        .filter(language=language, search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .annotate(
            snippet=SearchHeadline(
                "body",
                query,
                config=config,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=35,
                min_words=15,
            )
        )
        .order_by("-rank", "slug")[:limit]
    )
    return [SearchHit(d.slug, d.title, d.summary, _mark(d.snippet), language) for d in rows]


def rebuild_after_migrate(sender: object, using: str = "default", **signal: object) -> None:
    """``post_migrate`` receiver (connected in ``EducationConfig.ready``): rebuild the
    index on the database just migrated."""
    rebuild_search_index(using=using)
