"""A clinician's review of patient-facing content, recorded in the app (issue 16).

A site admin grants a clinician the reviewer role (``do_grant_reviewer``: the command
``clonacare reviewer``), with the credentials each review will show. The reviewer signs
off one version of an article or CBT module (``do_sign_off``): the version is the file's
fingerprint (SHA-256 of its text), sent back from the page the reviewer read, so a file
edited in between is refused rather than signed unread. A page shows its review while it
is still that version (``review_of``); any later edit returns it to "awaiting clinical
review". No review is made up: only these records, or the file's own ``reviewed_by``
(left empty in every file shipped), ever show one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from clonacare.accounts.models import CLINICAL_ROLES, Membership
from clonacare.audit.log import Actor, record
from clonacare.core.errors import ClinicalError
from clonacare.education.content import load_articles
from clonacare.education.models import ClinicalReviewer, ContentReview
from clonacare.therapy.content import Module, load_modules, load_translations

# The audit actor of a grant made on the server's command line by a site admin.
COMMAND_LINE = Actor(
    user_id=None,
    username="clonacare",
    role="system",
    program_id=None,
    ip_address=None,
    user_agent="clonacare reviewer",
)

NOT_A_REVIEWER = "Only a clinician granted the reviewer role signs off articles and CBT modules."
STALE = "This page has changed since you opened it. Read the current version, then sign it off."


@dataclass(frozen=True)
class Page:
    """An article or CBT module as a reviewer sees it: its current version."""

    kind: str
    slug: str
    title: str
    fingerprint: str
    url: str


def pages() -> list[Page]:
    """Every article (English, then Spanish) and CBT module (English, then Spanish), each
    with its current fingerprint."""
    articles = [
        Page(ContentReview.Kind.ARTICLE, a.slug, a.title, a.fingerprint, f"/learn/{a.slug}/")
        for a in load_articles(settings.CONTENT_DIR / "articles")
    ]
    spanish_dir = settings.CONTENT_DIR / "articles" / "es"
    spanish = [
        Page(ContentReview.Kind.ARTICLE_ES, a.slug, a.title, a.fingerprint, f"/es/learn/{a.slug}/")
        for a in (load_articles(spanish_dir) if spanish_dir.is_dir() else ())
    ]
    modules = [
        Page(ContentReview.Kind.MODULE, m.slug, m.title, m.fingerprint, "") for m in load_modules()
    ]
    spanish_modules = [
        Page(ContentReview.Kind.MODULE_ES, m.slug, m.title, m.fingerprint, "")
        for m in load_translations("es").values()
    ]
    return articles + spanish + modules + spanish_modules


def reviewer_of(actor: Actor) -> ClinicalReviewer | None:
    """The actor's reviewer grant, if they are a clinician who holds one."""
    if actor.user_id is None or actor.role not in CLINICAL_ROLES:
        return None
    return ClinicalReviewer.objects.filter(user_id=actor.user_id).first()


def review_of(kind: str, slug: str, fingerprint: str) -> ContentReview | None:
    """The newest review of this very version of the page, or None."""
    return (
        ContentReview.objects.filter(kind=kind, slug=slug, fingerprint=fingerprint)
        .order_by("-reviewed_at", "-pk")
        .first()
    )


def last_review(kind: str, slug: str) -> ContentReview | None:
    """The newest review of any version of the page (to say an edit has left it behind)."""
    return (
        ContentReview.objects.filter(kind=kind, slug=slug).order_by("-reviewed_at", "-pk").first()
    )


def do_sign_off(
    actor: Actor, kind: str, slug: str, fingerprint: str, *, now: dt.datetime
) -> ContentReview:
    """Record ``actor``'s review of the version ``fingerprint`` of the page; audited as
    ``content.review``. Refused: someone without the reviewer role (``not-a-reviewer``),
    an unknown page (``review-page-not-found``), a version that is no longer the page's
    (``review-stale``: it changed since the reviewer opened it)."""
    reviewer = reviewer_of(actor)
    if reviewer is None:
        raise ClinicalError("not-a-reviewer", NOT_A_REVIEWER)
    page = next((p for p in pages() if p.kind == kind and p.slug == slug), None)
    if page is None:
        raise ClinicalError("review-page-not-found", "There is no such article or CBT module.")
    if fingerprint != page.fingerprint:
        raise ClinicalError("review-stale", STALE)
    user = reviewer.user
    with transaction.atomic():
        review = ContentReview.objects.create(
            kind=kind,
            slug=slug,
            fingerprint=fingerprint,
            reviewer=user,
            reviewer_name=user.get_full_name() or user.username,
            credentials=reviewer.credentials,
            reviewed_at=now,
        )
        record(
            actor,
            "content.review",
            target=review,
            detail={"kind": kind, "slug": slug, "fingerprint": fingerprint},
        )
    return review


def do_grant_reviewer(username: str, credentials: str, *, now: dt.datetime) -> ClinicalReviewer:
    """Give the clinician ``username`` the reviewer role with ``credentials`` (shown with
    each review), or change their credentials; run by a site admin on the server
    (``clonacare reviewer``), audited as ``reviewer.grant``. Refused (``reviewer``) for an
    unknown user, one who is not a clinician, or empty credentials."""
    credentials = credentials.strip()
    if not credentials:
        raise ClinicalError("reviewer", "Give the reviewer's credentials, e.g. 'MD, psychiatry'.")
    user = User.objects.filter(username__iexact=username).first()
    if user is None:
        raise ClinicalError("reviewer", f"There is no user {username!r}.")
    role = Membership.objects.filter(user=user).values_list("role", flat=True).first()
    if role not in CLINICAL_ROLES:
        raise ClinicalError(
            "reviewer",
            f"{user.username} is not a clinician (a prescriber, nurse or counsellor); "
            "only clinicians review content.",
        )
    with transaction.atomic():
        reviewer, _ = ClinicalReviewer.objects.update_or_create(
            user=user, defaults={"credentials": credentials, "granted_at": now}
        )
        record(
            COMMAND_LINE,
            "reviewer.grant",
            target=reviewer,
            detail={"username": user.username, "credentials": credentials},
        )
    return reviewer


def do_revoke_reviewer(username: str) -> bool:
    """Take the reviewer role from ``username`` (their past reviews stay); audited as
    ``reviewer.revoke``. False when they had none."""
    with transaction.atomic():
        found = ClinicalReviewer.objects.filter(user__username__iexact=username).first()
        if found is None:
            return False
        record(COMMAND_LINE, "reviewer.revoke", detail={"username": found.user.username})
        found.delete()
    return True


@dataclass(frozen=True)
class ReviewStatus:
    """What a page says about its review: who reviewed this version and when (``by``
    with credentials, ``on``), or that it awaits review, perhaps having changed since an
    earlier version was reviewed (``earlier_on``)."""

    by: str = ""
    on: dt.date | None = None
    earlier_on: dt.date | None = None

    @property
    def reviewed(self) -> bool:
        return self.on is not None

    def text(self) -> str:
        """One line: "Reviewed by <name>, <credentials> on <date>" or the draft status."""
        if self.on is not None:
            return f"Reviewed by {self.by} on {self.on:%-d %B %Y}"
        if self.earlier_on is not None:
            return (
                f"Awaiting clinical review: changed since a clinician reviewed it on "
                f"{self.earlier_on:%-d %B %Y}"
            )
        return "Awaiting clinical review"


def status_of(
    kind: str,
    slug: str,
    fingerprint: str,
    *,
    file_reviewer: str = "",
    file_reviewed_on: dt.date | None = None,
) -> ReviewStatus:
    """The review status of a page's current version: a review signed in the app for
    this fingerprint, else one written in the file itself (``reviewed_by``), else none."""
    review = review_of(kind, slug, fingerprint)
    if review is not None:
        return ReviewStatus(
            by=f"{review.reviewer_name}, {review.credentials}", on=review.reviewed_at.date()
        )
    if file_reviewer and file_reviewed_on is not None:
        return ReviewStatus(by=file_reviewer, on=file_reviewed_on)
    earlier = last_review(kind, slug)
    return ReviewStatus(earlier_on=earlier.reviewed_at.date() if earlier else None)


def module_status(module: Module, language: str = "en") -> ReviewStatus:
    """The review status of a CBT module's current version (for the portal and the API);
    a module written in Spanish (``language`` "es") has its own (``module-es``): the
    English module's review does not carry over."""
    return status_of(
        ContentReview.Kind.MODULE if language == "en" else ContentReview.Kind.MODULE_ES,
        module.slug,
        module.fingerprint,
        file_reviewer=module.reviewed_by,
        file_reviewed_on=module.reviewed_on,
    )


def module_statuses() -> dict[str, ReviewStatus]:
    """Every CBT module's review status by slug, in one query (for lists)."""
    reviews: dict[tuple[str, str], ContentReview] = {}
    latest: dict[str, ContentReview] = {}
    for review in ContentReview.objects.filter(kind=ContentReview.Kind.MODULE).order_by(
        "reviewed_at", "pk"
    ):
        reviews[(review.slug, review.fingerprint)] = review
        latest[review.slug] = review
    statuses = {}
    for module in load_modules():
        found = reviews.get((module.slug, module.fingerprint))
        if found is not None:
            statuses[module.slug] = ReviewStatus(
                by=f"{found.reviewer_name}, {found.credentials}", on=found.reviewed_at.date()
            )
        elif module.reviewed_by and module.reviewed_on is not None:
            statuses[module.slug] = ReviewStatus(by=module.reviewed_by, on=module.reviewed_on)
        else:
            earlier = latest.get(module.slug)
            statuses[module.slug] = ReviewStatus(
                earlier_on=earlier.reviewed_at.date() if earlier else None
            )
    return statuses
