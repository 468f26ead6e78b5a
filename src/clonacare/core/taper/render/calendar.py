"""The plan as an iCalendar file: one all-day event for each dose change."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from clonacare.core.taper.model import DISCONTINUATION, START, TaperPlan
from clonacare.core.taper.render.text import KIND_LABELS, daily_text, num, plan_drugs, product_text


def render_ics(plan: TaperPlan, stamp: datetime) -> str:
    """One event per step (its start date). ``stamp`` (aware) is each event's DTSTAMP;
    UIDs are stable for the same plan, step and revision."""
    if stamp.tzinfo is None:
        raise ValueError("stamp must be an aware datetime")
    drugs = plan_drugs(plan)
    identity = f"{plan.drug}|{plan.request.start.isoformat()}|{plan.request.doses}"
    key = hashlib.sha256(identity.encode()).hexdigest()[:16]
    calendar = Calendar()
    calendar.add("prodid", "-//Clonacare//Taper plan//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{plan.drug.capitalize()} taper")
    for step in plan.steps:
        event = Event()
        event.add("uid", f"{key}-r{plan.revision}-s{step.number}@clonacare")
        event.add("dtstamp", stamp)
        event.add("dtstart", step.start)
        event.add("dtend", step.start + timedelta(days=1))
        if step.kind == DISCONTINUATION:
            summary = f"Stop {plan.taper_drug} (taper step {step.number})"
        elif step.kind == START:
            summary = f"{plan.drug.capitalize()} taper starts: {daily_text(step, drugs)}/day"
        else:
            summary = (
                f"{plan.drug.capitalize()} taper step {step.number} "
                f"({KIND_LABELS.get(step.kind, step.kind)}): {daily_text(step, drugs)}/day"
            )
        event.add("summary", summary)
        lines = [
            f"{dose.time}: {dose.drug} {num(dose.mg)} mg = "
            + (" + ".join(product_text(p) for p in dose.products) or "current supply")
            for dose in step.doses
        ]
        if step.days:
            last = step.end - timedelta(days=1)
            lines.append(f"For {step.days} days, until {last.isoformat()}.")
        lines.append(f"Diazepam-equivalent: {num(step.diazepam_equivalent_mg, 2)} mg/day.")
        if step.note:
            lines.append(step.note)
        event.add("description", "\n".join(lines))
        event.add("categories", ["Clonacare taper"])
        calendar.add_component(event)
    return str(calendar.to_ical().decode("utf-8"))
