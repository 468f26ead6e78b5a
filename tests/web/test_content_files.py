"""Article files: what a broken one says, and the system check that stops the site."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.checks import run_checks

from clonacare.education.content import ContentError, load_articles, parse_article

GOOD = """---
title: "Title"
summary: "Summary."
section: basics
order: 1
sources: ["ASAM 2025"]
reviewed_by: ""
reviewed_on: ""
---
## Part

Text.
"""


def broken(field: str, value: str) -> str:
    lines = [
        f"{field}: {value}" if line.startswith(f"{field}:") else line for line in GOOD.splitlines()
    ]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no front matter", "x.md: the file must start with '---' front matter."),
        ("---\ntitle: x\n", "x.md: the front matter has no closing '---'."),
        ("---\n- a list\n---\n", "x.md: the front matter must be a mapping of fields."),
        (GOOD.replace("order: 1\n", ""), "x.md: missing front matter field(s): order."),
        (
            GOOD.replace("---\n##", "colour: blue\n---\n##"),
            "x.md: unknown front matter field(s): colour.",
        ),
        (broken("title", '""'), "x.md: 'title' must be a non-empty string."),
        (
            broken("summary", "'" + "x" * 161 + "'"),
            "x.md: 'summary' is longer than 160 characters.",
        ),
        (
            broken("section", "gossip"),
            "x.md: 'section' must be one of basics, risks, dependence, treatment, "
            "questions, related.",
        ),
        (broken("order", "first"), "x.md: 'order' must be a whole number."),
        (broken("sources", "[]"), "x.md: 'sources' must be a non-empty list of strings."),
        (broken("reviewed_on", "yesterday"), "x.md: 'reviewed_on' must be a date like 2026-11-26."),
        (
            broken("reviewed_by", "Dr. Rivera"),
            "x.md: 'reviewed_by' and 'reviewed_on' are filled in together.",
        ),
        (
            broken("section", "questions").replace("## Part\n\nText.", "Just text."),
            "x.md: a questions page needs '## Question?' headings.",
        ),
    ],
)
def test_a_broken_article_is_refused_naming_the_file_and_field(text: str, message: str) -> None:
    with pytest.raises(ContentError) as excinfo:
        parse_article(text, "x")
    assert str(excinfo.value) == message


def test_invalid_yaml_is_refused() -> None:
    with pytest.raises(ContentError, match=r"^x.md: the front matter is not valid YAML"):
        parse_article("---\ntitle: [unclosed\n---\n", "x")


def test_a_file_name_must_be_a_slug() -> None:
    with pytest.raises(ContentError) as excinfo:
        parse_article(GOOD, "Bad Name")
    assert str(excinfo.value) == (
        "Bad Name.md: the file name must be a lowercase slug like 'withdrawal.md'."
    )


def test_headings_make_the_table_of_contents() -> None:
    article = parse_article(GOOD + "\n### Detail\n\nMore.\n", "x")
    assert [(e.anchor, e.title, e.level) for e in article.toc] == [
        ("part", "Part", 2),
        ("detail", "Detail", 3),
    ]


def test_a_questions_page_lists_each_heading_as_a_question() -> None:
    text = broken("section", "questions").replace(
        "## Part\n\nText.", "## Can I stop?\n\nNot alone.\n\n## Why?\n\nSafety."
    )
    article = parse_article(text, "x")
    assert [(q.question, q.answer_text) for q in article.faq] == [
        ("Can I stop?", "Not alone."),
        ("Why?", "Safety."),
    ]


@pytest.mark.django_db
def test_a_broken_article_fails_the_system_check(content_dir: Callable[..., Path]) -> None:
    content_dir("broken", text="no front matter")
    errors = [m for m in run_checks() if m.id == "clonacare.E003"]
    assert [e.msg for e in errors] == [
        "An education article cannot be published: "
        "broken.md: the file must start with '---' front matter."
    ]


def test_a_missing_content_folder_fails_the_system_check(tmp_path: Path, settings: object) -> None:
    settings.CONTENT_DIR = tmp_path / "nowhere"  # type: ignore[attr-defined]
    errors = [m for m in run_checks() if m.id == "clonacare.E001"]
    assert len(errors) == 1
    assert (
        errors[0].msg
        == f"The education content folder {tmp_path / 'nowhere' / 'articles'} does not exist."
    )


def test_a_broken_crisis_file_fails_the_system_check(tmp_path: Path, settings: object) -> None:
    bad = tmp_path / "crisis.toml"
    bad.write_text('source = "x"\n')
    settings.CRISIS_FILE = str(bad)  # type: ignore[attr-defined]
    errors = [m for m in run_checks() if m.id == "clonacare.E002"]
    assert [e.msg for e in errors] == [
        f"Crisis resources cannot be loaded: {bad} lists no [[resources]]."
    ]


def test_the_real_articles_all_load() -> None:
    from tests.conftest import REPO

    articles = load_articles(REPO / "content" / "articles")
    assert len(articles) >= 11
    assert all(not a.is_reviewed for a in articles)  # no reviewer is ever invented
