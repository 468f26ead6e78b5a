"""The forms that register a patient and change their record.

Each checks its fields at the edge (a number where a number goes, a date where a date
goes) and hands the action a domain value; the action checks the clinical rules and
its ClinicalError is shown on the form (``show_refusal``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet

from clonacare.accounts.models import CARE_TEAM_ROLES, Role
from clonacare.core.drugs import co_medications, known_drugs, plain_mg
from clonacare.core.errors import ClinicalError
from clonacare.core.taper.rules import load_rules
from clonacare.patients.actions import (
    NOT_A_TEAM_PRESCRIBER,
    BenzodiazepineChange,
    Doses,
    InitialUse,
    MedicationEntry,
    PortalLogin,
    Registration,
    VerbalOrder,
)
from clonacare.patients.models import DOSE_TIMES, DoseChange, Patient

DATE = forms.DateInput(attrs={"type": "date"})

# django-stubs makes the model choice fields generic; at run time they are not.
if TYPE_CHECKING:
    _ManyUsers = forms.ModelMultipleChoiceField[User]
    _OneUser = forms.ModelChoiceField[User]
else:
    _ManyUsers = forms.ModelMultipleChoiceField
    _OneUser = forms.ModelChoiceField


def _dose_field(time: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=f"{time.capitalize()} (mg)",
        required=False,
        min_value=0,
        max_digits=7,
        decimal_places=3,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


def clinicians_of(program_id: int) -> QuerySet[User]:
    """The active prescribers, nurses and counsellors of a program, by name."""
    return (
        User.objects.filter(
            is_active=True,
            membership__program_id=program_id,
            membership__role__in=CARE_TEAM_ROLES,
        )
        .select_related("membership")
        .order_by("last_name", "first_name", "username")
    )


# The largest id either database holds (a signed 64-bit integer). A larger one sent in a
# form reached the query, where SQLite raised OverflowError (a 500).
LARGEST_ID = 2**63 - 1


def _beyond_any_id(value: Any) -> bool:
    """Whether ``value`` is a whole number no record's id can be (0 or less, or above
    LARGEST_ID); anything that is not a whole number is left to the field's own check."""
    try:
        number = int(str(value))
    except ValueError:
        return False
    return not 0 < number <= LARGEST_ID


class ClinicianChoice(_ManyUsers):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.membership.get_role_display()})"

    def clean(self, value: Any) -> Any:
        for item in value if isinstance(value, list | tuple) else ():
            if _beyond_any_id(item):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super().clean(value)


class SingleClinicianChoice(_OneUser):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.membership.get_role_display()})"

    def to_python(self, value: Any) -> Any:
        if _beyond_any_id(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class RecordForm(forms.Form):
    """A form whose fields come in titled groups (``groups``), and that can show an
    action's refusal next to the field it concerns."""

    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # ClinicalError code -> the field whose value it refuses.
    refusal_fields: tuple[tuple[str, str], ...] = ()

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        if not self.groups:
            return [("", [self[name] for name in self.fields])]
        return [(title, [self[name] for name in names]) for title, names in self.groups]

    def show_refusal(self, exc: ClinicalError) -> None:
        """Put the action's message on its field, or above the form."""
        self.add_error(dict(self.refusal_fields).get(exc.code), exc.message)


def _doses(data: dict[str, Any]) -> Doses:
    return Doses(**{f"{t}_mg": data.get(f"{t}_mg") or Decimal(0) for t in DOSE_TIMES})


class RegisterPatientForm(RecordForm):
    given_name = forms.CharField(max_length=80)
    family_name = forms.CharField(max_length=80)
    date_of_birth = forms.DateField(widget=DATE)
    status = forms.ChoiceField(choices=Patient.Status.choices, initial=Patient.Status.ASSESSMENT)
    drug = forms.ChoiceField(
        label="Benzodiazepine",
        required=False,
        choices=[("", "None recorded"), *[(d, d) for d in known_drugs()]],
    )
    morning_mg = _dose_field("morning")
    midday_mg = _dose_field("midday")
    evening_mg = _dose_field("evening")
    night_mg = _dose_field("night")
    since = forms.DateField(label="Taken since", required=False, widget=DATE)
    prescriber_name = forms.CharField(label="Prescribed by", required=False, max_length=120)
    care_team = ClinicianChoice(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Care team",
        help_text="The prescribers, nurses and counsellors who will see this record.",
    )
    username = forms.CharField(
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label="Initial password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Give it to the patient in person; they can change it after signing in.",
    )
    password_again = forms.CharField(
        label="Initial password again",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    groups = (
        ("The patient", ("given_name", "family_name", "date_of_birth", "status")),
        (
            "Benzodiazepine taken now",
            ("drug", *[f"{t}_mg" for t in DOSE_TIMES], "since", "prescriber_name"),
        ),
        ("Care team", ("care_team",)),
        ("Portal login (optional)", ("username", "password", "password_again")),
    )
    refusal_fields = (
        ("date-of-birth", "date_of_birth"),
        ("username", "username"),
        ("password", "password"),
        ("care-team", "care_team"),
        ("unknown-drug", "drug"),
        ("status", "status"),
    )

    def __init__(self, *args: Any, program_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["care_team"].queryset = clinicians_of(program_id)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_dose = any(data.get(f"{t}_mg") for t in DOSE_TIMES)
        if data.get("drug") and not data.get("since") and "since" not in self.errors:
            self.add_error("since", "Enter the date the patient started taking it.")
        if not data.get("drug") and has_dose and "drug" not in self.errors:
            self.add_error("drug", "Choose the benzodiazepine these doses are of.")
        if data.get("username") and not data.get("password"):
            self.add_error("password", "Enter an initial password for the portal login.")
        if data.get("password") and not data.get("username"):
            self.add_error("username", "Enter a username for the portal login.")
        if data.get("password", "") != data.get("password_again", ""):
            self.add_error("password_again", "The two passwords do not match.")
        return data

    def registration(self) -> Registration:
        data = self.cleaned_data
        use = None
        if data["drug"]:
            use = InitialUse(
                drug=data["drug"],
                doses=_doses(data),
                since=data["since"],
                prescriber_name=data["prescriber_name"],
            )
        login = None
        if data["username"]:
            login = PortalLogin(username=data["username"], password=data["password"])
        return Registration(
            given_name=data["given_name"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
            status=data["status"],
            benzodiazepine=use,
            care_team=tuple(u.pk for u in data["care_team"]),
            login=login,
        )


class StatusForm(RecordForm):
    status = forms.ChoiceField(choices=Patient.Status.choices)
    refusal_fields = (("status", "status"),)


def prescribers_on_care_team(patient: Patient) -> QuerySet[User]:
    """The active prescribers on the patient's care team, by name: who may give an order."""
    return clinicians_of(patient.program_id).filter(
        membership__role=Role.PRESCRIBER, care_assignments__patient=patient
    )


def ceiling_hint() -> str:
    """When a reason is needed, in the taper rules' own words (the number is theirs)."""
    rules = load_rules()
    return (
        f"Needed when the change cuts the daily dose (diazepam-equivalent) by more than "
        f"{rules.max_cut_pct:f}% in {rules.window_days} days ({rules.ceiling_source}). "
        "It is kept with the change."
    )


class BenzodiazepineChangeForm(RecordForm):
    """A dose change. A nurse's form also asks for the verbal or telephone order: the
    prescriber who gave it, how, and that it was read back (``taking_order``)."""

    drug = forms.ChoiceField(label="Benzodiazepine", choices=[(d, d) for d in known_drugs()])
    morning_mg = _dose_field("morning")
    midday_mg = _dose_field("midday")
    evening_mg = _dose_field("evening")
    night_mg = _dose_field("night")
    on = forms.DateField(
        label="New doses from",
        widget=DATE,
        help_text="The current doses of this drug end the day before.",
    )
    ordered_by = SingleClinicianChoice(
        queryset=User.objects.none(),
        label="Order given by",
        empty_label="Choose the prescriber",
        help_text="A prescriber on this patient's care team; they co-sign the order later.",
        # The action's own refusal, as the API gives it (docs/records.md).
        error_messages={"invalid_choice": NOT_A_TEAM_PRESCRIBER.format(id="%(value)s")},
    )
    order_kind = forms.ChoiceField(
        label="How the order was given",
        choices=[(k.value, k.label) for k in (DoseChange.Order.VERBAL, DoseChange.Order.TELEPHONE)],
    )
    read_back = forms.BooleanField(
        label="I read the order back to the prescriber and they confirmed it",
        required=False,
    )
    override_reason = forms.CharField(
        label="Reason for a cut above the ceiling",
        required=False,
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    refusal_fields = (
        ("date", "on"),
        ("unknown-drug", "drug"),
        ("ceiling", "override_reason"),
    )

    def __init__(self, *args: Any, patient: Patient, taking_order: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["override_reason"].help_text = ceiling_hint()
        doses = (
            "New dose at each dose time (0 mg at every time stops the drug)",
            tuple(f"{t}_mg" for t in DOSE_TIMES),
        )
        when = ("When", ("on",))
        reason = ("Above the ceiling", ("override_reason",))
        self.taking_order = taking_order
        if taking_order:
            self.fields["ordered_by"].queryset = prescribers_on_care_team(patient)  # type: ignore[attr-defined]
            order = ("Verbal or telephone order", ("ordered_by", "order_kind", "read_back"))
            self.groups = (("Drug", ("drug",)), doses, when, order, reason)
        else:
            for name in ("ordered_by", "order_kind", "read_back"):
                del self.fields[name]
            self.groups = (("Drug", ("drug",)), doses, when, reason)

    def change(self) -> BenzodiazepineChange:
        data = self.cleaned_data
        order = None
        if self.taking_order:
            order = VerbalOrder(
                prescriber_id=data["ordered_by"].pk,
                kind=data["order_kind"],
                read_back=data["read_back"],
            )
        return BenzodiazepineChange(
            drug=data["drug"],
            doses=_doses(data),
            on=data["on"],
            verbal_order=order,
            override_reason=data["override_reason"],
        )


def dose_change_initial(patient: Patient, today: dt.date) -> dict[str, Any]:
    """Prefill with the current use (the first one, when there are several)."""
    initial: dict[str, Any] = {"on": today}
    current = patient.benzo_uses.filter(ended_on__isnull=True).first()
    if current is not None:
        initial |= {"drug": current.drug}
        initial |= {f"{t}_mg": plain_mg(getattr(current, f"{t}_mg")) for t in DOSE_TIMES}
    return initial


def co_medication_choices() -> list[tuple[str, Any]]:
    """The known drugs grouped by class (the co-medications data file), after a first
    choice for a medication written as free text."""
    return [
        ("", "Not in the list: write its name below"),
        *[(c.name, [(d, d) for d in c.drugs]) for c in co_medications().classes],
    ]


class MedicationForm(RecordForm):
    drug = forms.ChoiceField(
        label="Drug",
        required=False,
        choices=co_medication_choices,
        help_text="Drugs whose combinations with a benzodiazepine are flagged, by class.",
    )
    name = forms.CharField(
        label="Medication",
        required=False,
        max_length=120,
        help_text="Needed when the drug is not in the list; with a drug, the drug's name "
        "unless you write another (a brand, a form).",
    )
    dose = forms.CharField(required=False, max_length=120, help_text="As prescribed, e.g. 50 mg.")
    reason = forms.CharField(required=False, max_length=120)
    started_on = forms.DateField(label="Started on (if known)", required=False, widget=DATE)
    refusal_fields = (
        ("date", "started_on"),
        ("missing", "name"),
        ("unknown-co-medication", "drug"),
    )

    def entry(self) -> MedicationEntry:
        return MedicationEntry(**self.cleaned_data)


class EndMedicationForm(forms.Form):
    ended_on = forms.DateField(label="Stopped on", widget=DATE)


class ConditionForm(RecordForm):
    name = forms.CharField(label="Condition", max_length=120)
    noted_on = forms.DateField(label="Noted on", widget=DATE)
    refusal_fields = (
        ("date", "noted_on"),
        ("missing", "name"),
    )


class CareTeamForm(RecordForm):
    user = SingleClinicianChoice(
        queryset=User.objects.none(),
        label="Add to the care team",
        empty_label="Choose a clinician",
    )
    refusal_fields = (
        ("care-team", "user"),
        ("already-on-care-team", "user"),
    )

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        on_team = patient.care_team.values("user_id")
        self.fields["user"].queryset = clinicians_of(patient.program_id).exclude(  # type: ignore[attr-defined]
            pk__in=on_team
        )
