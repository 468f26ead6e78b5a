"""The program's outcomes page and its CSV export (docs/outcomes.md): the figures over a
period with each definition and source, two charts, and the same figures as CSV. Read
through ``recovery.outcomes`` (its gate audits the read); the small-cell rule is applied
there, so the page, the CSV and the API withhold the same figures."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.decorators import staff_required
from clonacare.core.errors import ClinicalError
from clonacare.recovery.outcomes import (
    Outcomes,
    OutcomesNotFound,
    access_program_outcomes,
    parse_period,
    program_outcomes,
)
from clonacare.recovery.outcomes_charts import proportions_chart, taper_counts_chart

CSV_COLUMNS = (
    "figure",
    "label",
    "kind",
    "count",
    "denominator",
    "value",
    "suppressed",
    "suppressed_because",
    "period_from",
    "period_to",
    "definition",
    "source",
)


def _read(request: HttpRequest, program_id: int, purpose: str) -> Outcomes:
    """The outcomes the request asks for. Raises ClinicalError for a bad period (before
    anything is read or audited) and Http404 for a program the reader may not see."""
    actor = actor_from_request(request)
    today = timezone.localdate()
    period = parse_period(request.GET.get("from"), request.GET.get("to"), today=today)
    try:
        program = access_program_outcomes(actor, program_id, period, purpose=purpose)
    except OutcomesNotFound:
        raise Http404("No such program.") from None
    return program_outcomes(program, period, today=today)


@require_GET
@staff_required
def outcomes_page(request: HttpRequest, program_id: int) -> HttpResponse:
    """The figures, charts and the period form; a bad period shows the form again with
    the message (400)."""
    typed = {"from": request.GET.get("from", ""), "to": request.GET.get("to", "")}
    try:
        outcomes = _read(request, program_id, "outcomes.view")
    except ClinicalError as exc:
        context = {"program_id": program_id, "typed": typed, "error": exc.message}
        return render(request, "clinic/outcomes.html", context, status=exc.kind.status)
    context = {
        "program_id": program_id,
        "outcomes": outcomes,
        "typed": typed,
        "query": urlencode(outcomes.period.as_query()),
        "counts_chart": taper_counts_chart(outcomes),
        "proportions_chart": proportions_chart(outcomes),
        "error": "",
    }
    return render(request, "clinic/outcomes.html", context)


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def outcomes_csv_text(outcomes: Outcomes) -> str:
    """One header line and one line per figure; a withheld figure has empty count and
    value (and denominator, when that is the small cell) and ``suppressed`` "yes"."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    period = outcomes.period.as_query()
    for f in outcomes.figures:
        row = [
            f.key,
            f.label,
            f.kind,
            f.count,
            f.denominator,
            f.value,
            "yes" if f.withheld is not None else "",
            f.withheld,
            period["from"],
            period["to"],
            f.definition,
            f.source,
        ]
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


@require_GET
@staff_required
def outcomes_csv(request: HttpRequest, program_id: int) -> HttpResponse:
    """The figures as CSV with the page's filters; a bad period is refused (400) and
    exports nothing."""
    try:
        outcomes = _read(request, program_id, "outcomes.export")
    except ClinicalError as exc:
        return render(request, "refused.html", {"message": exc.message}, status=exc.kind.status)
    response = HttpResponse(outcomes_csv_text(outcomes), content_type="text/csv")
    name = f"outcomes-{outcomes.program.slug}-{outcomes.period.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
