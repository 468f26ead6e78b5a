"""API tokens: what ``Authorization: Bearer <token>`` is checked against."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """One token issued by ``POST /api/v1/auth/token``.

    Only the SHA-256 hash of the token is stored: a copy of the database does not let
    anyone call the API. The token itself is shown once, in the response that issues it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"API token of {self.user} until {self.expires_at:%Y-%m-%d %H:%M}"
