"""The renderers: JSON contract, table, CSV, iCalendar, dispensing summary, SVG chart."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from decimal import Decimal

import icalendar
import pytest

from clonacare.core.taper import TaperPlan, TaperRequest, plan_taper, render

START = date(2027, 1, 4)
STAMP = datetime(2027, 1, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def plan() -> TaperPlan:
    return plan_taper(
        TaperRequest(
            drug="clonazepam",
            doses=(("morning", Decimal("0.5")), ("night", Decimal(1))),
            start=START,
            method="percent",
            step=Decimal(10),
            # Clonazepam cannot cut below 0.375 mg within the ceiling: the stop from there
            # is planned only with an override reason.
            override_reason="inpatient unit, supervised stop",
        )
    )


def test_the_json_follows_the_contract(plan: TaperPlan) -> None:
    data = json.loads(render(plan, "json", STAMP))
    assert data["drug"] == "clonazepam"
    assert data["equivalence_table"] == "ashton"
    first = data["steps"][0]
    assert first == {
        **first,
        "number": 0,
        "start": "2027-01-04",
        "days": 14,
        "daily_mg": {"clonazepam": 1.5},
        "diazepam_equivalent_mg": 30.0,
        "change_pct": 0.0,
    }
    assert first["doses"][0] == {
        "time": "morning",
        "drug": "clonazepam",
        "mg": 0.5,
        "supply": "formulary",
        "products": [
            {
                "name": "clonazepam 0.5 mg tablet",
                "mg_per_unit": 0.5,
                "unit": "tablet",
                "quantity": 1.0,
            }
        ],
    }
    assert data["steps"][1]["change_pct"] == -8.33
    last = data["steps"][-1]
    assert last["doses"] == []
    assert last["kind"] == "discontinuation"
    assert last["daily_mg"] == {"clonazepam": 0.0}
    for warning in data["warnings"]:
        assert set(warning) >= {"code", "message", "source"}
    assert data["revision"] == 1
    assert data["parameters"]["method"] == "percent"


def test_every_json_product_entry_adds_up_to_its_dose(plan: TaperPlan) -> None:
    data = json.loads(render(plan, "json", STAMP))
    for step in data["steps"]:
        for dose in step["doses"]:
            total = sum(
                Decimal(str(p["mg_per_unit"])) * Decimal(str(p["quantity"]))
                for p in dose["products"]
            )
            assert total == Decimal(str(dose["mg"]))


def test_the_table_shows_doses_rounding_and_warnings(plan: TaperPlan) -> None:
    table = render(plan, "table", STAMP)
    lines = table.splitlines()
    assert lines[0] == "Taper plan: clonazepam (revision 1)"
    header = next(line for line in lines if line.startswith("Step"))
    assert header.split() == [
        "Step",
        "Start",
        "Days",
        "Kind",
        "Morning",
        "Night",
        "Daily",
        "mg",
        "Diazepam",
        "eq.",
        "Change",
        "Planned",
    ]
    row1 = next(line for line in lines if line.lstrip().startswith("1  2027-01-18"))
    assert row1.split() == [
        "1",
        "2027-01-18",
        "14",
        "cut",
        "0.375",
        "1",
        "1.375",
        "27.5",
        "−8.3%",
        "1.35",
    ]
    assert (
        "  clonazepam 0.375 mg: 1 × clonazepam 0.25 mg orally disintegrating tablet + "
        "1 × clonazepam 0.125 mg orally disintegrating tablet" in lines
    )
    assert any(line.startswith("  [formulary-floor]") for line in lines)


def test_the_csv_has_one_row_per_dose(plan: TaperPlan) -> None:
    rows = list(csv.DictReader(io.StringIO(render(plan, "csv", STAMP))))
    assert rows[0]["step"] == "0"
    assert rows[0]["time"] == "morning"
    assert rows[0]["products"] == "1 × clonazepam 0.5 mg tablet"
    assert rows[-1]["kind"] == "discontinuation"
    assert rows[-1]["mg"] == ""
    doses = sum(max(len(s.doses), 1) for s in plan.steps)
    assert len(rows) == doses


def test_the_calendar_has_an_event_for_each_dose_change(plan: TaperPlan) -> None:
    calendar = icalendar.Calendar.from_ical(render(plan, "ics", STAMP))
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(plan.steps)
    assert events[0].decoded("dtstart") == START
    assert str(events[0]["summary"]) == "Clonazepam taper starts: 1.5 mg/day"
    assert str(events[-1]["summary"]) == f"Stop clonazepam (taper step {len(plan.steps) - 1})"
    assert events[1].decoded("dtstamp") == STAMP
    assert len({str(e["uid"]) for e in events}) == len(events)


def test_the_dispensing_summary_counts_products_per_period(plan: TaperPlan) -> None:
    text = render(plan, "dispensing", STAMP)
    lines = text.splitlines()
    first = next(line for line in lines if line.startswith("2027-01-04 to 2027-01-17"))
    assert first.split("  ")[0] == "2027-01-04 to 2027-01-17"
    assert "clonazepam 0.5 mg tablet" in first
    assert first.rstrip().endswith("14 tablets")
    assert lines[-1] == "The drug stops on 2027-09-13: nothing to dispense after it."


def test_dispensing_rounds_half_tablets_up_to_whole_ones() -> None:
    plan = plan_taper(
        TaperRequest(
            drug="diazepam",
            doses=(("night", Decimal(3)),),
            start=START,
            method="bands",
            interval_days=7,
        )
    )
    text = render(plan, "dispensing", STAMP)
    # 3 mg = 1.5 × 2 mg tablets for 7 days: 10.5 tablets needed, 11 dispensed.
    row = next(line for line in text.splitlines() if line.startswith("2027-01-04"))
    assert "10.5 tablets" in row
    assert row.rstrip().endswith("11 tablets")


def test_the_chart_is_an_svg_drawn_by_matplotlib(plan: TaperPlan) -> None:
    svg = render(plan, "svg", STAMP)
    root = ET.fromstring(svg)  # noqa: S314 (our own renderer's output, not untrusted)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "Matplotlib" in svg
    assert "Diazepam-equivalent" in svg  # svg.fonttype none keeps text as text
    assert render(plan, "svg", STAMP) == svg  # stable output
