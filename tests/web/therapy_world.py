"""Planted CBT modules for the therapy tests (tests plant what they assert on): a site
content folder with three small modules, one per exercise."""

from __future__ import annotations

from pathlib import Path

from pytest_django.fixtures import Settings as SettingsWrapper

MODULE = """---
title: "{title}"
summary: "A short summary."
order: {order}
exercises: [{exercise}]
sources: ["ASAM 2025"]
reviewed_by: ""
reviewed_on: ""
---
An opening line.

## First part

Some text.

## Second part

More text.
"""
PLANTED = {
    "coping": ("Coping module", 10, "coping-plan"),
    "thoughts": ("Thoughts module", 20, "thought-record"),
    "nights": ("Nights module", 30, "sleep-diary"),
}


def plant_modules(tmp_path: Path, settings: SettingsWrapper) -> Path:
    """Point the site at ``tmp_path`` holding the planted modules; their folder."""
    folder = tmp_path / "therapy"
    folder.mkdir()
    for slug, (title, order, exercise) in PLANTED.items():
        text = MODULE.format(title=title, order=order, exercise=exercise)
        (folder / f"{slug}.md").write_text(text, encoding="utf-8")
    settings.CONTENT_DIR = tmp_path
    return folder
