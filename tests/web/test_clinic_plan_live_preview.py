"""The draft page's live preview: the page's script posts the form to a preview view as
fields change, and puts its answer, an HTML fragment, in the preview region. The view
plans without storing anything, answers the schedule, chart and warnings with their
sources, or the refusal in the form's words, with the status the whole page would have,
and is open to exactly those who may open the draft page. Without JavaScript the Preview
button still posts the page back (tests/web/test_clinic_plan_pages.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from clonacare.audit.models import AuditEvent
from clonacare.plans.models import Plan
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

TODAY = timezone.now().date()
NICE_BANDS = {
    "method": "bands",
    "interval": "14",
    "band_cut": "low",
    "switch_to_diazepam": "on",
}


def preview_url(world: World) -> str:
    return f"/clinic/patients/{world.alex.pk}/plans/preview/"


def test_the_draft_page_loads_the_script_and_names_the_preview_view(
    world: World, client: Client
) -> None:
    page = signed_in(client, "avery").get(f"/clinic/patients/{world.alex.pk}/plans/new/")
    body = page.content.decode()
    assert '<script src="/static/clonacare/plan-preview.js" defer></script>' in body
    assert f'data-preview-url="{preview_url(world)}"' in body
    assert '<p id="preview-status" class="small" role="status"></p>' in body
    assert '<section aria-labelledby="preview-title" class="panel" id="preview" hidden>' in body


def test_it_answers_the_preview_as_a_fragment_and_stores_nothing(
    world: World, client: Client
) -> None:
    response = signed_in(client, "avery").post(preview_url(world), NICE_BANDS)
    assert response.status_code == 200
    assert response["Clonacare-Fragment"] == "plan-preview"
    body = response.content.decode()
    assert body.lstrip().startswith('<h2 id="preview-title">Preview (not saved)</h2>')
    assert "<html" not in body
    assert "clonazepam, switching to diazepam:" in body
    assert "morning 0.5 mg clonazepam; night 1 mg clonazepam" in body
    assert 'src="data:image/svg+xml;base64,' in body
    assert "Source: ASAM 2025 Table 7" in body
    steps = len(response.context["schedule"])
    warnings = len(response.context["preview"]["warnings"])
    end = response.context["preview"]["end_date"]
    assert (
        f'data-announce="Preview updated: {steps} steps, ending {end}, {warnings} warnings."'
    ) in body
    assert not Plan.objects.exists()
    assert not AuditEvent.objects.filter(action="plan.draft").exists()
    assert AuditEvent.objects.filter(action="plans.preview").count() == 1


def test_a_refusal_comes_in_the_form_words_with_its_status(world: World, client: Client) -> None:
    response = signed_in(client, "avery").post(
        preview_url(world), {"method": "percent", "step": "50", "interval": "7"}
    )
    assert response.status_code == 422
    assert response["Clonacare-Fragment"] == "plan-preview"
    later = (TODAY + dt.timedelta(days=14)).isoformat()
    refusal = (
        "Refused (rate-limit): The “Step” 50 every 7 days cuts more than 25% in 14 days: from "
        f"30 mg diazepam-equivalent/day on {TODAY.isoformat()} to 7.5 on {later} (−75%) "
        "[ASAM 2025 Rec 6: the pace should typically not exceed 25% every 2 weeks]. Choose a "
        "smaller step or a longer interval, or give an “Override reason” to plan it anyway."
    )
    assert response.context["refusal"] == refusal
    assert f'<p class="form-error" data-announce="Preview refused: {refusal}">' in (
        response.content.decode().replace("&#x27;", "'")
    )
    assert not Plan.objects.exists()


def test_a_bad_field_is_listed_with_its_label(world: World, client: Client) -> None:
    response = signed_in(client, "avery").post(
        preview_url(world), {"method": "percent", "interval": "0"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "No preview: correct these fields." in body
    assert "<li>Interval (days): Ensure this value is greater than or equal to 1.</li>" in body


@pytest.mark.parametrize("username", ["kim", "lee", "riverside_admin", "brook", "alex"])
def test_only_those_who_may_draft_get_a_preview(
    world: World, client: Client, username: str
) -> None:
    response = signed_in(client, username).post(preview_url(world), NICE_BANDS)
    assert response.status_code == 404
    assert "Clonacare-Fragment" not in response


def test_it_takes_a_post_with_the_csrf_token(world: World) -> None:
    client = signed_in(Client(enforce_csrf_checks=True), "avery")
    assert client.get(preview_url(world)).status_code == 405
    refused = client.post(preview_url(world), NICE_BANDS)
    assert refused.status_code == 403
    assert "Clonacare-Fragment" not in refused
