"""Assessment settings: thresholds the sources leave open, as documented configuration.

The shipped file (``data/settings.toml``) holds the defaults with their sources; a site
supplies its own copy through ``CLONACARE_ASSESSMENT_SETTINGS`` (or the CLI's option).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from clonacare.core.errors import ClinicalError
from clonacare.core.instruments import instrument
from clonacare.core.sourced import load_toml, require_source, true_or_false, whole_number

CODE = "settings"  # the refusal code of a malformed settings file
DEFAULT_FILE = Path(__file__).parent / "data" / "settings.toml"
ENV_VAR = "CLONACARE_ASSESSMENT_SETTINGS"
_SCHEMA = {
    "sds": ("dependence_cutoff", "source"),
    "failed_tapers": ("at_least", "source"),
    "combined_findings": ("enabled", "at_least", "source"),
}
# Tables added after the first release: a site's copy without one takes the shipped values.
_ADDED_LATER = {"combined_findings"}


@dataclass(frozen=True)
class AssessmentSettings:
    sds_dependence_cutoff: int
    sds_source: str
    failed_tapers_at_least: int
    failed_tapers_source: str
    file: str
    combined_findings_enabled: bool
    combined_findings_at_least: int
    combined_findings_source: str

    def instrument_settings(self) -> dict[str, int]:
        """The values instrument definitions ask for by name."""
        return {"sds_dependence_cutoff": self.sds_dependence_cutoff}


@cache
def load_settings(path: Path | str | None = None) -> AssessmentSettings:
    """Load the settings file; without ``path``, the shipped defaults.

    A site's file may leave out a table added after the first release
    ([combined_findings]); it then has the shipped values, its source saying so.

    Raises ClinicalError("settings") naming the table and key for unknown, missing or
    out-of-range values, and ClinicalError("data-file") when the file cannot be read.
    """
    file = Path(path) if path else DEFAULT_FILE
    data = load_toml(file)
    name = file.name
    unknown = sorted(set(data) - set(_SCHEMA))
    if unknown:
        raise ClinicalError("settings", f"{name}: unknown table [{unknown[0]}].")
    for table, keys in _SCHEMA.items():
        raw = data.get(table)
        if raw is None and table in _ADDED_LATER and file != DEFAULT_FILE:
            continue
        if not isinstance(raw, dict):
            raise ClinicalError("settings", f"{name}: table [{table}] is missing.")
        extra = sorted(set(raw) - set(keys))
        if extra:
            raise ClinicalError("settings", f"{name} [{table}]: unknown key '{extra[0]}'.")
    sds, tapers = data["sds"], data["failed_tapers"]
    if "combined_findings" in data:
        where = f"{name} [combined_findings]"
        combined = data["combined_findings"]
        combined_enabled = true_or_false(combined, "enabled", where, code=CODE)
        combined_at_least = whole_number(combined, "at_least", where, 2, None, code=CODE)
        combined_source = require_source(combined, where)
    else:
        shipped = load_settings()
        combined_enabled = shipped.combined_findings_enabled
        combined_at_least = shipped.combined_findings_at_least
        combined_source = f"{shipped.combined_findings_source} (shipped default)"
    # A cut-off must leave both bands possible: above the lowest SDS total, at most its top.
    low, high = instrument("sds").score_range or (0, 0)
    return AssessmentSettings(
        sds_dependence_cutoff=whole_number(
            sds, "dependence_cutoff", f"{name} [sds]", low + 1, high, code=CODE
        ),
        sds_source=require_source(sds, f"{name} [sds]"),
        failed_tapers_at_least=whole_number(
            tapers, "at_least", f"{name} [failed_tapers]", 1, None, code=CODE
        ),
        failed_tapers_source=require_source(tapers, f"{name} [failed_tapers]"),
        file=str(file),
        combined_findings_enabled=combined_enabled,
        combined_findings_at_least=combined_at_least,
        combined_findings_source=combined_source,
    )
