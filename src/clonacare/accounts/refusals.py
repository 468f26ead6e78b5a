"""Account refusals: programs, staff, passwords, sign-in. Not clinical, so not a
``ClinicalError``; a :class:`~clonacare.core.errors.Refusal` like every other, whose kind
(core/refusals.py) gives its status."""

from __future__ import annotations

from clonacare.core.errors import Refusal


class AccountRefusal(Refusal):
    """What the accounts layer will not do (a taken username, an own account...)."""
