"""System check: ``LOGIN_RATE_PER_ADDRESS`` is a rate the sign-in page can read
(docs/configuration.md, "System checks"); a malformed one would fail every sign-in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from clonacare.accounts.sign_in_rate import parse_rate


@register(Tags.compatibility)
def check_sign_in_rate(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """``clonacare.E006`` when LOGIN_RATE_PER_ADDRESS is not ``<count>/<s, min, hour or
    day>`` with a count of 1 or more."""
    try:
        parse_rate(str(settings.LOGIN_RATE_PER_ADDRESS))
    except ValueError as wrong:
        return [
            Error(
                f"LOGIN_RATE_PER_ADDRESS: {wrong}.",
                hint="Set it like 60/min (sign-in attempts from one address), or unset it.",
                id="clonacare.E006",
            )
        ]
    return []
