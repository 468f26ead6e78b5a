"""A taper plan's daily diazepam-equivalent over time, as an SVG chart for the pages.

Written as SVG text here, not drawn by matplotlib: the chart is one step line on a date
axis, and matplotlib spent 30–45 ms on it (every label drawn as glyph paths, the date
ticks worked out), most of the draft page's live preview (docs/benchmarks.md, "Plan
preview"). This writer takes well under a millisecond, keeps its text as text (sharp at
any zoom, read by a screen reader through the chart's title) and, being a pure function
of the plan, draws the same plan the same way on any thread. The taper core's own chart
(``core/taper/render/chart.py``: each drug on its own scale, for the command line and the
pharmacy PDF) is still matplotlib's.
"""

from __future__ import annotations

import base64
import calendar
import datetime as dt
import math
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 720, 300
# The plot area inside the picture: room on the left for three-digit doses and the
# turned axis title, below for the turned dates.
LEFT, RIGHT, TOP, BOTTOM = 78, 16, 14, 70
LINE, GRID, AXIS, TEXT = "#1f5f8b", "#dddddd", "#555555", "#222222"
Y_TITLE = "Diazepam-equivalent, mg/day"
# At most this many labelled dates and doses: more would overlap at 720 px.
MOST_DATE_TICKS, MOST_DOSE_TICKS = 8, 6


# A plan that stops the drug ends on a step of no days; the line is held at zero this
# long so the stop shows (as the taper core's chart does).
STOP_SHOWN_DAYS = 3


def _series(plan_json: dict[str, Any]) -> tuple[list[dt.date], list[float]]:
    """Each step's start and daily diazepam-equivalent, held to the plan's last day."""
    days: list[dt.date] = []
    doses: list[float] = []
    for step in plan_json.get("steps", []):
        days.append(dt.date.fromisoformat(step["start"]))
        doses.append(float(step["diazepam_equivalent_mg"]))
    if days:
        last = plan_json["steps"][-1]
        end = dt.date.fromisoformat(last["end"]) if last.get("end") else days[-1]
        if end <= days[-1]:
            end = days[-1] + dt.timedelta(days=STOP_SHOWN_DAYS)
        days.append(end)
        doses.append(doses[-1])
    return days, doses


def _dose_step(top: float) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving at most
    MOST_DOSE_TICKS intervals from 0 to ``top``."""
    raw = top / MOST_DOSE_TICKS
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        if raw <= factor * power:
            return factor * power
    return 10.0 * power  # pragma: no cover  (raw <= 10 * power always holds)


def _dose_label(value: float) -> str:
    """A dose without trailing zeros: 2, 2.5, 0.25."""
    return format(Decimal(str(round(value, 6))).normalize(), "f")


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _date_ticks(first: dt.date, last: dt.date) -> list[dt.date]:
    """Round dates from ``first`` to ``last``, at most MOST_DATE_TICKS: every 1, 2 or 4
    weeks from ``first`` for a short plan, else the first of every 1, 2, 3, 6 or 12
    months."""
    span = (last - first).days
    for weeks in (1, 2, 4):
        if span <= 7 * weeks * (MOST_DATE_TICKS - 1):
            return [first + dt.timedelta(weeks=weeks * n) for n in range(span // (7 * weeks) + 1)]
    for months in (1, 2, 3, 6, 12, 24, 60):
        day = dt.date(first.year, first.month, 1)
        if day < first:
            day = _add_months(day, 1)
        while (day.month - 1) % months:
            day = _add_months(day, 1)
        ticks = []
        while day <= last:
            ticks.append(day)
            day = _add_months(day, months)
        if len(ticks) <= MOST_DATE_TICKS:
            return ticks
    return [first, last]  # pragma: no cover  (a plan of more than 40 years)


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def plan_chart_svg(plan_json: dict[str, Any]) -> str | None:
    """The SVG document (text) of the chart of ``plan_json`` (the taper JSON contract),
    None for a plan without steps. The same plan gives the same text."""
    days, doses = _series(plan_json)
    if not days:
        return None
    first, last = days[0], max(days[-1], days[0] + dt.timedelta(days=1))
    step = _dose_step(max(max(doses) * 1.1, 0.1))
    top = step * math.ceil(max(max(doses) * 1.1, 0.1) / step)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    span = (last - first).days

    def x(day: dt.date) -> str:
        return _number(LEFT + plot_w * (day - first).days / span)

    def y(dose: float) -> str:
        return _number(TOP + plot_h * (1 - dose / top))

    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" font-family="DejaVu Sans, sans-serif" '
        f'font-size="11" fill="{TEXT}" role="img">',
        f"<title>{escape(_summary(days[:-1], doses[:-1]))}</title>",
    ]
    ticks = round(top / step)
    for n in range(ticks + 1):
        dose = step * n
        at = y(dose)
        if n:
            parts.append(
                f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{at}" y2="{at}" stroke="{GRID}"/>'
            )
        parts.append(
            f'<text x="{LEFT - 6}" y="{at}" text-anchor="end" dominant-baseline="middle">'
            f"{_dose_label(dose)}</text>"
        )
    bottom = TOP + plot_h
    for day in _date_ticks(first, last):
        at = x(day)
        parts.append(
            f'<line x1="{at}" x2="{at}" y1="{bottom}" y2="{bottom + 4}" stroke="{AXIS}"/>'
            f'<text x="{at}" y="{bottom + 14}" text-anchor="end" '
            f'transform="rotate(-30 {at} {bottom + 14})">{day:%d %b %Y}</text>'
        )
    parts.append(f'<path d="M{LEFT} {TOP}V{bottom}H{WIDTH - RIGHT}" fill="none" stroke="{AXIS}"/>')
    middle = _number(TOP + plot_h / 2)
    parts.append(
        f'<text x="18" y="{middle}" text-anchor="middle" dominant-baseline="middle" '
        f'font-size="12" transform="rotate(-90 18 {middle})">{Y_TITLE}</text>'
    )
    path = [f"M{x(days[0])} {y(doses[0])}"]
    for day, dose in zip(days[1:], doses[1:], strict=True):
        path.append(f"H{x(day)}V{y(dose)}")
    parts.append(
        f'<path d="{"".join(path)}" fill="none" stroke="{LINE}" stroke-width="2" '
        'stroke-linejoin="miter"/>'
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _summary(days: list[dt.date], doses: list[float]) -> str:
    """The chart in words, for a screen reader: the first step's dose and day, the
    last step's, and the number of steps (``days``, ``doses``: one per step)."""
    if len(days) == 1:
        return f"{Y_TITLE}: {_dose_label(doses[0])} from {days[0]:%d %b %Y}, in one step."
    return (
        f"{Y_TITLE}: {_dose_label(doses[0])} from {days[0]:%d %b %Y} to "
        f"{_dose_label(doses[-1])} from {days[-1]:%d %b %Y}, in {len(days)} steps."
    )


def plan_chart_data_uri(plan_json: dict[str, Any]) -> str | None:
    """A data: URI of the SVG chart of ``plan_json`` (the taper JSON contract), None for a
    plan without steps."""
    svg = plan_chart_svg(plan_json)
    if svg is None:
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
