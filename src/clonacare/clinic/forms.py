"""The clinician's forms: the level-of-care assessment record, alert acknowledgements,
consents and disclosures, and the audit-log filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms

from clonacare.accounts.converters import MAX_ID
from clonacare.assessments.actions import ACKNOWLEDGEMENT_NOTE_REQUIRED
from clonacare.assessments.screen_prefill import ScreenPrefill, suicide_screen_prefill
from clonacare.audit.names import DENIED, GATED, NAMES
from clonacare.core.assessment import (
    INDICATIONS,
    OPTIONAL,
    SUICIDE_SCREENS,
    continuous_use_since,
    record_bounds,
)
from clonacare.core.drugs import EQUIVALENCE_TABLES, known_drugs, plain_mg
from clonacare.patients.actions import DisclosureRequest
from clonacare.patients.audit_access import AuditSearch
from clonacare.patients.models import (
    BenzodiazepineUse,
    Consent,
    Patient,
    RecipientClass,
    RestrictionRequest,
)

YES_NO = [("false", "No"), ("true", "Yes")]
# The core's upper bounds (typo guards, core/assessment/data/record.toml), so the form
# refuses what `clonacare assess` and the API refuse, on the field.
BOUNDS = record_bounds()
DAYS_PER_MONTH = 30.44  # the average month (365.25 / 12), for months taken
SCREEN_LABELS = {"incomplete": "incomplete (not screened)"}


def _yes_no(label: str, *, optional: bool = False) -> forms.TypedChoiceField:
    """A yes/no question; an ``optional`` one left unanswered is no (its safe default,
    as in the core's record: see LevelOfCareForm.record)."""
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
        initial="false",
        required=not optional,
    )


# Drugs the form takes beside the first (the API and `clonacare assess` take any number).
EXTRA_DRUGS = (2, 3)
OPIOID_AGONIST_CHOICES = [
    ("none", "None"),
    ("methadone", "Methadone"),
    ("buprenorphine", "Buprenorphine"),
]
DRUG_WITHOUT_DOSE = "Give this drug's daily dose, or leave both empty."
DOSE_WITHOUT_DRUG = "Choose the drug this dose is for, or leave both empty."
DRUG_TWICE = "{drug} is entered twice; give its total daily dose once."


def _daily_dose(label: str, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0.001"),
        max_digits=7,
        decimal_places=3,
    )


def _other_drug(number: int) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=f"Benzodiazepine {number} (if any)",
        required=False,
        choices=[("", "None"), *[(d, d) for d in known_drugs()]],
    )


class LevelOfCareForm(forms.Form):
    """The assessment record of `clonacare assess`, field for field (docs/assessment.md).

    Up to three benzodiazepines: the first in ``drug``/``daily_dose_mg``, others in
    ``drug_2``/``daily_dose_mg_2`` and ``drug_3``/``daily_dose_mg_3``.
    """

    drug = forms.ChoiceField(choices=[(d, d) for d in known_drugs()])
    daily_dose_mg = _daily_dose("Daily dose (mg)")
    drug_2 = _other_drug(2)
    daily_dose_mg_2 = _daily_dose("Its daily dose (mg)", required=False)
    drug_3 = _other_drug(3)
    daily_dose_mg_3 = _daily_dose("Its daily dose (mg)", required=False)
    days_per_week = forms.DecimalField(
        label="Days a week taken", min_value=0, max_value=7, max_digits=3, decimal_places=1
    )
    duration_months = forms.DecimalField(
        label="Months taken (without a break; dose changes are not breaks)",
        min_value=0,
        max_value=BOUNDS["duration_months"].max,
        max_digits=6,
        decimal_places=1,
    )
    indication = forms.ChoiceField(choices=[(i, i) for i in INDICATIONS])
    age = forms.IntegerField(min_value=0, max_value=int(BOUNDS["age"].max))
    pregnant = _yes_no("Pregnant")
    seizure_now = _yes_no("Seizure now", optional=True)
    delirium_or_psychosis_now = _yes_no("Delirium or psychosis now", optional=True)
    history_withdrawal_seizure = _yes_no("History of withdrawal seizure")
    history_withdrawal_delirium = _yes_no("History of withdrawal delirium")
    falls_past_year = _yes_no("Falls in the past year", optional=True)
    alcohol_use_disorder = _yes_no("Alcohol use disorder")
    opioid_use = _yes_no("Opioid use")
    opioid_nonprescribed = _yes_no("Opioids not prescribed", optional=True)
    opioid_use_disorder_untreated = _yes_no("Untreated opioid use disorder", optional=True)
    opioid_agonist_treatment = forms.ChoiceField(
        label="Methadone or buprenorphine",
        choices=OPIOID_AGONIST_CHOICES,
        widget=forms.RadioSelect,
        initial="none",
        required=False,
    )
    other_sedatives = _yes_no("Other sedatives")
    # No default: a clinician chooses the screen's result (prefilled from the latest ASQ,
    # or from a newer suicide alert: assessments/screen_prefill.py).
    suicide_screen = forms.ChoiceField(
        label="Suicide screen (ASQ)",
        choices=[
            ("", "Choose the screen's result"),
            *[(s, SCREEN_LABELS.get(s, s)) for s in SUICIDE_SCREENS],
        ],
        # The notes beside it say where the prefilled value came from.
        widget=forms.Select(attrs={"aria-describedby": "screen-notes"}),
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

    def clean(self) -> dict[str, Any]:
        """Each other drug comes with its dose (and the reverse); no drug twice."""
        data = super().clean() or {}
        seen = {data.get("drug")}
        for n in EXTRA_DRUGS:
            drug, dose = data.get(f"drug_{n}"), data.get(f"daily_dose_mg_{n}")
            if drug and dose is None and f"daily_dose_mg_{n}" not in self.errors:
                self.add_error(f"daily_dose_mg_{n}", DRUG_WITHOUT_DOSE)
            elif dose is not None and not drug:
                self.add_error(f"drug_{n}", DOSE_WITHOUT_DRUG)
            elif drug and drug in seen:
                self.add_error(f"drug_{n}", DRUG_TWICE.format(drug=drug))
            seen.add(drug)
        return data

    def record(self) -> dict[str, Any]:
        """The cleaned form as the core's assessment-record JSON (numbers as Decimal).

        One drug is written as ``drug`` and ``daily_dose_mg`` (the original format);
        more than one as the ``benzodiazepines`` list.
        """
        data = dict(self.cleaned_data)
        data.pop("equivalence")
        # Unanswered optional inputs take the core's safe defaults (no, none).
        for name, default in OPTIONAL.items():
            if data.get(name) in ("", None):
                data[name] = default
        others = []
        for n in EXTRA_DRUGS:
            drug, dose = data.pop(f"drug_{n}"), data.pop(f"daily_dose_mg_{n}")
            if drug:
                others.append({"drug": drug, "daily_dose_mg": dose})
        if others:
            first = {"drug": data.pop("drug"), "daily_dose_mg": data.pop("daily_dose_mg")}
            data["benzodiazepines"] = [first, *others]
        return data


def _current_uses(
    patient: Patient, today: dt.date
) -> tuple[list[BenzodiazepineUse], list[BenzodiazepineUse]]:
    """The current uses (the longest-taken first) and the whole history."""
    uses = list(patient.benzo_uses.all())
    current = sorted(
        (u for u in uses if u.ended_on is None or u.ended_on >= today), key=lambda u: u.since
    )
    return current, uses


def drugs_not_prefilled_note(patient: Patient, today: dt.date) -> str:
    """A note naming the current benzodiazepines the form has no room for (it holds
    ``1 + len(EXTRA_DRUGS)``); empty when every one is prefilled."""
    current, _ = _current_uses(patient, today)
    room = 1 + len(EXTRA_DRUGS)
    left = current[room:]
    if not left:
        return ""
    names = ", ".join(f"{u.drug} {plain_mg(u.daily_mg)} mg/day" for u in left)
    return (
        f"The record has {len(current)} current benzodiazepines; this form holds {room}, so "
        f"{names} {'is' if len(left) == 1 else 'are'} not prefilled. Replace one here, "
        f"or record the assessment through the API (POST /api/v1/patients/{patient.pk}/"
        "level-of-care with a 'benzodiazepines' list), which takes every drug."
    )


def initial_for(
    patient: Patient, today: dt.date, screen: ScreenPrefill | None = None
) -> dict[str, Any]:
    """Prefill from the record: the current benzodiazepines (the longest-taken first) and
    how long they have been taken without a break (a dose change or a switch is not a
    break), age, and the suicide screen (``screen``, by default
    :func:`suicide_screen_prefill`: the latest ASQ unless a newer suicide alert says
    more). The clinician can change every value."""
    initial: dict[str, Any] = {"age": patient.age_on(today), "previous_failed_tapers": 0}
    current, uses = _current_uses(patient, today)
    since = continuous_use_since(((u.since, u.ended_on) for u in uses), today)
    if current and since is not None:
        months = (today - since).days / DAYS_PER_MONTH
        initial |= {"days_per_week": 7, "duration_months": round(Decimal(months), 1)}
        names = [("drug", "daily_dose_mg")] + [
            (f"drug_{n}", f"daily_dose_mg_{n}") for n in EXTRA_DRUGS
        ]
        for (drug_field, dose_field), use in zip(names, current, strict=False):
            initial |= {drug_field: use.drug, dose_field: plain_mg(use.daily_mg)}
    screen = screen or suicide_screen_prefill(patient)
    if screen.value is not None:
        initial["suicide_screen"] = screen.value
    return initial


PATIENT_ID = "The patient id must be a whole number, 1 or more."
DATE = "The {label} date must be a date, YYYY-MM-DD."


def action_choices() -> list[tuple[str, Any]]:
    """The audit filter's actions, by name (``audit.names``): what was done, then the
    refused attempts; the codes stay the values, so a search's address is the API's."""
    by_name = sorted(NAMES.items(), key=lambda kv: kv[1].lower())
    return [
        ("", "Any action"),
        ("Actions", [(code, name) for code, name in by_name]),
        ("Refused attempts", [(f"{c}{DENIED}", name) for c, name in by_name if c in GATED]),
    ]


class AuditFilterForm(forms.Form):
    """The audit page's filters, for its search and its CSV export alike. Each error
    names its filter; a form with any error runs no search (``refusal``)."""

    action = forms.ChoiceField(
        required=False,
        choices=action_choices,
        error_messages={"invalid_choice": "Choose the action from the list."},
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
    """A signed consent to disclose, with the elements of 42 CFR § 2.31 (2024)."""

    kind = forms.ChoiceField(
        choices=Consent.Kind.choices,
        initial=Consent.Kind.SPECIFIC,
        required=False,
        label="Kind of consent",
    )
    recipient_class = forms.ChoiceField(
        choices=RecipientClass.choices,
        initial=RecipientClass.NAMED,
        required=False,
        label="To whom",
    )
    recipient = forms.CharField(
        required=False,
        max_length=200,
        label="Recipient's name",
        help_text="Required for a named recipient; for a class, optional (a plan's name).",
    )
    purpose = forms.CharField(
        required=False,
        max_length=300,
        help_text="Required unless the consent is for treatment, payment and operations.",
    )
    information = forms.CharField(max_length=300, label="How much and what kind of information")
    includes_counselling_notes = forms.BooleanField(
        required=False, label="Includes SUD counselling notes (needs its own consent)"
    )
    expires_on = forms.DateField(
        required=False, label="Expires on", widget=forms.DateInput(attrs={"type": "date"})
    )
    expiry_event = forms.CharField(required=False, max_length=200, label="Or expires when (event)")
    treatment_depends_on_signing = forms.BooleanField(
        required=False, label="The program's treatment depends on signing"
    )
    how_to_revoke = forms.CharField(
        required=False,
        max_length=400,
        label="How to revoke",
        help_text="Leave empty for the program's words.",
    )
    signed_by = forms.CharField(max_length=160, label="Signed by (name as signed)")
    representative_authority = forms.CharField(
        required=False,
        max_length=200,
        label="Signed by a legal representative: their authority",
        help_text="For example guardian or health care proxy; empty when the patient signs.",
    )
    signed_on = forms.DateField(label="Signed on", widget=forms.DateInput(attrs={"type": "date"}))

    def clean_kind(self) -> str:
        return str(self.cleaned_data["kind"] or Consent.Kind.SPECIFIC)

    def clean_recipient_class(self) -> str:
        return str(self.cleaned_data["recipient_class"] or RecipientClass.NAMED)


class DisclosureForm(forms.Form):
    """A disclosure: to a class or under a chosen named consent, never by typed name."""

    recipient_class = forms.ChoiceField(
        choices=RecipientClass.choices, initial=RecipientClass.NAMED, required=False, label="To"
    )
    consent_id = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Under the consent"
    )
    recipient = forms.CharField(
        required=False,
        max_length=200,
        label="Recipient's name (the provider or plan)",
        help_text="Required for a class; for a named consent, its recipient when empty.",
    )
    counselling_notes = forms.BooleanField(required=False, label="Include SUD counselling notes")

    def __init__(self, *args: Any, consents: Iterable[Consent] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "the latest in force for the class (not for a named recipient)")]
        choices += [
            (str(c.pk), f"{c.to_whom}, signed {c.signed_on:%d %b %Y} by {c.signed_by}")
            for c in consents
        ]
        self.fields["consent_id"].choices = choices  # type: ignore[attr-defined]

    def request(self) -> DisclosureRequest:
        data = self.cleaned_data
        return DisclosureRequest(
            recipient_class=data["recipient_class"] or RecipientClass.NAMED,
            recipient=data["recipient"],
            consent_id=data["consent_id"],
            counselling_notes=data["counselling_notes"],
        )


class EmergencyDisclosureForm(forms.Form):
    """A disclosure made without consent in a medical emergency (42 CFR § 2.51)."""

    recipient = forms.CharField(max_length=200, label="Received by (medical personnel, and where)")
    made_by = forms.CharField(max_length=160, label="Disclosed by")
    disclosed_at = forms.DateTimeField(
        label="When (UTC)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    emergency = forms.CharField(max_length=300, label="The nature of the emergency")
    information = forms.CharField(max_length=300, label="What was disclosed")


class RestrictionAnswerForm(forms.Form):
    """The program's answer to a patient's restriction request."""

    answer = forms.ChoiceField(choices=RestrictionRequest.Answer.choices)
    note = forms.CharField(
        required=False, max_length=600, label="Note to the patient (required when declining)"
    )
    covers = forms.ChoiceField(
        choices=RestrictionRequest.Covers.choices,
        required=False,
        label="Agreed: the restriction stops",
    )


ACKNOWLEDGEMENT_NOTE_MAX = 400  # as the API's POST /alerts/{id}/acknowledge


class AcknowledgeForm(forms.Form):
    """The note of what was done, which an alert's acknowledgement needs."""

    note = forms.CharField(
        required=True,
        max_length=ACKNOWLEDGEMENT_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": ACKNOWLEDGEMENT_NOTE_REQUIRED,
            "max_length": f"The note is at most {ACKNOWLEDGEMENT_NOTE_MAX} characters; "
            "this one has %(show_value)d. Shorten it and acknowledge again.",
        },
    )
