from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchDocument(models.Model):
    """One article as the search index sees it; rebuilt from the Markdown files.

    On PostgreSQL the search runs on these rows (full-text search); on SQLite it runs on
    the FTS5 table ``education_fts`` that migration 0002 creates beside them.
    """

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300)
    section = models.CharField(max_length=40)
    body = models.TextField()
    # PostgreSQL only: title, summary and body as one weighted tsvector, filled by
    # rebuild_search_index and GIN-indexed (migration 0003). Unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    def __str__(self) -> str:
        return self.slug
