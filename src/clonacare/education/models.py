from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchDocument(models.Model):
    """One article in one language as the search index sees it; rebuilt from the
    Markdown files (English in content/articles/, Spanish in content/articles/es/).

    On PostgreSQL the search runs on these rows (full-text search); on SQLite it runs on
    the FTS5 tables beside them: ``education_fts`` (English, migration 0002) and
    ``education_fts_es`` (Spanish, migration 0006).
    """

    slug = models.SlugField(max_length=100)
    language = models.CharField(max_length=8, default="en")
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300)
    section = models.CharField(max_length=40)
    body = models.TextField()
    # PostgreSQL only: title, summary and body as one weighted tsvector, filled by
    # rebuild_search_index and GIN-indexed (migration 0003), made with the text-search
    # configuration of the row's language (english, spanish). Unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["language", "slug"], name="search_document_once")
        ]

    def __str__(self) -> str:
        return self.slug


class ClinicalReviewer(models.Model):
    """A clinician allowed to sign off patient-facing content (articles, CBT modules):
    granted by a site admin with ``clonacare reviewer`` and kept with their credentials,
    which each review shows."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="clinical_reviewer"
    )
    credentials = models.CharField(max_length=120)
    granted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user} ({self.credentials})"


class ContentReview(models.Model):
    """A clinician's sign-off of one version of a page (its ``fingerprint``, SHA-256 of
    the file): shown while the page is that version; an edit leaves it behind."""

    class Kind(models.TextChoices):
        ARTICLE = "article", "Article"
        ARTICLE_ES = "article-es", "Article in Spanish"
        MODULE = "module", "CBT module"
        MODULE_ES = "module-es", "CBT module in Spanish"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    slug = models.SlugField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="content_reviews"
    )
    reviewer_name = models.CharField(max_length=150)
    credentials = models.CharField(max_length=120)
    reviewed_at = models.DateTimeField()

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["kind", "slug", "fingerprint"], name="content_review_version")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.slug} by {self.reviewer_name}"
