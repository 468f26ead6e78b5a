"""The portal's own forms (the questionnaires use assessments/forms.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clonacare.assessments.actions import SEIZURE_NOTE_MAX


class SeizureReportForm(forms.Form):
    """A patient's report of a seizure: whether it is happening now, and what happened."""

    when = forms.ChoiceField(
        label=_("Is the seizure happening now?"),
        choices=[("now", _("Yes, it is happening now")), ("stopped", _("No, it has stopped"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the seizure is happening now or has stopped.")},
    )
    note = forms.CharField(
        label=_("What happened (optional)"),
        required=False,
        max_length=SEIZURE_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            # %(limit_value)d and %(show_value)d are filled in by Django's validator.
            "max_length": _(
                "The note is at most %(limit_value)d characters; this one has "
                "%(show_value)d. Shorten it and send again."
            )
        },
    )

    @property
    def happening_now(self) -> bool:
        return bool(self.cleaned_data["when"] == "now")
