"""Issue 16, readability: every patient-facing article and CBT module reads at or below
US school grade 8 (Flesch-Kincaid, with textstat). Each is reported by its own test id,
with its grade in the message; docs/content.md, "Reading level", gives the rule.

Text is read as a patient sees it: the front matter (title, summary, sources) left out,
links as their words, and each heading, list item and paragraph a sentence of its own (a
line without end punctuation gets a full stop), since a list is read item by item.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import textstat

from tests.conftest import REPO

GRADE_LIMIT = 8  # issue 16
PAGES = sorted((REPO / "content" / "articles").glob("*.md")) + sorted(
    (REPO / "content" / "therapy").glob("*.md")
)


def reading_text(raw: str) -> str:
    """The words of a content file as a reader meets them, one sentence per line."""
    body = raw.split("---", 2)[2] if raw.startswith("---") else raw
    lines = []
    for line in body.splitlines():
        words = re.sub(r"^(#+|[-*+]|\d+\.|>)\s*", "", line.strip())
        words = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", words)
        words = re.sub(r"[*_`]", "", words).strip()
        if words:
            lines.append(words if words[-1] in ".!?:;" else f"{words}.")
    return "\n".join(lines)


def test_the_pages_are_found() -> None:
    assert len(PAGES) >= 15
    assert {p.parent.name for p in PAGES} == {"articles", "therapy"}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_page_reads_at_grade_8_or_below(page: Path) -> None:
    grade = textstat.flesch_kincaid_grade(reading_text(page.read_text(encoding="utf-8")))
    print(f"{page.parent.name}/{page.name}: Flesch-Kincaid grade {grade}")
    assert grade <= GRADE_LIMIT, (
        f"{page.parent.name}/{page.name} reads at grade {grade}; shorten its sentences and "
        f"use shorter words until it is {GRADE_LIMIT} or below (docs/content.md)."
    )


def test_the_measure_tells_plain_from_dense_text() -> None:
    plain = "You can stop slowly. Your team helps you. Ask them what to do next."
    dense = (
        "Pharmacological discontinuation of benzodiazepine receptor agonists necessitates "
        "individualized, multidisciplinary supervision incorporating comprehensive "
        "psychosocial interventions and systematic withdrawal symptom monitoring."
    )
    assert textstat.flesch_kincaid_grade(reading_text(plain)) <= GRADE_LIMIT
    assert textstat.flesch_kincaid_grade(reading_text(dense)) > GRADE_LIMIT


def test_a_list_is_read_item_by_item() -> None:
    raw = (
        "---\ntitle: x\n---\n## What to bring\n\n"
        "- your [pill bottles](/x/)\n- a **list** of questions\n"
    )
    assert reading_text(raw) == "What to bring.\nyour pill bottles.\na list of questions."
