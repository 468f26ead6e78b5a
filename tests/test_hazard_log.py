"""docs/hazard-log.md names tests that exist: each node id it gives (``tests/...py::test``
or ``tests/...py::TestClass::test``) is a file whose syntax tree defines that test, every
hazard entry names a test or says "no test yet" and is then listed under Gaps, and every
rating follows the log's own risk matrix. The checker reads the test files' syntax trees
and never imports them, so a test file that cannot be imported here is still read."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import REPO

LOG = REPO / "docs" / "hazard-log.md"

# A node id in backticks: a test file, then its test (a class and a method, or a function).
NODE = re.compile(r"`(tests/[^`\s]+?\.py)::([^`\s]+)`")
HAZARD = re.compile(r"^### (HAZ-\d{3}) \S.*$", re.M)
RATING = re.compile(r"\*\*(Before|After):\*\* severity (\d+), likelihood (\d+), risk (\d+)\.", re.M)
MATRIX_ROW = re.compile(r"^\| (\d) [a-z ]+ \|((?: \d \|){5})$", re.M)
FIELDS = (
    "**Causes:**",
    "**Effect:**",
    "**Harm:**",
    "**Before:**",
    "**Mitigations:**",
    "**After:**",
    "**The deploying program must:**",
)
UNTESTED = "no test yet"

# Risk by likelihood (the key) and severity 1 to 5 (the position): the log's own matrix.
MATRIX = {
    5: (3, 4, 4, 5, 5),
    4: (2, 3, 3, 4, 5),
    3: (2, 2, 3, 3, 4),
    2: (1, 2, 2, 3, 4),
    1: (1, 1, 2, 2, 3),
}


def defined_tests(path: Path) -> set[str]:
    """The tests a file defines, as pytest names them after the ``::``: module-level
    ``test*`` functions, and ``Class::test*`` for the methods of its ``Test*`` classes."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if node.name.startswith("test"):
                names.add(node.name)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            names.update(
                f"{node.name}::{item.name}"
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                and item.name.startswith("test")
            )
    return names


def _check_node_ids(text: str, root: Path) -> list[str]:
    problems: list[str] = []
    known: dict[str, set[str] | None] = {}
    for match in NODE.finditer(text):
        file, name = match.groups()
        name = name.split("[", 1)[0]  # a parametrized id names the same function
        if file not in known:
            path = root / file
            known[file] = defined_tests(path) if path.is_file() else None
        tests = known[file]
        if tests is None:
            problems.append(f"{file}::{name}: there is no file {file}.")
        elif name not in tests:
            problems.append(f"{file}::{name}: {file} defines no test {name}.")
    return problems


def _check_matrix(text: str) -> list[str]:
    rows = {
        int(likelihood): tuple(int(cell) for cell in cells.replace("|", " ").split())
        for likelihood, cells in MATRIX_ROW.findall(text)
    }
    if rows != MATRIX:
        return ["The risk matrix in the log differs from the one the checker applies."]
    return []


def _check_rating(hazard: str, entry: str) -> list[str]:
    problems: list[str] = []
    found: dict[str, tuple[int, int, int]] = {}
    for kind, severity, likelihood, risk in RATING.findall(entry):
        found[kind] = (int(severity), int(likelihood), int(risk))
    for kind in ("Before", "After"):
        if kind not in found:
            problems.append(f"{hazard}: no '{kind}: severity S, likelihood L, risk R.' rating.")
            continue
        severity, likelihood, risk = found[kind]
        if not (1 <= severity <= 5 and 1 <= likelihood <= 5):
            problems.append(f"{hazard}: {kind}: severity and likelihood run from 1 to 5.")
        elif MATRIX[likelihood][severity - 1] != risk:
            problems.append(
                f"{hazard}: {kind}: severity {severity} and likelihood {likelihood} make "
                f"risk {MATRIX[likelihood][severity - 1]}, not {risk}."
            )
    if len(found) == 2 and found["After"][2] > found["Before"][2]:
        problems.append(f"{hazard}: the risk after mitigation is higher than before.")
    return problems


def check_hazard_log(text: str, root: Path = REPO) -> list[str]:
    """Every problem with the hazard log ``text``, in the order found (empty when none).

    Test node ids are looked up under ``root`` (the repository by default)."""
    problems = _check_node_ids(text, root)
    problems += _check_matrix(text)
    head, _, gaps = text.partition("\n## Gaps\n")
    hazards = list(HAZARD.finditer(head))
    ids = [h.group(1) for h in hazards]
    if ids != [f"HAZ-{n:03d}" for n in range(1, len(ids) + 1)]:
        problems.append(f"Hazard ids must run from HAZ-001 without a gap or a repeat: {ids}.")
    for i, heading in enumerate(hazards):
        hazard = heading.group(1)
        end = hazards[i + 1].start() if i + 1 < len(hazards) else len(head)
        entry = head[heading.end() : end]
        problems += [f"{hazard}: no {field}" for field in FIELDS if field not in entry]
        untested = UNTESTED in entry
        if not NODE.search(entry) and not untested:
            problems.append(f"{hazard}: names no test and says no '{UNTESTED}'.")
        if untested and not re.search(rf"^- {hazard}:", gaps, re.M):
            problems.append(f"{hazard}: says '{UNTESTED}' but is not listed under Gaps.")
        problems += _check_rating(hazard, entry)
    for listed in re.findall(r"^- (HAZ-\d{3}):", gaps, re.M):
        if listed not in ids:
            problems.append(f"Gaps lists {listed}, which is not a hazard of the log.")
    return problems


def planted(tmp_path: Path, old: str, new: str) -> str:
    """A copy of the real log with one change, written to a file and read back."""
    text = LOG.read_text(encoding="utf-8")
    assert old in text
    copy = tmp_path / "hazard-log.md"
    copy.write_text(text.replace(old, new, 1), encoding="utf-8")
    return copy.read_text(encoding="utf-8")


def test_every_test_the_hazard_log_names_exists() -> None:
    assert check_hazard_log(LOG.read_text(encoding="utf-8")) == []


def test_the_log_names_tests_for_every_hazard_it_lists() -> None:
    text = LOG.read_text(encoding="utf-8")
    assert len(HAZARD.findall(text)) >= 21
    assert len(NODE.findall(text)) >= 100


def test_the_readme_links_the_hazard_log() -> None:
    assert "(docs/hazard-log.md)" in (REPO / "README.md").read_text(encoding="utf-8")


def test_a_misspelled_test_name_is_reported(tmp_path: Path) -> None:
    text = planted(
        tmp_path,
        "tests/web/test_access.py::test_forbidden_and_missing_raise_the_same_error`",
        "tests/web/test_access.py::test_forbidden_and_missing_look_alike`",
    )
    assert check_hazard_log(text) == [
        "tests/web/test_access.py::test_forbidden_and_missing_look_alike: "
        "tests/web/test_access.py defines no test test_forbidden_and_missing_look_alike."
    ]


def test_a_test_file_that_does_not_exist_is_reported(tmp_path: Path) -> None:
    text = planted(
        tmp_path,
        "`tests/web/test_lockout.py::",
        "`tests/web/test_lockouts.py::",
    )
    assert check_hazard_log(text) == [
        "tests/web/test_lockouts.py::test_the_attacked_account_stays_locked_from_another_address:"
        " there is no file tests/web/test_lockouts.py."
    ]


def test_a_method_named_under_the_wrong_class_is_reported(tmp_path: Path) -> None:
    text = planted(
        tmp_path,
        "TestAcknowledging::test_only_clinical_staff_acknowledge",
        "TestListing::test_only_clinical_staff_acknowledge",
    )
    assert check_hazard_log(text) == [
        "tests/web/test_api_alerts.py::TestListing::test_only_clinical_staff_acknowledge: "
        "tests/web/test_api_alerts.py defines no test "
        "TestListing::test_only_clinical_staff_acknowledge."
    ]


def test_a_class_method_named_as_a_function_is_reported(tmp_path: Path) -> None:
    text = planted(
        tmp_path,
        "test_api_auth.py::TestBearerTokens::test_an_expired_token_is_refused",
        "test_api_auth.py::test_an_expired_token_is_refused",
    )
    assert check_hazard_log(text) == [
        "tests/web/test_api_auth.py::test_an_expired_token_is_refused: "
        "tests/web/test_api_auth.py defines no test test_an_expired_token_is_refused."
    ]


def test_an_entry_without_a_test_or_a_gap_is_reported(tmp_path: Path) -> None:
    text = LOG.read_text(encoding="utf-8")
    start = text.index("### HAZ-014")
    end = text.index("### HAZ-015")
    entry = NODE.sub("`src/clonacare/core/instruments/engine.py`", text[start:end])
    copy = tmp_path / "hazard-log.md"
    copy.write_text(text[:start] + entry + text[end:], encoding="utf-8")
    assert check_hazard_log(copy.read_text(encoding="utf-8")) == [
        "HAZ-014: names no test and says no 'no test yet'."
    ]


def test_no_test_yet_must_be_listed_under_gaps(tmp_path: Path) -> None:
    text = planted(tmp_path, "- HAZ-009: a test that", "- A test that")
    assert check_hazard_log(text) == ["HAZ-009: says 'no test yet' but is not listed under Gaps."]


def test_a_gap_for_no_hazard_is_reported(tmp_path: Path) -> None:
    text = planted(tmp_path, "- HAZ-009: a test that", "- HAZ-099: a test that")
    assert check_hazard_log(text) == [
        "HAZ-009: says 'no test yet' but is not listed under Gaps.",
        "Gaps lists HAZ-099, which is not a hazard of the log.",
    ]


def test_a_rating_off_the_matrix_is_reported(tmp_path: Path) -> None:
    text = planted(
        tmp_path,
        "- **After:** severity 4, likelihood 1, risk 2.",
        "- **After:** severity 4, likelihood 1, risk 1.",
    )
    assert check_hazard_log(text) == [
        "HAZ-006: After: severity 4 and likelihood 1 make risk 2, not 1."
    ]


def test_a_missing_field_and_a_missing_rating_are_reported(tmp_path: Path) -> None:
    text = planted(
        tmp_path,
        "- **Before:** severity 4, likelihood 3, risk 3.\n- **Mitigations:**\n"
        "  1. `patients/actions/record.py`",
        "- **Mitigations:**\n  1. `patients/actions/record.py`",
    )
    assert check_hazard_log(text) == [
        "HAZ-006: no **Before:**",
        "HAZ-006: no 'Before: severity S, likelihood L, risk R.' rating.",
    ]


def test_a_changed_matrix_is_reported(tmp_path: Path) -> None:
    text = planted(
        tmp_path, "| 1 very low | 1 | 1 | 2 | 2 | 3 |", "| 1 very low | 1 | 1 | 1 | 2 | 3 |"
    )
    assert check_hazard_log(text) == [
        "The risk matrix in the log differs from the one the checker applies."
    ]


def test_hazard_ids_run_in_order(tmp_path: Path) -> None:
    text = planted(tmp_path, "### HAZ-003 ", "### HAZ-033 ")
    assert check_hazard_log(text)[0].startswith(
        "Hazard ids must run from HAZ-001 without a gap or a repeat: ['HAZ-001', 'HAZ-002', "
        "'HAZ-033', 'HAZ-004',"
    )


def test_a_test_file_is_read_without_being_imported(tmp_path: Path) -> None:
    tests = tmp_path / "tests" / "web"
    tests.mkdir(parents=True)
    (tests / "test_planted.py").write_text(
        "import a_module_that_does_not_exist\n\n"
        "def test_it_is_found():\n    pass\n\n"
        "class TestGroup:\n    def test_in_a_class(self):\n        pass\n\n"
        "    def helper(self):\n        pass\n",
        encoding="utf-8",
    )
    found = "`tests/web/test_planted.py::test_it_is_found`"
    in_class = "`tests/web/test_planted.py::TestGroup::test_in_a_class[one]`"
    helper = "`tests/web/test_planted.py::TestGroup::helper`"
    text = f"{found} {in_class} {helper}"
    assert check_hazard_log(text, root=tmp_path)[0] == (
        "tests/web/test_planted.py::TestGroup::helper: "
        "tests/web/test_planted.py defines no test TestGroup::helper."
    )
