from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "clonacare.api"
    label = "api"
    verbose_name = "JSON API"
