"""A taper plan's daily diazepam-equivalent over time, as an SVG chart for the pages.

The taper core's chart (``core/taper/render/chart.py``) sets matplotlib's rcParams in
an ``rc_context`` while it draws: global state that another thread drawing at the same
moment would see. The pages answer on several threads, so they draw this chart instead:
a ``Figure`` of its own, saved through its own canvas, with every style given to the
artists and no rcParams changed while drawing (as ``assessments/charts.py``).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from typing import Any

import matplotlib
import matplotlib.dates as mdates
from matplotlib.figure import Figure

# The SVG writer names clip paths with a hash salted by this setting (random when
# unset): a fixed salt makes the same plan give the same chart. Set at import, to the
# value assessments/charts.py sets, so no drawing thread changes it under another.
matplotlib.rcParams["svg.hashsalt"] = "clonacare"


def _series(plan_json: dict[str, Any]) -> tuple[list[dt.date], list[float]]:
    """Each step's start and daily diazepam-equivalent, held to the plan's last day."""
    days: list[dt.date] = []
    doses: list[float] = []
    for step in plan_json.get("steps", []):
        days.append(dt.date.fromisoformat(step["start"]))
        doses.append(float(step["diazepam_equivalent_mg"]))
    if days:
        last = plan_json["steps"][-1]
        days.append(dt.date.fromisoformat(last["end"]) if last.get("end") else days[-1])
        doses.append(doses[-1])
    return days, doses


def plan_chart_data_uri(plan_json: dict[str, Any]) -> str | None:
    """A data: URI of the SVG chart of ``plan_json`` (the taper JSON contract), None for a
    plan without steps."""
    days, doses = _series(plan_json)
    if not days:
        return None
    figure = Figure(figsize=(7.2, 3.0), dpi=100)
    axes = figure.subplots()
    axes.step(days, doses, where="post", color="#1f5f8b", linewidth=2)  # type: ignore[arg-type]
    axes.set_ylabel("Diazepam-equivalent, mg/day", fontsize=9)
    axes.set_ylim(bottom=0, top=max(doses) * 1.1 or 1.0)
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%d %b %Y"))  # type: ignore[no-untyped-call]
    axes.tick_params(labelsize=8)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.autofmt_xdate()
    # Fixed margins, not tight_layout(): fitting them drew the whole chart once more
    # (about half of its time, docs/benchmarks.md "Plan preview"). These hold the
    # widest labels a plan gives (three-digit doses, dates turned by autofmt_xdate).
    figure.subplots_adjust(left=0.095, right=0.98, bottom=0.24, top=0.95)
    out = io.BytesIO()
    figure.savefig(out, format="svg", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")
