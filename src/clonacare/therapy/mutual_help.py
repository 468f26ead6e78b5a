"""Community mutual-help options (SMART Recovery, Narcotics Anonymous and others), as
information shown beside the program's own groups (docs/groups.md). Loaded from
``therapy/data/mutual_help.toml``; each option carries its source, and the file its
review status and the notice that this is information, not a referral."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from clonacare.core.errors import ClinicalError

DATA_FILE = Path(__file__).parent / "data" / "mutual_help.toml"
FIELDS = ("id", "name", "what", "find", "source")


@dataclass(frozen=True)
class Option:
    """One community option: what it is (``what``), how to find a meeting (``find``)."""

    id: str
    name: str
    what: str
    find: str
    source: str


@dataclass(frozen=True)
class MutualHelp:
    notice: str
    status: str
    source: str
    options: tuple[Option, ...]


def _text(raw: dict[str, object], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ClinicalError("data-file", f"{DATA_FILE.name}: {where} needs a text '{key}'.")
    return value.strip()


@cache
def mutual_help() -> MutualHelp:
    """The options in the file's order. Raises ClinicalError (``data-file``) for an
    option without one of its fields (a source included) or a file without its notice."""
    raw = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))
    options = []
    for position, item in enumerate(raw.get("option", []), start=1):
        where = f"option {position}"
        options.append(Option(*(_text(item, key, where) for key in FIELDS)))
    if not options:
        raise ClinicalError("data-file", f"{DATA_FILE.name}: no option.")
    return MutualHelp(
        notice=_text(raw, "notice", "the file"),
        status=_text(raw, "status", "the file"),
        source=_text(raw, "source", "the file"),
        options=tuple(options),
    )
