"""Small charts written as SVG text: a plot area, round ticks on a number axis and on a
date axis, grid lines, labels and a title, for the pages' charts (a taper plan's dose,
scores over time).

matplotlib took 30–45 ms to draw each such chart (every label drawn as glyph paths, the
ticks worked out by its locators), which a page paid on every request. These charts are
simple enough to write directly: well under a millisecond, text kept as text (sharp at
any zoom, searchable), and the same data always gives the same text, on any thread (no
global state). Pure Python, no Django.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

AXIS, GRID, TEXT = "#555555", "#dddddd", "#222222"
FONT = "DejaVu Sans, sans-serif"


def coordinate(value: float) -> str:
    """A coordinate to one decimal place, without a trailing ``.0``."""
    return f"{value:.1f}".removesuffix(".0")


def number_label(value: float) -> str:
    """A tick's number without trailing zeros: 2, 2.5, 0.25."""
    return format(Decimal(str(round(value, 6))).normalize(), "f")


def round_step(span: float, most: int) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) that cuts ``span`` (> 0) into
    at most ``most`` intervals."""
    raw = span / most
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1.0, 2.0, 2.5, 5.0):
        if raw <= factor * power:
            return factor * power
    return 10.0 * power


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def date_ticks(first: dt.date, last: dt.date, most: int) -> list[dt.date]:
    """Round dates from ``first`` to ``last``, at most ``most`` of them: every 1, 2 or 4
    weeks from ``first`` over a short span, else the first of every 1, 2, 3, 6, 12, 24
    or 60 months (months counted from January)."""
    span = (last - first).days
    for weeks in (1, 2, 4):
        if span <= 7 * weeks * (most - 1):
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
        if len(ticks) <= most:
            return ticks
    return [first, last]


@dataclass(frozen=True)
class Frame:
    """The picture (``width`` × ``height``), its plot area (inside the margins ``left``,
    ``right``, ``top``, ``bottom``) and the data ranges the plot area shows: ``x_low``
    to ``x_high`` (days as ordinals, fractions for times of day) and ``y_low`` to
    ``y_high``."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    x_low: float
    x_high: float
    y_low: float
    y_high: float

    @property
    def plot_bottom(self) -> int:
        return self.height - self.bottom

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    def x(self, value: float) -> str:
        span = self.x_high - self.x_low
        return coordinate(self.left + (self.plot_right - self.left) * (value - self.x_low) / span)

    def y(self, value: float) -> str:
        span = self.y_high - self.y_low
        return coordinate(
            self.top + (self.plot_bottom - self.top) * (1 - (value - self.y_low) / span)
        )

    def day(self, value: dt.date) -> str:
        return self.x(value.toordinal())

    def moment(self, value: dt.datetime) -> str:
        """The x of a moment: its date's ordinal and the fraction of its day."""
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return self.x(value.toordinal() + seconds / 86400)


def document(frame: Frame, title: str, body: list[str], *, font_size: int = 11) -> str:
    """The SVG document, the size of ``frame``'s picture: ``body``'s elements inside,
    ``title`` as its ``<title>``, text ``font_size`` pixels high unless an element says
    otherwise."""
    head = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {frame.width} {frame.height}" '
        f'width="{frame.width}" height="{frame.height}" font-family="{FONT}" '
        f'font-size="{font_size}" fill="{TEXT}" role="img">',
        f"<title>{escape(title)}</title>",
    ]
    return "\n".join([*head, *body, "</svg>"]) + "\n"


def number_axis(frame: Frame, values: list[float], *, grid: str = GRID) -> list[str]:
    """Labels at ``values`` left of the plot area, with grid lines across it in the
    colour ``grid`` (none at the bottom edge, where the axis is)."""
    parts = []
    for value in values:
        at = frame.y(value)
        if float(at) < frame.plot_bottom:
            parts.append(
                f'<line x1="{frame.left}" x2="{frame.plot_right}" y1="{at}" y2="{at}" '
                f'stroke="{grid}"/>'
            )
        parts.append(
            f'<text x="{frame.left - 6}" y="{at}" text-anchor="end" '
            f'dominant-baseline="middle">{number_label(value)}</text>'
        )
    return parts


def tick_format(ticks: list[dt.date]) -> str:
    """How to write ``ticks``: month and year (``Jan 2027``) when every one is a month's
    first day, else day, month and year (``04 Jan 2027``)."""
    return "%b %Y" if ticks and all(day.day == 1 for day in ticks) else "%d %b %Y"


def wrapped(text: str, x: str, y: float, most_chars: int, line_px: int) -> str:
    """``text`` in lines of at most ``most_chars`` characters (broken at spaces; a longer
    word stays whole), as ``<tspan>`` elements at ``x``, the lines centred on ``y``."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= most_chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    first = y - line_px * (len(lines) - 1) / 2
    return "".join(
        f'<tspan x="{x}" y="{coordinate(first + line_px * n)}">{escape(line)}</tspan>'
        for n, line in enumerate(lines)
    )


def date_axis(frame: Frame, ticks: list[dt.date], fmt: str = "%d %b %Y") -> list[str]:
    """Ticks and turned labels (``fmt``: ``04 Jan 2027``) below the plot area at
    ``ticks``."""
    bottom = frame.plot_bottom
    parts = []
    for day in ticks:
        at = frame.day(day)
        parts.append(
            f'<line x1="{at}" x2="{at}" y1="{bottom}" y2="{bottom + 4}" stroke="{AXIS}"/>'
            f'<text x="{at}" y="{bottom + 14}" text-anchor="end" '
            f'transform="rotate(-30 {at} {bottom + 14})">{day.strftime(fmt)}</text>'
        )
    return parts


def axes_lines(frame: Frame) -> str:
    """The left and bottom edges of the plot area."""
    return (
        f'<path d="M{frame.left} {frame.top}V{frame.plot_bottom}H{frame.plot_right}" '
        f'fill="none" stroke="{AXIS}"/>'
    )


def axis_title(frame: Frame, text: str, *, x: int = 18, font_size: int = 12) -> str:
    """The number axis's title, turned, at ``x`` from the left edge."""
    middle = coordinate(frame.top + (frame.plot_bottom - frame.top) / 2)
    return (
        f'<text x="{x}" y="{middle}" text-anchor="middle" dominant-baseline="middle" '
        f'font-size="{font_size}" transform="rotate(-90 {x} {middle})">{escape(text)}</text>'
    )
