"""Which answer raised a safety alert, in words a clinician reads on the alert.

The clinical core decides *that* an alert fires; this names *what* fired it, from the
instrument's own alert rules and the answers given (``phq9 item 9: 2 (More than half
the days)``), from the level-of-care rules that fired, or from the patient's report.
A rule or an instrument that no longer ships gives an empty trigger, never an error:
an alert is stored whatever this can say about it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from clonacare.core.assessment.level_of_care import level_of_care_rules
from clonacare.core.errors import ClinicalError
from clonacare.core.instruments import instrument, item_name

TRIGGER_MAX = 400


def _clip(text: str) -> str:
    return text if len(text) <= TRIGGER_MAX else text[: TRIGGER_MAX - 1] + "…"


def instrument_trigger(instrument_id: str, answers: Mapping[str, Any], code: str) -> str:
    """The answers that make ``code`` fire on ``instrument_id``: each item a rule for
    ``code`` reads, with the answer given and its label (``asq item 5: yes (Yes)``), or
    ``not answered`` for a rule that fires on an unanswered item, or ``unreadable
    answer 'maybe'`` when the answer given there is not one of its options (the form
    was refused). Empty when none is found (an unknown instrument, answers not kept)."""
    try:
        definition = instrument(instrument_id)
    except ClinicalError:
        return ""
    items = {item.id: item for item in definition.items}
    given = {
        item_id: chosen.score
        for item_id, item in items.items()
        if answers.get(item_id) is not None
        and (chosen := item.option(str(answers[item_id]))) is not None
    }
    parts: list[str] = []
    for rule in definition.alerts:
        if rule.code != code:
            continue
        when = rule.when
        if when is None:  # fires when a named item that applies is left unanswered
            for item_id in rule.unanswered:
                item = items.get(item_id)
                if item is None or item.id in given:
                    continue
                raw = answers.get(item_id)
                if raw is not None and str(raw).strip():
                    parts.append(
                        f"{item_name(definition, item)}: unreadable answer {str(raw).strip()!r}"
                    )
                    continue
                if item.enabled_when is not None and not item.enabled_when.holds(given):
                    continue  # a follow-up question the answers given do not ask
                parts.append(f"{item_name(definition, item)}: not answered")
            continue
        for item_id in when.any_of:
            item = items.get(item_id)
            raw = answers.get(item_id)
            if item is None or raw is None or str(raw).strip() == "":
                continue
            option = item.option(str(raw))
            if option is None or option.score <= when.above:
                continue
            label = f" ({option.label})" if option.label else ""
            parts.append(f"{item_name(definition, item)}: {option.code}{label}")
    unique = list(dict.fromkeys(parts))
    return _clip("; ".join(unique))


def level_of_care_trigger(result: Mapping[str, Any], code: str) -> str:
    """The reasons of a level-of-care result whose rules raise ``code``
    (``level-of-care assessment: <the reason's message>``); empty when none is found."""
    raising = {rule.code for rule in level_of_care_rules().rules if code in rule.alerts}
    messages = [
        str(reason.get("message", ""))
        for reason in result.get("reasons", [])
        if reason.get("code") in raising
    ]
    if not messages:
        return ""
    return _clip("level-of-care assessment: " + "; ".join(messages))
