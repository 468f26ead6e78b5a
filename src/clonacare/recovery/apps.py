from __future__ import annotations

from django.apps import AppConfig


class RecoveryConfig(AppConfig):
    name = "clonacare.recovery"
    label = "recovery"
    verbose_name = "Recovery record: timeline, returns to use, milestones, outcomes"
