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


# The heaviest checks, minutes each: API fuzzing from the schema, every patient route
# tried by every persona, hostile values sent to every form. The suite runs them once, in
# its PostgreSQL pass (scripts/test.sh deselects `-m "not heavy"` on SQLite), as the
# brief asks of the slowest tests; run alone they work on either database.
HEAVY = ("web/test_api_fuzz.py", "web/test_access_under_attack.py", "web/test_hostile_forms.py")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "heavy: minutes long; the suite runs it on PostgreSQL only")
    missing = [name for name in HEAVY if not (REPO / "tests" / name).exists()]
    if missing:
        raise pytest.UsageError(f"tests/conftest.py HEAVY names missing files: {missing}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    heavy = {REPO / "tests" / name for name in HEAVY}
    for item in items:
        if item.path in heavy:
            item.add_marker(pytest.mark.heavy)
