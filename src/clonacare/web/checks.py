"""System checks: configuration mistakes reported with ids and hints (`manage.py check`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from clonacare.core.crisis import load_crisis_resources
from clonacare.core.errors import ClinicalError


@register(Tags.compatibility)
def check_content_dir(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    content = settings.CONTENT_DIR / "articles"
    if not content.is_dir():
        return [
            Error(
                f"The education content folder {content} does not exist.",
                hint="Set CLONACARE_CONTENT_DIR to the folder that holds articles/.",
                id="clonacare.E001",
            )
        ]
    return []


@register(Tags.compatibility)
def check_crisis_resources(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    try:
        load_crisis_resources(settings.CRISIS_FILE or None)
    except ClinicalError as exc:
        return [
            Error(
                f"Crisis resources cannot be loaded: {exc.message}",
                hint="Fix the file named by CLONACARE_CRISIS_FILE, or unset it for the US default.",
                id="clonacare.E002",
            )
        ]
    return []
