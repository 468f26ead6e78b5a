"""The portal's words for things the record stores as codes, and its dates, in the
page's language (issue 16).

The record and the API keep the codes (``DOSE_TIMES``: ``morning``, ``midday``...); a
portal page shows ``dose_time_label(code)``, from the catalogue. Dates follow the active
language: an English page keeps the forms it always had ("4 December 2026"), a Spanish
page takes Django's Spanish locale ("4 de diciembre de 2026"). Templates use the filters
of the same names in ``portal_words``.
"""

from __future__ import annotations

import datetime as dt

from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.translation import npgettext, pgettext, pgettext_lazy

from clonacare.core.drugs.formulary import FORM_NAMES
from clonacare.core.taper import Dose, ProductQuantity, Step, TaperPlan
from clonacare.core.taper.model import (
    CROSSOVER,
    CUSTOM,
    DISCONTINUATION,
    END_DOSE,
    PAUSE,
    REDUCTION,
    START,
    STEP_BACK,
)
from clonacare.core.taper.render.calendar import ENGLISH, CalendarWords
from clonacare.core.taper.render.text import KIND_LABELS, num, product_text

DOSE_TIME_LABELS: dict[str, Promise] = {
    "morning": pgettext_lazy("dose time", "morning"),
    "midday": pgettext_lazy("dose time", "midday"),
    "evening": pgettext_lazy("dose time", "evening"),
    "night": pgettext_lazy("dose time", "night"),
}

# The kinds of step of a taper plan (the core's ``KIND_LABELS``) as a patient reads them.
STEP_LABELS: dict[str, Promise] = {
    START: pgettext_lazy("plan step", "current dose"),
    CROSSOVER: pgettext_lazy("plan step", "switch"),
    REDUCTION: pgettext_lazy("plan step", "cut"),
    CUSTOM: pgettext_lazy("plan step", "prescribed"),
    END_DOSE: pgettext_lazy("plan step", "end dose"),
    DISCONTINUATION: pgettext_lazy("plan step", "stop"),
    PAUSE: pgettext_lazy("plan step", "pause"),
    STEP_BACK: pgettext_lazy("plan step", "step back"),
}

# The formulary's product forms (``FORM_NAMES``) as a patient reads them.
FORM_LABELS: dict[str, Promise] = {
    FORM_NAMES["tablet"]: pgettext_lazy("product form", "tablet"),
    FORM_NAMES["odt"]: pgettext_lazy("product form", "orally disintegrating tablet"),
    FORM_NAMES["capsule"]: pgettext_lazy("product form", "capsule"),
}
LIQUID = FORM_NAMES["liquid"]

# The date forms a portal page uses, by language. English: the forms the pages have
# always shown. Spanish: Django's ``es`` DATE_FORMAT (``j \d\e F \d\e Y``) and
# MONTH_DAY_FORMAT (``j \d\e F``), with the weekday before them; the short form writes
# the month as its lower-case abbreviation ("4 dic 2026"), never as numbers, which a
# reader in the United States and one in Spain would read differently.
DATE_FORMS: dict[str, dict[str, str]] = {
    "en": {
        "day": "j F Y",
        "weekday": "l j F Y",
        "weekday-no-year": "l j F",
        "short": "j M Y",
        "time": "j F Y, H:i",
        "weekday-time": "l j F Y, H:i",
    },
    "es": {
        "day": r"j \d\e F \d\e Y",
        "weekday": r"l j \d\e F \d\e Y",
        "weekday-no-year": r"l j \d\e F",
        "short": "j b Y",
        "time": r"j \d\e F \d\e Y, H:i",
        "weekday-time": r"l j \d\e F \d\e Y, H:i",
    },
}


def dose_time_label(code: str) -> str:
    """The dose time ``code`` in the page's language ("morning" / "por la mañana"); a
    code the record does not know is shown as it is."""
    label = DOSE_TIME_LABELS.get(code)
    return str(label) if label is not None else code


def step_label(kind: str) -> str:
    """The kind of a plan's step in the page's language; a kind the portal has no words
    for keeps the core's label (or the code)."""
    label = STEP_LABELS.get(kind)
    return str(label) if label is not None else KIND_LABELS.get(kind, kind)


def patient_date(value: dt.date | None, form: str = "day") -> str:
    """``value`` written in the active language in ``form`` (a key of ``DATE_FORMS``:
    ``day``, ``weekday``, ``weekday-no-year``, ``short``, ``time``, ``weekday-time``);
    "" for None. A language without its own forms uses the English ones. An unknown
    ``form`` raises ValueError naming the forms there are (a mistake in a template)."""
    forms = DATE_FORMS.get(translation.get_language() or "en", DATE_FORMS["en"])
    if form not in forms:
        known = ", ".join(forms)
        raise ValueError(f"Unknown date form {form!r}; use one of: {known}.")
    if value is None:
        return ""
    return formats.date_format(value, forms[form])


def how_to_take(dose: Dose) -> str:
    """What makes up ``dose``, in the page's language: "1 × clonazepam 0.5 mg tablet"
    on an English page (the taper core's ``product_text``, unchanged), "1 × tableta de
    clonazepam de 0.5 mg" on a Spanish one; every number is the core's. A product whose
    name is a site's own label (not the formulary's standard name) keeps that name. A
    dose taken from the patient's own supply (no products) says so."""
    if not dose.products:
        return pgettext("how to take a dose", "from your current supply")
    return " + ".join(_product_words(p, dose.drug) for p in dose.products)


def _product_words(p: ProductQuantity, drug: str) -> str:
    strength = num(p.mg_per_unit)
    words = {"count": num(p.quantity), "drug": drug, "strength": strength}
    if p.unit == "mL" and p.name == f"{drug} {strength} mg/mL {LIQUID}":
        return (
            pgettext(
                "how to take a dose", "%(count)s mL of %(drug)s %(strength)s mg/mL oral solution"
            )
            % words
        )
    for name, label in FORM_LABELS.items():
        if p.name == f"{drug} {strength} mg {name}":
            return pgettext(
                "how to take a dose", "%(count)s × %(drug)s %(strength)s mg %(form)s"
            ) % (words | {"form": label})
    return product_text(p)


class PatientCalendarWords(CalendarWords):
    """The plan's calendar file in the active language (the portal's download and
    private link, issue 16): the core's ``render_ics`` with these sentences; every
    number, date and identifier is the plan's. The plan's own notes are the taper
    core's English, given as such."""

    def calendar_name(self, plan: TaperPlan) -> str:
        return pgettext("calendar", "Taper of %(drug)s") % {"drug": plan.drug}

    def stop(self, plan: TaperPlan, step: Step) -> str:
        return pgettext("calendar", "Stop %(drug)s (taper step %(number)s)") % {
            "drug": plan.taper_drug,
            "number": step.number,
        }

    def start(self, plan: TaperPlan, daily: str) -> str:
        return pgettext("calendar", "The %(drug)s taper starts: %(daily)s a day") % {
            "drug": plan.drug,
            "daily": daily,
        }

    def change(self, plan: TaperPlan, step: Step, daily: str) -> str:
        return pgettext("calendar", "Taper step %(number)s (%(kind)s): %(daily)s a day") % {
            "number": step.number,
            "kind": step_label(step.kind),
            "daily": daily,
        }

    def dose(self, dose: Dose) -> str:
        time = dose_time_label(dose.time)
        return pgettext("calendar", "%(time)s: %(mg)s mg of %(drug)s = %(how)s") % {
            "time": time[:1].upper() + time[1:],
            "mg": num(dose.mg),
            "drug": dose.drug,
            "how": how_to_take(dose),
        }

    def days(self, days: int, last: dt.date) -> str:
        return npgettext(
            "calendar",
            "For %(days)s day, until %(last)s.",
            "For %(days)s days, until %(last)s.",
            days,
        ) % {"days": days, "last": patient_date(last)}

    def equivalent(self, equivalent: str) -> str:
        return pgettext("calendar", "Diazepam-equivalent: %(mg)s mg a day.") % {"mg": equivalent}

    def note(self, note: str) -> str:
        return pgettext("calendar", "A note of the plan, in English: %(note)s") % {"note": note}

    def category(self) -> str:
        return pgettext("calendar", "Clonacare taper")


def calendar_words() -> CalendarWords:
    """The calendar's words for the active language: the core's English on an English
    page, else ``PatientCalendarWords``."""
    return PatientCalendarWords() if (translation.get_language() or "en") != "en" else ENGLISH
