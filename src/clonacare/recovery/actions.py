"""Writes of the recovery record: a return to use.

A return to use is recorded as a fact about the patient's recovery, in plain,
non-punitive words ("use started again"). Nothing is erased or edited: the taper
attempt before it stays on the record as it was, and a new assessment and a new taper
plan can follow (their own pages). The action checks the actor's right and the input,
then writes and records its audit entry in one transaction; a refusal writes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from clonacare.audit.log import Actor, record
from clonacare.core.drugs import known_drugs
from clonacare.core.errors import ClinicalError
from clonacare.patients.models import Patient
from clonacare.recovery.access import may_record_return_to_use, record_began
from clonacare.recovery.models import NOTE_MAX, ReturnToUse

NOT_ALLOWED = (
    "Only a prescriber, nurse or counsellor on the patient's care team records a return to use."
)


def _drug(name: str) -> str:
    cleaned = name.strip().lower()
    if cleaned and cleaned not in known_drugs():
        raise ClinicalError(
            "unknown-drug",
            f"Unknown benzodiazepine {name.strip()!r}; leave it empty when it is not known, "
            f"or choose one of: {', '.join(known_drugs())}.",
        )
    return cleaned


def do_record_return_to_use(
    actor: Actor,
    patient: Patient,
    *,
    on: dt.date,
    drug: str = "",
    note: str = "",
    now: dt.datetime,
) -> ReturnToUse:
    """Record that use started again on ``on`` (as far as it is known), optionally with
    the benzodiazepine (``drug``, a name of the equivalence table; empty when not known)
    and a ``note``. ``patient`` was read through its gate.

    Refused (ClinicalError, nothing written): anyone but a prescriber, nurse or
    counsellor on the care team (``not-allowed``); a day after today (``date``); a day
    before the record began (``before-record``); a drug not in the equivalence table
    (``unknown-drug``); a note longer than the field (``too-long``). Audited as
    ``recovery.return-to-use``.
    """
    user_id = actor.user_id
    if user_id is None or not may_record_return_to_use(actor, patient):
        raise ClinicalError("not-allowed", NOT_ALLOWED)
    today = timezone.localdate(now)
    if on > today:
        raise ClinicalError("date", "The day use started again cannot be in the future.")
    began = record_began(patient)
    if on < began:
        raise ClinicalError(
            "before-record",
            f"The day use started again cannot be before the record began ({began.isoformat()}).",
        )
    chosen = _drug(drug)
    cleaned = note.strip()
    if len(cleaned) > NOTE_MAX:
        raise ClinicalError("too-long", f"The note is longer than {NOTE_MAX} characters.")
    with transaction.atomic():
        returned = ReturnToUse.objects.create(
            patient=patient,
            on=on,
            drug=chosen,
            note=cleaned,
            recorded_by_id=user_id,
            recorded_at=now,
        )
        record(
            actor,
            "recovery.return-to-use",
            patient=patient,
            target=returned,
            detail={"on": on.isoformat(), "drug": chosen},
        )
    return returned
