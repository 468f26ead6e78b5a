"""Content files with YAML front matter (the education articles, the CBT modules): the
one reader of the ``---`` block at the top of a file, shared by the apps that publish
them, each raising its own error type."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml


def split_front_matter(raw: str, name: str, error: type[Exception]) -> tuple[dict[str, Any], str]:
    """The front matter of the file ``name`` (its text ``raw``) as a mapping, and the body
    after it. Raises ``error`` with a sentence naming the file when the file does not
    start with ``---``, the block is not closed, is not valid YAML, or is not a mapping."""
    if not raw.startswith("---\n"):
        raise error(f"{name}: the file must start with '---' front matter.")
    end = raw.find("\n---\n", 4)
    if end == -1:
        raise error(f"{name}: the front matter has no closing '---'.")
    try:
        meta = yaml.safe_load(raw[4:end])
    except yaml.YAMLError as exc:
        raise error(f"{name}: the front matter is not valid YAML ({exc}).") from None
    if not isinstance(meta, dict):
        raise error(f"{name}: the front matter must be a mapping of fields.")
    return meta, raw[end + 5 :]


def review_date(value: Any, name: str, error: type[Exception]) -> dt.date | None:
    """The ``reviewed_on`` field of the file ``name``: None while empty (not reviewed), a
    date as YAML read it or as ``YYYY-MM-DD`` text; ``error`` for anything else."""
    if value in ("", None):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise error(f"{name}: 'reviewed_on' must be a date like 2026-11-26.") from None
