"""The plan as an iCalendar file: one all-day event for each dose change.

Its sentences come from a ``CalendarWords``: English by default (``ENGLISH``). A face
that writes the file in another language (the portal, in Spanish) passes its own
subclass; every number, date and identifier stays the plan's, whatever the words.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

from clonacare.core.taper.model import DISCONTINUATION, START, Dose, Step, TaperPlan
from clonacare.core.taper.render.text import KIND_LABELS, daily_text, num, plan_drugs, product_text


class CalendarWords:
    """The calendar's sentences, in English. ``daily`` is the step's daily dose as
    ``daily_text`` writes it ("1.5 mg"); ``equivalent`` the diazepam-equivalent's
    figure ("15")."""

    def calendar_name(self, plan: TaperPlan) -> str:
        return f"{plan.drug.capitalize()} taper"

    def stop(self, plan: TaperPlan, step: Step) -> str:
        return f"Stop {plan.taper_drug} (taper step {step.number})"

    def start(self, plan: TaperPlan, daily: str) -> str:
        return f"{plan.drug.capitalize()} taper starts: {daily}/day"

    def change(self, plan: TaperPlan, step: Step, daily: str) -> str:
        kind = KIND_LABELS.get(step.kind, step.kind)
        return f"{plan.drug.capitalize()} taper step {step.number} ({kind}): {daily}/day"

    def dose(self, dose: Dose) -> str:
        products = " + ".join(product_text(p) for p in dose.products) or "current supply"
        return f"{dose.time}: {dose.drug} {num(dose.mg)} mg = {products}"

    def days(self, days: int, last: date) -> str:
        return f"For {days} days, until {last.isoformat()}."

    def equivalent(self, equivalent: str) -> str:
        return f"Diazepam-equivalent: {equivalent} mg/day."

    def note(self, note: str) -> str:
        return note

    def category(self) -> str:
        return "Clonacare taper"


ENGLISH = CalendarWords()


def render_ics(plan: TaperPlan, stamp: datetime, words: CalendarWords = ENGLISH) -> str:
    """One event per step (its start date), worded by ``words``. ``stamp`` (aware) is
    each event's DTSTAMP; UIDs are stable for the same plan, step and revision."""
    if stamp.tzinfo is None:
        raise ValueError("stamp must be an aware datetime")
    drugs = plan_drugs(plan)
    identity = f"{plan.drug}|{plan.request.start.isoformat()}|{plan.request.doses}"
    key = hashlib.sha256(identity.encode()).hexdigest()[:16]
    calendar = Calendar()
    calendar.add("prodid", "-//Clonacare//Taper plan//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", words.calendar_name(plan))
    for step in plan.steps:
        event = Event()
        event.add("uid", f"{key}-r{plan.revision}-s{step.number}@clonacare")
        event.add("dtstamp", stamp)
        event.add("dtstart", step.start)
        event.add("dtend", step.start + timedelta(days=1))
        if step.kind == DISCONTINUATION:
            summary = words.stop(plan, step)
        elif step.kind == START:
            summary = words.start(plan, daily_text(step, drugs))
        else:
            summary = words.change(plan, step, daily_text(step, drugs))
        event.add("summary", summary)
        lines = [words.dose(dose) for dose in step.doses]
        if step.days:
            lines.append(words.days(step.days, step.end - timedelta(days=1)))
        lines.append(words.equivalent(num(step.diazepam_equivalent_mg, 2)))
        if step.note:
            lines.append(words.note(step.note))
        event.add("description", "\n".join(lines))
        event.add("categories", [words.category()])
        calendar.add_component(event)
    return str(calendar.to_ical().decode("utf-8"))
