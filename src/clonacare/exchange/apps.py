from __future__ import annotations

from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "clonacare.exchange"
    label = "exchange"
    verbose_name = "Record exchange: FHIR export and import"
