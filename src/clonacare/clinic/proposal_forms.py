"""The forms of the clinic's proposal page: accept (the days and a reason) and reject
(a reason). Each only reads its fields; every check is ``do_accept_proposal``'s or
``do_reject_proposal``'s (and the taper core's), whose refusal is shown on the field it
concerns (``show_refusal``)."""

from __future__ import annotations

from typing import Any

from django import forms

from clonacare.clinic.record_forms import RecordForm
from clonacare.core.errors import ClinicalError
from clonacare.monitoring.actions import DAYS_MISSING
from clonacare.monitoring.models import Proposal

# What the days mean for each kind of proposal (the revision accepting it makes).
DAYS_LABELS = {
    Proposal.Kind.PAUSE: "Pause the taper for (days)",
    Proposal.Kind.SLOW: "New number of days between reductions",
}
DAYS_HINTS = {
    Proposal.Kind.PAUSE: "The dose of today is held this many days, from today.",
    Proposal.Kind.SLOW: "From today, each reduction comes after this many days; "
    "it must be longer than the plan's interval now.",
}
REASON = forms.Textarea(attrs={"rows": 2})


class AcceptForm(RecordForm):
    prefix = "accept"  # two forms on one page: their fields' names and ids apart
    days = forms.IntegerField(required=False, min_value=1)
    reason = forms.CharField(label="Reason for accepting", required=False, widget=REASON)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].label = DAYS_LABELS[Proposal.Kind(kind)]
        self.fields["days"].help_text = DAYS_HINTS[Proposal.Kind(kind)]
        self.days_missing = DAYS_MISSING[Proposal.Kind(kind)]

    def show_refusal(self, exc: ClinicalError) -> None:
        """``missing`` names the days or the reason; a reason too long is the reason's;
        anything else (the taper core's refusals, in their clinical terms) goes above
        the form."""
        if exc.code == "missing":
            self.add_error("days" if exc.message == self.days_missing else "reason", exc.message)
        elif exc.code == "too-long":
            self.add_error("reason", exc.message)
        else:
            self.add_error(None, exc.worded())


class RejectForm(RecordForm):
    prefix = "reject"
    reason = forms.CharField(label="Reason for rejecting", required=False, widget=REASON)

    refusal_fields = (("missing", "reason"), ("too-long", "reason"))
