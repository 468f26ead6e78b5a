"""Refusals: the one error model of Clonacare, and the error the clinical core raises.

Every refusal carries a stable ``code`` (``"unknown-drug"``, ``"rate-limit"``) for
clients, one ``message`` a person can act on, and a :class:`Kind` that says what sort of
refusal it is. Pages, the API and the CLI derive their HTTP status or exit code from the
kind alone (``Kind.status``, ``Kind.exit_code``); the codes and their kinds are listed
once, with their meaning, in :mod:`clonacare.core.refusals`. :class:`ClinicalError` is
a clinical refusal; other layers subclass :class:`Refusal` for theirs (an account
refusal is not clinical).

A message may name what it is about in clinical terms that a face words its own way:
``ClinicalError("bad-option", "{step} must be above 0.", terms={"step": "the step"})``
reads "the step must be above 0." and ``worded({"step": "--step"})`` gives the CLI's
"--step must be above 0.".
"""

from __future__ import annotations

from collections.abc import Mapping

from clonacare.core.refusals import Kind, kind_of

__all__ = ["ClinicalError", "Kind", "Refusal"]


class Refusal(Exception):
    """Something the software will not do, with its ``code``, ``message`` and ``kind``.

    ``kind`` defaults to the kind the registry gives ``code`` (core/refusals.py), then
    to the class's own ``default_kind``. ``terms``: the clinical names of what the
    message is about, by key, for ``{key}`` placeholders in ``message``.
    """

    default_kind = Kind.INVALID

    def __init__(
        self,
        code: str,
        message: str,
        *,
        kind: Kind | None = None,
        terms: Mapping[str, str] | None = None,
    ) -> None:
        self.code = code
        self.terms = dict(terms or {})
        self._template = message
        self.message = self.worded()
        super().__init__(self.message)
        self.kind = kind or kind_of(code) or self.default_kind

    def worded(self, names: Mapping[str, str] | None = None) -> str:
        """The message with each term named as ``names`` says (a CLI flag, a form
        field's label), else in its clinical terms."""
        if not self.terms:
            return self._template
        chosen = {**self.terms, **{k: v for k, v in (names or {}).items() if k in self.terms}}
        return self._template.format_map(chosen)

    def __str__(self) -> str:
        return self.message


class ClinicalError(Refusal):
    """A clinical input or rule the software cannot accept.

    ``code`` is stable and machine-readable (``"unknown-drug"``, ``"rate-limit"``);
    ``message`` is one sentence a clinician can act on, never a stack trace.
    """
