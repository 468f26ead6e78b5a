"""The clinic's first page, the worklist: the patients who need action today, most
urgent first, with why (``monitoring.worklist``, the read model the API shares), each
reason linked to the page where it is acted on.

The page shows PAGE_SIZE patients at a time, the most urgent first, the rest a click
away (``?page=``): a list of hundreds is not read past its top, and writing every row
was most of the page's time (docs/benchmarks.md, "Worklist"). The count above the list
is of every patient on it; the API answers them all at once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.decorators import staff_required
from clonacare.accounts.models import Role
from clonacare.assessments.models import SafetyAlert
from clonacare.audit.log import Actor
from clonacare.core.errors import ClinicalError
from clonacare.monitoring.access import proposals_visible_to
from clonacare.monitoring.models import Proposal
from clonacare.monitoring.worklist import ROLE_KINDS, WorklistItem, worklist_for
from clonacare.plans.access import plans_visible_to
from clonacare.plans.models import Plan


@dataclass(frozen=True)
class Reason:
    """One reason as the page shows it: its words, its kind, and where it is acted on
    (``link`` and the link's words)."""

    text: str
    kind: str
    link: str
    link_text: str


@dataclass(frozen=True)
class Row:
    patient_id: int
    name: str
    record: str  # the patient's record page
    reasons: list[Reason]
    urgent: bool


# Patients per page: enough to fill a screen or two of the most urgent, a Clonacare
# choice (not a clinical number).
PAGE_SIZE = 50

# A sentinel id: each link is reversed once per page with it, then filled in per patient
# (a worklist of hundreds of patients would otherwise reverse a URL for every reason).
_SENTINEL = 987654321


def _link_pattern(name: str) -> str:
    """The URL of ``name`` with its one id left as ``{}`` to fill in."""
    return reverse(name, args=[_SENTINEL]).replace(str(_SENTINEL), "{}")


class _Targets:
    """Where each reason of the listed patients is acted on, read in three queries
    whatever the number of patients: their open alerts (oldest first, as the worklist
    words them), their open proposal (one at most) and their draft plans."""

    def __init__(self, actor: Actor, patient_ids: list[int]) -> None:
        self.urls = {
            name: _link_pattern(name)
            for name in (
                "clinic:patient",
                "clinic:proposal",
                "clinic:plan",
                "clinic:plans",
                "clinic:patient-monitoring",
            )
        }
        self.alerts: dict[int, list[int]] = defaultdict(list)
        for patient_id, alert_id in (
            SafetyAlert.objects.filter(patient_id__in=patient_ids, acknowledged_at__isnull=True)
            .order_by("raised_at", "pk")
            .values_list("patient_id", "pk")
        ):
            self.alerts[patient_id].append(alert_id)
        self.proposals: dict[int, list[int]] = defaultdict(list)
        for patient_id, proposal_id in (
            proposals_visible_to(actor)
            .filter(patient_id__in=patient_ids, status=Proposal.Status.OPEN)
            .order_by("made_at", "pk")
            .values_list("patient_id", "pk")
        ):
            self.proposals[patient_id].append(proposal_id)
        self.drafts: dict[int, list[int]] = defaultdict(list)
        for patient_id, plan_id in (
            plans_visible_to(actor)
            .filter(patient_id__in=patient_ids, status=Plan.Status.DRAFT)
            .order_by("-created_at", "-pk")
            .values_list("patient_id", "pk")
        ):
            self.drafts[patient_id].append(plan_id)

    def rows(self, item: WorklistItem) -> Row:
        patient = item.patient_id
        url = self.urls
        record = url["clinic:patient"].format(patient)
        alerts = iter(self.alerts[patient])
        proposals = iter(self.proposals[patient])
        reasons = []
        for text, kind in zip(item.reasons, item.kinds, strict=True):
            if kind == "alert":
                alert = next(alerts, None)
                link = f"{record}#alert-{alert}" if alert else record
                reasons.append(Reason(text, kind, link, "Acknowledge on the record"))
            elif kind == "proposal":
                proposal = next(proposals, None)
                link = url["clinic:proposal"].format(proposal) if proposal else record
                reasons.append(Reason(text, kind, link, "Decide"))
            elif kind == "plan-approval":
                drafts = self.drafts[patient]
                if len(drafts) == 1:
                    link = url["clinic:plan"].format(drafts[0])
                else:
                    link = url["clinic:plans"].format(patient)
                reasons.append(Reason(text, kind, link, "Review and approve"))
            elif kind == "co-signature":
                link = f"{record}#dose-changes-title"
                reasons.append(Reason(text, kind, link, "Co-sign on the record"))
            elif kind == "missed-entries":
                link = url["clinic:patient-monitoring"].format(patient)
                reasons.append(Reason(text, kind, link, "See the check-ins and dose log"))
            else:  # dose-change-today, and any reason added later: the record
                reasons.append(Reason(text, kind, f"{record}#use-title", "Open the record"))
        return Row(patient, item.name, record, reasons, urgent=item.kinds[0] == "alert")


@require_GET
@staff_required
def worklist(request: HttpRequest) -> HttpResponse:
    """``?role=`` keeps the reasons a role acts on; an unknown role is refused (400). A
    site administrator, who sees no patient, is sent to the audit log as before."""
    actor = actor_from_request(request)
    if actor.role == Role.SITE_ADMIN:
        return redirect("clinic:audit")
    role = request.GET.get("role") or None
    try:
        items = worklist_for(actor, timezone.now(), role=role)
    except ClinicalError as exc:
        return render(request, "refused.html", {"message": exc.message}, status=exc.kind.status)
    pages = Paginator(items, PAGE_SIZE, allow_empty_first_page=True)
    try:
        shown = pages.page(request.GET.get("page") or 1)
    except (PageNotAnInteger, EmptyPage):
        message = (
            f"There is no page {request.GET['page']!r} of the worklist: "
            f"choose a page from 1 to {pages.num_pages}."
        )
        return render(request, "refused.html", {"message": message}, status=404)
    targets = _Targets(actor, [item.patient_id for item in shown])
    context = {
        "rows": [targets.rows(item) for item in shown],
        "count": len(items),
        "page": shown,
        "role": role,
        "roles": list(ROLE_KINDS),
    }
    return render(request, "clinic/worklist.html", context)
