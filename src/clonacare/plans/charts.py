"""A taper plan's daily diazepam-equivalent over time, as an SVG chart for the pages.

Written as SVG text (``core/svgchart.py``), not drawn by matplotlib: the chart is one
step line on a date axis, and matplotlib spent 30–45 ms on it, most of the draft page's
live preview (docs/benchmarks.md, "Plan preview"). The taper core's own chart
(``core/taper/render/chart.py``: each drug on its own scale, for the command line and
the pharmacy PDF) is still matplotlib's.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
from typing import Any

from clonacare.core.svgchart import (
    Frame,
    axes_lines,
    axis_title,
    date_axis,
    date_ticks,
    document,
    number_axis,
    number_label,
    round_step,
    tick_format,
)

# Drawn for a phone's width, as the score charts (assessments/charts.py): shrunk to
# about 360 px on a 390 px phone, its 13 px text is still about 10 px there.
WIDTH, HEIGHT = 480, 320
FONT_SIZE = 13
# The plot area inside the picture: room on the left for three-digit doses and the
# turned axis title, below for the turned dates.
LEFT, RIGHT, TOP, BOTTOM = 74, 20, 14, 80
LINE = "#1f5f8b"
Y_TITLE = "Diazepam-equivalent, mg/day"
# At most this many labelled dates and doses: more would overlap at 480 px.
MOST_DATE_TICKS, MOST_DOSE_TICKS = 5, 6
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


def _summary(days: list[dt.date], doses: list[float]) -> str:
    """The chart in words, for a screen reader: the first step's dose and day, the
    last step's, and the number of steps (``days``, ``doses``: one per step)."""
    if len(days) == 1:
        return f"{Y_TITLE}: {number_label(doses[0])} from {days[0]:%d %b %Y}, in one step."
    return (
        f"{Y_TITLE}: {number_label(doses[0])} from {days[0]:%d %b %Y} to "
        f"{number_label(doses[-1])} from {days[-1]:%d %b %Y}, in {len(days)} steps."
    )


def plan_chart_svg(plan_json: dict[str, Any]) -> str | None:
    """The SVG document (text) of the chart of ``plan_json`` (the taper JSON contract),
    None for a plan without steps. The same plan gives the same text."""
    days, doses = _series(plan_json)
    if not days:
        return None
    highest = max(max(doses) * 1.1, 0.1)
    step = round_step(highest, MOST_DOSE_TICKS)
    ticks = math.ceil(highest / step)
    frame = Frame(
        WIDTH,
        HEIGHT,
        LEFT,
        RIGHT,
        TOP,
        BOTTOM,
        x_low=days[0].toordinal(),
        x_high=max(days[-1].toordinal(), days[0].toordinal() + 1),
        y_low=0.0,
        y_high=step * ticks,
    )
    dates = date_ticks(days[0], days[-1], MOST_DATE_TICKS)
    path = [f"M{frame.day(days[0])} {frame.y(doses[0])}"]
    path.extend(
        f"H{frame.day(day)}V{frame.y(dose)}" for day, dose in zip(days[1:], doses[1:], strict=True)
    )
    body = [
        *number_axis(frame, [step * n for n in range(ticks + 1)]),
        *date_axis(frame, dates, tick_format(dates)),
        axes_lines(frame),
        axis_title(frame, Y_TITLE, font_size=FONT_SIZE),
        f'<path d="{"".join(path)}" fill="none" stroke="{LINE}" stroke-width="2"/>',
    ]
    return document(frame, _summary(days[:-1], doses[:-1]), body, font_size=FONT_SIZE)


def plan_chart_data_uri(plan_json: dict[str, Any]) -> str | None:
    """A data: URI of the SVG chart of ``plan_json`` (the taper JSON contract), None for a
    plan without steps."""
    svg = plan_chart_svg(plan_json)
    if svg is None:
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
