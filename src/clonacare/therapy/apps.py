from __future__ import annotations

from django.apps import AppConfig


class TherapyConfig(AppConfig):
    name = "clonacare.therapy"
    label = "therapy"
    verbose_name = "CBT program: modules, exercises and comments"

    def ready(self) -> None:
        from clonacare.therapy import checks  # noqa: F401  (registers the system check)
