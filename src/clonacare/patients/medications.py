"""The patient's other medications with their interaction flags, as the record page
and the API show them.

The flags come from the clinical core (``core.drugs.interaction_flags``): each
medication taken now (no end date) that is a known drug, combined with the
benzodiazepine(s) taken today, with alcohol use disorder when the latest level-of-care
assessment the reader may see records it (the caller passes that in: the assessments
build on the record, not the other way), and with each other. An ended medication, or
one recorded as free text, carries no flags. Nothing here recommends a drug.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from clonacare.core.drugs import DrugClass, Flag, co_medications, interaction_flags
from clonacare.patients.models import Medication, Patient


@dataclass(frozen=True)
class FlaggedMedication:
    """One medication, its drug's class (None for free text or a drug the data file no
    longer lists) and its flags."""

    medication: Medication
    drug_class: DrugClass | None
    flags: tuple[Flag, ...]


@dataclass(frozen=True)
class MedicationList:
    """Every medication in the record's order, and the flags that concern no single
    medication (alcohol with the benzodiazepine)."""

    items: tuple[FlaggedMedication, ...]
    flags: tuple[Flag, ...]


def benzodiazepines_taken_on(patient: Patient, day: dt.date) -> tuple[str, ...]:
    """The benzodiazepines recorded as taken on ``day`` (a use that has started and not
    ended before it), each once, in the record's order."""
    taken = [
        use.drug
        for use in patient.benzo_uses.all()
        if use.since <= day and (use.ended_on is None or use.ended_on >= day)
    ]
    return tuple(dict.fromkeys(taken))


def medication_list(
    patient: Patient, *, alcohol_use_disorder: bool, today: dt.date
) -> MedicationList:
    """The patient's medications with their flags as of ``today``.

    ``alcohol_use_disorder``: whether the latest level-of-care assessment the reader may
    see records it (False for a reader who may see none, such as the patient).
    """
    table = co_medications()
    known = set(table.drug_ids())
    medications = list(patient.medications.all())
    current = [m for m in medications if m.ended_on is None]
    flags = interaction_flags(
        table,
        benzodiazepines=benzodiazepines_taken_on(patient, today),
        medications=[m.drug if m.drug in known else None for m in current],
        alcohol=alcohol_use_disorder,
    )
    by_id = {m.pk: f for m, f in zip(current, flags.by_medication, strict=True)}
    items = tuple(
        FlaggedMedication(
            medication=m,
            drug_class=table.drug_class(table.drug(m.drug).class_id) if m.drug in known else None,
            flags=by_id.get(m.pk, ()),
        )
        for m in medications
    )
    return MedicationList(items=items, flags=flags.general)
