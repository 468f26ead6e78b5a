"""Shared test setup. Personas for the clinic's records arrive with the accounts app."""

from __future__ import annotations

import os
from pathlib import Path

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to
# run beside one unless told it is safe (it is: the loop only drives the browser).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPO = Path(__file__).resolve().parent.parent
