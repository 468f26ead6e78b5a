"""A patient's results over time, one entry per instrument, for the record and the portal."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from clonacare.assessments.charts import score_chart_data_uri
from clonacare.assessments.models import InstrumentResponse
from clonacare.core.assessment import load_settings
from clonacare.core.instruments import Instrument


@dataclass(frozen=True)
class InstrumentHistory:
    definition: Instrument
    responses: tuple[InstrumentResponse, ...]  # newest first
    chart: str | None  # a data: URI of the SVG chart, None when there is no total


def score_history(
    responses: Sequence[InstrumentResponse], definitions: Iterable[Instrument]
) -> list[InstrumentHistory]:
    """The history of each of ``definitions`` that has responses, in the given order.

    ``responses`` are the patient's, oldest first.
    """
    settings = load_settings().instrument_settings()
    history = []
    for definition in definitions:
        mine = [r for r in responses if r.instrument == definition.id]
        if mine:
            chart = score_chart_data_uri(definition, mine, settings)
            history.append(InstrumentHistory(definition, tuple(reversed(mine)), chart))
    return history
