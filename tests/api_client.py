"""A test client for the API (as ``ninja.testing`` and ``django.test`` are for theirs).

``ApiClient(user)`` calls the API with a fresh token for ``user`` (no password check, so
tests stay fast); ``ApiClient()`` calls it without one.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from clonacare.api.tokens import issue_token

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

BASE = "/api/v1"


class ApiClient:
    def __init__(self, user: User | None = None, *, token: str | None = None) -> None:
        if user is not None and token is None:
            _, token = issue_token(user, now=timezone.now())
        self.token = token
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **query: Any) -> TestResponse:
        return self.client.get(BASE + path, query, headers=self.headers)

    def post(self, path: str, body: Any = None) -> TestResponse:
        return self.client.post(
            BASE + path,
            "" if body is None else json.dumps(body),
            content_type="application/json",
            headers=self.headers,
        )

    def delete(self, path: str) -> TestResponse:
        return self.client.delete(BASE + path, headers=self.headers)
