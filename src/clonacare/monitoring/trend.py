"""How the taper is going, read back from the check-ins and dose logs: the rows of the
trend pages (the clinic's and the patient's) and their chart.

The CIWA-B figure is the **sum of the items the patient rates** on each check-in (the
same sum the proposal rules compare, ``monitoring.rules``), shown as a trend only: it is
not the CIWA-B total (the observed items are not in a check-in) and no band reads it
(the clinical reference: CIWA-B has no agreed bands). The highest sum it can reach is
four times the number of items, read from the instrument's own file.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import matplotlib
import matplotlib.dates as mdates
from django.db.models import QuerySet
from matplotlib.figure import Figure

from clonacare.monitoring.models import CheckIn, DoseLog
from clonacare.monitoring.questions import ciwa_b_patient_items

# As plans/charts.py: a fixed salt for the SVG writer's clip-path names, set at import.
matplotlib.rcParams["svg.hashsalt"] = "clonacare"

# How far back the trend pages read: the API lists everything.
WEEKS_SHOWN = 12


@dataclass(frozen=True)
class TrendRow:
    """One check-in as the trend shows it."""

    day: dt.date
    ciwa_b_sum: int
    sleep: int
    anxiety: int
    craving: int
    seizure: bool
    self_harm_thoughts: bool
    note: str
    late_entry: bool
    entered_by: str
    self_reported: bool


def ciwa_b_sum_maximum() -> int:
    """The highest sum of the patient-rated CIWA-B items: each item's highest answer,
    from the instrument's file (``ciwa-b.toml``)."""
    return sum(item.max_score for item in ciwa_b_patient_items())


def trend_rows(check_ins: QuerySet[CheckIn], since: dt.date) -> list[TrendRow]:
    """The check-ins from ``since`` on, oldest first."""
    rows = []
    for check_in in check_ins.filter(day__gte=since).order_by("day"):
        user = check_in.entered_by
        rows.append(
            TrendRow(
                day=check_in.day,
                ciwa_b_sum=sum(int(v) for v in check_in.ciwa_b.values()),
                sleep=check_in.sleep,
                anxiety=check_in.anxiety,
                craving=check_in.craving,
                seizure=check_in.seizure,
                self_harm_thoughts=check_in.self_harm_thoughts,
                note=check_in.note,
                late_entry=check_in.late_entry,
                entered_by=user.get_full_name() or user.get_username(),
                self_reported=check_in.self_reported,
            )
        )
    return rows


@dataclass(frozen=True)
class DoseDay:
    """One day of the dose log: each dose time's status label ("" when not logged)."""

    day: dt.date
    statuses: tuple[str, ...]


def dose_days(
    logs: QuerySet[DoseLog], dose_times: Sequence[str], since: dt.date, until: dt.date
) -> list[DoseDay]:
    """Every day from ``until`` back to ``since`` (newest first) with each of
    ``dose_times``' log: its status in words ("Taken", "Missed", "Taken late", "A
    different amount: 0.25 mg"), "" for a dose time with no log."""
    found: dict[tuple[dt.date, str], str] = {}
    for log in logs.filter(day__gte=since, day__lte=until):
        label = DoseLog.Status(log.status).label
        if log.amount_mg is not None:
            label = f"{label}: {log.amount_mg.normalize():f} mg"
        found[(log.day, log.dose_time)] = str(label)
    days = []
    day = until
    while day >= since:
        days.append(DoseDay(day, tuple(found.get((day, t), "") for t in dose_times)))
        day -= dt.timedelta(days=1)
    return days


def trend_chart_data_uri(rows: Iterable[TrendRow]) -> str | None:
    """A data: URI of an SVG chart of the rows: the CIWA-B sum above (from 0 to its
    highest), sleep, anxiety and craving (0–10) below; None without a check-in. Drawn
    on a ``Figure`` of its own (no pyplot, no rcParams changed: the pages answer on
    several threads)."""
    rows = list(rows)
    if not rows:
        return None
    days = [row.day for row in rows]
    figure = Figure(figsize=(7.2, 4.4), dpi=100)
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=[3, 2])
    top.plot(days, [r.ciwa_b_sum for r in rows], color="#1f5f8b", marker="o", markersize=3)
    top.set_ylim(0, ciwa_b_sum_maximum())
    top.set_ylabel("CIWA-B items\nthe patient rates (sum)", fontsize=8)
    styles = (("sleep", "#7a4b00", "-"), ("anxiety", "#8b1f4f", "--"), ("craving", "#2e6b2e", ":"))
    for name, colour, line in styles:
        values = [getattr(r, name) for r in rows]
        bottom.plot(days, values, color=colour, linestyle=line, label=name)
    bottom.set_ylim(0, 10)
    bottom.set_ylabel("0–10 ratings", fontsize=8)
    bottom.legend(fontsize=7, loc="upper left", ncols=3, frameon=False)
    bottom.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))  # type: ignore[no-untyped-call]
    for axes in (top, bottom):
        axes.tick_params(labelsize=8)
        axes.grid(axis="y", color="#dddddd", linewidth=0.6)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
    figure.autofmt_xdate()
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="svg", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")
