"""The clinician's review of patient-facing content (issue 16): a reviewer lists the
articles and CBT modules with their review status, reads a page's current version and
signs it off. Anyone without the reviewer role gets 404 for these pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.decorators import staff_required
from clonacare.core.errors import ClinicalError
from clonacare.education.content import load_articles
from clonacare.education.models import ContentReview
from clonacare.education.review import Page, do_sign_off, pages, reviewer_of, status_of
from clonacare.therapy.content import load_modules, load_translations


def _reviewer_only(request: HttpRequest) -> None:
    if reviewer_of(actor_from_request(request)) is None:
        raise Http404("No such page.")


@require_GET
@staff_required
def content_review(request: HttpRequest) -> HttpResponse:
    _reviewer_only(request)
    rows = [(page, status_of(page.kind, page.slug, page.fingerprint)) for page in pages()]
    return render(request, "clinic/content_review.html", {"rows": rows})


def _body(page: Page) -> str:
    """The page's text as patients read it (HTML written by our own content loader)."""
    if page.kind in (ContentReview.Kind.ARTICLE, ContentReview.Kind.ARTICLE_ES):
        folder = settings.CONTENT_DIR / "articles"
        if page.kind == ContentReview.Kind.ARTICLE_ES:
            folder = folder / "es"
        article = next(a for a in load_articles(folder) if a.slug == page.slug)
        return article.html
    if page.kind == ContentReview.Kind.MODULE_ES:
        module = load_translations("es")[page.slug]
    else:
        module = next(m for m in load_modules() if m.slug == page.slug)
    sections = "".join(f"<h2>{s.title}</h2>{s.html}" for s in module.sections)
    return module.intro_html + sections


@require_http_methods(["GET", "POST"])
@staff_required
def review_page(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """GET: the page's current version and the sign-off form (with its fingerprint).
    POST: the sign-off of the version read; refused (409) when the page changed since."""
    _reviewer_only(request)
    page = next((p for p in pages() if p.kind == kind and p.slug == slug), None)
    if page is None:
        raise Http404("No such article or CBT module.")
    error = None
    status = 200
    if request.method == "POST":
        if request.POST.get("read") != "yes":
            error = "Tick the box to confirm you have read this version."
            status = 400
        else:
            try:
                do_sign_off(
                    actor_from_request(request),
                    kind,
                    slug,
                    request.POST.get("fingerprint", ""),
                    now=timezone.now(),
                )
            except ClinicalError as exc:
                error, status = exc.message, exc.kind.status
            else:
                return redirect("clinic:content-review")
    context: dict[str, Any] = {
        "page": page,
        "status": status_of(page.kind, page.slug, page.fingerprint),
        "body": mark_safe(_body(page)),  # noqa: S308  (our own Markdown rendering)
        "error": error,
        # On a refusal the form keeps the version the reviewer read, so a stale sign-off
        # is refused again until they reload the page and read the new one.
        "fingerprint": request.POST.get("fingerprint", page.fingerprint)
        if request.method == "POST"
        else page.fingerprint,
    }
    return render(request, "clinic/content_review_page.html", context, status=status)
