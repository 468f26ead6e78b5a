"""Renderers of a taper plan: table (people), JSON (programs), CSV, iCalendar,
dispensing summary (pharmacy), an SVG chart (matplotlib) and the pharmacy PDF
(WeasyPrint). Every format but the PDF is text, from ``render``; the PDF is bytes, from
``render_pdf``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from clonacare.core.taper.model import TaperPlan
from clonacare.core.taper.render.calendar import CalendarWords, render_ics
from clonacare.core.taper.render.chart import render_svg
from clonacare.core.taper.render.dispensing import render_dispensing
from clonacare.core.taper.render.pdf import pdf_html, record_summary, render_pdf
from clonacare.core.taper.render.table import render_csv, render_table
from clonacare.core.taper.serialize import plan_to_dict
from clonacare.core.taper.terms import worded_plan

FORMATS = ("json", "table", "csv", "ics", "svg", "dispensing", "pdf")
# Formats rendered as bytes (render_pdf), not text: a caller writes them to a file.
BINARY_FORMATS = ("pdf",)


def render_json(plan: TaperPlan) -> str:
    return json.dumps(plan_to_dict(plan), indent=2, ensure_ascii=False) + "\n"


def render(
    plan: TaperPlan, fmt: str, stamp: datetime, names: Mapping[str, str] | None = None
) -> str:
    """Render ``plan`` as ``fmt`` (one of FORMATS but BINARY_FORMATS: a PDF comes from
    ``render_pdf``). ``stamp`` (an aware datetime) is the creation time written into the
    iCalendar file; the other formats ignore it.
    ``names``: a face's own names for the terms its warnings and notes name (the CLI's
    flags, core/taper/terms.py); without them, clinical words."""
    plan = worded_plan(plan, names)
    if fmt == "json":
        return render_json(plan)
    if fmt == "table":
        return render_table(plan)
    if fmt == "csv":
        return render_csv(plan)
    if fmt == "ics":
        return render_ics(plan, stamp)
    if fmt == "svg":
        return render_svg(plan)
    if fmt == "dispensing":
        return render_dispensing(plan)
    if fmt in BINARY_FORMATS:
        raise ValueError(f"{fmt} is rendered as bytes: use render_pdf")
    raise ValueError(f"unknown format {fmt!r}")


__all__ = [
    "BINARY_FORMATS",
    "FORMATS",
    "CalendarWords",
    "pdf_html",
    "record_summary",
    "render",
    "render_csv",
    "render_dispensing",
    "render_ics",
    "render_json",
    "render_pdf",
    "render_svg",
    "render_table",
]
