"""42 CFR Part 2 configuration (as amended in 2024): the § 2.31 consent elements, the
words a consent gives the patient, and the § 2.32 notice with its citation.

The built-in file is ``data/part2.toml``; ``CLONACARE_PART2_NOTICE_FILE`` names a
program's own (its counsel-approved text). A program file written for earlier versions,
with ``notice`` as a plain string and no consent statements, still loads: its notice is
taken as given and the statements fall back to the built-in ones.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from clonacare.core.errors import ClinicalError
from clonacare.core.sourced import load_toml, require_source

DEFAULT_FILE = Path(__file__).parent / "data" / "part2.toml"


@dataclass(frozen=True)
class Part2:
    consent_elements: tuple[str, ...]
    notice: str
    notice_citation: str
    tpo_purpose: str
    how_to_revoke: str
    redisclosure_statement: str
    accounting_years: int
    source: str


def _text(data: dict[str, Any], built_in: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key, built_in.get(key))
    if not isinstance(value, str) or not value.strip():
        raise ClinicalError("part-two-file", f"{where}: `{key}` must be a text that is not empty.")
    return value.strip()


@cache
def part2() -> Part2:
    """The Part 2 texts in force. Raises ClinicalError("part-two-file") naming the file and
    the field when a text is missing or empty."""
    path = Path(os.environ.get("CLONACARE_PART2_NOTICE_FILE") or DEFAULT_FILE)
    data = load_toml(path)
    built_in = data if path == DEFAULT_FILE else load_toml(DEFAULT_FILE)
    notice = data.get("notice")
    if isinstance(notice, dict):
        text = _text(notice, {}, "text", f"{path} [notice]")
        citation = str(notice.get("citation", "")).strip()
    else:
        text = _text(data, {}, "notice", str(path))
        citation = ""
    return Part2(
        consent_elements=tuple(data.get("consent_elements", built_in["consent_elements"])),
        notice=text,
        notice_citation=citation or "42 CFR § 2.32",
        tpo_purpose=_text(data, built_in, "tpo_purpose", str(path)),
        how_to_revoke=_text(data, built_in, "how_to_revoke", str(path)),
        redisclosure_statement=_text(data, built_in, "redisclosure_statement", str(path)),
        accounting_years=int(data.get("accounting_years", built_in["accounting_years"])),
        source=require_source(data, str(path)),
    )
