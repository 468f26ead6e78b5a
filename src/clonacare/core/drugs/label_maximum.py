"""Which label maximum daily dose applies to a drug taken for an indication.

One rule for every part of Clonacare that compares a dose with the label (the taper's
``label-maximum`` warning, the level-of-care reason, the patient record's warning): the
label maximum of the indication the drug is taken for where the label gives one (a
maximum for "all indications" applies to every indication); without an indication, or
for one the label names no maximum for (an off-label use), the drug's highest label
maximum (clinical reference, label maximum daily doses).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from clonacare.core.drugs.facts import LabelMaximum, drug_facts, known_drugs

# How the label data names a maximum that holds whatever the indication.
ALL_INDICATIONS = "all indications"
# How the label data names the seizure disorders (clonazepam's 20 mg maximum).
SEIZURE_DISORDERS = "seizure disorders"


@dataclass(frozen=True)
class ApplicableMaximums:
    """The label maximums that apply to one drug (one or more), and whether the
    indication chose them (``named``) or, with none named, the drug's highest applies."""

    drug: str
    maximums: tuple[LabelMaximum, ...]
    named: bool
    # The drug's lowest maximum, for an indication given but not recognised.
    lowest: bool = False

    def exceeded_by(self, daily_mg: Decimal) -> tuple[LabelMaximum, ...]:
        """The maximums ``daily_mg`` is above (none when it is within them all)."""
        return tuple(m for m in self.maximums if daily_mg > m.mg_per_day)


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z]+", text.lower()))


def applicable_label_maximums(
    drug: str, indication: str | None = None, *, unrecognised: str = "highest"
) -> ApplicableMaximums | None:
    """The label maximums of ``drug`` that apply when it is taken for ``indication``.

    ``indication`` is matched with the label data's names as words ("panic disorder",
    "seizure disorders"; free text containing one matches it). Every maximum the
    indication names applies, and a maximum for all indications always does (with or
    without an indication); when none does, the drug's highest label maximum (``named``
    False). None when the label data
    gives the drug no maximum, or does not know the drug.

    ``unrecognised="lowest"`` (the taper, whose indication is free text): an indication
    that is given but names none of the label's takes the drug's LOWEST label maximum,
    the conservative side ("panic", "PD" or "GAD" is not guessed at); ``named`` is False
    and ``lowest`` True. Without an indication the highest applies, as always.
    """
    if drug not in known_drugs():
        return None
    facts = drug_facts(drug)
    words = _words(indication) if indication else ""
    named = tuple(
        m
        for m in facts.label_maximums
        if m.indication == ALL_INDICATIONS or (words and m.indication in words)
    )
    if named:
        return ApplicableMaximums(drug=drug, maximums=named, named=True)
    if words and unrecognised == "lowest" and facts.label_maximums:
        lowest = min(facts.label_maximums, key=lambda m: m.mg_per_day)
        return ApplicableMaximums(drug=drug, maximums=(lowest,), named=False, lowest=True)
    highest = facts.highest_label_maximum()
    if highest is None:
        return None
    return ApplicableMaximums(drug=drug, maximums=(highest,), named=False)
