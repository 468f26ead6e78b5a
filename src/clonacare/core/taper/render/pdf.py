"""The pharmacy PDF of a taper plan: who it is for and who prescribed it, each period's
products with quantities and plain directions, totals for the whole course, the warnings
with their sources, a one-paragraph summary for a record, and the crisis line.

The page is HTML with its own CSS, made into a PDF by WeasyPrint (imported only when a
PDF is rendered, so no other command pays for it). Nothing is fetched: the HTML names no
URL, and WeasyPrint is given a fetcher that refuses every one. The fonts are the
system's (Debian's DejaVu, through fontconfig and Pango).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from itertools import groupby
from typing import Any

from clonacare.core.crisis import CrisisResources, load_crisis_resources
from clonacare.core.errors import ClinicalError
from clonacare.core.taper.model import DOSE_TIMES, Dose, ProductQuantity, Step, TaperPlan
from clonacare.core.taper.render.dispensing import dispensing_lines
from clonacare.core.taper.render.text import (
    KIND_LABELS,
    daily_text,
    method_text,
    num,
    plan_drugs,
)
from clonacare.core.taper.rules import Rules, load_rules
from clonacare.core.taper.terms import worded_plan

# How a part of a tablet reads in a direction: "½ tablet", "1½ tablets".
_PARTS = {Decimal("0.25"): "¼", Decimal("0.5"): "½", Decimal("0.75"): "¾"}


@dataclass(frozen=True)
class ProductLine:
    """One product of one period: the amount per day, the amount the period needs
    (half tablets counted) and what is dispensed for it ("14 tablets", "11.2 mL", or
    "not dispensed" for a dose from the patient's current supply)."""

    product: str
    unit: str
    per_day: Decimal
    needed: Decimal
    dispense: str


@dataclass(frozen=True)
class Period:
    """A step of the plan that has doses to take: its dates, its directions (one line
    per dose time) and the products it needs."""

    step: Step
    last_day: date
    daily: str
    directions: tuple[tuple[str, str], ...]
    products: tuple[ProductLine, ...]


@dataclass(frozen=True)
class CourseTotal:
    """One product over the whole course: the days it is taken, the amount needed and
    the amount dispensed (the sum of its periods' dispensed amounts)."""

    product: str
    unit: str
    days: int
    needed: Decimal
    dispensed: Decimal


def periods(plan: TaperPlan) -> tuple[Period, ...]:
    """The plan's periods with doses, in order (the dispensing summary's rows, grouped
    by step). A stop step has no period: nothing is taken or dispensed from it."""
    with_doses = [s for s in plan.steps if s.doses and s.days > 0]
    # dispensing_lines gives one row per product for each of these steps, in this order.
    groups = [list(rows) for _, rows in groupby(dispensing_lines(plan), key=lambda r: r[0])]
    drugs = plan_drugs(plan)
    found = []
    for step, rows in zip(with_doses, groups, strict=True):
        found.append(
            Period(
                step=step,
                last_day=date.fromordinal(step.end.toordinal() - 1),
                daily=daily_text(step, drugs),
                directions=tuple(_directions(step.doses)),
                products=tuple(
                    ProductLine(
                        product=name, unit=unit, per_day=per_day, needed=total, dispense=given
                    )
                    for _, name, _, unit, per_day, total, given in rows
                ),
            )
        )
    return tuple(found)


def course_totals(found: Iterable[Period]) -> tuple[CourseTotal, ...]:
    """Each product over the whole course, in the order it is first used. Tablets and
    capsules are dispensed whole for each period, so the course's dispensed count is the
    sum of the periods', which may exceed the amount needed."""
    totals: dict[tuple[str, str], CourseTotal] = {}
    for period in found:
        for line in period.products:
            if not line.unit:
                continue  # the patient's current supply: nothing dispensed
            dispensed = (
                line.needed
                if line.unit == "mL"
                else line.needed.to_integral_value(rounding=ROUND_CEILING)
            )
            key = (line.product, line.unit)
            before = totals.get(key)
            totals[key] = CourseTotal(
                product=line.product,
                unit=line.unit,
                days=(before.days if before else 0) + period.step.days,
                needed=(before.needed if before else Decimal(0)) + line.needed,
                dispensed=(before.dispensed if before else Decimal(0)) + dispensed,
            )
    return tuple(totals.values())


def record_summary(
    plan: TaperPlan, patient: str | None = None, prescriber: str | None = None
) -> str:
    """One paragraph that says what the plan is, for a record: the drug and starting
    dose, the method, the switch, the course's dates and end, the formulary, the
    revision and the warnings' codes. ``patient`` and ``prescriber`` are named when
    given."""
    first = plan.steps[0]
    drugs = plan_drugs(plan)
    request = plan.request
    parts = []
    who = f" for {patient}" if patient else ""
    by = f", prescribed by {prescriber}" if prescriber else ""
    parts.append(
        f"Taper of {plan.drug}{who}{by}, from {daily_text(first, drugs)} a day "
        f"({num(first.diazepam_equivalent_mg, 2)} mg diazepam-equivalent; "
        f"{plan.equivalence_table} equivalence table, {plan.equivalence_version}: {plan.drug} "
        f"{num(plan.equivalent_mg)} mg = diazepam 10 mg), starting {first.start.isoformat()}"
    )
    parts.append("method " + method_text(plan).replace(": ", ", ", 1))
    if plan.taper_drug != plan.drug:
        when = (
            f" once the daily dose is at or below {num(request.switch_at_de_mg)} mg "
            "diazepam-equivalent"
            if request.switch_at_de_mg is not None
            else " first"
        )
        parts.append(f"switching to {plan.taper_drug}{when}, a portion at a time")
    weeks = Decimal((plan.end_date - first.start).days) / 7
    steps = sum(1 for s in plan.steps if s.number > 0)
    if plan.outcome == "discontinued":
        parts.append(
            f"{steps} steps over {num(weeks, 1)} weeks; "
            f"{plan.taper_drug} stops on {plan.end_date.isoformat()}"
        )
    else:
        last = plan.steps[-1]
        parts.append(
            f"{steps} steps over {num(weeks, 1)} weeks, ending on "
            f"{daily_text(last, drugs)} a day held from {last.start.isoformat()}"
        )
    parts.append(f"formulary {plan.formulary_name}; revision {plan.revision}")
    text = "; ".join(parts) + "."
    if plan.revision > 1 and plan.revisions:
        latest = plan.revisions[-1]
        on = f" on {latest.on.isoformat()}" if latest.on else ""
        reason = f" ({latest.reason})" if latest.reason else ""
        text += f" Latest revision{on}: {latest.action}{reason}."
    if plan.warnings:
        codes = ", ".join(dict.fromkeys(w.code for w in plan.warnings))
        text += f" Warnings: {codes}."
    else:
        text += " No warnings."
    return text


def pdf_html(
    plan: TaperPlan,
    stamp: datetime,
    names: Mapping[str, str] | None = None,
    *,
    patient: str | None = None,
    prescriber: str | None = None,
    crisis: CrisisResources | None = None,
    rules: Rules | None = None,
) -> str:
    """The pharmacy page of ``plan`` as HTML with its CSS (what :func:`render_pdf`
    prints). ``stamp`` (an aware datetime) is when it was prepared; ``names`` words the
    warnings as a face names its terms (None: clinical words, which a pharmacy reads);
    ``patient`` and ``prescriber`` are printed when given, else left as lines to fill
    in; ``crisis``: the site's crisis resources (None: the shipped US list)."""
    plan = worded_plan(plan, names)
    patient = (patient or "").strip() or None
    prescriber = (prescriber or "").strip() or None
    crisis = crisis or load_crisis_resources()
    rules = rules or load_rules()
    found = periods(plan)
    title = f"Taper plan for the pharmacy: {plan.drug}" + (
        f", switching to {plan.taper_drug}" if plan.taper_drug != plan.drug else ""
    )
    e = html.escape
    body: list[str] = [
        '<header class="top">',
        f"<h1>{e(title)}</h1>",
        f'<p class="sub">Revision {plan.revision} · formulary {e(plan.formulary_name)} · '
        f"prepared {stamp.date().isoformat()} by Clonacare</p>",
        "</header>",
        '<table class="people"><tr>',
        f"<th>Patient</th><td>{_filled(patient)}</td>",
        f"<th>Prescriber</th><td>{_filled(prescriber)}</td>",
        "</tr><tr>",
        f"<th>Signature</th><td>{_filled(None)}</td>",
        f"<th>Date</th><td>{_filled(None)}</td>",
        "</tr></table>",
        '<section class="summary"><h2>Summary for the record</h2>',
        f"<p>{e(record_summary(plan, patient, prescriber))}</p></section>",
        '<p class="hold"><strong>Do not stop suddenly or go faster than this plan.</strong> '
        f'<span class="source">Source: {e(rules.stop_source)}.</span></p>',
        "<h2>Totals for the whole course</h2>",
        _totals_table(course_totals(found)),
        '<p class="note">Needed counts half tablets; Dispense rounds each period up to '
        "whole tablets or capsules, and adds up the periods. Liquids are measured in mL.</p>",
        _warnings(plan),
        "<h2>What to take and what to dispense, period by period</h2>",
        _periods_table(found),
        _ending(plan),
        _crisis(crisis),
    ]
    running = f"{plan.drug} taper, revision {plan.revision}" + (f" · {patient}" if patient else "")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{e(title)}</title>"
        '<meta name="author" content="Clonacare">'
        f'<meta name="dcterms.created" content="{e(stamp.isoformat())}">'
        f"<style>{_css(running, crisis)}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )


def render_pdf(
    plan: TaperPlan,
    stamp: datetime,
    names: Mapping[str, str] | None = None,
    *,
    patient: str | None = None,
    prescriber: str | None = None,
    crisis: CrisisResources | None = None,
    rules: Rules | None = None,
) -> bytes:
    """The pharmacy PDF of ``plan`` (the page of :func:`pdf_html`) as bytes.

    Raises ClinicalError("pdf-unavailable") when WeasyPrint or the system libraries it
    needs (Pango) cannot be loaded, naming what is missing."""
    page = pdf_html(
        plan, stamp, names, patient=patient, prescriber=prescriber, crisis=crisis, rules=rules
    )
    try:
        # Imported here: WeasyPrint loads Pango and its fonts, which no other command needs.
        import weasyprint
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as exc:
        raise ClinicalError(
            "pdf-unavailable",
            f"The PDF cannot be made here: WeasyPrint or Pango is missing ({exc}). "
            "scripts/bootstrap.sh installs both.",
        ) from None

    class NoFetching(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type hints
        """Refuses every URL: the page is complete as given, and nothing leaves the
        machine while a patient's plan is printed."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError(f"the pharmacy PDF fetches nothing ({url})")

    document = weasyprint.HTML(string=page, base_url=None, url_fetcher=NoFetching())
    pdf: bytes = document.write_pdf()
    return pdf


def _filled(value: str | None) -> str:
    if value:
        return f'<span class="filled">{html.escape(value)}</span>'
    return '<span class="blank"></span>'


def _count(quantity: Decimal) -> str:
    """A tablet count for a direction: 1, ½, 1½, 3."""
    whole = quantity.to_integral_value(rounding=ROUND_FLOOR)
    part = quantity - whole
    if part == 0:
        return num(whole)
    glyph = _PARTS.get(part)
    if glyph is None:
        return num(quantity)
    return glyph if whole == 0 else f"{num(whole)}{glyph}"


def _product_direction(p: ProductQuantity) -> str:
    if p.unit == "mL":
        return f"{num(p.quantity)} mL of {p.name}"
    plural = p.quantity > 1 and p.name.endswith(p.unit)
    return f"{_count(p.quantity)} {p.name}{'s' if plural else ''}"


def _directions(doses: Iterable[Dose]) -> list[tuple[str, str]]:
    """One direction per dose time, in the day's order, as (when and how much, what to
    take): ("Night, clonazepam 0.25 mg + diazepam 2.5 mg", "take 1 clonazepam 0.25 mg
    orally disintegrating tablet and ½ diazepam 5 mg tablet")."""
    by_time: dict[str, list[Dose]] = {}
    for dose in doses:
        by_time.setdefault(dose.time, []).append(dose)
    lines = []
    for time in sorted(by_time, key=lambda t: DOSE_TIMES.index(t) if t in DOSE_TIMES else 99):
        taken = by_time[time]
        what: list[str] = []
        for dose in taken:
            if dose.products:
                what.extend(_product_direction(p) for p in dose.products)
            else:
                what.append(f"{dose.drug} {num(dose.mg)} mg from the patient's current supply")
        amount = " + ".join(f"{d.drug} {num(d.mg)} mg" for d in taken)
        lines.append((f"{time.capitalize()}, {amount}", "take " + " and ".join(what)))
    return lines


def _amount(value: Decimal, unit: str) -> str:
    if unit == "mL":
        return f"{num(value, 1)} mL"
    if not unit:
        return f"{num(value)} dose{'s' if value != 1 else ''}"
    return f"{num(value)} {unit}{'s' if value != 1 else ''}"


def _periods_table(found: Iterable[Period]) -> str:
    """One row per period, so that a period is never split across pages; its products
    are a table inside the row, on the same columns as the header."""
    e = html.escape
    columns = (
        '<colgroup><col class="product"><col class="per-day"><col class="needed">'
        '<col class="dispense"></colgroup>'
    )
    rows = [
        '<table class="periods"><colgroup><col class="when"><col class="how">'
        '<col class="lines"></colgroup><thead><tr><th>Period</th>'
        '<th>Directions (every day)</th><th class="lines"><table class="inner">'
        f"{columns}<tr><th>Product</th>"
        '<th class="n">Per day</th><th class="n">Needed</th><th class="n">Dispense</th>'
        "</tr></table></th></tr></thead><tbody>"
    ]
    for period in found:
        step = period.step
        kind = KIND_LABELS.get(step.kind, step.kind)
        how = "".join(
            f"<p><strong>{e(head)}:</strong> {e(what)}</p>" for head, what in period.directions
        )
        if step.note:
            how += f'<p class="step-note">{e(step.note)}</p>'
        lines = "".join(
            f"<tr><td>{e(line.product)}</td>"
            f'<td class="n">{e(_amount(line.per_day, line.unit))}</td>'
            f'<td class="n">{e(_amount(line.needed, line.unit))}</td>'
            f'<td class="n"><strong>{e(line.dispense)}</strong></td></tr>'
            for line in period.products
        )
        rows.append(
            f"<tr><td><strong>{step.start.isoformat()}</strong> to "
            f"{period.last_day.isoformat()}<br>{step.days} days<br>step {step.number}, "
            f'{e(kind)}<br><span class="daily">{e(period.daily)} a day</span></td>'
            f'<td class="how">{how}</td>'
            f'<td class="lines"><table class="inner">{columns}{lines}</table></td></tr>'
        )
    rows.append("</tbody></table>")
    return "\n".join(rows)


def _ending(plan: TaperPlan) -> str:
    drugs = plan_drugs(plan)
    if plan.outcome == "discontinued":
        text = (
            f"{plan.taper_drug.capitalize()} stops on {plan.end_date.isoformat()}: "
            "nothing to take or dispense from that day."
        )
    else:
        last = plan.steps[-1]
        text = (
            f"The plan ends on {daily_text(last, drugs)} a day, held from "
            f"{last.start.isoformat()}; supply after "
            f"{date.fromordinal(plan.end_date.toordinal() - 1).isoformat()} "
            "is not part of this plan."
        )
    return f'<p class="ending"><strong>{html.escape(text)}</strong></p>'


def _totals_table(totals: Iterable[CourseTotal]) -> str:
    e = html.escape
    rows = [
        '<table class="totals"><thead><tr><th>Product</th><th class="n">Days taken</th>'
        '<th class="n">Needed</th><th class="n">Dispense</th></tr></thead><tbody>'
    ]
    for total in totals:
        rows.append(
            f"<tr><td>{e(total.product)}</td><td class='n'>{total.days}</td>"
            f"<td class='n'>{e(_amount(total.needed, total.unit))}</td>"
            f"<td class='n'><strong>{e(_amount(total.dispensed, total.unit))}</strong></td></tr>"
        )
    rows.append("</tbody></table>")
    return "\n".join(rows)


def _warnings(plan: TaperPlan) -> str:
    e = html.escape
    if not plan.warnings:
        return "<h2>Warnings</h2><p>None.</p>"
    items = []
    for w in plan.warnings:
        # A confirmed blocking warning's message names who confirmed it.
        items.append(
            f'<li><span class="code">{e(w.code)}</span> {e(w.message)} '
            f'<span class="source">Source: {e(w.source)}.</span></li>'
        )
    return '<h2>Warnings</h2><ul class="warnings">' + "".join(items) + "</ul>"


def _crisis(crisis: CrisisResources) -> str:
    e = html.escape
    lines = "".join(
        f"<li><strong>{e(r.name)}</strong>: {e(r.how)} ({e(r.contact)})</li>"
        for r in crisis.resources
    )
    return (
        '<section class="crisis"><h2>If the patient is in danger now</h2>'
        f"<p>Call {e(crisis.danger_now)}.</p><ul>{lines}</ul></section>"
    )


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _css(running: str, crisis: CrisisResources) -> str:
    footer = _css_string(f"In danger now: call {crisis.danger_now}")
    header = _css_string(running)
    return f"""
@page {{
  size: letter;
  margin: 16mm 14mm 18mm 14mm;
  @top-right {{ content: {header}; font: 8pt "DejaVu Sans", sans-serif; color: #555; }}
  @bottom-left {{ content: {footer}; font: bold 8pt "DejaVu Sans", sans-serif; }}
  @bottom-right {{
    content: "Page " counter(page) " of " counter(pages);
    font: 8pt "DejaVu Sans", sans-serif; color: #555;
  }}
}}
html {{ font: 9pt/1.35 "DejaVu Sans", sans-serif; color: #111; }}
h1 {{ font-size: 15pt; margin: 0 0 2pt 0; }}
h2 {{ font-size: 11pt; margin: 12pt 0 4pt 0; break-after: avoid; }}
p {{ margin: 0 0 4pt 0; }}
.sub {{ color: #444; }}
.top {{ border-bottom: 2pt solid #1d4e89; padding-bottom: 4pt; margin-bottom: 8pt; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ text-align: left; vertical-align: top; padding: 3pt 3pt; }}
.people th {{ width: 14%; font-weight: bold; padding-top: 9pt; }}
.people td {{ width: 36%; padding-top: 9pt; }}
.filled {{ font-size: 11pt; }}
.blank {{ display: block; border-bottom: 0.75pt solid #111; height: 12pt; }}
.summary {{ background: #eef3f9; border-left: 3pt solid #1d4e89; padding: 2pt 8pt 6pt 8pt;
  margin-top: 10pt; }}
.summary h2 {{ margin-top: 6pt; }}
.hold {{ border: 1pt solid #9a3412; background: #fff4ed; padding: 5pt 8pt; margin-top: 8pt; }}
.source {{ color: #444; font-size: 8pt; }}
.periods, .inner {{ table-layout: fixed; }}
.periods thead th, .totals thead th {{ background: #1d4e89; color: #fff; font-size: 8.5pt; }}
.periods > tbody > tr {{ break-inside: avoid; border-top: 0.75pt solid #888; }}
.periods > tbody > tr:nth-child(even) {{ background: #f4f6f8; }}
.periods td {{ font-size: 8.5pt; }}
.periods col.when {{ width: 17%; }}
.periods col.how {{ width: 32%; }}
.periods col.lines {{ width: 51%; }}
.periods th.lines, .periods td.lines {{ padding: 0; }}
.inner col.product {{ width: 40%; }}
.inner col.per-day {{ width: 18%; }}
.inner col.needed {{ width: 20%; }}
.inner col.dispense {{ width: 22%; }}
.inner .n {{ white-space: normal; }}
.periods .how p {{ margin: 0 0 2pt 0; }}
.daily {{ color: #1d4e89; font-weight: bold; }}
.step-note {{ color: #444; font-style: italic; }}
.n {{ text-align: right; white-space: nowrap; }}
.totals tbody tr {{ border-top: 0.75pt solid #888; }}
.ending {{ margin-top: 6pt; }}
.note {{ color: #444; font-size: 8pt; }}
.warnings {{ padding-left: 12pt; margin: 0; }}
.warnings li {{ margin-bottom: 4pt; break-inside: avoid; }}
.code {{ font-weight: bold; font-family: "DejaVu Sans Mono", monospace; font-size: 8pt; }}
.crisis {{ border: 1.5pt solid #b91c1c; padding: 2pt 8pt 4pt 8pt; margin-top: 12pt;
  break-inside: avoid; }}
.crisis h2 {{ color: #b91c1c; margin-top: 6pt; }}
.crisis ul {{ margin: 0; padding-left: 12pt; }}
"""
