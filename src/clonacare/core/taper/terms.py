"""The clinical terms the taper engine's messages name, by key.

A refusal, warning or step note of the engine names what it is about in clinical terms
("the step", "an override reason"), never the option of one face: its text is a
template with ``{key}`` placeholders, worded with :data:`TERMS` by default, and a face
words it with its own names for the same keys (the CLI with its flags, cli/taper.py).
A key that starts with a capital letter is the same term at the start of a sentence.

A value that comes from the request (a reason, a name, a drug) is put into a template
with :func:`verbatim`, so that it is never read as a placeholder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from clonacare.core.errors import ClinicalError
from clonacare.core.taper.model import PlanWarning, TaperPlan

_BASE: dict[str, str] = {
    "a_later_switch": "a later switch",
    "a_switch_to_diazepam": "a switch to diazepam",
    "age": "the age",
    "an_end_dose": "an end dose",
    "an_equivalent_dose": "an equivalent dose",
    "an_override_reason": "an override reason",
    "another_adjustment_date": "another adjustment date",
    "another_pause": "another pause length",
    "band_cut": "the band cut",
    "bands_method": "the bands method",
    "confirming_prescriber": "the confirming prescriber",
    "crossover_days": "the length of a crossover step",
    "crossover_order": "the order of the crossover",
    "current_dose": "the current dose",
    "custom_method": "the custom method",
    "custom_steps": "the custom steps",
    "discontinuation_dose": "the discontinuation dose",
    "discontinuation_dose_of": "a discontinuation dose of",
    "discontinuation_set": "chosen by the prescriber",
    "dose_at_each_time": "the dose of each dose time in mg",
    "end_dose": "the end dose",
    "equivalent_dose": "the equivalent dose",
    "final_hold": "the final hold",
    "fixed_method": "the fixed method",
    "interval": "the interval",
    "interval_length": "interval",
    "new_plan_command": "",
    "pause": "the pause",
    "pause_length": "pause",
    "percent_method": "the percent method",
    "percent_or_bands": "the percent or bands method",
    "percent_or_fixed": "the percent or fixed method",
    "reduce_first": "the order of reduction",
    "site_formulary_file": "",
    "slow_interval": "the slower interval",
    "slow_interval_length": "interval",
    "slow_step": "the smaller step",
    "slow_step_size": "step",
    "start_date": "the start date",
    "step": "the step",
    "step_size": "step",
    "switch_point": "the switch point",
    "switch_point_at": "the switch point at",
    "switch_point_de": "the switch point",
    "switch_to": "the drug to switch to",
    "the_adjustment_date": "the adjustment date",
}


def with_capitals(terms: Mapping[str, str]) -> dict[str, str]:
    """``terms`` and, for each key, its capitalised key naming the term at the start of a
    sentence (an empty or option-like name stays as it is)."""
    both = dict(terms)
    for key, name in terms.items():
        both[key[0].upper() + key[1:]] = name[:1].upper() + name[1:]
    return both


TERMS: dict[str, str] = with_capitals(_BASE)
"""Every term of the taper engine's messages, in clinical words."""


def verbatim(text: object) -> str:
    """``text`` for a message template: its braces doubled, so they are never terms."""
    return str(text).replace("{", "{{").replace("}", "}}")


def clinical(template: str) -> str:
    """``template`` in clinical words."""
    return template.format_map(TERMS)


def worded(template: str, names: Mapping[str, str] | None) -> str:
    """``template`` with each term named as ``names`` says, else in clinical words."""
    return template.format_map({**TERMS, **(names or {})})


def refused(code: str, template: str) -> ClinicalError:
    """A refusal whose ``template`` names the engine's terms (``{step}``)."""
    return ClinicalError(code, template, terms=TERMS)


def termed_warning(
    code: str,
    template: str,
    source: str,
    *,
    blocking: bool = False,
    confirmed_by: str | None = None,
) -> PlanWarning:
    """A warning whose ``template`` names the engine's terms; its message is in clinical
    words."""
    return PlanWarning(
        code=code,
        message=clinical(template),
        source=source,
        blocking=blocking,
        confirmed_by=confirmed_by,
        template=template,
    )


def worded_plan(plan: TaperPlan, names: Mapping[str, str] | None) -> TaperPlan:
    """``plan`` with every warning and step note that names a term worded as ``names``
    says (a face's own names for the terms); ``plan`` itself when ``names`` is None."""
    if not names:
        return plan
    return replace(
        plan,
        warnings=tuple(
            w if w.template is None else replace(w, message=worded(w.template, names))
            for w in plan.warnings
        ),
        steps=tuple(
            s if s.note_template is None else replace(s, note=worded(s.note_template, names))
            for s in plan.steps
        ),
    )
