"""``/programs/{id}/outcomes``: the program's outcomes over a period (docs/outcomes.md),
with the small-cell rule applied exactly as on the page and in the CSV export."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from clonacare.api.schemas import READ_ERRORS
from clonacare.api.security import caller
from clonacare.recovery.outcomes import (
    Outcomes,
    access_program_outcomes,
    parse_period,
    program_outcomes,
)

router = Router(tags=["Outcomes"])


class FigureOut(Schema):
    key: str = Field(..., description="started, finished, paused, lower_dose, ...")
    label: str
    kind: str = Field(..., description="count, proportion or median.")
    count: int | None = Field(
        ..., description="What is counted (for a median, the tapers); null when withheld."
    )
    denominator: int | None = Field(
        ..., description="For a proportion, of how many; null when it is the small cell."
    )
    value: float | None = Field(
        ...,
        description="The count, the per cent (one decimal) or the median in days; null "
        "when withheld or when there is nothing to take a proportion or median of.",
    )
    suppressed: bool = Field(..., description="Withheld by the small-cell rule.")
    suppressed_because: str | None = Field(
        ...,
        description="fewer-than: it rests on 1 to 10 patients; complementary: the rest of "
        "its denominator does, and it would give that away by subtraction.",
    )
    definition: str
    source: str


class PeriodQuery(Schema):
    start: str | None = Field(
        None, alias="from", description="The first day, like 2026-01-31; left out: all time."
    )
    end: str | None = Field(None, alias="to", description="The last day; left out: today.")


class OutcomesOut(Schema):
    program_id: int
    program: str
    period_from: dt.date | None = Field(..., description="null: from the first record.")
    period_to: dt.date
    smallest_shown: int = Field(..., description="Figures resting on fewer patients are null.")
    small_cell_source: str
    figures: list[FigureOut]


def outcomes_body(outcomes: Outcomes) -> dict[str, object]:
    return {
        "program_id": outcomes.program.pk,
        "program": outcomes.program.name,
        "period_from": outcomes.period.start,
        "period_to": outcomes.period.end,
        "smallest_shown": outcomes.smallest_shown,
        "small_cell_source": outcomes.small_cell_source,
        "figures": [
            {
                "key": f.key,
                "label": f.label,
                "kind": f.kind,
                "count": f.count,
                "denominator": f.denominator,
                "value": f.value,
                "suppressed": f.withheld is not None,
                "suppressed_because": f.withheld,
                "definition": f.definition,
                "source": f.source,
            }
            for f in outcomes.figures
        ],
    }


@router.get(
    "/programs/{int:program_id}/outcomes",
    response={200: OutcomesOut, **READ_ERRORS},
    summary="A program's outcomes over a period",
)
def program_outcomes_endpoint(
    request: HttpRequest, program_id: int, period: Query[PeriodQuery]
) -> dict[str, object]:
    """The program's admin, prescribers, nurses and counsellors (404 for anyone else and
    for another program). ``from`` and ``to`` are dates (400 when malformed, when
    ``to`` is after today or ``from`` after ``to``). A figure resting on 1 to 10
    patients is null with ``suppressed`` true."""
    actor = caller(request).actor
    today = timezone.localdate()
    chosen = parse_period(period.start, period.end, today=today)
    program = access_program_outcomes(actor, program_id, chosen)
    return outcomes_body(program_outcomes(program, chosen, today=today))
