"""The education site's pages: thin views over the content loader and the search index."""

from __future__ import annotations

import json
from itertools import groupby
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from clonacare.education.content import SECTIONS, Article, load_articles
from clonacare.education.index import QueryError, search
from clonacare.education.models import ContentReview
from clonacare.education.review import ReviewStatus, status_of


def _articles() -> tuple[Article, ...]:
    return load_articles(settings.CONTENT_DIR / "articles")


def _review(page: Article, language: str = "en") -> ReviewStatus:
    return status_of(
        ContentReview.Kind.ARTICLE if language == "en" else ContentReview.Kind.ARTICLE_ES,
        page.slug,
        page.fingerprint,
        file_reviewer=page.reviewed_by,
        file_reviewed_on=page.reviewed_on,
    )


def by_slug_in(language: str) -> dict[str, Article]:
    """The articles written in ``language`` (content/articles/<language>/), by slug; each
    is the counterpart of the English article of the same slug."""
    directory = settings.CONTENT_DIR / "articles" / language
    if not directory.is_dir():
        return {}
    return {a.slug: a for a in load_articles(directory)}


def _sections(
    articles: tuple[Article, ...], language: str = "en"
) -> list[tuple[str, str, str, list[tuple[Article, str]]]]:
    """(key, name, the name's language, articles) for each section in site order, each
    article as (the article shown, its language):
    the one written in ``language`` where there is one, else the English article. The
    section names are in ``language`` when every article in the section is written in it,
    else in English, as its list is."""
    written = by_slug_in(language) if language != "en" else {}
    ordered = sorted(articles, key=lambda a: (list(SECTIONS).index(a.section), a.order))
    sections = []
    for key, group in groupby(ordered, key=lambda a: a.section):
        shown = [(written[a.slug], language) if a.slug in written else (a, "en") for a in group]
        named_in = language if all(code == language for _, code in shown) else "en"
        with translation.override(named_in):
            sections.append((key, str(SECTIONS[key]), named_in, shown))
    return sections


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
        "sections": _sections(articles, translation.get_language() or "en"),
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
    # The page in the visitor's language where it is written in it (issue 16: Spanish
    # articles are their own text, content/articles/es/); otherwise the English page,
    # in English, with the notice that says so.
    language = translation.get_language() or "en"
    written = by_slug_in(language).get(slug) if language != "en" else None
    shown, shown_in = (written, language) if written is not None else (page, "en")
    context: dict[str, Any] = {
        "article": shown,
        "article_language": shown_in,
        "previous": articles[index - 1] if index > 0 else None,
        "next": articles[index + 1] if index + 1 < len(articles) else None,
        "related": [
            (a, reverse("education:article", args=[a.slug]))
            for a in articles
            if a.section == page.section and a.slug != slug
        ],
        # Addresses in the visitor's language, worked out here: the page's own words may
        # be in another (the template renders them inside {% language %}).
        "home_url": reverse("education:home"),
        "page_url": reverse("education:article", args=[slug]),
        "previous_url": reverse("education:article", args=[articles[index - 1].slug])
        if index > 0
        else "",
        "next_url": reverse("education:article", args=[articles[index + 1].slug])
        if index + 1 < len(articles)
        else "",
        "json_ld": faq_json_ld(shown) if shown.faq else None,
        "review": _review(shown, shown_in),
    }
    return render(request, "education/article.html", context)


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    context: dict[str, Any] = {"query": query, "hits": [], "error": None}
    status = 200
    if query:
        try:
            context["hits"] = search(query, language=translation.get_language() or "en")
        except QueryError as exc:
            context["error"] = str(exc)
            status = 400
    return render(request, "education/search.html", context, status=status)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # No language switch or twins on a 404: it reads the same for a record that is
    # someone else's and one that does not exist, whatever the path.
    return render(request, "404.html", {"language_alternates": []}, status=404)
