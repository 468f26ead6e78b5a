"""What the pages and the API show of an assignment and an entry: the module's sections
with what is done, and a sleep diary's figures. A read model, nothing written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from clonacare.therapy.content import Module, module_in
from clonacare.therapy.exercises import SleepFigures, exercise, sleep_figures
from clonacare.therapy.models import ExerciseEntry, ModuleAssignment


@dataclass(frozen=True)
class SectionProgress:
    id: str
    title: str
    html: str
    done: bool
    done_at: dt.datetime | None
    entered_by: str
    self_reported: bool | None


@dataclass(frozen=True)
class Progress:
    """An assignment's module (None when its file is gone from the site), its title,
    and each section with whether and when it was marked done; ``language`` is the
    language the module is written in (its translation's, or ``"en"``)."""

    module: Module | None
    title: str
    sections: tuple[SectionProgress, ...]
    language: str = "en"

    @property
    def done(self) -> int:
        return sum(s.done for s in self.sections)

    @property
    def total(self) -> int:
        return len(self.sections)


def progress(assignment: ModuleAssignment, language: str = "en") -> Progress:
    """The assignment's module in ``language`` where it is written in it (else in
    English), with what is done: a section's mark holds in either language."""
    module, written_in = module_in(assignment.module, language)
    if module is None:
        return Progress(module=None, title=assignment.module, sections=())
    sections = []
    for section in module.sections:
        mark = assignment.sections_done.get(section.id)
        sections.append(
            SectionProgress(
                id=section.id,
                title=section.title,
                html=section.html,
                done=mark is not None,
                done_at=dt.datetime.fromisoformat(mark["done_at"]) if mark else None,
                entered_by=mark["entered_by"] if mark else "",
                self_reported=mark["self_reported"] if mark else None,
            )
        )
    return Progress(
        module=module, title=module.title, sections=tuple(sections), language=written_in
    )


def figures(entry: ExerciseEntry) -> SleepFigures | None:
    """A sleep diary's time in bed, total sleep and sleep efficiency; None for other
    exercises."""
    if entry.kind != "sleep-diary":
        return None
    return sleep_figures(entry.fields)


def exercise_title(kind: str) -> str:
    return exercise(kind).title


@dataclass(frozen=True)
class EntryView:
    """An exercise entry as the pages show it: its exercise's title, each filled-in
    field by its label in the form's order, and a sleep diary's figures."""

    entry: ExerciseEntry
    title: str
    rows: tuple[tuple[str, object], ...]
    figures: SleepFigures | None


def entry_view(entry: ExerciseEntry, language: str = "en") -> EntryView:
    """The entry with its exercise's title and labels in ``language`` where the data
    file has them (``Exercise.in_language``), else in English."""
    spec = exercise(entry.kind).in_language(language)
    rows = tuple(
        (f.label, entry.fields[f.name])
        for f in spec.fields
        if entry.fields.get(f.name) not in ("", None)
    )
    return EntryView(entry=entry, title=spec.title, rows=rows, figures=figures(entry))
