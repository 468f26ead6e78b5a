"""CBT modules: Markdown files with YAML front matter, one module a file.

A module file is ``<slug>.md`` in ``CONTENT_DIR/therapy`` (docs/therapy.md)::

    ---
    title: "..."                 # the module's name
    summary: "..."               # one line for the module list (at most 160 characters)
    order: 10                    # the order modules are listed in
    exercises: [thought-record]  # the exercises it names (therapy/data/exercises.toml)
    sources: ["...", ...]        # what its facts come from; a module without one is refused
    reviewed_by: ""              # a clinician's name, once reviewed; empty until then
    reviewed_on: ""              # ISO date of that review; empty until then
    ---
    An opening paragraph, then one ``## Section`` heading per section.

Every ``##`` heading starts a section the patient marks done; a module has at least
one. The loader refuses a file it cannot publish (``ModuleContentError``, naming the
file and the field) and the site's system check (``clonacare.E004``) stops start-up.

A module written in another language is its own file of the same slug in a folder named
for the language (``CONTENT_DIR/therapy/es/sleep.md``, issue 16), with the same front
matter, its own text and fingerprint, the same exercises and as many sections as its
English counterpart. Its sections keep the English sections' ids, one for one in order,
so a section marked done in one language is done in the other.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import markdown
from django.conf import settings

from clonacare.core.frontmatter import review_date, split_front_matter
from clonacare.education.sources import Source, SourceLink, SourcesError, linked, load_links
from clonacare.therapy.exercises import exercise_kinds

REQUIRED = ("title", "summary", "order", "exercises", "sources", "reviewed_by", "reviewed_on")
SUMMARY_MAX_CHARS = 160
AWAITING_REVIEW = "Draft, awaiting clinical review"
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HEADING = re.compile(r"^## +(.+?)\s*#*\s*$", re.M)


class ModuleContentError(Exception):
    """A module file that cannot be published; the message names the file and field."""


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    html: str


@dataclass(frozen=True)
class Module:
    slug: str
    title: str
    summary: str
    order: int
    exercises: tuple[str, ...]
    # Each the source's text, a link where it has a public address (education/sources.py).
    sources: tuple[Source, ...]
    reviewed_by: str
    reviewed_on: dt.date | None
    intro_html: str
    sections: tuple[Section, ...]
    # The version's fingerprint: SHA-256 of the file's text (education/review.py).
    fingerprint: str = ""

    @property
    def is_reviewed(self) -> bool:
        return bool(self.reviewed_by) and self.reviewed_on is not None

    @property
    def review_status(self) -> str:
        """ "Reviewed by <name> on <date>", or the draft status until a clinician has."""
        if self.reviewed_on is None:
            return AWAITING_REVIEW
        return f"Reviewed by {self.reviewed_by} on {self.reviewed_on.isoformat()}"

    @property
    def section_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.sections)

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)


def modules_dir() -> Path:
    """Where the site's module files are: ``CONTENT_DIR/therapy``."""
    return Path(settings.CONTENT_DIR) / "therapy"


def _render(text: str) -> str:
    md = markdown.Markdown(extensions=["tables", "sane_lists", "smarty"], output_format="html")
    return str(md.convert(text)).strip()


def _section_id(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def _front_matter(raw: str, name: str) -> tuple[dict[str, Any], str]:
    return split_front_matter(raw, name, ModuleContentError)


def _strings(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(s, str) and s.strip() for s in value)
    )


def _validate(meta: dict[str, Any], name: str) -> None:
    missing = [key for key in REQUIRED if key not in meta]
    if missing:
        raise ModuleContentError(f"{name}: missing front matter field(s): {', '.join(missing)}.")
    unknown = sorted(set(meta) - set(REQUIRED))
    if unknown:
        raise ModuleContentError(f"{name}: unknown front matter field(s): {', '.join(unknown)}.")
    for key in ("title", "summary"):
        if not isinstance(meta[key], str) or not meta[key].strip():
            raise ModuleContentError(f"{name}: '{key}' must be a non-empty string.")
    if len(meta["summary"]) > SUMMARY_MAX_CHARS:
        raise ModuleContentError(
            f"{name}: 'summary' is longer than {SUMMARY_MAX_CHARS} characters."
        )
    if not isinstance(meta["order"], int) or isinstance(meta["order"], bool):
        raise ModuleContentError(f"{name}: 'order' must be a whole number.")
    if not _strings(meta["sources"]):
        raise ModuleContentError(
            f"{name}: 'sources' must be a non-empty list: a module names what its facts come from."
        )
    known = exercise_kinds()
    if not _strings(meta["exercises"]):
        raise ModuleContentError(
            f"{name}: 'exercises' must name at least one of: {', '.join(known)}."
        )
    strange = [kind for kind in meta["exercises"] if kind not in known]
    if strange:
        raise ModuleContentError(
            f"{name}: unknown exercise(s) {', '.join(strange)}; choose from: {', '.join(known)}."
        )
    if not isinstance(meta["reviewed_by"], str):
        raise ModuleContentError(f"{name}: 'reviewed_by' must be a string (empty until reviewed).")


def _review_date(value: Any, name: str) -> dt.date | None:
    return review_date(value, name, ModuleContentError)


def _sections(body: str, name: str) -> tuple[str, tuple[Section, ...]]:
    parts = _HEADING.split(body)
    intro, rest = parts[0], parts[1:]
    sections: list[Section] = []
    for title, text in zip(rest[0::2], rest[1::2], strict=True):
        section_id = _section_id(title)
        if not section_id or any(s.id == section_id for s in sections):
            raise ModuleContentError(
                f"{name}: the section heading {title!r} is empty or used twice."
            )
        sections.append(Section(id=section_id, title=title.strip(), html=_render(text)))
    if not sections:
        raise ModuleContentError(f"{name}: a module needs at least one '## Section' heading.")
    return _render(intro), tuple(sections)


def parse_module(
    raw: str, slug: str, name: str | None = None, links: tuple[SourceLink, ...] = ()
) -> Module:
    """Parse one module file's text. Raises ModuleContentError naming the file and fault."""
    name = name or f"{slug}.md"
    if not _SLUG.match(slug):
        raise ModuleContentError(f"{name}: the file name must be a lowercase slug like 'sleep.md'.")
    meta, body = _front_matter(raw, name)
    _validate(meta, name)
    reviewed_on = _review_date(meta["reviewed_on"], name)
    if bool(meta["reviewed_by"].strip()) != (reviewed_on is not None):
        raise ModuleContentError(f"{name}: 'reviewed_by' and 'reviewed_on' are filled in together.")
    intro_html, sections = _sections(body, name)
    return Module(
        slug=slug,
        title=meta["title"].strip(),
        summary=meta["summary"].strip(),
        order=meta["order"],
        exercises=tuple(meta["exercises"]),
        sources=tuple(linked(s.strip(), links) for s in meta["sources"]),
        reviewed_by=meta["reviewed_by"].strip(),
        reviewed_on=reviewed_on,
        intro_html=intro_html,
        sections=sections,
        fingerprint=hashlib.sha256(raw.encode("utf-8")).hexdigest(),
    )


@lru_cache(maxsize=4)
def _load(
    directory: Path, stamp: tuple[tuple[str, float], ...], links: tuple[SourceLink, ...]
) -> tuple[Module, ...]:
    modules = [
        parse_module(path.read_text(encoding="utf-8"), path.stem, path.name, links)
        for path in sorted(directory.glob("*.md"))
    ]
    return tuple(sorted(modules, key=lambda m: (m.order, m.slug)))


def load_modules(directory: Path | None = None) -> tuple[Module, ...]:
    """Every module in ``directory`` (the site's, by default) in order; re-read when a
    file changes; empty when the folder is missing. Raises ModuleContentError for the
    first file that cannot be published."""
    directory = directory or modules_dir()
    if not directory.is_dir():
        return ()
    return _load(directory, _stamp(directory), _links(directory))


def _links(directory: Path) -> tuple[SourceLink, ...]:
    """The public addresses of the sources (CONTENT_DIR/sources.toml); a bad file is
    refused as a ModuleContentError naming it."""
    try:
        return load_links(directory)
    except SourcesError as exc:
        raise ModuleContentError(str(exc)) from None


def _stamp(directory: Path) -> tuple[tuple[str, float], ...]:
    return tuple(sorted((p.name, p.stat().st_mtime) for p in directory.glob("*.md")))


def module_by_slug(slug: str) -> Module | None:
    """The site's module ``slug``; None when there is none."""
    return next((m for m in load_modules() if m.slug == slug), None)


def translations_dir(language: str, directory: Path | None = None) -> Path:
    """Where the modules written in ``language`` are: ``<modules folder>/<language>``."""
    return (directory or modules_dir()) / language


def _as_counterpart(module: Module, english: Module | None, name: str) -> Module:
    """``module`` with the section ids of its English counterpart ``english``; refused
    (``ModuleContentError``) when there is none or it differs in exercises or sections."""
    if english is None:
        raise ModuleContentError(
            f"{name}: there is no English module '{module.slug}.md' for it to translate."
        )
    if module.exercises != english.exercises:
        raise ModuleContentError(
            f"{name}: 'exercises' must be the English module's: {', '.join(english.exercises)}."
        )
    if len(module.sections) != len(english.sections):
        raise ModuleContentError(
            f"{name}: it has {len(module.sections)} '## Section' headings and the English "
            f"module {len(english.sections)}; each section translates one, in order."
        )
    sections = tuple(
        Section(id=theirs.id, title=ours.title, html=ours.html)
        for ours, theirs in zip(module.sections, english.sections, strict=True)
    )
    return replace(module, sections=sections)


def load_translations(language: str, directory: Path | None = None) -> dict[str, Module]:
    """The modules written in ``language`` (``<modules folder>/<language>/``) by slug,
    each carrying its English counterpart's section ids; empty when the folder is
    missing. Raises ModuleContentError for the first file that cannot be published,
    including one with no English counterpart or with other exercises or sections."""
    folder = translations_dir(language, directory)
    if not folder.is_dir():
        return {}
    try:
        written = _load(folder, _stamp(folder), _links(folder))
    except ModuleContentError as exc:
        raise ModuleContentError(f"{language}/{exc}") from None  # name the file's folder
    english = {m.slug: m for m in load_modules(directory or modules_dir())}
    return {
        m.slug: _as_counterpart(m, english.get(m.slug), f"{language}/{m.slug}.md") for m in written
    }


def module_in(slug: str, language: str) -> tuple[Module | None, str]:
    """The site's module ``slug`` as a reader of ``language`` gets it, with the language
    it is written in: its translation where there is one, else the English module
    (``"en"``); ``(None, "en")`` when there is no such module."""
    if language != "en":
        written = load_translations(language).get(slug)
        if written is not None:
            return written, language
    return module_by_slug(slug), "en"
