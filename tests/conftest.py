"""Shared test setup. Personas for the clinic's records arrive with the accounts app."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parent.parent

# Property tests check what is true, not how fast: Hypothesis's default deadline of 200 ms
# an example, and its check that inputs are drawn quickly, fail them on a loaded machine
# (CI, or two suites on two cores). Speed is measured in bench/, never asserted.
settings.register_profile("clonacare", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("clonacare")


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Each test starts with no request counted against the API's rate limits (which
    live in the cache): a suite's thousands of requests from 127.0.0.1 are no attack."""
    cache.clear()
