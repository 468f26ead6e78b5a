"""The check-in trend chart is SVG text (core/svgchart.py): it says the check-ins in
words, keys its three rating lines, and the same rows always give the same chart."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from clonacare.monitoring.trend import TrendRow, ciwa_b_sum_maximum, trend_chart_svg

SVG = "{http://www.w3.org/2000/svg}"


def row(day: dt.date, total: int, sleep: int) -> TrendRow:
    return TrendRow(
        day=day,
        ciwa_b_sum=total,
        sleep=sleep,
        anxiety=4,
        craving=1,
        seizure=False,
        self_harm_thoughts=False,
        note="",
        late_entry=False,
        entered_by="Alex Morgan",
        self_reported=True,
    )


ROWS = [row(dt.date(2026, 11, 2) + dt.timedelta(days=n), 12 - n, 6 - n) for n in range(5)]


def test_the_chart_says_the_check_ins_in_words() -> None:
    svg = trend_chart_svg(ROWS)
    assert svg is not None
    assert (
        "<title>5 check-ins from 02 Nov 2026 to 06 Nov 2026: CIWA-B items the patient rates "
        f"(sum) 12 to 8 of {ciwa_b_sum_maximum()}; latest sleep 2, anxiety 4, craving 1 "
        "(0–10).</title>"
    ) in svg


def test_each_check_in_is_a_point_and_each_rating_a_keyed_line() -> None:
    svg = trend_chart_svg(ROWS)
    assert svg is not None
    root = ET.fromstring(svg.encode())  # noqa: S314  (our own chart)
    assert len(root.findall(f"{SVG}circle")) == 5
    assert len(root.findall(f"{SVG}polyline")) == 4  # the sum and the three ratings
    texts = [t.text for t in root.findall(f"{SVG}text")]
    assert {"sleep", "anxiety", "craving"} <= set(texts)


def test_no_check_in_no_chart_and_the_same_rows_the_same_chart() -> None:
    assert trend_chart_svg([]) is None
    assert trend_chart_svg(ROWS) == trend_chart_svg(list(ROWS))
