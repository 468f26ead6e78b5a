from __future__ import annotations

from typing import Any

from django import forms

from clonacare.accounts.actions import AlertDelivery, NewProgram, NewStaff
from clonacare.accounts.models import DEFAULT_ESCALATION_MINUTES, ESCALATION_MINUTES_RANGE, Role
from clonacare.core.errors import Refusal


class LoginForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    otp = forms.CharField(
        label="Authenticator code (staff with two-factor sign-in)",
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class EnrollForm(forms.Form):
    otp = forms.CharField(
        label="The 6-digit code your app shows now",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class RefusableForm(forms.Form):
    """A form that shows an action's refusal next to the field it concerns."""

    # Refusal code -> the field whose value it refuses (others go above the form).
    refusal_fields: tuple[tuple[str, str], ...] = ()

    def show_refusal(self, exc: Refusal) -> None:
        self.add_error(dict(self.refusal_fields).get(exc.code), exc.message)


class ProgramForm(RefusableForm):
    name = forms.CharField(max_length=120)
    slug = forms.SlugField(
        max_length=60,
        help_text="Lower-case letters, digits and hyphens, for example riverside-recovery.",
        widget=forms.TextInput(attrs={"autocapitalize": "none"}),
    )
    require_two_factor = forms.BooleanField(
        label="Staff sign in with an authenticator code as well as a password",
        required=False,
        initial=True,
    )
    refusal_fields = (("name", "name"), ("slug", "slug"))

    def new_program(self) -> NewProgram:
        data = self.cleaned_data
        return NewProgram(data["name"], data["slug"], data["require_two_factor"])


STAFF_ROLE_CHOICES = [
    (role.value, role.label)
    for role in (Role.PRESCRIBER, Role.NURSE, Role.COUNSELLOR, Role.PROGRAM_ADMIN)
]


class StaffForm(RefusableForm):
    """A new staff account. ``with_role=False`` drops the role field (a site admin's
    form, which creates program admins only)."""

    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=STAFF_ROLE_CHOICES)
    username = forms.CharField(
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    email = forms.EmailField(
        label="Email address (safety alerts)",
        required=False,
        help_text="Safety alerts of their patients are emailed here. Without one, they see "
        "alerts on the pages only.",
    )
    password = forms.CharField(
        label="Initial password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. Give it to the person directly; "
        "they can change it after signing in.",
    )
    password_again = forms.CharField(
        label="Initial password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    refusal_fields = (
        ("username", "username"),
        ("password", "password"),
        ("role", "role"),
        ("name", "first_name"),
        ("email", "email"),
    )

    def __init__(self, *args: Any, with_role: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_role = None if with_role else Role.PROGRAM_ADMIN
        if not with_role:
            del self.fields["role"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, again = data.get("password"), data.get("password_again")
        if first and again and first != again:
            self.add_error("password_again", "The two passwords do not match.")
        return data

    def new_staff(self) -> NewStaff:
        data = self.cleaned_data
        return NewStaff(
            username=data["username"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            role=self.fixed_role or data["role"],
            password=data["password"],
            email=data.get("email") or "",
        )


class AlertDeliveryForm(RefusableForm):
    """A program's escalation time and on-call address (docs/records.md, "Alert delivery")."""

    escalation_minutes = forms.IntegerField(
        label="Escalation time (minutes)",
        min_value=ESCALATION_MINUTES_RANGE[0],
        max_value=ESCALATION_MINUTES_RANGE[1],
        initial=DEFAULT_ESCALATION_MINUTES,
        help_text="How long an open safety alert waits for the care team before it is sent "
        f"to the on-call address and the program admins ({DEFAULT_ESCALATION_MINUTES} by "
        "default: a Clonacare operational setting, not a clinical guideline).",
    )
    on_call_email = forms.EmailField(
        label="On-call email address",
        required=False,
        help_text="A mailbox or pager gateway someone watches at every hour the program "
        "takes alerts. Empty: escalations go to the program admins only.",
    )
    refusal_fields = (
        ("escalation_minutes", "escalation_minutes"),
        ("on_call_email", "on_call_email"),
    )

    def alert_delivery(self) -> AlertDelivery:
        data = self.cleaned_data
        return AlertDelivery(data["escalation_minutes"], data.get("on_call_email") or "")


class StaffEmailForm(RefusableForm):
    email = forms.EmailField(
        label="Email address (safety alerts)",
        required=False,
        help_text="Empty: safety alerts are shown to them on the pages but not emailed.",
    )
    refusal_fields = (("email", "email"),)
