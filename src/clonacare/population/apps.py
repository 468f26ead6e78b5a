from __future__ import annotations

from django.apps import AppConfig


class PopulationConfig(AppConfig):
    name = "clonacare.population"
    label = "population"
    verbose_name = "Population screens: dispensing files screened, invitations to an assessment"

    def ready(self) -> None:
        from clonacare.population import checks  # noqa: F401  (registers the system check)
