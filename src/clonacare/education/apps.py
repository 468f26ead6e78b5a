from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EducationConfig(AppConfig):
    name = "clonacare.education"
    label = "education"
    verbose_name = "Education site"

    def ready(self) -> None:
        from clonacare.education import checks  # noqa: F401  (registers the system checks)
        from clonacare.education.index import rebuild_after_migrate

        # The search index mirrors the Markdown files: rebuilt after every migrate (and
        # after a test flush), so it can never drift from the content on disk for long.
        post_migrate.connect(rebuild_after_migrate, sender=self)
