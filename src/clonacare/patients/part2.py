"""42 CFR Part 2 configuration: the § 2.31 consent elements and the § 2.32 notice."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from clonacare.core.sourced import load_toml, require_source

DEFAULT_FILE = Path(__file__).parent / "data" / "part2.toml"


@dataclass(frozen=True)
class Part2:
    consent_elements: tuple[str, ...]
    notice: str
    source: str


@cache
def part2() -> Part2:
    path = Path(os.environ.get("CLONACARE_PART2_NOTICE_FILE") or DEFAULT_FILE)
    data = load_toml(path)
    return Part2(
        consent_elements=tuple(data["consent_elements"]),
        notice=str(data["notice"]).strip(),
        source=require_source(data, str(path)),
    )
