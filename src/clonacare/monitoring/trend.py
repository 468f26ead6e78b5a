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
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from clonacare.core.svgchart import (
    Frame,
    axes_lines,
    axis_title,
    date_axis,
    date_ticks,
    document,
    number_axis,
    round_step,
)
from clonacare.monitoring.models import CheckIn, DoseLog
from clonacare.monitoring.questions import ciwa_b_patient_items

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
        label = str(DoseLog.Status(log.status).label)
        if log.amount_mg is not None:
            label = f"{label}: {log.amount_mg.normalize():f} mg"
        found[(log.day, log.dose_time)] = label
    days = []
    day = until
    while day >= since:
        days.append(DoseDay(day, tuple(found.get((day, t), "") for t in dose_times)))
        day -= dt.timedelta(days=1)
    return days


# The chart: one picture, the CIWA-B sum in the top panel and the 0–10 ratings in the
# bottom one, on the same dates.
WIDTH, HEIGHT = 720, 440
LEFT, RIGHT = 78, 16
TOP_PANEL = (12, 250)  # the top panel's plot area, from and to (y)
BOTTOM_PANEL = (286, 380)
CIWA_LINE = "#1f5f8b"
RATING_STYLES = (
    ("sleep", "#7a4b00", ""),
    ("anxiety", "#8b1f4f", "6 3"),
    ("craving", "#2e6b2e", "2 3"),
)
MOST_DATE_TICKS, MOST_SUM_TICKS = 8, 6
# The dates are padded by this share of their span on each side (a lone day by a day).
PAD = 0.03


def _panel(top_bottom: tuple[int, int], x_low: float, x_high: float, y_high: float) -> Frame:
    top, bottom = top_bottom
    return Frame(
        WIDTH, HEIGHT, LEFT, RIGHT, top, HEIGHT - bottom, x_low, x_high, y_low=0.0, y_high=y_high
    )


def _line(frame: Frame, days: list[dt.date], values: list[int], colour: str, dash: str) -> str:
    points = " ".join(f"{frame.day(d)},{frame.y(v)}" for d, v in zip(days, values, strict=True))
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dashed}/>'


def trend_chart_svg(rows: Iterable[TrendRow]) -> str | None:
    """The SVG document (text) of the rows: the CIWA-B sum above (from 0 to its highest),
    sleep, anxiety and craving (0–10) below; None without a check-in. Written as text
    (``core/svgchart.py``): the same rows always give the same chart."""
    rows = list(rows)
    if not rows:
        return None
    days = [row.day for row in rows]
    first, last = days[0].toordinal(), days[-1].toordinal()
    pad = (last - first) * PAD or 1.0
    highest = ciwa_b_sum_maximum()
    upper = _panel(TOP_PANEL, first - pad, last + pad, highest)
    lower = _panel(BOTTOM_PANEL, first - pad, last + pad, 10)
    step = round_step(highest, MOST_SUM_TICKS)
    body = [
        *number_axis(upper, [step * n for n in range(int(highest // step) + 1)]),
        axes_lines(upper),
        axis_title(upper, "CIWA-B items the patient rates (sum)"),
        _line(upper, days, [r.ciwa_b_sum for r in rows], CIWA_LINE, ""),
        *(
            f'<circle cx="{upper.day(r.day)}" cy="{upper.y(r.ciwa_b_sum)}" r="2.5" '
            f'fill="{CIWA_LINE}"/>'
            for r in rows
        ),
        *number_axis(lower, [0, 2, 4, 6, 8, 10]),
        axes_lines(lower),
        axis_title(lower, "0–10 ratings"),
    ]
    for index, (name, colour, dash) in enumerate(RATING_STYLES):
        body.append(_line(lower, days, [getattr(r, name) for r in rows], colour, dash))
        x = LEFT + 8 + index * 110
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(
            f'<line x1="{x}" x2="{x + 28}" y1="{BOTTOM_PANEL[0] - 14}" '
            f'y2="{BOTTOM_PANEL[0] - 14}" stroke="{colour}" stroke-width="2"{dashed}/>'
            f'<text x="{x + 34}" y="{BOTTOM_PANEL[0] - 14}" dominant-baseline="middle">'
            f"{name}</text>"
        )
    first_day = dt.date.fromordinal(math.ceil(lower.x_low))
    last_day = dt.date.fromordinal(math.floor(lower.x_high))
    ticks = [d for d in date_ticks(first_day, last_day, MOST_DATE_TICKS) if d >= first_day]
    body.extend(date_axis(lower, ticks, "%d %b"))
    return document(upper, _summary(rows), body)


def _summary(rows: list[TrendRow]) -> str:
    """The chart in words: the days, the CIWA-B sums first and latest, the latest
    ratings."""
    first, last = rows[0], rows[-1]
    return (
        f"{len(rows)} check-in{'s' if len(rows) != 1 else ''} from {first.day:%d %b %Y} to "
        f"{last.day:%d %b %Y}: CIWA-B items the patient rates (sum) {first.ciwa_b_sum} to "
        f"{last.ciwa_b_sum} of {ciwa_b_sum_maximum()}; latest sleep {last.sleep}, anxiety "
        f"{last.anxiety}, craving {last.craving} (0–10)."
    )


def trend_chart_data_uri(rows: Iterable[TrendRow]) -> str | None:
    """A data: URI of the SVG chart of the rows (``trend_chart_svg``); None without a
    check-in."""
    svg = trend_chart_svg(rows)
    if svg is None:
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
