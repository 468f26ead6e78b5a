"""System check: the folder uploads are screened in, when one is configured, exists and
can be written (docs/configuration.md, "System checks")."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.compatibility)
def check_work_dir(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """``clonacare.E005`` when POPULATION_WORK_DIR names a folder that is missing or
    that this process cannot write to; nothing when it is empty (the system's
    temporary folder)."""
    configured = str(settings.POPULATION_WORK_DIR)
    if not configured:
        return []
    folder = Path(configured)
    if folder.is_dir() and os.access(folder, os.W_OK | os.X_OK):
        return []
    return [
        Error(
            f"POPULATION_WORK_DIR {configured} is not a folder this process can write to.",
            hint="Create it for the user that runs Clonacare, or leave the variable empty "
            "to use the system's temporary folder.",
            id="clonacare.E005",
        )
    ]
