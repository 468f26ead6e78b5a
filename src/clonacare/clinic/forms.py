"""The clinician's forms: the level-of-care assessment record, alert acknowledgements,
consents and disclosures, and the audit-log filters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms

from clonacare.accounts.converters import MAX_ID
from clonacare.audit.access import AuditSearch
from clonacare.core.assessment import INDICATIONS, SUICIDE_SCREENS, record_bounds
from clonacare.core.drugs import EQUIVALENCE_TABLES, known_drugs
from clonacare.patients.models import Patient

YES_NO = [("false", "No"), ("true", "Yes")]
# The core's upper bounds (typo guards, core/assessment/data/record.toml), so the form
# refuses what `clonacare assess` and the API refuse, on the field.
BOUNDS = record_bounds()


def _yes_no(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
        initial="false",
    )


class LevelOfCareForm(forms.Form):
    """The assessment record of `clonacare assess`, field for field (docs/assessment.md)."""

    drug = forms.ChoiceField(choices=[(d, d) for d in known_drugs()])
    daily_dose_mg = forms.DecimalField(
        label="Daily dose (mg)", min_value=Decimal("0.001"), max_digits=7, decimal_places=3
    )
    days_per_week = forms.DecimalField(
        label="Days a week taken", min_value=0, max_value=7, max_digits=3, decimal_places=1
    )
    duration_months = forms.DecimalField(
        label="Months taken",
        min_value=0,
        max_value=BOUNDS["duration_months"].max,
        max_digits=6,
        decimal_places=1,
    )
    indication = forms.ChoiceField(choices=[(i, i) for i in INDICATIONS])
    age = forms.IntegerField(min_value=0, max_value=int(BOUNDS["age"].max))
    pregnant = _yes_no("Pregnant")
    history_withdrawal_seizure = _yes_no("History of withdrawal seizure")
    history_withdrawal_delirium = _yes_no("History of withdrawal delirium")
    alcohol_use_disorder = _yes_no("Alcohol use disorder")
    opioid_use = _yes_no("Opioid use")
    other_sedatives = _yes_no("Other sedatives")
    # No default: a clinician chooses the screen's result (prefilled from the latest ASQ).
    suicide_screen = forms.ChoiceField(
        label="Suicide screen (ASQ)",
        choices=[("", "Choose the screen's result"), *[(s, s) for s in SUICIDE_SCREENS]],
    )
    unstable_medical = _yes_no("Unstable medical condition")
    unstable_psychiatric = _yes_no("Unstable psychiatric condition")
    previous_failed_tapers = forms.IntegerField(
        label="Previous failed tapers",
        min_value=0,
        max_value=int(BOUNDS["previous_failed_tapers"].max),
    )
    support_at_home = forms.TypedChoiceField(
        label="Support at home",
        choices=[("true", "Yes"), ("false", "No")],
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
        initial="true",
    )
    equivalence = forms.ChoiceField(
        label="Equivalence table", choices=[(t, t) for t in EQUIVALENCE_TABLES], initial="ashton"
    )

    def record(self) -> dict[str, Any]:
        """The cleaned form as the core's assessment-record JSON (numbers as Decimal)."""
        data = dict(self.cleaned_data)
        data.pop("equivalence")
        return data


def initial_for(patient: Patient, today: dt.date) -> dict[str, Any]:
    """Prefill from the record: drug, daily dose, months taken, age, latest ASQ result."""
    initial: dict[str, Any] = {"age": patient.age_on(today), "previous_failed_tapers": 0}
    use = patient.benzo_uses.filter(ended_on__isnull=True).first()
    if use is not None:
        months = (today - use.since).days / 30.44
        initial |= {
            "drug": use.drug,
            "daily_dose_mg": use.daily_mg.normalize(),
            "days_per_week": 7,
            "duration_months": round(Decimal(months), 1),
        }
    latest_asq = patient.responses.filter(instrument="asq").order_by("-submitted_at").first()
    if latest_asq is not None and latest_asq.band in SUICIDE_SCREENS:
        initial["suicide_screen"] = latest_asq.band
    return initial


PATIENT_ID = "The patient id must be a whole number, 1 or more."
DATE = "The {label} date must be a date, YYYY-MM-DD."


class AuditFilterForm(forms.Form):
    """The audit page's filters, for its search and its CSV export alike. Each error
    names its filter; a form with any error runs no search (``refusal``)."""

    action = forms.CharField(
        required=False,
        max_length=80,
        error_messages={"max_length": "The action is at most 80 characters."},
    )
    actor = forms.CharField(
        required=False,
        max_length=150,
        label="Username",
        error_messages={"max_length": "The username is at most 150 characters."},
    )
    patient = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        label="Patient id",
        error_messages={
            "invalid": PATIENT_ID,
            "min_value": PATIENT_ID,
            "max_value": "The patient id is larger than any record's id.",
        },
    )
    since = forms.DateField(
        required=False,
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": DATE.format(label="From")},
    )
    until = forms.DateField(
        required=False,
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": DATE.format(label="To")},
    )

    def search(self) -> AuditSearch:
        """The filters of a valid form as the audit gate's search: whole days in UTC,
        "From" and "To" both included. "To" 9999-12-31 has no next day to stop before,
        and nothing is recorded after it: it sets no upper limit."""
        data = self.cleaned_data
        since: dt.date | None = data["since"]
        until: dt.date | None = data["until"]
        return AuditSearch(
            action=data["action"] or None,
            actor_username=data["actor"] or None,
            patient_id=data["patient"],
            since=_midnight_utc(since) if since else None,
            until=(
                _midnight_utc(until + dt.timedelta(days=1))
                if until and until < dt.date.max
                else None
            ),
        )

    def refusal(self, what: str) -> str:
        """One paragraph saying that nothing was ``what`` (searched, exported) and
        what is wrong with each filter that is not valid."""
        problems = " ".join(str(e) for errors in self.errors.values() for e in errors)
        return f"Correct the filters; nothing was {what}. {problems}"


def _midnight_utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


class ConsentForm(forms.Form):
    """A signed consent to disclose, with the elements of 42 CFR § 2.31."""

    recipient = forms.CharField(max_length=200, help_text="The person or organisation.")
    purpose = forms.CharField(max_length=300)
    information = forms.CharField(max_length=300, label="How much and what kind of information")
    includes_counselling_notes = forms.BooleanField(
        required=False, label="Includes SUD counselling notes (needs its own consent)"
    )
    expires_on = forms.DateField(
        required=False, label="Expires on", widget=forms.DateInput(attrs={"type": "date"})
    )
    expiry_event = forms.CharField(required=False, max_length=200, label="Or expires when (event)")
    signed_by = forms.CharField(max_length=160, label="Signed by (name as signed)")
    signed_on = forms.DateField(label="Signed on", widget=forms.DateInput(attrs={"type": "date"}))


class DisclosureForm(forms.Form):
    recipient = forms.CharField(max_length=200)
    counselling_notes = forms.BooleanField(required=False, label="Include SUD counselling notes")


ACKNOWLEDGEMENT_NOTE_MAX = 400  # as the API's POST /alerts/{id}/acknowledge


class AcknowledgeForm(forms.Form):
    """The note that goes with an alert's acknowledgement (optional)."""

    note = forms.CharField(
        required=False,
        max_length=ACKNOWLEDGEMENT_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "max_length": f"The note is at most {ACKNOWLEDGEMENT_NOTE_MAX} characters; "
            "this one has %(show_value)d. Shorten it and acknowledge again."
        },
    )
