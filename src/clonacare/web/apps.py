from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "clonacare.web"
    label = "web"
    verbose_name = "Clonacare site"

    def ready(self) -> None:
        from clonacare.web import (
            checks,  # noqa: F401  (registers the system checks)
            language,  # noqa: F401  (remembers a language at sign-in)
        )
