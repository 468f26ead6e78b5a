"""A plan as it would be drafted, made and shown without storing anything.

The clinic's draft page previews a plan before the prescriber saves it: the same steps
as ``do_draft_plan`` (the record fills the regimen, the start and the age; the taper
core plans it) and the same refusals, unchanged, but no write and no audit entry of its
own (the page's read of the record was audited by ``access_patient_by_id``). Saving the
draft is ``do_draft_plan``, which plans it again: a preview is never stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from clonacare.audit.log import Actor
from clonacare.core.errors import ClinicalError
from clonacare.core.taper import plan_taper, plan_to_dict, request_formulary
from clonacare.patients.access import may_order_dose_change
from clonacare.patients.models import Patient
from clonacare.plans.actions import NOT_A_TEAM_PRESCRIBER, PlanParameters
from clonacare.plans.parameters import resolve, taper_request


def preview_plan(
    actor: Actor,
    patient: Patient,
    parameters: PlanParameters,
    *,
    today: dt.date,
    names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The plan ``do_draft_plan`` would store for these ``parameters`` today, in the taper
    JSON contract, its warnings and notes worded with ``names`` (a form's labels for the
    core's terms; without them, clinical words, as stored). Refused exactly as ``do_draft_plan``
    (``not-allowed`` for anyone but a prescriber on the care team, ``plan-start``,
    ``missing``, every refusal of the core)."""
    if actor.user_id is None or not may_order_dose_change(actor, patient):
        raise ClinicalError("not-allowed", NOT_A_TEAM_PRESCRIBER)
    request = taper_request(resolve(parameters, patient, today=today))
    return plan_to_dict(plan_taper(request, request_formulary(request)), names)
