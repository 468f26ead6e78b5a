"""The shape of the code (docs/architecture.md): import-linter's contracts hold, and fail
on a planted import that breaks them; no module imports a clonacare module inside a
function except where that is the point (the CLI's lazy start-up, the web app, and
``AppConfig.ready``)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "clonacare"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=project,
        env={"PYTHONPATH": str(project / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_contracts_hold() -> None:
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.fixture(scope="module")
def copy_of_the_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("project")
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    shutil.copytree(
        PACKAGE,
        project / "src" / "clonacare",
        ignore=shutil.ignore_patterns("__pycache__", "data", "static", "templates", "*.md"),
    )
    return project


@pytest.mark.parametrize(
    ("module", "planted", "broken"),
    [
        # Upward: the audit writer would depend on the clinic's pages.
        (
            "audit/log.py",
            "import clonacare.clinic.views",
            "Layers: core, audit writer, accounts, domain apps, faces, web BROKEN",
        ),
        # Upward: a domain app would depend on the web app's settings and URLs.
        (
            "patients/access.py",
            "import clonacare.web.urls",
            "Layers: core, audit writer, accounts, domain apps, faces, web BROKEN",
        ),
        # Sideways between faces: the API would lean on the portal.
        (
            "api/endpoints/patients.py",
            "import clonacare.portal.views",
            "The faces (pages, portal, API, command line) are independent BROKEN",
        ),
        # A domain app reaching into another's internals.
        (
            "assessments/notice.py",
            "import clonacare.patients.ceiling",
            "Domain apps use the patient record only through its actions, access and models BROKEN",
        ),
        # Inside the core, the taper importing the assessment rules built on it.
        (
            "core/taper/numbers.py",
            "import clonacare.core.assessment",
            "Core: the taper does not import the assessment BROKEN",
        ),
    ],
)
def test_a_planted_import_against_the_layers_is_refused(
    copy_of_the_project: Path, module: str, planted: str, broken: str
) -> None:
    target = copy_of_the_project / "src" / "clonacare" / module
    original = target.read_text()
    target.write_text(f"{original}\n{planted}  # planted by the test\n")
    try:
        done = lint_imports(copy_of_the_project)
    finally:
        target.write_text(original)
    assert done.returncode == 1, done.stdout + done.stderr
    assert broken in done.stdout
    assert f"{planted.split()[-1]} (l." in done.stdout  # the planted line is named


def _allowed(relative: tuple[str, ...], function: ast.AST, classes: list[ast.ClassDef]) -> bool:
    """Function-level imports of clonacare modules are allowed in the CLI (lazy start-up),
    the web app, and an ``AppConfig.ready``."""
    if relative[0] in ("cli", "web"):
        return True
    in_app_config = any(
        isinstance(base, ast.Name) and base.id == "AppConfig" for c in classes for base in c.bases
    )
    return in_app_config and isinstance(function, ast.FunctionDef) and function.name == "ready"


def _function_level_imports(path: Path, package: Path = PACKAGE) -> list[str]:
    """``file:line module`` of each import of a clonacare module inside a function of
    ``path`` (a module of ``package``) that is not allowed there."""
    relative = path.relative_to(package).parts
    found: list[str] = []

    def visit(node: ast.AST, function: ast.AST | None, classes: list[ast.ClassDef]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, function, [*classes, child])
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, function or child, classes)
            elif isinstance(child, ast.Import | ast.ImportFrom) and function is not None:
                names = (
                    [child.module or ""]
                    if isinstance(child, ast.ImportFrom)
                    else [a.name for a in child.names]
                )
                clonacare = [n for n in names if n == "clonacare" or n.startswith("clonacare.")]
                if clonacare and not _allowed(relative, function, classes):
                    found.append(f"{'/'.join(relative)}:{child.lineno} {clonacare[0]}")
            else:
                visit(child, function, classes)

    visit(ast.parse(path.read_text()), None, [])
    return found


def test_no_function_level_import_of_clonacare_outside_the_cli_the_web_and_ready() -> None:
    found = [hit for path in sorted(PACKAGE.rglob("*.py")) for hit in _function_level_imports(path)]
    assert found == []


def test_the_scan_finds_a_function_level_import(tmp_path: Path) -> None:
    (tmp_path / "patients").mkdir()
    (tmp_path / "web").mkdir()
    body = "def f() -> None:\n    from clonacare.audit import log\n"
    (tmp_path / "patients" / "planted.py").write_text(body)
    (tmp_path / "web" / "planted.py").write_text(body)
    ready = "class C(AppConfig):\n    def ready(self) -> None:\n        import clonacare.api\n"
    (tmp_path / "patients" / "apps.py").write_text(ready)
    found = [
        hit for p in sorted(tmp_path.rglob("*.py")) for hit in _function_level_imports(p, tmp_path)
    ]
    assert found == ["patients/planted.py:2 clonacare.audit"]
