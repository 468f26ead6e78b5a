"""System check: every article must parse before the site starts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from clonacare.education.content import ContentError, load_articles


@register(Tags.compatibility)
def check_articles(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    directory = settings.CONTENT_DIR / "articles"
    if not directory.is_dir():
        return []  # clonacare.E001 reports the missing folder
    try:
        load_articles(directory)
    except ContentError as exc:
        return [
            Error(
                f"An education article cannot be published: {exc}",
                hint="Fix the file's front matter (docs/content.md describes it).",
                id="clonacare.E003",
            )
        ]
    return []
