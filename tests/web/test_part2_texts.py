"""The Part 2 texts (patients/data/part2.toml): the § 2.32 notice of the 2024 rule with
its citation, the words a consent gives the patient, the accounting period; and a
program's own file (CLONACARE_PART2_NOTICE_FILE), including one written for earlier
versions with the notice as a plain string."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from clonacare.core.errors import ClinicalError
from clonacare.patients.part2 import part2


@pytest.fixture(autouse=True)
def fresh_texts() -> Iterator[None]:
    part2.cache_clear()  # the texts are read once per process; each test reads its own
    yield
    part2.cache_clear()


def test_the_built_in_notice_is_the_2024_statement_with_its_citation() -> None:
    texts = part2()
    assert texts.notice.startswith(
        "This record which has been disclosed to you is protected by Federal confidentiality "
        "rules (42 CFR part 2)."
    )
    assert texts.notice_citation == (
        "42 CFR § 2.32(a)(1), Statement 1, as amended by the final rule, 89 FR 12472 (16 Feb 2024)"
    )
    assert "89 FR 12472" in texts.source
    assert texts.accounting_years == 3
    assert texts.tpo_purpose == "Treatment, payment and health care operations"


def test_a_programs_file_of_an_earlier_version_still_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "part2.toml"
    own.write_text(
        'source = "Riverside counsel, 2026"\n'
        'consent_elements = ["the patient\'s name"]\n'
        'notice = "Our counsel-approved notice."\n'
    )
    monkeypatch.setenv("CLONACARE_PART2_NOTICE_FILE", str(own))
    texts = part2()
    assert (texts.notice, texts.notice_citation) == (
        "Our counsel-approved notice.",
        "42 CFR § 2.32",
    )
    assert texts.how_to_revoke.startswith("You may revoke this consent at any time")
    assert texts.accounting_years == 3


def test_an_empty_notice_is_refused_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "part2.toml"
    own.write_text('source = "x"\n[notice]\ntext = "  "\n')
    monkeypatch.setenv("CLONACARE_PART2_NOTICE_FILE", str(own))
    with pytest.raises(ClinicalError) as refused:
        part2()
    assert refused.value.message == f"{own} [notice]: `text` must be a text that is not empty."
