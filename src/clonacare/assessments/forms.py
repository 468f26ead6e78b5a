"""Turning a posted questionnaire into the answers the core reads, and back for display."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict

from clonacare.core.instruments import AnswerOption, Instrument, Item


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
