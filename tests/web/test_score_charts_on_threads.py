"""Score charts are SVG text written by a pure function (core/svgchart.py), with no
shared drawing state, so the server's threads can draw them at the same moment: each gets
the whole chart it asked for, the same as had it been drawn alone; and no page that shows
one waits on matplotlib (which is not even imported)."""

from __future__ import annotations

import base64
import datetime as dt
import os
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET

from clonacare.assessments.charts import score_chart_data_uri
from clonacare.assessments.models import InstrumentResponse
from clonacare.core.assessment import load_settings
from clonacare.core.instruments import instrument

PREFIX = "data:image/svg+xml;base64,"
SVG = "{http://www.w3.org/2000/svg}"
THREADS = 8
ROUNDS = 3
# Totals over six visits, within each instrument's range.
TOTALS = {"phq9": [21, 17, 14, 9, 6, 3], "gad7": [18, 15, 11, 8, 5, 2]}


def chart(instrument_id: str) -> str:
    start = dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC)
    responses = [
        InstrumentResponse(
            instrument=instrument_id, total=total, submitted_at=start + dt.timedelta(weeks=2 * n)
        )
        for n, total in enumerate(TOTALS[instrument_id])
    ]
    uri = score_chart_data_uri(
        instrument(instrument_id), responses, load_settings().instrument_settings()
    )
    assert uri is not None
    return uri


def whole_svg(uri: str) -> ET.Element:
    """The chart's SVG document, parsed: it fails on a cut-off or interleaved one."""
    assert uri.startswith(PREFIX)
    svg = base64.b64decode(uri.removeprefix(PREFIX), validate=True)
    root = ET.fromstring(svg)  # noqa: S314  (our own chart, not untrusted input)
    assert root.tag == f"{SVG}svg"
    return root


def test_charts_drawn_on_threads_at_once_are_whole_and_as_if_drawn_alone() -> None:
    alone = {instrument_id: chart(instrument_id) for instrument_id in TOTALS}
    for uri in alone.values():
        svg = whole_svg(uri)
        assert len(svg.findall(f".//{SVG}circle")) == 6, "a chart without its six results"
        assert svg.findall(f".//{SVG}polyline"), "a chart without its line"
    assert alone["phq9"] != alone["gad7"]

    start = threading.Barrier(THREADS)
    drawn: list[tuple[str, str]] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def draw(instrument_id: str) -> None:
        try:
            start.wait()
            for _ in range(ROUNDS):
                uri = chart(instrument_id)
                with lock:
                    drawn.append((instrument_id, uri))
        except BaseException as exc:  # reported below, with the thread's own error
            with lock:
                failures.append(exc)

    ids = sorted(TOTALS) * (THREADS // len(TOTALS))
    threads = [threading.Thread(target=draw, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert len(drawn) == THREADS * ROUNDS
    for instrument_id, uri in drawn:
        whole_svg(uri)
        assert uri == alone[instrument_id], f"a {instrument_id} chart drawn on a thread differs"


def test_the_chart_module_does_not_import_matplotlib() -> None:
    """A fresh interpreter that draws a chart through the module never loads matplotlib
    (nor pyplot, whose current figure threads would share)."""
    script = (
        "import sys, django; django.setup();"
        "from tests.web.test_score_charts_on_threads import chart, whole_svg;"
        "whole_svg(chart('phq9'));"
        "print('matplotlib.pyplot' in sys.modules, 'matplotlib' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "clonacare.web.settings"
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "False False\n"


def test_the_chart_shows_the_bands_and_says_the_results_in_words() -> None:
    svg = base64.b64decode(chart("phq9").removeprefix(PREFIX)).decode()
    assert (
        "<title>PHQ-9 total: 6 results, from 21 on 05 Jan 2026 to 3 on 16 Mar 2026.</title>" in svg
    )
    bands = ET.fromstring(svg).findall(f"{SVG}text")  # noqa: S314  (our own chart)
    # A band's name may be written in lines (<tspan>s): "moderately" / "severe".
    names = [" ".join(t.itertext()) for t in bands if t.get("font-size") == "12"]
    assert names == ["minimal", "mild", "moderate", "moderately severe", "severe"]
