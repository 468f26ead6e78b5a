"""The banner of open safety alerts on every page a staff member opens.

It lists the open (unacknowledged) alerts of the patients the staff member may see,
through the same gates as every other read (``patients_visible_to`` and
``alerts_visible_to``): a care-team clinician sees their patients' alerts, a program
admin every patient's of the program, a site admin and a patient none. It stays until
the alert is acknowledged. The most urgent come first (``suicide-risk-imminent`` and
``seizure``), then the newest (by their last raising), so a new "seizure happening now"
is never hidden behind older alerts; BANNER_MAX are shown and the rest counted. An
escalated alert says so, and to whom its mails went (``SafetyAlert.escalated_to``).
Three queries, whatever the number of alerts (the alerts, their notification rows,
and the count only when there are more). Showing it is not audited as a
read: it is on every page, and opening the record it links to is audited.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.models import STAFF_ACCOUNT_ROLES, membership_of
from clonacare.assessments.access import alerts_visible_to
from clonacare.patients.access import patients_visible_to

BANNER_MAX = 5
# Shown first whatever their age: a risk to life now.
URGENT_CODES = ("suicide-risk-imminent", "seizure")


def open_alerts(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    membership = membership_of(user)
    if membership is None or membership.role not in STAFF_ACCOUNT_ROLES:
        return {}
    # OTPMiddleware gives the user is_verified(); not signed in all the way yet: no banner.
    if membership.needs_two_factor and not user.is_verified():  # type: ignore[union-attr]
        return {}
    actor = actor_from_request(request)
    urgent = Case(When(code__in=URGENT_CODES, then=Value(0)), default=Value(1))
    newest = Coalesce("last_raised_at", "raised_at")
    waiting = (
        alerts_visible_to(actor, patients_visible_to(actor))
        .filter(acknowledged_at__isnull=True)
        .select_related("patient__program")
        .prefetch_related("notifications")
        .order_by(urgent, newest.desc(), "-id")
    )
    shown = list(waiting[: BANNER_MAX + 1])
    more = waiting.count() - BANNER_MAX if len(shown) > BANNER_MAX else 0
    return {"staff_alerts": shown[:BANNER_MAX], "staff_alerts_more": more}
