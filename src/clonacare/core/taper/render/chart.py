"""The plan as an SVG chart: daily dose of each drug and the diazepam-equivalent over
time, drawn with matplotlib (a Figure rendered without pyplot or a GUI backend)."""

from __future__ import annotations

import io
import math
import textwrap
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from clonacare.core.taper.model import TaperPlan
from clonacare.core.taper.render.text import method_text, plan_drugs


def _series(plan: TaperPlan, drug: str | None) -> tuple[list[date], list[float]]:
    """Step-wise points: the value at each step's start, and the plan's last day.

    For one drug, steps without it are gaps (NaN), except the stop, drawn at zero.
    """
    xs: list[date] = []
    ys: list[float] = []
    for step in plan.steps:
        if drug is None:
            value = float(step.diazepam_equivalent_mg)
        elif not step.doses and drug == plan.taper_drug:
            value = 0.0
        else:
            mg = sum((d.mg for d in step.doses if d.drug == drug), Decimal(0))
            value = float(mg) if mg > 0 else math.nan
        xs.append(step.start)
        ys.append(value)
    last = plan.steps[-1]
    xs.append(last.end if last.days else last.start + timedelta(days=3))
    ys.append(ys[-1])
    return xs, ys


def render_svg(plan: TaperPlan) -> str:
    """An SVG document (text). Output is stable for the same plan."""
    return render_image(plan, "svg").decode("utf-8")


def render_image(plan: TaperPlan, fmt: str) -> bytes:
    """The chart in a matplotlib output format ("svg", or "png" for previews)."""
    from matplotlib import dates as mdates
    from matplotlib.figure import Figure

    drugs = plan_drugs(plan)
    # A Figure without pyplot uses no global state and no GUI backend.
    with matplotlib_rc():
        fig = Figure(figsize=(9, 6.2), layout="constrained")
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
        colours = ["#1f5f8b", "#b5531f", "#3c7d3c"]
        # Each drug on its own mg scale (clonazepam and diazepam doses differ 20-fold),
        # the scales matched through the plan's equivalence so equal heights are equal
        # diazepam-equivalents and the crossover reads as one line.
        axes = [top] + [top.twinx() for _ in drugs[1:]]
        top_de = max(float(s.diazepam_equivalent_mg) for s in plan.steps) * 1.12 or 1.0
        for i, (drug, axis) in enumerate(zip(drugs, axes, strict=True)):
            xs, ys = _series(plan, drug)
            colour = colours[i % len(colours)]
            axis.step(xs, ys, where="post", color=colour, linewidth=2, label=f"{drug}")
            equivalent = float(plan.equivalent_mg) if drug == plan.drug else 10.0
            axis.set_ylim(bottom=0, top=top_de * equivalent / 10)
            axis.set_ylabel(f"{drug} (mg/day)", color=colour)
            axis.tick_params(axis="y", colors=colour)
        if len(drugs) > 1:
            handles = [h for axis in axes for h in axis.get_legend_handles_labels()[0]]
            top.legend(handles=handles, loc="upper right", frameon=False)
        top.grid(True, alpha=0.3)
        title = f"{plan.drug.capitalize()} taper (revision {plan.revision}): {method_text(plan)}"
        # Wrapped, so a long method (bands, with the end of each band's cut) is not cut off.
        top.set_title("\n".join(textwrap.wrap(title, 90)), loc="left")
        xs, ys = _series(plan, None)
        bottom.step(xs, ys, where="post", color="#555555", linewidth=2)
        bottom.fill_between(xs, ys, step="post", color="#555555", alpha=0.12)
        bottom.set_ylabel("Diazepam-equivalent\n(mg/day)")
        bottom.set_ylim(bottom=0, top=max(ys) * 1.12)
        bottom.grid(True, alpha=0.3)
        if plan.outcome == "discontinued":
            stop = plan.end_date
            for axis in (top, bottom):
                axis.axvline(stop, color="#999999", linestyle="--", linewidth=1)
            bottom.annotate(
                f"stops {stop.isoformat()}",
                xy=(stop, 1),
                xycoords=("data", "axes fraction"),
                xytext=(-4, -4),
                textcoords="offset points",
                ha="right",
                va="top",
                fontsize=9,
                color="#444444",
            )
        locator = mdates.AutoDateLocator(maxticks=10)  # type: ignore[no-untyped-call]
        bottom.xaxis.set_major_locator(locator)
        bottom.xaxis.set_major_formatter(
            mdates.ConciseDateFormatter(locator)  # type: ignore[no-untyped-call]
        )
        bottom.set_xlabel(
            f"Equivalents: {plan.equivalence_table} table (approximate); "
            f"formulary: {plan.formulary_name}"
        )
        out = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {}
        fig.savefig(out, format=fmt, metadata=metadata)
    return out.getvalue()


def matplotlib_rc() -> Any:
    import matplotlib

    return matplotlib.rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": "clonacare-taper", "font.size": 10}
    )
