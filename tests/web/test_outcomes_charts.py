"""The outcomes charts are SVG text: each figure a labelled bar, a withheld figure no bar
and "fewer than 11" (the chart never shows what the table withholds), and the figures
said in words in the chart's title."""

from __future__ import annotations

import base64
import datetime as dt
import xml.etree.ElementTree as ET

from clonacare.accounts.models import Program
from clonacare.recovery.outcomes import Figure, Outcomes, Period
from clonacare.recovery.outcomes_charts import proportions_chart, taper_counts_chart

SVG = "{http://www.w3.org/2000/svg}"
PREFIX = "data:image/svg+xml;base64,"


def figure(key: str, label: str, kind: str, value: float | None, withheld: str | None) -> Figure:
    return Figure(
        key=key,
        label=label,
        kind=kind,
        count=None,
        denominator=None,
        value=value,
        withheld=withheld,
        definition="",
        source="",
    )


def outcomes() -> Outcomes:
    counts = [
        figure("started", "Started a taper", "count", 14, None),
        figure("finished", "Finished", "count", 11, None),
        figure("paused", "Paused", "count", None, "fewer-than"),
        figure("lower_dose", "Stayed on a lower dose", "count", 0, None),
        figure("returned_to_use", "Returned to use", "count", None, "fewer-than"),
        figure("gad7_response", "GAD-7 response", "proportion", 100.0, None),
        figure("phq9_response", "PHQ-9 response", "proportion", None, "complementary"),
    ]
    return Outcomes(
        program=Program(name="Riverside", slug="riverside"),
        period=Period(None, None),
        today=dt.date(2026, 12, 3),
        smallest_shown=11,
        small_cell_source="CMS",
        figures=tuple(counts),
    )


def parsed(uri: str) -> tuple[str, ET.Element]:
    svg = base64.b64decode(uri.removeprefix(PREFIX)).decode()
    return svg, ET.fromstring(svg.encode())  # noqa: S314  (our own chart)


def test_each_shown_figure_is_a_bar_and_a_withheld_one_is_not() -> None:
    svg, root = parsed(taper_counts_chart(outcomes()))
    assert len(root.findall(f"{SVG}rect")) == 2  # started and finished; 0 has no bar
    texts = [t.text for t in root.findall(f"{SVG}text")]
    assert texts.count("fewer than 11") == 2
    assert (
        "<title>Taper attempts and returns: Started a taper: 14; Finished: 11; Paused: "
        "fewer than 11; Stayed on a lower dose: 0; Returned to use: fewer than 11.</title>"
    ) in svg


def test_proportions_are_drawn_on_a_scale_to_100_per_cent() -> None:
    _, root = parsed(proportions_chart(outcomes()))
    texts = [t.text for t in root.findall(f"{SVG}text")]
    assert [t for t in texts if t and t.isdigit()] == ["0", "25", "50", "75", "100"]
    assert "100%" in texts
    assert "fewer than 11" in texts
    assert len(root.findall(f"{SVG}rect")) == 1
