from __future__ import annotations

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "clonacare.plans"
    label = "plans"
    verbose_name = "Taper plans"
