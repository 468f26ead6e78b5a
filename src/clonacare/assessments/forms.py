"""Turning a posted questionnaire into the answers the core reads, and back for display."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict

from clonacare.core.instruments import AnswerOption, Instrument, Item
from clonacare.core.instruments.definition import InstrumentCondition

CONDITIONS_FIELD = "conditions"


@dataclass(frozen=True)
class ConditionField:
    """One condition the instrument declares, as a checkbox, and whether it is ticked."""

    condition: InstrumentCondition
    checked: bool

    @property
    def name(self) -> str:
        return CONDITIONS_FIELD


@dataclass(frozen=True)
class ItemField:
    """One question as a form shows it, with the answer chosen so far (if any)."""

    item: Item
    chosen: str | None
    enabled_any: str
    enabled_above: int | None

    @property
    def options(self) -> tuple[AnswerOption, ...]:
        return self.item.options

    @property
    def name(self) -> str:
        return self.item.id


def item_fields(definition: Instrument, data: QueryDict | None = None) -> list[ItemField]:
    return [
        ItemField(
            item=item,
            chosen=(data.get(item.id) or None) if data is not None else None,
            enabled_any=" ".join(item.enabled_when.any_of) if item.enabled_when else "",
            enabled_above=item.enabled_when.above if item.enabled_when else None,
        )
        for item in definition.items
    ]


def posted_answers(definition: Instrument, data: QueryDict) -> dict[str, str | None]:
    """The answer posted for each item (None when left empty); other fields are ignored."""
    return {item.id: (data.get(item.id) or None) for item in definition.items}


def condition_fields(definition: Instrument, data: QueryDict | None = None) -> list[ConditionField]:
    """A checkbox for each condition ``definition`` declares (none for most instruments)."""
    ticked = set(data.getlist(CONDITIONS_FIELD)) if data is not None else set()
    return [ConditionField(c, c.id in ticked) for c in definition.conditions]


def posted_conditions(data: QueryDict) -> list[str]:
    """The condition ids ticked, as posted: the action refuses any the instrument does not
    declare, naming it."""
    return [c for c in data.getlist(CONDITIONS_FIELD) if c]
