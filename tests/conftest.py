"""Shared test setup. Personas for the clinic's records arrive with the accounts app."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Each test starts with no request counted against the API's rate limits (which
    live in the cache): a suite's thousands of requests from 127.0.0.1 are no attack."""
    cache.clear()
