"""The portal's check-in page (/portal/check-in/): the patient's daily check-in through
the monitoring app's action. A seizure or thoughts of self-harm raise their alert and
show the crisis box with what the patient is told (the API's ``what_happens``); a yes
to thoughts of self-harm links to the ASQ; a refused check-in still shows them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from clonacare.assessments.models import SafetyAlert
from clonacare.monitoring.models import CheckIn
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

PATIENT_ITEMS = [f"ciwab-{n}" for n in range(1, 18)]
DELIVERY_NO_ADDRESS = (
    "It is stored for your care team and shows on their screens in Clonacare until one of "
    "them marks it as handled. No email could be sent to your care team (no address on "
    "file). An email may not be read at once, so do not wait for a reply if you need help."
)
DANGER_NOW = "<p><strong>If you are in danger now, call 988 or 911.</strong></p>"
ASQ_LINK = '<a href="/portal/questionnaires/asq/">answer the short ASQ questions</a>'


def form(**changes: str) -> dict[str, str]:
    """A complete check-in with nothing alarming, as the page posts it."""
    fields = {
        "seizure": "no",
        "self_harm_thoughts": "no",
        "sleep": "3",
        "anxiety": "4",
        "craving": "2",
        "note": "A rough afternoon.",
        **dict.fromkeys(PATIENT_ITEMS, "1"),
    }
    return fields | changes


def send(client: Client, world: World, fields: dict[str, str]) -> Any:
    return signed_in(client, world.alex_user).post("/portal/check-in/", fields)


def test_the_form_asks_every_patient_rated_item(client: Client, world: World) -> None:
    html = signed_in(client, world.alex_user).get("/portal/check-in/").content.decode()
    for item in PATIENT_ITEMS:
        assert f'name="{item}" value="0"' in html
    assert "ciwab-18" not in html
    assert (
        "How troubled was your sleep last night? (0 = slept well, 10 = could not sleep at all)"
        in html
    )


def test_a_calm_check_in_is_saved_without_a_crisis_box(client: Client, world: World) -> None:
    response = send(client, world, form())
    saved = CheckIn.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/portal/check-in/{saved.pk}/")
    assert (saved.sleep, saved.ciwa_b["ciwab-1"], saved.self_reported) == (3, 1, True)
    html = client.get(response["Location"]).content.decode()
    assert '<h1 id="saved-title">Your check-in is saved</h1>' in html
    assert "crisis-alert" not in html
    assert not SafetyAlert.objects.exists()


def test_a_seizure_shows_the_crisis_box_with_what_happens(client: Client, world: World) -> None:
    response = send(client, world, form(seizure="yes"))
    alert = SafetyAlert.objects.get()
    assert alert.code == "seizure"
    html = client.get(response["Location"]).content.decode()
    assert '<section class="crisis-alert" role="alert"' in html
    assert f"<p>Your answers tell us about a seizure. {DELIVERY_NO_ADDRESS}</p>" in html
    assert DANGER_NOW in html
    assert 'href="tel:988"' in html
    assert ASQ_LINK not in html


def test_self_harm_links_to_the_asq(client: Client, world: World) -> None:
    response = send(client, world, form(self_harm_thoughts="yes"))
    assert SafetyAlert.objects.get().code == "suicide-risk"
    html = client.get(response["Location"]).content.decode()
    assert (
        "<p>Some of your answers tell us you may be having thoughts of harming yourself. "
        f"{DELIVERY_NO_ADDRESS}</p>"
    ) in html
    assert ASQ_LINK in html


def test_a_refused_check_in_still_shows_its_alerts(client: Client, world: World) -> None:
    fields = form(seizure="yes", self_harm_thoughts="yes")
    del fields["ciwab-2"]
    response = send(client, world, fields)
    html = response.content.decode()
    assert response.status_code == 400
    assert (
        '<p class="form-error" role="alert">ciwa-b item 2 is not answered; the check-in needs '
        "every CIWA-B item the patient rates.</p>"
    ) in html
    assert sorted(SafetyAlert.objects.values_list("code", flat=True)) == ["seizure", "suicide-risk"]
    assert '<section class="crisis-alert" role="alert"' in html
    assert ASQ_LINK in html
    assert not CheckIn.objects.exists()
    # The answers given are kept on the form.
    assert 'name="ciwab-1" value="1" checked' in html


def test_a_second_check_in_that_day_is_refused(client: Client, world: World) -> None:
    send(client, world, form())
    response = send(client, world, form())
    assert response.status_code == 409
    assert "one check-in a day." in response.content.decode()


def test_another_patients_check_in_is_not_found(client: Client, world: World) -> None:
    send(client, world, form())
    saved = CheckIn.objects.get()
    response = signed_in(Client(), world.blair_user).get(f"/portal/check-in/{saved.pk}/")
    assert response.status_code == 404
