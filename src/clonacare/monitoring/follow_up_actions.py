"""The care team's decision to keep on or end the check-ins after a taper that stopped
the drug (issue 11; docs/monitoring.md, "After the last dose"). Re-exported by
``monitoring.actions``, the module other apps and the faces call."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from clonacare.audit.log import Actor, record
from clonacare.core.errors import ClinicalError
from clonacare.monitoring.access import follow_up_on, may_decide_follow_up
from clonacare.monitoring.models import NOTE_MAX, FollowUpDecision
from clonacare.patients.models import Patient

FOLLOW_UP_NOT_ALLOWED = (
    "Only a prescriber, nurse or counsellor on the patient's care team keeps or ends the "
    "check-ins after the taper."
)
FOLLOW_UP_REASON_MISSING = "Say why the check-ins after the taper are kept on or ended."
ALREADY_ON = "The check-ins after the taper are already on; nothing changed."
ALREADY_ENDED = "The check-ins after the taper are already ended; nothing changed."


def _reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise ClinicalError("follow-up-reason", FOLLOW_UP_REASON_MISSING)
    if len(text) > NOTE_MAX:
        raise ClinicalError(
            "follow-up-reason",
            f"The reason is at most {NOTE_MAX} characters; this one has {len(text)}.",
        )
    return text


def do_set_follow_up(
    actor: Actor, patient: Patient, on: bool, reason: str, *, now: dt.datetime
) -> FollowUpDecision:
    """Keep on (``on``) or end the monthly check-ins after the taper of ``patient``, for
    ``reason``; the decision is kept beside the earlier ones and audited as
    ``follow-up.set``. It may be made before the taper ends: it applies from the first
    day without the drug.

    Refused, writing nothing: ``not-allowed`` for anyone but a prescriber, nurse or
    counsellor on the care team; ``follow-up-reason`` for an empty reason or one longer
    than NOTE_MAX characters; ``no-change`` when the check-ins are already so (on when no
    decision was ever made).
    """
    user_id = actor.user_id
    if user_id is None or not may_decide_follow_up(actor, patient):
        raise ClinicalError("not-allowed", FOLLOW_UP_NOT_ALLOWED)
    text = _reason(reason)
    with transaction.atomic():
        # Two decisions at once are made one after the other, each reading the other's.
        Patient.objects.select_for_update().filter(pk=patient.pk).exists()
        if follow_up_on(patient) == on:
            raise ClinicalError("no-change", ALREADY_ON if on else ALREADY_ENDED)
        decision = FollowUpDecision.objects.create(
            patient=patient, on=on, reason=text, decided_by_id=user_id, decided_at=now
        )
        record(
            actor,
            "follow-up.set",
            patient=patient,
            target=decision,
            detail={"on": on, "reason": text},
        )
    return decision
