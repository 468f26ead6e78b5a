"""The program's outcomes as two SVG bar charts drawn by matplotlib on the server: the
taper counts, and the proportions in per cent. A withheld figure has no bar and is
labelled "fewer than 11" (the small-cell rule): the chart never shows what the table
withholds. As assessments/charts.py: a ``Figure`` of its own and its own canvas, never
``pyplot`` (the server draws on several threads), and a fixed SVG hash salt so the same
figures give the same chart.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import matplotlib
from matplotlib.figure import Figure as Chart

from clonacare.recovery.outcomes import Figure, Outcomes

matplotlib.rcParams["svg.hashsalt"] = "clonacare"

COUNTS = ("started", "finished", "paused", "lower_dose", "returned_to_use")
BAR = "#0b5a6b"
WITHHELD = "#6b6b6b"


def _uri(chart: Chart) -> str:
    chart.tight_layout()
    buffer = io.BytesIO()
    chart.savefig(buffer, format="svg", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _bars(figures: Sequence[Figure], smallest_shown: int, *, unit: str, top: float | None) -> str:
    chart = Chart(figsize=(7.2, 0.45 * len(figures) + 0.9), dpi=100)
    axes = chart.subplots()
    labels = [f.label for f in figures]
    values = [f.value or 0.0 for f in figures]
    rows = list(range(len(figures)))[::-1]
    axes.barh(rows, values, color=BAR, height=0.6)
    highest = top if top is not None else max([*values, 1.0])
    for row, figure in zip(rows, figures, strict=True):
        if figure.withheld is not None:
            text, colour = f"fewer than {smallest_shown}", WITHHELD
        elif figure.value is None:
            text, colour = "none to count", WITHHELD
        else:
            text, colour = f"{figure.value:g}{unit}", "#222222"
        axes.text(
            (figure.value or 0.0) + highest * 0.01, row, text, va="center", fontsize=9, color=colour
        )
    axes.set_yticks(rows, labels)
    axes.set_xlim(0, highest * 1.25)
    if top is not None:
        axes.set_xticks([top * q / 4 for q in range(5)])
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(axis="y", length=0)
    return _uri(chart)


def taper_counts_chart(outcomes: Outcomes) -> str:
    """A data: URI of the taper counts (started, finished, paused, lower dose, returned)."""
    chosen = [outcomes.figure(key) for key in COUNTS]
    return _bars(chosen, outcomes.smallest_shown, unit="", top=None)


def proportions_chart(outcomes: Outcomes) -> str:
    """A data: URI of every proportion, in per cent of its denominator."""
    chosen = [f for f in outcomes.figures if f.kind == "proportion"]
    return _bars(chosen, outcomes.smallest_shown, unit="%", top=100.0)
