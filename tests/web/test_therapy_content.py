"""CBT module files (content/therapy/*.md): loaded and checked like the articles. A
module names its sources and its exercises and has sections; one that cannot be
published is refused with the file and the field named, and stops the site's check."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from pytest_django.fixtures import Settings as SettingsWrapper

from clonacare.therapy.content import ModuleContentError, load_modules, parse_module

ROOT = Path(__file__).resolve().parents[2]

GOOD = """---
title: "Thinking again"
summary: "A summary."
order: 10
exercises: [thought-record]
sources: ["ASAM 2025"]
reviewed_by: ""
reviewed_on: ""
---
An opening.

## What a thought is

Text.

## Trying it ###

More text.
"""


def with_line(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


def test_it_reads_sections_exercises_sources_and_the_review_status() -> None:
    module = parse_module(GOOD, "thinking")
    assert (module.slug, module.title, module.order) == ("thinking", "Thinking again", 10)
    assert module.exercises == ("thought-record",)
    assert module.sources == ("ASAM 2025",)
    assert [(s.id, s.title) for s in module.sections] == [
        ("what-a-thought-is", "What a thought is"),
        ("trying-it", "Trying it"),
    ]
    assert module.sections[0].html == "<p>Text.</p>"
    assert module.intro_html == "<p>An opening.</p>"
    assert module.review_status == "Draft, awaiting clinical review"
    assert not module.is_reviewed


def test_a_reviewed_module_names_its_reviewer() -> None:
    text = with_line(
        'reviewed_by: ""\nreviewed_on: ""', 'reviewed_by: "Dr. Rivera"\nreviewed_on: 2026-12-01'
    )
    assert parse_module(text, "thinking").review_status == "Reviewed by Dr. Rivera on 2026-12-01"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            with_line('sources: ["ASAM 2025"]', "sources: []"),
            "thinking.md: 'sources' must be a non-empty list: a module names what its facts "
            "come from.",
        ),
        (
            with_line('sources: ["ASAM 2025"]\n', ""),
            "thinking.md: missing front matter field(s): sources.",
        ),
        (
            with_line('sources: ["ASAM 2025"]', 'sources: ["  "]'),
            "thinking.md: 'sources' must be a non-empty list: a module names what its facts "
            "come from.",
        ),
        (
            with_line("exercises: [thought-record]", "exercises: [gratitude-list]"),
            "thinking.md: unknown exercise(s) gratitude-list; choose from: thought-record, "
            "sleep-diary, coping-plan.",
        ),
        (
            with_line("exercises: [thought-record]", "exercises: []"),
            "thinking.md: 'exercises' must name at least one of: thought-record, sleep-diary, "
            "coping-plan.",
        ),
        (
            with_line("order: 10", "order: ten"),
            "thinking.md: 'order' must be a whole number.",
        ),
        (
            with_line('summary: "A summary."', f'summary: "{"x" * 161}"'),
            "thinking.md: 'summary' is longer than 160 characters.",
        ),
        (
            with_line('title: "Thinking again"', 'title: "Thinking again"\nsection: basics'),
            "thinking.md: unknown front matter field(s): section.",
        ),
        (
            with_line('reviewed_by: ""', 'reviewed_by: "Dr. Rivera"'),
            "thinking.md: 'reviewed_by' and 'reviewed_on' are filled in together.",
        ),
        (
            with_line('reviewed_on: ""', 'reviewed_on: "soon"'),
            "thinking.md: 'reviewed_on' must be a date like 2026-11-26.",
        ),
        (
            with_line("## Trying it ###", "## What a thought is"),
            "thinking.md: the section heading 'What a thought is' is empty or used twice.",
        ),
        (
            GOOD.split("## What")[0],
            "thinking.md: a module needs at least one '## Section' heading.",
        ),
        (GOOD[4:], "thinking.md: the file must start with '---' front matter."),
        (GOOD.replace("\n---\n", "\n", 1), "thinking.md: the front matter has no closing '---'."),
    ],
)
def test_a_module_it_cannot_publish_is_refused(text: str, message: str) -> None:
    with pytest.raises(ModuleContentError) as refused:
        parse_module(text, "thinking")
    assert str(refused.value) == message


def test_a_file_name_that_is_not_a_slug_is_refused() -> None:
    with pytest.raises(ModuleContentError) as refused:
        parse_module(GOOD, "Thinking_Again")
    assert str(refused.value) == (
        "Thinking_Again.md: the file name must be a lowercase slug like 'sleep.md'."
    )


def test_a_broken_module_stops_the_sites_check(tmp_path: Path, settings: SettingsWrapper) -> None:
    (tmp_path / "articles").mkdir()
    folder = tmp_path / "therapy"
    folder.mkdir()
    (folder / "thinking.md").write_text(with_line('sources: ["ASAM 2025"]', "sources: []"))
    settings.CONTENT_DIR = tmp_path
    with pytest.raises(SystemCheckError) as stopped:
        call_command("check")
    assert "clonacare.E004" in str(stopped.value)
    assert "A CBT module cannot be published: thinking.md: 'sources' must be" in str(stopped.value)


def test_modules_load_in_their_order(tmp_path: Path) -> None:
    (tmp_path / "later.md").write_text(with_line("order: 10", "order: 20"))
    (tmp_path / "sooner.md").write_text(GOOD)
    assert [m.slug for m in load_modules(tmp_path)] == ["sooner", "later"]


def test_a_site_without_the_folder_has_no_modules(tmp_path: Path) -> None:
    assert load_modules(tmp_path / "therapy") == ()


class TestTheShippedModules:
    """What content/therapy holds: the five modules issue 11 names, each sourced,
    each awaiting clinical review, each naming its exercises."""

    def test_the_five_modules_and_their_exercises(self) -> None:
        shipped = load_modules(ROOT / "content" / "therapy")
        assert [(m.slug, m.exercises) for m in shipped] == [
            ("understanding-dependence", ("coping-plan",)),
            ("anxiety-and-panic", ("thought-record",)),
            ("thought-records", ("thought-record",)),
            ("sleep", ("sleep-diary",)),
            ("relapse-prevention", ("coping-plan",)),
        ]
        for module in shipped:
            assert module.sources
            assert module.review_status == "Draft, awaiting clinical review"
            assert len(module.sections) >= 3

    def test_the_sleep_module_keeps_sleep_restriction_for_a_clinician(self) -> None:
        sleep = next(m for m in load_modules(ROOT / "content" / "therapy") if m.slug == "sleep")
        assert [s.id for s in sleep.sections] == [
            "why-sleep-changes",
            "keeping-a-sleep-diary",
            "the-bed-is-for-sleep",
            "a-wind-down-routine",
            "sleep-restriction-is-done-only-with-a-clinician",
        ]
        last = " ".join(sleep.sections[-1].html.split())
        assert "Do not try it on your own: it is done only with a clinician" in last
