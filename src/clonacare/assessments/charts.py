"""Scores over time as an SVG chart with the instrument's bands, drawn by matplotlib.

The server answers requests on several threads at once, so a chart is drawn with
matplotlib's object API: a ``Figure`` of its own, saved through its own canvas. Nothing
here touches ``pyplot``, whose current figure and figure registry are shared by every
thread (nor does this module import it), and no rcParams change while drawing.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import matplotlib
import matplotlib.dates as mdates
from matplotlib.figure import Figure

from clonacare.assessments.models import InstrumentResponse
from clonacare.core.instruments import Instrument

BAND_COLOURS = ("#e3f1e6", "#f4f1d0", "#fbe3c4", "#f8d0c0", "#f1b9b9")

# The SVG writer names clip paths with a hash salted by this setting (random when unset);
# a fixed salt makes the same scores give the same chart. Set once here, at import, to
# one value, so no drawing thread changes it under another.
matplotlib.rcParams["svg.hashsalt"] = "clonacare"


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


def score_chart_data_uri(
    definition: Instrument, responses: Sequence[InstrumentResponse], settings: dict[str, int]
) -> str | None:
    """A data: URI of the SVG chart, or None when the instrument has no total to draw."""
    points = [(r.submitted_at, r.total) for r in responses if r.total is not None]
    if not points or definition.score_range is None:
        return None
    points.sort()
    low, high = definition.score_range
    figure = Figure(figsize=(7.2, 2.8), dpi=100)
    axes = figure.subplots()
    for index, (label, band_low, band_high) in enumerate(band_ranges(definition, settings)):
        axes.axhspan(
            band_low - 0.5,
            band_high + 0.5,
            color=BAND_COLOURS[min(index, len(BAND_COLOURS) - 1)],
            zorder=0,
        )
        axes.text(
            1.01,
            (band_low + band_high) / 2,
            label,
            transform=axes.get_yaxis_transform(),
            va="center",
            fontsize=8,
            color="#333333",
        )
    axes.plot(
        [mdates.date2num(p[0]) for p in points],  # type: ignore[no-untyped-call]
        [p[1] for p in points],
        marker="o",
        color="#0b5a6b",
        linewidth=2,
        zorder=3,
    )
    axes.set_ylim(low - 0.5, high + 0.5)
    axes.set_ylabel(f"{definition.short_title} total")
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%d %b %Y"))  # type: ignore[no-untyped-call]
    axes.grid(axis="y", color="#ffffff", linewidth=0.6)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.autofmt_xdate()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
