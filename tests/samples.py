"""Sample inputs shared by tests of several interfaces (core, CLI, API)."""

from __future__ import annotations

from typing import Any

# The example assessment record: a patient on clonazepam 1.5 mg/day for 18
# months for panic disorder, with no finding that raises the level of care. Tests copy
# it (dict(ALICE_RECORD) | {...}) before changing a field.
ALICE_RECORD: dict[str, Any] = {
    "drug": "clonazepam",
    "daily_dose_mg": 1.5,
    "days_per_week": 7,
    "duration_months": 18,
    "indication": "panic disorder",
    "age": 44,
    "pregnant": False,
    "history_withdrawal_seizure": False,
    "history_withdrawal_delirium": False,
    "alcohol_use_disorder": False,
    "opioid_use": False,
    "other_sedatives": False,
    "suicide_screen": "negative",
    "unstable_medical": False,
    "unstable_psychiatric": False,
    "previous_failed_tapers": 0,
    "support_at_home": True,
}
