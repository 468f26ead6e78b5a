"""The one error type the clinical core raises."""

from __future__ import annotations


class ClinicalError(Exception):
    """A clinical input or rule the core cannot accept.

    ``code`` is stable and machine-readable (``"unknown-drug"``, ``"rate-limit"``);
    ``message`` is one sentence a clinician can act on, never a stack trace.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message
