"""One refusal model: every code the source raises is in the registry
(core/refusals.py), docs/api.md lists the registry as it is, and a refusal's kind
alone gives its HTTP status and exit code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from clonacare.core.errors import ClinicalError, Kind, Refusal
from clonacare.core.refusals import REGISTRY, kind_of

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "clonacare"
REFUSAL_CLASSES = {
    "AccountRefusal",
    "AnswersRefused",
    "ClinicalError",
    "IncompleteResponse",
    "Refusal",
}


def _codes_raised(path: Path) -> set[str]:
    """The literal codes ``path`` gives a refusal: the first argument of a refusal class,
    and the ``refusal_code`` of a class (the not-found refusals, the API's own)."""
    codes: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else ""
            first = node.args[0] if node.args else None
            if name in REFUSAL_CLASSES and isinstance(first, ast.Constant):
                codes.add(str(first.value))
        if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Constant):
            continue
        if any(isinstance(t, ast.Name) and t.id == "refusal_code" for t in node.targets):
            codes.add(str(node.value.value))
    return codes


def test_every_code_the_source_raises_is_registered() -> None:
    raised = {code for path in PACKAGE.rglob("*.py") for code in _codes_raised(path)}
    assert len(raised) > 60  # the scan reads the source, not nothing
    assert sorted(raised - set(REGISTRY)) == []


def test_the_scan_finds_a_code_in_a_call_and_in_a_class(tmp_path: Path) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text(
        'raise ClinicalError("made-up", "x")\n'
        "class Gone(RecordNotFound):\n"
        '    refusal_code = "gone-away"\n'
    )
    assert _codes_raised(planted) == {"made-up", "gone-away"}


def test_docs_api_lists_the_registry_as_it_is() -> None:
    text = (ROOT / "docs" / "api.md").read_text()
    rows = re.findall(r"^\| `([a-z_-]+)` \| `([a-z-]+)` \| (.+) \|$", text, re.M)
    assert [(code, kind, meaning) for code, kind, meaning in rows] == [
        (code, entry.kind.value, entry.meaning) for code, entry in REGISTRY.items()
    ]
    kinds = re.findall(r"^\| `([a-z-]+)` \| (\d{3}) \| (\d) \| .+ \|$", text, re.M)
    assert kinds == [(k.value, str(k.status), str(k.exit_code)) for k in Kind]


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("answer-out-of-range", 400),
        ("ceiling", 400),
        ("rate-limit", 422),
        ("not-allowed", 403),
        ("not-on-care-team", 404),
        ("already-acknowledged", 409),
        ("locked-out", 429),
        ("not-signed-in", 401),
    ],
)
def test_a_refusal_takes_the_status_of_its_registered_kind(code: str, status: int) -> None:
    refused = ClinicalError(code, "A sentence.")
    assert refused.kind.status == status
    assert refused.kind.exit_code == 2
    assert kind_of(code) is refused.kind


def test_an_unregistered_code_is_an_invalid_input() -> None:
    refused = Refusal("never-registered", "A sentence.")
    assert (refused.kind, refused.kind.status) == (Kind.INVALID, 400)


def test_a_raise_may_name_another_kind_its_meaning_allows() -> None:
    revoked = ClinicalError("consent", "This consent has already been revoked.", kind=Kind.CONFLICT)
    assert (revoked.kind.status, kind_of("consent")) == (409, Kind.INVALID)


def test_a_message_names_its_terms_clinically_and_each_face_words_them() -> None:
    refused = ClinicalError("bad-option", "{step} must be above 0.", terms={"step": "the step"})
    assert refused.message == str(refused) == "the step must be above 0."
    assert refused.worded({"step": "--step"}) == "--step must be above 0."
    assert refused.worded({"other": "--other"}) == "the step must be above 0."
    plain = ClinicalError("bad-option", "A {brace} stays as written without terms.")
    assert plain.worded({"brace": "x"}) == "A {brace} stays as written without terms."
