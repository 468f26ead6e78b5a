"""The clinic's worklist page: the patients who need action today, most urgent first,
with why (``monitoring.worklist``, the read model the API shares)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.decorators import staff_required
from clonacare.core.errors import ClinicalError
from clonacare.monitoring.worklist import ROLE_KINDS, worklist_for


@require_GET
@staff_required
def worklist(request: HttpRequest) -> HttpResponse:
    """``?role=`` keeps the reasons a role acts on; an unknown role is refused (400)."""
    actor = actor_from_request(request)
    role = request.GET.get("role") or None
    try:
        items = worklist_for(actor, timezone.now(), role=role)
    except ClinicalError as exc:
        return render(request, "refused.html", {"message": exc.message}, status=exc.kind.status)
    context = {"items": items, "role": role, "roles": list(ROLE_KINDS)}
    return render(request, "clinic/worklist.html", context)
