"""Safety alerts: one catalogue of codes, each with a message and its source."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from clonacare.core.errors import ClinicalError
from clonacare.core.sourced import load_toml, require_source

ALERTS_FILE = Path(__file__).parent / "data" / "alerts.toml"


@dataclass(frozen=True)
class Alert:
    """A safety alert. ``code`` is stable (``suicide-risk``, ``suicide-risk-imminent``,
    ``suicide-screen-incomplete``, ``seizure``) so a program can act on it; ``message``
    is for the clinician."""

    code: str
    message: str
    source: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "source": self.source}


@cache
def alert(code: str) -> Alert:
    """The catalogue entry for ``code``; ClinicalError("unknown-alert") for any other code."""
    data = load_toml(ALERTS_FILE)
    raw = data.get(code)
    if not isinstance(raw, dict):
        raise ClinicalError(
            "unknown-alert", f"Unknown alert {code!r}; known alerts: {', '.join(sorted(data))}."
        )
    message = raw.get("message")
    if not isinstance(message, str) or not message:
        raise ClinicalError("data-file", f"{ALERTS_FILE.name} [{code}]: 'message' is missing.")
    return Alert(
        code=code, message=message, source=require_source(raw, f"{ALERTS_FILE.name} [{code}]")
    )
