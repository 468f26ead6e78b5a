"""No sentence of the source page may appear in the repository (facts may, sentences not)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

TOOL = REPO.parent / "shared" / "tools" / "seed-overlap"
SEED_DIR = REPO.parent / "shared" / "seed"


def overlap(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(TOOL), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_repository_shares_no_sentence_with_the_source_page() -> None:
    result = overlap(REPO)
    assert result.returncode == 0, result.stdout
    assert " 0 shared" in result.stdout


def test_the_checker_finds_a_planted_copy(tmp_path: Path) -> None:
    # Made at run time from the seed file itself: no seed text is ever stored here.
    seed_text = next(SEED_DIR.glob("*.txt")).read_text(encoding="utf-8")
    sentence = max(re.split(r"(?<=[.!?])\s+", seed_text), key=len)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "planted.md").write_text(f"# Notes\n\n{sentence}\n", encoding="utf-8")
    result = overlap(tmp_path)
    assert result.returncode == 1
    assert "planted.md" in result.stdout
