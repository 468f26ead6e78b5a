"""Template context shared by every page: the site name and the crisis resources."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language

from clonacare.core.crisis import load_crisis_resources


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "site_name": settings.SITE_NAME,
        "crisis": load_crisis_resources(settings.CRISIS_FILE or None).in_language(
            get_language() or settings.LANGUAGE_CODE
        ),
    }
