from __future__ import annotations

from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "clonacare.assessments"
    label = "assessments"
    verbose_name = "Assessments and safety alerts"
