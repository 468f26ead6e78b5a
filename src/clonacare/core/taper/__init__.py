"""The taper engine: plan a supervised benzodiazepine taper, check it against the
guardrails, make every dose from a formulary, adjust a running plan, render it.

Public API::

    plan = plan_taper(TaperRequest(drug="clonazepam", doses=(("night", Decimal(1)),),
                                   start=date(2027, 1, 4), method="percent",
                                   step=Decimal(10)))
    plan_to_dict(plan)                   # the JSON contract
    adjust_plan(plan, date(2027, 3, 1), Pause(days=14), reason="insomnia")
    render(plan, "table", stamp)         # json | table | csv | ics | svg | dispensing

The data are passed as loaded objects (``plan_taper(request, formulary, rules=...,
table=...)``); ``request_formulary(request)`` loads the formulary a request names by path.

Errors are ClinicalError with a stable code ("rate-limit", "confirmation-required",
"formulary", "bad-dose", "bad-option", "unknown-drug", "bad-plan", ...). Their messages,
the warnings and the step notes name clinical terms ("the step", "an override
reason"); a face words them in its own names with ``ClinicalError.worded(names)``,
``plan_to_dict(plan, names)`` and ``render(plan, fmt, stamp, names)`` (terms.py).
"""

from __future__ import annotations

from clonacare.core.taper.context import request_formulary
from clonacare.core.taper.model import (
    DOSE_TIMES,
    METHODS,
    CustomStep,
    Dose,
    PatientFactors,
    PlanWarning,
    ProductQuantity,
    Revision,
    Step,
    TaperPlan,
    TaperRequest,
)
from clonacare.core.taper.planner import plan_taper
from clonacare.core.taper.render import FORMATS, render
from clonacare.core.taper.revisions import (
    Adjustment,
    Pause,
    SlowInterval,
    SlowStep,
    StepBack,
    adjust_plan,
)
from clonacare.core.taper.rules import Rules, load_rules
from clonacare.core.taper.serialize import plan_from_dict, plan_to_dict
from clonacare.core.taper.terms import TERMS, with_capitals

__all__ = [
    "DOSE_TIMES",
    "FORMATS",
    "METHODS",
    "TERMS",
    "Adjustment",
    "CustomStep",
    "Dose",
    "PatientFactors",
    "Pause",
    "PlanWarning",
    "ProductQuantity",
    "Revision",
    "Rules",
    "SlowInterval",
    "SlowStep",
    "Step",
    "StepBack",
    "TaperPlan",
    "TaperRequest",
    "adjust_plan",
    "load_rules",
    "plan_from_dict",
    "plan_taper",
    "plan_to_dict",
    "render",
    "request_formulary",
    "with_capitals",
]
