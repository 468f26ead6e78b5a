from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "clonacare.api"
    label = "api"
    verbose_name = "JSON API"

    def ready(self) -> None:
        from clonacare.accounts.signouts import tokens_revoked
        from clonacare.api.tokens import delete_tokens_of

        # A new password, a deactivated account...: accounts asks, the API ends its tokens.
        tokens_revoked.connect(delete_tokens_of, dispatch_uid="api-delete-tokens")
