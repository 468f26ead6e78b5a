"""The plan pages' chart is SVG text written by plans.charts (not drawn by matplotlib):
its words are text a screen reader and a search can read, its axes are labelled with
round doses and dates, and a plan that stops the drug shows the line reaching zero."""

from __future__ import annotations

import base64
import datetime as dt
import re
from decimal import Decimal
from typing import Any

from clonacare.core.taper import TaperRequest, plan_taper, plan_to_dict, request_formulary
from clonacare.plans.charts import BOTTOM, HEIGHT, plan_chart_data_uri, plan_chart_svg


def plan_json(**options: Any) -> dict[str, Any]:
    request = TaperRequest(
        drug="diazepam",
        doses=(("night", Decimal(20)),),
        start=dt.date(2027, 1, 4),
        method="percent",
        step=Decimal(10),
        **options,
    )
    return plan_to_dict(plan_taper(request, request_formulary(request)))


def test_the_chart_says_in_words_where_the_plan_starts_and_ends() -> None:
    plan = plan_json(interval_days=14, end_dose_mg=Decimal(10))
    svg = plan_chart_svg(plan)
    assert svg is not None
    assert svg.startswith('<?xml version="1.0" encoding="utf-8"?>\n<svg ')
    steps = len(plan["steps"])
    assert (
        "<title>Diazepam-equivalent, mg/day: 20 from 04 Jan 2027 to 10 from "
        f"{dt.date.fromisoformat(plan['steps'][-1]['start']):%d %b %Y}, in {steps} steps.</title>"
    ) in svg


def test_the_axes_have_round_doses_and_dates() -> None:
    svg = plan_chart_svg(plan_json(interval_days=14, end_dose_mg=Decimal(10)))
    assert svg is not None
    doses = re.findall(r'dominant-baseline="middle">([0-9.]+)</text>', svg)
    assert doses == ["0", "5", "10", "15", "20", "25"]
    dates = re.findall(r"\)\">(\d\d [A-Z][a-z]{2} \d{4})</text>", svg)
    assert dates[0] == "04 Jan 2027"
    assert 2 <= len(dates) <= 8
    assert ">Diazepam-equivalent, mg/day</text>" in svg


def test_a_plan_that_stops_the_drug_is_drawn_down_to_zero() -> None:
    plan = plan_json()
    assert plan["outcome"] == "discontinued"
    svg = plan_chart_svg(plan)
    assert svg is not None
    line = re.search(r'<path d="(M[^"]+)" fill="none" stroke="#1f5f8b"', svg)
    assert line is not None
    # The last vertical move goes to the bottom of the plot (zero), then is held.
    assert line.group(1).endswith(f"V{HEIGHT - BOTTOM}")


def test_the_data_uri_holds_the_same_svg() -> None:
    plan = plan_json()
    uri = plan_chart_data_uri(plan)
    assert uri is not None
    prefix = "data:image/svg+xml;base64,"
    assert uri.startswith(prefix)
    assert base64.b64decode(uri.removeprefix(prefix)).decode() == plan_chart_svg(plan)
