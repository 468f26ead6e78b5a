"""Sources as links: the public address of each source an article or module names.

An article's front matter names its sources as text ("FDA 2020: Drug Safety
Communication on the benzodiazepine boxed warning"). ``CONTENT_DIR/sources.toml`` gives
the public address of those that have one::

    [[source]]
    starts_with = "FDA 2020: Drug Safety Communication"   # matches every text starting so
    url = "https://www.fda.gov/..."                       # https only
    found = "where the address was seen"                  # for the editors, not shown
    checked = ""                                          # a date, only when really opened

A text may also end with its own address ("...: https://..."), which wins. A source
without either (a printed book) is shown as text. The page shows a "last checked" date
only for an entry whose ``checked`` date is filled in.

A :class:`Source` is the text itself (a ``str``: search, de-duplication and comparisons
see the words) that renders in a template as a link when it has an address.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path

FILE_NAME = "sources.toml"
_TRAILING_URL = re.compile(r":\s*(https://\S+)\s*$")
_URL = re.compile(r"^https://[^\s\"<>]+$")


class SourcesError(Exception):
    """A sources file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class SourceLink:
    starts_with: str
    url: str
    checked: dt.date | None


class Source(str):
    """A source's text, with its public address when it has one (``url``)."""

    url: str | None
    checked: dt.date | None

    def __new__(cls, text: str, url: str | None = None, checked: dt.date | None = None) -> Source:
        source = super().__new__(cls, text)
        source.url = url
        source.checked = checked
        return source

    def __html__(self) -> str:
        text = escape(str(self))
        if not self.url:
            return text
        link = f'<a href="{escape(self.url)}" rel="noopener">{text}</a>'
        if self.checked:
            link += f" (checked {self.checked.isoformat()})"
        return link


def linked(text: str, links: tuple[SourceLink, ...]) -> Source:
    """``text`` as a Source, with the address it carries or the first entry matching it."""
    own = _TRAILING_URL.search(text)
    if own:
        return Source(text[: own.start()].rstrip(), own.group(1))
    for link in links:
        if text.startswith(link.starts_with):
            return Source(text, link.url, link.checked)
    return Source(text)


def _entry(raw: object, where: str) -> SourceLink:
    if not isinstance(raw, dict):
        raise SourcesError(f"{where}: each [[source]] must be a table.")
    unknown = sorted(set(raw) - {"starts_with", "url", "found", "checked"})
    if unknown:
        raise SourcesError(f"{where}: unknown field(s): {', '.join(unknown)}.")
    starts_with, url = raw.get("starts_with"), raw.get("url")
    if not isinstance(starts_with, str) or not starts_with.strip():
        raise SourcesError(f"{where}: 'starts_with' must be a non-empty string.")
    if not isinstance(url, str) or not _URL.match(url):
        raise SourcesError(f"{where}: 'url' must be one https:// address.")
    if not isinstance(raw.get("found"), str) or not raw["found"].strip():
        raise SourcesError(f"{where}: 'found' must say where the address was seen.")
    checked = raw.get("checked", "")
    if isinstance(checked, dt.date):
        day: dt.date | None = checked
    elif checked == "":
        day = None
    else:
        raise SourcesError(f"{where}: 'checked' must be a date (2026-12-04) or empty.")
    return SourceLink(starts_with=starts_with, url=url, checked=day)


@lru_cache(maxsize=4)
def _load(path: Path, stamp: float) -> tuple[SourceLink, ...]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{path.name} is not valid TOML: {exc}.") from None
    entries = data.get("source", [])
    if not isinstance(entries, list):
        raise SourcesError(f"{path.name}: 'source' must be a list of [[source]] tables.")
    return tuple(_entry(raw, f"{path.name} [[source]] #{n}") for n, raw in enumerate(entries, 1))


def load_links(directory: Path) -> tuple[SourceLink, ...]:
    """The addresses of the sources file of the content ``directory`` belongs to.

    ``directory`` is ``CONTENT_DIR`` or a folder of it (``articles``, ``articles/es``,
    ``therapy/es``): the nearest ``sources.toml`` at most two levels up is used; none
    when there is no file. Raises SourcesError naming the file and the entry when it
    cannot be used.
    """
    for folder in (directory, directory.parent, directory.parent.parent):
        path = folder / FILE_NAME
        if path.exists():
            return _load(path, path.stat().st_mtime)
    return ()
