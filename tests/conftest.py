"""Shared test setup. Personas for the clinic's records arrive with the accounts app."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
