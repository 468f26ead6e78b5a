"""System check: every CBT module file, and every translation of one, must load before
the site starts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from clonacare.therapy.content import (
    ModuleContentError,
    load_modules,
    load_translations,
    modules_dir,
)


@register(Tags.compatibility)
def check_modules(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    directory = modules_dir()
    if not directory.is_dir():
        return []  # a site without the CBT program: the module list is empty
    try:
        load_modules(directory)
        for code, _ in settings.LANGUAGES:
            if code != settings.LANGUAGE_CODE:
                load_translations(code, directory)
    except ModuleContentError as exc:
        return [
            Error(
                f"A CBT module cannot be published: {exc}",
                hint="Fix the file's front matter (docs/therapy.md describes it).",
                id="clonacare.E004",
            )
        ]
    return []
