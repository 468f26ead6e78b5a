"""Scores over time as an SVG chart with the instrument's bands, for the record and the
portal.

Written as SVG text (``core/svgchart.py``), not drawn by matplotlib, which spent tens of
milliseconds on every chart of every page that showed one. The same scores always give
the same text, on any thread.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
from collections.abc import Sequence

from clonacare.assessments.models import InstrumentResponse
from clonacare.core.instruments import Instrument
from clonacare.core.svgchart import (
    Frame,
    axes_lines,
    axis_title,
    date_axis,
    date_ticks,
    document,
    number_axis,
    round_step,
    tick_format,
    wrapped,
)

BAND_COLOURS = ("#e3f1e6", "#f4f1d0", "#fbe3c4", "#f8d0c0", "#f1b9b9")
LINE = "#0b5a6b"
# Drawn for a phone's width: the page shrinks the chart to the screen (to about 360 px
# on a 390 px phone, three quarters of this), where text 13 px high here is still about
# 10 px; on a desktop it is shown at this size. At 720 px wide the text came out 5 px
# high on a phone (docs/screenshots/charts-record-phone.png shows it now).
WIDTH, HEIGHT = 480, 300
FONT_SIZE, BAND_FONT_SIZE, BAND_LINE_PX, BAND_LINE_CHARS = 13, 12, 13, 10
# Room on the right for the bands' names (in lines of at most BAND_LINE_CHARS
# characters), below for the turned dates.
LEFT, RIGHT, TOP, BOTTOM = 56, 84, 12, 66
MOST_DATE_TICKS, MOST_SCORE_TICKS = 5, 6
# The dates are padded by this share of their span on each side (a lone result by a
# day), so the first and last points are not on the plot's edges.
PAD = 0.05


def band_ranges(definition: Instrument, settings: dict[str, int]) -> list[tuple[str, int, int]]:
    """The bands that are plain total ranges (label, low, high), lowest first."""
    ranges = []
    for band in definition.bands:
        low = band.min if band.min is not None else settings.get(band.min_setting or "")
        high = band.max
        if band.max_below_setting:
            cut = settings.get(band.max_below_setting)
            high = cut - 1 if cut is not None else None
        if low is None and definition.score_range is not None and band.max is not None:
            low = definition.score_range[0]
        if high is None and definition.score_range is not None and low is not None:
            high = definition.score_range[1]
        if low is not None and high is not None:
            ranges.append((band.label, int(low), int(high)))
    return sorted(ranges, key=lambda r: r[1])


def _when(moment: dt.datetime) -> float:
    """A moment on the date axis: its date's ordinal and the fraction of its day."""
    return moment.toordinal() + (moment.hour * 3600 + moment.minute * 60 + moment.second) / 86400


def score_chart_svg(
    definition: Instrument, responses: Sequence[InstrumentResponse], settings: dict[str, int]
) -> str | None:
    """The SVG document (text) of the totals of ``responses`` over time on the bands of
    ``definition``, None when the instrument has no total to draw."""
    points = sorted((r.submitted_at, r.total) for r in responses if r.total is not None)
    if not points or definition.score_range is None:
        return None
    low, high = definition.score_range
    first, last = _when(points[0][0]), _when(points[-1][0])
    pad = (last - first) * PAD or 1.0
    frame = Frame(
        WIDTH,
        HEIGHT,
        LEFT,
        RIGHT,
        TOP,
        BOTTOM,
        x_low=first - pad,
        x_high=last + pad,
        y_low=low - 0.5,
        y_high=high + 0.5,
    )
    body = []
    for index, (label, band_low, band_high) in enumerate(band_ranges(definition, settings)):
        top, bottom = frame.y(band_high + 0.5), frame.y(band_low - 0.5)
        colour = BAND_COLOURS[min(index, len(BAND_COLOURS) - 1)]
        body.append(
            f'<rect x="{frame.left}" y="{top}" width="{frame.plot_right - frame.left}" '
            f'height="{float(bottom) - float(top):.1f}" fill="{colour}"/>'
            f'<text dominant-baseline="middle" font-size="{BAND_FONT_SIZE}" fill="#333333">'
            + wrapped(
                label,
                str(frame.plot_right + 6),
                (float(top) + float(bottom)) / 2,
                BAND_LINE_CHARS,
                BAND_LINE_PX,
            )
            + "</text>"
        )
    step = round_step(high - low, MOST_SCORE_TICKS)
    values = [low + step * n for n in range(math.floor((high - low) / step) + 1)]
    body.extend(number_axis(frame, values, grid="#ffffff"))
    first_day = dt.date.fromordinal(math.ceil(frame.x_low))
    last_day = dt.date.fromordinal(math.floor(frame.x_high))
    ticks = [d for d in date_ticks(first_day, last_day, MOST_DATE_TICKS) if d >= first_day]
    body.extend(date_axis(frame, ticks, tick_format(ticks)))
    body.append(axes_lines(frame))
    body.append(axis_title(frame, f"{definition.short_title} total", x=16, font_size=FONT_SIZE))
    xy = [(frame.moment(moment), frame.y(total)) for moment, total in points]
    if len(xy) > 1:
        line = " ".join(f"{x},{y}" for x, y in xy)
        body.append(f'<polyline points="{line}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    body.extend(f'<circle cx="{x}" cy="{y}" r="3.5" fill="{LINE}"/>' for x, y in xy)
    return document(frame, _summary(definition, points), body, font_size=FONT_SIZE)


def _summary(definition: Instrument, points: list[tuple[dt.datetime, int]]) -> str:
    """The chart in words: how many results, the first and the latest total."""
    (first_at, first), (last_at, last) = points[0], points[-1]
    name = f"{definition.short_title} total"
    if len(points) == 1:
        return f"{name}: one result, {first} on {first_at:%d %b %Y}."
    return (
        f"{name}: {len(points)} results, from {first} on {first_at:%d %b %Y} "
        f"to {last} on {last_at:%d %b %Y}."
    )


def score_chart_data_uri(
    definition: Instrument, responses: Sequence[InstrumentResponse], settings: dict[str, int]
) -> str | None:
    """A data: URI of the SVG chart, or None when the instrument has no total to draw."""
    svg = score_chart_svg(definition, responses, settings)
    if svg is None:
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
