"""Validated instruments as data, one scoring engine, and safety alerts.

Public API::

    phq9 = instrument("phq9")
    result = score(phq9, answers_from_tokens(phq9, "1,2,0,3,1,0,2,1,0".split(",")),
                   crisis=load_crisis_resources())
    result.total, result.band, result.alerts, result.crisis_resources

A site's licensed instruments: ``load_licensed_pack(path)`` returns an Instrument scored
by the same engine.
"""

from __future__ import annotations

from clonacare.core.instruments.alerts import Alert, alert
from clonacare.core.instruments.catalogue import (
    LicensedInstrument,
    instrument,
    licensed_ids,
    licensed_instrument,
    load_licensed_pack,
    shipped_ids,
)
from clonacare.core.instruments.definition import (
    AnswerOption,
    Band,
    Condition,
    Instrument,
    Item,
)
from clonacare.core.instruments.engine import (
    AnswersRefused,
    ScoreResult,
    TooManyAnswers,
    answers_from_tokens,
    incomplete_message,
    item_name,
    score,
    unreadable_screen,
)

__all__ = [
    "Alert",
    "AnswerOption",
    "AnswersRefused",
    "Band",
    "Condition",
    "Instrument",
    "Item",
    "LicensedInstrument",
    "ScoreResult",
    "TooManyAnswers",
    "alert",
    "answers_from_tokens",
    "incomplete_message",
    "instrument",
    "item_name",
    "licensed_ids",
    "licensed_instrument",
    "load_licensed_pack",
    "score",
    "shipped_ids",
    "unreadable_screen",
]
