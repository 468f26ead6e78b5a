"""docs/screenshots/ holds exactly the screenshots the docs link to, and a test run never
writes there: the browser tests save to var/screenshots/ (ignored by git), and
`make screenshots` copies the chosen few across (tests/browser/screenshots.py)."""

from __future__ import annotations

import re

from tests.browser.screenshots import CHOSEN, DOCS_SCREENSHOTS, REPO, SCREENSHOTS

LINK = re.compile(r"screenshots/([\w.-]+\.png)")


def linked_from_the_docs() -> set[str]:
    docs = [REPO / "README.md", REPO / "CONTRIBUTING.md", *sorted((REPO / "docs").glob("*.md"))]
    return {name for doc in docs for name in LINK.findall(doc.read_text(encoding="utf-8"))}


def test_the_chosen_screenshots_are_the_ones_the_docs_link_to() -> None:
    assert linked_from_the_docs() == set(CHOSEN)


def test_docs_screenshots_holds_the_chosen_ones_and_nothing_else() -> None:
    assert sorted(p.name for p in DOCS_SCREENSHOTS.iterdir()) == sorted(CHOSEN)


def test_each_chosen_screenshot_is_taken_by_a_browser_test_in_its_viewport() -> None:
    for name, test in CHOSEN.items():
        taken = re.fullmatch(r"(?P<page>.+)-(?P<viewport>desktop|phone)\.png", name)
        assert taken is not None, name
        # The test's id names the viewport (and, for the page tour, the page).
        param = test.rsplit("[", 1)[-1]
        assert param in (f"{taken['viewport']}]", f"{taken['viewport']}-{taken['page']}]"), name
        path, function = test.split("[", 1)[0].split("::")
        assert f'screenshot("{taken["page"]}")' in (REPO / path).read_text() or "-" in param, test
        assert f"def {function}(" in (REPO / path).read_text(), test


def test_the_browser_tests_write_to_a_folder_git_ignores() -> None:
    assert SCREENSHOTS == REPO / "var" / "screenshots"
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "var/" in ignored
