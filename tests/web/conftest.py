from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.personas import World

ARTICLE = """---
title: "A test article"
summary: "A short summary."
section: basics
order: 10
sources: ["ASAM 2025"]
reviewed_by: "{reviewed_by}"
reviewed_on: "{reviewed_on}"
---
## First part

Taper text.
"""


@pytest.fixture
def content_dir(tmp_path: Path, settings: SettingsWrapper) -> Callable[..., Path]:
    """Point the site at a temporary content folder; returns a function that adds articles."""
    articles = tmp_path / "articles"
    articles.mkdir()
    settings.CONTENT_DIR = tmp_path

    def add(slug: str = "test-article", text: str | None = None, **fields: str) -> Path:
        path = articles / f"{slug}.md"
        values = {"reviewed_by": "", "reviewed_on": ""} | fields
        path.write_text(text if text is not None else ARTICLE.format(**values), encoding="utf-8")
        return path

    return add


@pytest.fixture
def world(db: None) -> World:
    from tests.personas import make_world

    return make_world()


@pytest.fixture
def emails(world: World) -> World:
    """Avery and kim have addresses (lee, the counsellor, has none); an on-call address.
    A module that needs other addresses defines its own ``emails``, which overrides this."""
    for user, address in [
        (world.avery, "avery@riverside.example"),
        (world.kim, "kim@riverside.example"),
    ]:
        user.email = address
        user.save(update_fields=["email"])
    world.riverside.on_call_email = "on-call@riverside.example"
    world.riverside.save(update_fields=["on_call_email"])
    return world
