"""The forms of the clinic's taper plan pages: draft (with presets), approve, revise.

The draft form's fields are the taper command's options a prescriber sets (docs/
taper.md), the rarer ones under "More options"; the drug and its doses come from the
record (``do_draft_plan``). Each form
turns its input into what the plans app's actions take; every clinical check is the
action's or the taper core's, whose refusal is shown in the form's own words
(``TERM_LABELS``: the core's terms named as the fields that set them).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from clonacare.clinic.record_forms import DATE, RecordForm
from clonacare.core.taper import CustomStep, with_capitals
from clonacare.plans.actions import PlanParameters
from clonacare.plans.models import PlanRevision
from clonacare.plans.presets import Preset, presets

# The taper core's terms (core/taper/terms.py) worded as this form's fields.
TERM_LABELS: dict[str, str] = with_capitals(
    {
        "a_later_switch": "a lower “Switch point”",
        "a_switch_to_diazepam": "“Switch to diazepam”",
        "an_end_dose": "an “End dose”",
        "an_override_reason": "an “Override reason”",
        "band_cut": "the “Band cut”",
        "bands_method": "the “NICE bands” method",
        "confirming_prescriber": "the prescriber in “Confirmed by”",
        "crossover_order": "the “Switch these dose times first”",
        "custom_method": "the “Custom” method",
        "custom_steps": "the “Custom steps”",
        "end_dose": "the “End dose”",
        "fixed_method": "the “Fixed mg” method",
        "interval": "the “Interval (days)”",
        "percent_method": "the “Percent” method",
        "percent_or_bands": "the “Percent” or “NICE bands” method",
        "percent_or_fixed": "the “Percent” or “Fixed mg” method",
        "reduce_first": "the “Cut these dose times first”",
        "start_date": "the “Start”",
        "step": "the “Step”",
        "switch_point": "the “Switch point”",
        "switch_point_at": "the “Switch point” at",
        "switch_point_de": "the “Switch point”",
    }
)

METHOD_CHOICES = [
    ("percent", "Percent"),
    ("fixed", "Fixed mg"),
    ("bands", "NICE bands"),
    ("custom", "Custom"),
]
STEPS_EXAMPLE = "“2027-01-18: morning 0.25, night 1”"


def _line_error(number: int, text: str) -> forms.ValidationError:
    return forms.ValidationError(f"Line {number}: {text}")


def parse_custom_steps(text: str) -> tuple[CustomStep, ...]:
    """The prescriber's own steps, one a line: the date it starts, a colon, then each
    dose time and its mg (``2027-01-18: morning 0.25, night 1``), or ``stop``. Only the
    shape is read here; the taper core judges the steps (dose times, doses, order)."""
    steps = []
    lines = [line.strip() for line in text.splitlines()]
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        when, colon, rest = line.partition(":")
        try:
            start = dt.date.fromisoformat(when.strip())
        except ValueError:
            raise _line_error(
                number, f"start with the date as YYYY-MM-DD and a colon, as {STEPS_EXAMPLE}."
            ) from None
        doses: list[tuple[str, Decimal]] = []
        rest = rest.strip()
        if not colon or rest.lower() not in ("", "stop"):
            for item in (i.strip() for i in rest.split(",")):
                time, _, mg = item.partition(" ")
                try:
                    amount = Decimal(mg.strip().removesuffix("mg").strip())
                except InvalidOperation:
                    amount = None
                if not time or amount is None or not amount.is_finite():
                    raise _line_error(
                        number,
                        f"give each dose as a dose time and its mg, as {STEPS_EXAMPLE}; "
                        f"got “{item}”.",
                    )
                doses.append((time.lower(), amount))
        steps.append(CustomStep(start=start, doses=tuple(doses)))
    return tuple(steps)


def parse_dose_times(text: str) -> tuple[str, ...] | None:
    """Dose times in order, separated by commas or spaces (``night, evening``); None
    when empty. The taper core judges the names."""
    times = tuple(t.lower() for t in text.replace(",", " ").split())
    return times or None


class PlanForm(RecordForm):
    """A taper plan as asked for on the draft page: the options of the API's
    ``POST /patients/{id}/plans`` a prescriber sets, in clinical words (the rarest under
    "More options", ``MORE``)."""

    preset = forms.ChoiceField(
        label="Preset",
        required=False,
        help_text="Choose one, then “Apply preset” to fill the fields below.",
    )
    method = forms.ChoiceField(label="Method", choices=METHOD_CHOICES, initial="percent")
    step = forms.DecimalField(
        label="Step",
        required=False,
        min_value=Decimal("0.001"),
        decimal_places=3,
        help_text="Percent of the current dose (Percent), or mg (Fixed mg).",
    )
    interval = forms.IntegerField(
        label="Interval (days)", required=False, min_value=1, help_text="Days between cuts."
    )
    start = forms.DateField(label="Start", required=False, widget=DATE, help_text="Today or later.")
    switch_to_diazepam = forms.BooleanField(label="Switch to diazepam", required=False)
    switch_at = forms.DecimalField(
        label="Switch point",
        required=False,
        min_value=Decimal("0.001"),
        decimal_places=3,
        help_text="Switch once the daily dose is this many mg diazepam-equivalent or less.",
    )
    band_cut = forms.ChoiceField(
        label="Band cut",
        required=False,
        choices=[("", "The method's default"), ("low", "Low end"), ("high", "High end")],
    )
    end_dose = forms.DecimalField(
        label="End dose",
        required=False,
        min_value=Decimal(0),
        decimal_places=3,
        help_text="mg/day to hold at instead of stopping; empty: stop.",
    )
    override_reason = forms.CharField(
        label="Override reason",
        required=False,
        max_length=400,
        help_text="Why the plan may break a limit it would otherwise be refused for.",
    )
    confirmed_by = forms.CharField(
        label="Confirmed by",
        required=False,
        max_length=120,
        help_text="The prescriber who confirms the blocking warnings.",
    )
    steps = forms.CharField(
        label="Custom steps",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=f"The “Custom” method only. One step a line, each with the whole "
        f"regimen from its date: {STEPS_EXAMPLE}; “2027-03-01: stop” ends the taper. The "
        "doses are of the drug being tapered (diazepam after a switch).",
    )
    reduce_first = forms.CharField(
        label="Cut these dose times first",
        required=False,
        max_length=60,
        help_text="Dose times in order, as “night, evening”; the others follow in the "
        "usual order (morning, midday, evening, night). Empty: the usual order.",
    )
    crossover_order = forms.CharField(
        label="Switch these dose times first",
        required=False,
        max_length=60,
        help_text="With “Switch to diazepam”: dose times in the order they switch, as "
        "“morning, night”. Empty: the latest first.",
    )

    MORE = "More options"
    groups = (
        ("Preset", ("preset",)),
        ("Method", ("method", "step", "interval", "start", "band_cut")),
        ("The custom method", ("steps",)),
        ("Switch", ("switch_to_diazepam", "switch_at")),
        ("End and overrides", ("end_dose", "override_reason", "confirmed_by")),
        (MORE, ("reduce_first", "crossover_order")),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preset"].choices = [  # type: ignore[attr-defined]
            ("", "None: set the values myself"),
            *[(p.id, p.title) for p in presets()],
        ]

    @property
    def more_title(self) -> str:
        return self.MORE

    @property
    def more_open(self) -> bool:
        """Whether "More options" starts open: when one of them is filled in or refused."""
        names = dict(self.groups)[self.MORE]
        return any(self.is_bound and (self.data.get(n) or self[n].errors) for n in names)

    def clean_steps(self) -> tuple[CustomStep, ...]:
        return parse_custom_steps(self.cleaned_data.get("steps") or "")

    def clean_reduce_first(self) -> tuple[str, ...] | None:
        return parse_dose_times(self.cleaned_data.get("reduce_first") or "")

    def clean_crossover_order(self) -> tuple[str, ...] | None:
        return parse_dose_times(self.cleaned_data.get("crossover_order") or "")

    def chosen_preset(self) -> Preset | None:
        """The preset named in the data, valid or not yet cleaned."""
        chosen = self.data.get("preset") if self.is_bound else None
        return next((p for p in presets() if p.id == chosen), None)

    def parameters(self) -> PlanParameters:
        """The plan as asked for (call after ``is_valid``)."""
        data = self.cleaned_data
        return PlanParameters(
            method=data["method"],
            step=data["step"],
            interval=data["interval"],
            start=data["start"],
            switch_to="diazepam" if data["switch_to_diazepam"] else None,
            switch_at=data["switch_at"],
            band_cut=data["band_cut"] or None,
            end_dose=data["end_dose"],
            override_reason=data["override_reason"] or None,
            confirmed_by=data["confirmed_by"] or None,
            steps=data["steps"],
            reduce_first=data["reduce_first"],
            crossover_order=data["crossover_order"],
        )


def preset_data(preset: Preset, posted: dict[str, Any]) -> dict[str, Any]:
    """The form's data with ``preset``'s values in place of the fields it fills (the rest
    as posted); the fields of the method it replaces are emptied."""
    data = {key: posted.get(key, "") for key in PlanForm.base_fields}
    for key in ("step", "interval", "band_cut", "switch_at"):
        data[key] = ""
    data["switch_to_diazepam"] = ""
    for name, value in preset.parameters:
        if name == "switch_to":
            data["switch_to_diazepam"] = "on"
        else:
            data[name] = str(value)
    data["preset"] = preset.id
    return data


class ApproveForm(RecordForm):
    password = forms.CharField(
        label="Your password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    otp = forms.CharField(
        label="Code from your authenticator app",
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    confirm_override = forms.BooleanField(required=False)

    refusal_fields = (("approval-password", "password"), ("approval-code", "otp"))

    def __init__(self, *args: Any, needs_code: bool, override: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not needs_code:
            del self.fields["otp"]
        if override:
            field = self.fields["confirm_override"]
            field.required = True
            field.label = "I have read the override reason and the confirmation above"
            field.error_messages["required"] = (
                "This plan breaks a limit under an override reason: confirm you have read it."
            )
        else:
            del self.fields["confirm_override"]


class ReviseForm(RecordForm):
    kind = forms.ChoiceField(label="Revision", choices=PlanRevision.Kind.choices)
    days = forms.IntegerField(
        label="Days",
        required=False,
        min_value=1,
        help_text="A pause: its length. A longer interval: the new interval.",
    )
    step = forms.DecimalField(
        label="Smaller step",
        required=False,
        min_value=Decimal("0.001"),
        decimal_places=3,
        help_text="A smaller step: the new step, in the plan's unit (percent or mg).",
    )
    effective = forms.DateField(label="Takes effect on", widget=DATE)
    reason = forms.CharField(
        label="Reason", required=False, max_length=400, widget=forms.Textarea(attrs={"rows": 2})
    )
    override_reason = forms.CharField(label="Override reason", required=False, max_length=400)
    confirmed_by = forms.CharField(label="Confirmed by", required=False, max_length=120)

    refusal_fields = (("missing", "reason"), ("revision-date", "effective"))

    def revision(self) -> dict[str, Any]:
        """The keywords of ``do_revise_plan`` but actor, plan and now (after
        ``is_valid``): days and step only for the kinds that take them, so a leftover
        value in the other box is not refused."""
        data = self.cleaned_data
        kind = data["kind"]
        effective: dt.date = data["effective"]
        return {
            "kind": kind,
            "reason": data["reason"],
            "effective": effective,
            "days": data["days"] if kind in ("pause", "slow-interval") else None,
            "step": data["step"] if kind == "slow-step" else None,
            "override_reason": data["override_reason"] or None,
            "confirmed_by": data["confirmed_by"] or None,
        }
