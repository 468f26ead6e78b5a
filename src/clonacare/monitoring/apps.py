from __future__ import annotations

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "clonacare.monitoring"
    label = "monitoring"
    verbose_name = "Dose logs and check-ins"
