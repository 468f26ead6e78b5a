"""The portal asks a questionnaire in steps, without JavaScript: first the questions that
always apply, then, only when an answer calls for them, the follow-up questions (the ASQ's
acuity question after a yes to questions 1–4: the NIMH pathway). The answers of the first
step travel with the second as hidden fields, so nothing is kept on the server between
the two; the scoring engine decides the result from everything posted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.http import QueryDict

from clonacare.assessments.forms import ItemField, item_fields
from clonacare.core.instruments import AnswerOption, Instrument, Item

STEP_FIELD = "step"
FOLLOW_UP = "follow-up"  # the second step was posted
CHANGE = "change"  # back to the first step, with its answers kept
# The ids of the alerts the first step raised, posted with the second step so that the
# stored response completes them instead of counting the same screen as a repeat.
FIRST_STEP_ALERTS_FIELD = "first-step-alerts"


@dataclass(frozen=True)
class KeptAnswer:
    """An answer of the first step, shown read-only and posted again as a hidden field."""

    item: Item
    option: AnswerOption


def first_step_fields(definition: Instrument, data: QueryDict | None) -> list[ItemField]:
    """The questions that always apply, with the answers chosen so far."""
    return [f for f in item_fields(definition, data) if f.item.enabled_when is None]


def follow_up_items(definition: Instrument, answers: Mapping[str, str | None]) -> list[Item]:
    """The follow-up questions the first step's valid answers call for."""
    scores: dict[str, int] = {}
    for item in definition.items:
        raw = answers.get(item.id)
        option = item.option(raw) if raw else None
        if item.enabled_when is None and option is not None:
            scores[item.id] = option.score
    return [
        item
        for item in definition.items
        if item.enabled_when is not None and item.enabled_when.holds(scores)
    ]


def needs_follow_up(definition: Instrument, answers: Mapping[str, str | None]) -> bool:
    """True when every first-step question has a valid answer, one of them calls for a
    follow-up question, and no follow-up question has been answered yet. Anything else
    goes to the scoring engine as posted (a missing or bad answer is refused there, with
    the alerts the other answers raise)."""
    first = [item for item in definition.items if item.enabled_when is None]
    answered = all(
        (raw := answers.get(item.id)) and item.option(raw) is not None
        for item in first
        if item.required
    )
    follow_ups = follow_up_items(definition, answers)
    return answered and bool(follow_ups) and not any(answers.get(i.id) for i in follow_ups)


def kept_answers(definition: Instrument, answers: Mapping[str, str | None]) -> list[KeptAnswer]:
    """The first step's valid answers, in item order."""
    kept = []
    for item in definition.items:
        raw = answers.get(item.id)
        option = item.option(raw) if raw else None
        if item.enabled_when is None and option is not None:
            kept.append(KeptAnswer(item, option))
    return kept


def follow_up_fields(definition: Instrument, data: QueryDict | None) -> list[ItemField]:
    """The follow-up questions the posted answers call for, shown as they apply: without
    the "answer only if" hint and the hiding that the single-page form uses."""
    answers = {item.id: (data.get(item.id) or None) if data else None for item in definition.items}
    return [
        ItemField(
            item=item,
            chosen=answers.get(item.id),
            enabled_any="",
            enabled_above=None,
        )
        for item in follow_up_items(definition, answers)
    ]


def first_step_alert_ids(data: QueryDict | None) -> tuple[int, ...]:
    """The alert ids the first step raised, as posted with the second step (anything
    that is not a whole number is ignored: the ids only ever link the patient's own open
    alert of the same code, ``actions._raise_alerts``)."""
    raw = data.get(FIRST_STEP_ALERTS_FIELD, "") if data is not None else ""
    return tuple(int(part) for part in raw.split(",") if part.strip().isdigit())
