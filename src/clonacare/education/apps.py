from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _rebuild_index(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    from clonacare.education.index import rebuild_search_index

    rebuild_search_index(using=using)


class EducationConfig(AppConfig):
    name = "clonacare.education"
    label = "education"
    verbose_name = "Education site"

    def ready(self) -> None:
        from clonacare.education import checks  # noqa: F401  (registers the system checks)

        # The search index mirrors the Markdown files: rebuilt after every migrate (and
        # after a test flush), so it can never drift from the content on disk for long.
        post_migrate.connect(_rebuild_index, sender=self)
