"""The program's outcomes as two SVG bar charts: the taper counts, and the proportions
in per cent. A withheld figure has no bar and is labelled "fewer than 11" (the small-cell
rule): the chart never shows what the table withholds.

Written as SVG text (``core/svgchart.py``), not drawn by matplotlib: the same figures
always give the same chart, on any thread, in well under a millisecond.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from xml.sax.saxutils import escape

from clonacare.core.svgchart import AXIS, Frame, coordinate, document, number_label
from clonacare.recovery.outcomes import Figure, Outcomes

COUNTS = ("started", "finished", "paused", "lower_dose", "returned_to_use")
BAR = "#0b5a6b"
WITHHELD = "#6b6b6b"
# Drawn for a phone's width, as the score charts (assessments/charts.py): shrunk to
# about 360 px on a 390 px phone, its 13 px text is still about 10 px there. Each
# figure's name is written above its bar, so a long name takes no width from the bars.
WIDTH = 480
FONT_SIZE, VALUE_FONT_SIZE = 13, 12
# The bars from LEFT; each row ROW high: the name, then the bar BAR_HEIGHT high.
LEFT, RIGHT, TOP, ROW, BAR_TOP, BAR_HEIGHT, AXIS_ROOM = 12, 20, 6, 44, 20, 16, 34
MOST_TICKS = 6


def _whole_step(span: float) -> float:
    """A step for counts of people: a whole number (1, 2 or 5 times a power of ten)
    cutting ``span`` into at most MOST_TICKS intervals."""
    raw = span / MOST_TICKS
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(f * power for f in (1.0, 2.0, 5.0, 10.0) if raw <= f * power)
    return max(step, 1.0)


def _bars(
    figures: Sequence[Figure], smallest_shown: int, *, unit: str, top: float | None, title: str
) -> str:
    values = [f.value or 0.0 for f in figures]
    highest = top if top is not None else max([*values, 1.0])
    height = TOP + ROW * len(figures) + AXIS_ROOM
    bottom = TOP + ROW * len(figures)
    if top is not None:
        ticks = [top * q / 4 for q in range(5)]
    else:
        step = _whole_step(highest * 1.25)
        ticks = [step * n for n in range(math.floor(highest * 1.25 / step) + 1)]
    frame = Frame(WIDTH, height, LEFT, RIGHT, TOP, height - bottom, 0.0, highest * 1.25, 0.0, 1.0)
    body = []
    words = []
    for index, figure in enumerate(figures):
        row_top = TOP + ROW * index
        middle = coordinate(row_top + BAR_TOP + BAR_HEIGHT / 2)
        if figure.withheld is not None:
            text, colour = f"fewer than {smallest_shown}", WITHHELD
        elif figure.value is None:
            text, colour = "none to count", WITHHELD
        else:
            text, colour = f"{figure.value:g}{unit}", "#222222"
        words.append(f"{figure.label}: {text}")
        body.append(
            f'<text x="{LEFT + 4}" y="{coordinate(row_top + BAR_TOP - 5)}">'
            f"{escape(figure.label)}</text>"
        )
        if figure.value:
            end = frame.x(figure.value)
            body.append(
                f'<rect x="{LEFT}" y="{coordinate(row_top + BAR_TOP)}" '
                f'width="{coordinate(float(end) - LEFT)}" height="{BAR_HEIGHT}" fill="{BAR}"/>'
            )
        label_x = coordinate(float(frame.x(figure.value or 0.0)) + 4)
        body.append(
            f'<text x="{label_x}" y="{middle}" dominant-baseline="middle" '
            f'font-size="{VALUE_FONT_SIZE}" fill="{colour}">{escape(text)}</text>'
        )
    for tick in ticks:
        at = frame.x(tick)
        body.append(
            f'<line x1="{at}" x2="{at}" y1="{bottom}" y2="{bottom + 4}" stroke="{AXIS}"/>'
            f'<text x="{at}" y="{bottom + 16}" text-anchor="middle">{number_label(tick)}</text>'
        )
    body.append(
        f'<path d="M{LEFT} {TOP}V{bottom}H{frame.plot_right}" fill="none" stroke="{AXIS}"/>'
    )
    svg = document(frame, f"{title}: {'; '.join(words)}.", body, font_size=FONT_SIZE)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def taper_counts_chart(outcomes: Outcomes) -> str:
    """A data: URI of the taper counts (started, finished, paused, lower dose, returned)."""
    chosen = [outcomes.figure(key) for key in COUNTS]
    return _bars(
        chosen, outcomes.smallest_shown, unit="", top=None, title="Taper attempts and returns"
    )


def proportions_chart(outcomes: Outcomes) -> str:
    """A data: URI of every proportion, in per cent of its denominator."""
    chosen = [f for f in outcomes.figures if f.kind == "proportion"]
    return _bars(
        chosen, outcomes.smallest_shown, unit="%", top=100.0, title="Proportions, in per cent"
    )
