"""The personal safety plan: its sections, their form limits, and the checks a plan
passes before it is saved (docs/safety-plan.md).

The parts follow the model of the Stanley–Brown Safety Planning Intervention (six steps
and an optional reason for living), named here in Clonacare's own words; no licensed
form's wording is used. Every limit is a form limit Clonacare chose (how many entries a
section takes, how long an entry may be), not a clinical value.

A plan's content is a mapping of section id to a list of entries: a short text, or for
the sections of people (``contact`` sections) ``{"name": ..., "reach": ...}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext, gettext_noop

from clonacare.core.crisis import CrisisResource, load_crisis_resources
from clonacare.core.errors import ClinicalError

SOURCE = (
    "Model: Stanley B, Brown GK. Safety Planning Intervention: a brief intervention to "
    "mitigate suicide risk. Cognitive and Behavioral Practice 2012;19(2):256-264 (six "
    "parts and a reason for living), in Clonacare's own words; form limits by Clonacare"
)
MAX_ENTRIES = 10
ENTRY_MAX_CHARS = 200
NAME_MAX_CHARS = 100
REACH_MAX_CHARS = 100
FORM_LIMITS = {"entry": ENTRY_MAX_CHARS, "name": NAME_MAX_CHARS, "reach": REACH_MAX_CHARS}


@dataclass(frozen=True)
class Section:
    """One part of the plan. ``contact``: its entries are people or services, each a
    name and how to reach them. ``optional``: the plan reads as complete without it."""

    id: str
    title: str
    prompt: str
    contact: bool = False
    optional: bool = False

    @property
    def page_title(self) -> str:
        """The title in the active language, from the catalogue (English when the page
        is English or has no words for it). ``title`` stays English: the API and the
        refusals use it."""
        return gettext(self.title)

    @property
    def page_prompt(self) -> str:
        """The prompt in the active language, as ``page_title``."""
        return gettext(self.prompt)


# The sections' words are marked for the catalogue and kept in English here (the API and
# the refusals use them); a page shows them in its language through Section.page_title.

SECTIONS: tuple[Section, ...] = (
    Section(
        "warning-signs",
        gettext_noop("Signs that a hard time is starting"),
        gettext_noop(
            "The thoughts, moods, pictures in your head or situations that tell you things "
            "are getting worse.",
        ),
    ),
    Section(
        "coping-on-my-own",
        gettext_noop("What I can do on my own"),
        gettext_noop(
            "Things that help you ride it out by yourself, without calling anyone.",
        ),
    ),
    Section(
        "distraction",
        gettext_noop("People and places that take my mind off it"),
        gettext_noop(
            "Someone to be with or somewhere to go, just for company and a change of scene.",
        ),
    ),
    Section(
        "people-to-ask",
        gettext_noop("People I can ask for help"),
        gettext_noop(
            "Friends or family you can tell that you are struggling, and how to reach them.",
        ),
        contact=True,
    ),
    Section(
        "professionals",
        gettext_noop("My care team and other services"),
        gettext_noop(
            "Clinicians and services to contact, with how to reach them. The crisis lines "
            "are always shown beside them.",
        ),
        contact=True,
    ),
    Section(
        "safer-surroundings",
        gettext_noop("Making where I am safer"),
        gettext_noop(
            "Steps that put distance between you and anything you could use to hurt "
            "yourself, such as handing spare medicines to someone you trust.",
        ),
    ),
    Section(
        "reasons-for-living",
        gettext_noop("What keeps me going"),
        gettext_noop("People, plans or things that matter to you (optional)."),
        optional=True,
    ),
)
SECTION_IDS = tuple(s.id for s in SECTIONS)

Entry = str | dict[str, str]
Content = dict[str, list[Entry]]


def section(section_id: str) -> Section | None:
    """The section with ``section_id``; None for one the plan does not have."""
    return next((s for s in SECTIONS if s.id == section_id), None)


def crisis_lines() -> tuple[CrisisResource, ...]:
    """The program's crisis lines (``CRISIS_FILE``, else the US default), shown beside
    the plan's services and never stored in it."""
    return load_crisis_resources(settings.CRISIS_FILE or None).resources


def _entry_error(chosen: Section, position: int, what: str) -> ClinicalError:
    return ClinicalError("safety-plan-entry", f"'{chosen.title}', entry {position}: {what}")


def _text(value: object, chosen: Section, position: int, field: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _entry_error(chosen, position, f"{field} is text.")
    cleaned = " ".join(value.split())
    if len(cleaned) > limit:
        raise _entry_error(
            chosen, position, f"{field} is at most {limit} characters; got {len(cleaned)}."
        )
    return cleaned


def _entry(raw: object, chosen: Section, position: int) -> Entry | None:
    """One checked entry; None for an empty one (dropped, as a blank form row)."""
    if not chosen.contact:
        text = _text(raw, chosen, position, "the entry", ENTRY_MAX_CHARS)
        return text or None
    if not isinstance(raw, Mapping):
        raise _entry_error(chosen, position, 'give a "name" and how to "reach" them.')
    unknown = sorted(set(raw) - {"name", "reach"})
    if unknown:
        raise _entry_error(chosen, position, f"no field(s) {', '.join(unknown)}.")
    name = _text(raw.get("name"), chosen, position, "the name", NAME_MAX_CHARS)
    reach = _text(raw.get("reach"), chosen, position, "how to reach them", REACH_MAX_CHARS)
    if not name and not reach:
        return None
    if not name:
        raise _entry_error(chosen, position, "write who this is.")
    return {"name": name, "reach": reach}


def check_content(raw: Mapping[str, object]) -> Content:
    """The plan ``raw`` checked and cleaned: every section present (empty when not
    given), each entry's spaces tidied, empty entries dropped.

    Raises ClinicalError: ``safety-plan-section`` for a section the plan does not have,
    one that is not a list, or one with more than MAX_ENTRIES entries;
    ``safety-plan-entry`` for an entry too long, of the wrong shape, or a person without
    a name; ``safety-plan-empty`` when no section has an entry.
    """
    unknown = sorted(set(raw) - set(SECTION_IDS))
    if unknown:
        raise ClinicalError(
            "safety-plan-section",
            f"The safety plan has no section(s) {', '.join(unknown)}; "
            f"its sections: {', '.join(SECTION_IDS)}.",
        )
    content: Content = {}
    for chosen in SECTIONS:
        given = raw.get(chosen.id) or []
        if not isinstance(given, list):
            raise ClinicalError("safety-plan-section", f"'{chosen.title}' is a list of entries.")
        entries = [
            e
            for position, item in enumerate(given, start=1)
            if (e := _entry(item, chosen, position)) is not None
        ]
        if len(entries) > MAX_ENTRIES:
            raise ClinicalError(
                "safety-plan-section",
                f"'{chosen.title}' takes at most {MAX_ENTRIES} entries; got {len(entries)}.",
            )
        content[chosen.id] = entries
    if not any(content.values()):
        raise ClinicalError(
            "safety-plan-empty", "Write at least one entry in one part of the safety plan."
        )
    return content


def changed_sections(before: Mapping[str, object] | None, after: Mapping[str, object]) -> list[str]:
    """The ids of the sections that differ between two versions' content, in the plan's
    order; every section with an entry when there was no version before."""
    old = before or {}
    return [s for s in SECTION_IDS if (old.get(s) or []) != (after.get(s) or [])]


# The pages' form: one row per entry, a few empty rows to add more. The same form on the
# portal and in the clinic, so its reading lives here rather than in either face.
BLANK_ROWS = 2


def content_from_form(posted: Mapping[str, str]) -> dict[str, object]:
    """The plan as posted by the pages' form (``<section>-<n>`` for a text entry,
    ``<section>-<n>-name`` and ``-reach`` for a person), in row order; blank rows are
    left to ``check_content`` to drop."""
    content: dict[str, object] = {}
    for chosen in SECTIONS:
        rows: list[object] = []
        for n in range(MAX_ENTRIES + BLANK_ROWS):
            key = f"{chosen.id}-{n}"
            if chosen.contact:
                name, reach = posted.get(f"{key}-name"), posted.get(f"{key}-reach")
                if name is not None or reach is not None:
                    rows.append({"name": name or "", "reach": reach or ""})
            elif (text := posted.get(key)) is not None:
                rows.append(text)
        content[chosen.id] = rows
    return content


@dataclass(frozen=True)
class FormRow:
    """One row of the form: its field names (``key``; a person's ``key-name`` and
    ``key-reach``) and what it holds."""

    key: str
    number: int
    text: str = ""
    name: str = ""
    reach: str = ""


def form_rows(content: Mapping[str, object] | None) -> list[tuple[Section, list[FormRow]]]:
    """The form's rows for each section: its entries in ``content`` (a saved version, or
    what was posted and refused), then BLANK_ROWS empty ones, at most MAX_ENTRIES."""
    found = content or {}
    sections = []
    for chosen in SECTIONS:
        given = found.get(chosen.id)
        filled = []
        for item in given if isinstance(given, list) else []:
            if isinstance(item, Mapping):
                values = ("", str(item.get("name", "")), str(item.get("reach", "")))
            else:
                values = (str(item), "", "")
            if any(values):
                filled.append(values)
        filled = filled[:MAX_ENTRIES]
        blank = [("", "", "")] * min(BLANK_ROWS, MAX_ENTRIES - len(filled))
        rows = [
            FormRow(f"{chosen.id}-{i}", i + 1, text, name, reach)
            for i, (text, name, reach) in enumerate(filled + blank)
        ]
        sections.append((chosen, rows))
    return sections


def sections_of(content: Mapping[str, object] | None) -> list[tuple[Section, list[object]]]:
    """Each section of the plan with its entries in ``content`` (none for a patient
    without a plan), in the plan's order, for the pages."""
    found = content or {}
    return [(s, list(e) if isinstance(e := found.get(s.id), list) else []) for s in SECTIONS]
