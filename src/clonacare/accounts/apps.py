from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "clonacare.accounts"
    label = "accounts"
    verbose_name = "Programs and people"

    def ready(self) -> None:
        from clonacare.accounts import checks  # noqa: F401  (registers the system check)
