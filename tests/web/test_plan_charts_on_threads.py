"""The plan pages' chart is a pure function of the plan (plans.charts writes the SVG
text itself, no matplotlib state), so the server's threads can draw plans at the same
moment: each gets the chart it asked for, the same as had it been drawn alone."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from typing import Any

from clonacare.core.taper import TaperRequest, plan_taper, plan_to_dict, request_formulary
from clonacare.plans.charts import plan_chart_data_uri

THREADS = 8


def plan_json(step_pct: int) -> dict[str, Any]:
    request = TaperRequest(
        drug="diazepam",
        doses=(("night", Decimal(20)),),
        start=dt.date(2027, 1, 4),
        method="percent",
        step=Decimal(step_pct),
    )
    return plan_to_dict(plan_taper(request, request_formulary(request)))


def test_charts_drawn_on_many_threads_match_those_drawn_alone() -> None:
    plans = [plan_json(5), plan_json(10)]
    alone = [plan_chart_data_uri(p) for p in plans]
    assert alone[0] != alone[1]
    results: dict[int, str | None] = {}

    def draw(index: int) -> None:
        results[index] = plan_chart_data_uri(plans[index % 2])

    threads = [threading.Thread(target=draw, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [results[i] for i in range(THREADS)] == [alone[i % 2] for i in range(THREADS)]


def test_a_plan_without_steps_has_no_chart() -> None:
    assert plan_chart_data_uri({"steps": []}) is None
