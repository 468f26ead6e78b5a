"""The education site's pages: thin views over the content loader and the search index."""

from __future__ import annotations

import json
from itertools import groupby
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from clonacare.education.content import SECTIONS, Article, load_articles
from clonacare.education.index import QueryError, search
from clonacare.education.models import ContentReview
from clonacare.education.review import ReviewStatus, status_of


def _articles() -> tuple[Article, ...]:
    return load_articles(settings.CONTENT_DIR / "articles")


def _review(page: Article) -> ReviewStatus:
    return status_of(
        ContentReview.Kind.ARTICLE,
        page.slug,
        page.fingerprint,
        file_reviewer=page.reviewed_by,
        file_reviewed_on=page.reviewed_on,
    )


def _sections(articles: tuple[Article, ...]) -> list[tuple[str, str, list[Article]]]:
    ordered = sorted(articles, key=lambda a: (list(SECTIONS).index(a.section), a.order))
    grouped = groupby(ordered, key=lambda a: a.section)
    return [(key, SECTIONS[key], list(group)) for key, group in grouped]


def faq_json_ld(article: Article) -> SafeString:
    """schema.org FAQPage JSON-LD for a questions page, safe inside a <script> element."""
    data = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "name": article.title,
        "mainEntity": [
            {
                "@type": "Question",
                "name": item.question,
                "acceptedAnswer": {"@type": "Answer", "text": item.answer_text},
            }
            for item in article.faq
        ],
    }
    text = json.dumps(data, ensure_ascii=False)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, code)
    return mark_safe(text)  # noqa: S308  (JSON with <, >, & escaped: cannot close the script)


HOME_PAGE_BASIS = ("what-is-clonazepam", "withdrawal")


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    articles = _articles()
    # The home page's own claims (what the drug is; do not stop suddenly) summarise these
    # articles, so it lists their sources and is reviewed only when they all are.
    basis = [a for a in articles if a.slug in HOME_PAGE_BASIS]
    sources = list(dict.fromkeys(source for a in basis for source in a.sources))
    context = {
        "sections": _sections(articles),
        "sources": sources,
        "reviewed": bool(basis) and all(_review(a).reviewed for a in basis),
    }
    return render(request, "education/home.html", context)


@require_safe
def article(request: HttpRequest, slug: str) -> HttpResponse:
    articles = _articles()
    by_slug = {a.slug: a for a in articles}
    if slug not in by_slug:
        raise Http404("No such article.")
    page = by_slug[slug]
    index = articles.index(page)
    context: dict[str, Any] = {
        "article": page,
        "previous": articles[index - 1] if index > 0 else None,
        "next": articles[index + 1] if index + 1 < len(articles) else None,
        "related": [a for a in articles if a.section == page.section and a.slug != slug],
        "json_ld": faq_json_ld(page) if page.faq else None,
        "review": _review(page),
    }
    return render(request, "education/article.html", context)


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    context: dict[str, Any] = {"query": query, "hits": [], "error": None}
    status = 200
    if query:
        try:
            context["hits"] = search(query)
        except QueryError as exc:
            context["error"] = str(exc)
            status = 400
    return render(request, "education/search.html", context, status=status)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # No language switch or twins on a 404: it reads the same for a record that is
    # someone else's and one that does not exist, whatever the path.
    return render(request, "404.html", {"language_alternates": []}, status=404)
