"""The clinic's level-of-care form (issue 8): prefilled from the record (the latest ASQ
result, every current benzodiazepine, how long they have been taken without a break),
every value changeable by the clinician; the new inputs; the result on the patient's
page with the withdrawal risk and its source beside the level."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from clonacare.assessments.actions import do_submit_response
from clonacare.assessments.models import LevelOfCareAssessment
from clonacare.audit.log import Actor
from clonacare.patients.models import BenzodiazepineUse
from tests.api_client import ApiClient
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

FORM = "/clinic/patients/{}/level-of-care/"
# The personas' clonazepam use began on this day (tests/personas.py).
ALEX_SINCE = dt.date(2024, 3, 1)
FILLED: dict[str, str] = {
    "drug": "clonazepam",
    "daily_dose_mg": "1.5",
    "days_per_week": "7",
    "duration_months": "18",
    "indication": "panic disorder",
    "age": "44",
    "pregnant": "false",
    "history_withdrawal_seizure": "false",
    "history_withdrawal_delirium": "false",
    "alcohol_use_disorder": "false",
    "opioid_use": "false",
    "other_sedatives": "false",
    "suicide_screen": "negative",
    "unstable_medical": "false",
    "unstable_psychiatric": "false",
    "previous_failed_tapers": "0",
    "support_at_home": "true",
    "equivalence": "ashton",
}


def form_page(client: Client, world: World) -> str:
    response = signed_in(client, world.avery).get(FORM.format(world.alex.pk))
    assert response.status_code == 200
    return response.content.decode()


def submit_asq(world: World, answers: dict[str, str]) -> None:
    actor = Actor(world.alex_user.pk, "alex", "patient", world.riverside.pk, None, "")
    do_submit_response(actor, world.alex, "asq", answers, now=timezone.now())


def months_since(day: dt.date) -> str:
    return str(round(Decimal((timezone.now().date() - day).days / 30.44), 1))


def value_of(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, name
    return found.group(1)


def test_an_acute_positive_asq_on_file_fills_acute_positive(client: Client, world: World) -> None:
    submit_asq(world, {"asq-1": "yes", "asq-2": "no", "asq-3": "no", "asq-4": "no", "asq-5": "yes"})
    assert '<option value="acute positive" selected>' in form_page(client, world)


def test_the_clinician_can_change_the_prefilled_screen(client: Client, world: World) -> None:
    submit_asq(world, {"asq-1": "yes", "asq-2": "no", "asq-3": "no", "asq-4": "no", "asq-5": "yes"})
    form_page(client, world)
    response = client.post(FORM.format(world.alex.pk), FILLED)
    assert response.status_code == 302
    stored = LevelOfCareAssessment.objects.get()
    assert (stored.record["suicide_screen"], stored.level) == ("negative", "outpatient")


def test_a_dose_change_does_not_reset_the_months_taken(client: Client, world: World) -> None:
    yesterday = (timezone.now().date() - dt.timedelta(days=1)).isoformat()
    response = ApiClient(world.avery).post(
        f"/patients/{world.alex.pk}/benzodiazepine-changes",
        {"drug": "clonazepam", "doses": {"morning_mg": 0.5, "night_mg": 0.75}, "on": yesterday},
    )
    assert response.status_code == 201, response.json()
    html = form_page(client, world)
    assert value_of(html, "daily_dose_mg") == "1.25"
    assert value_of(html, "duration_months") == months_since(ALEX_SINCE)


def test_every_current_benzodiazepine_is_prefilled(client: Client, world: World) -> None:
    BenzodiazepineUse.objects.create(
        patient=world.alex,
        drug="diazepam",
        night_mg=Decimal(5),
        since=timezone.now().date() - dt.timedelta(days=3),
    )
    html = form_page(client, world)
    assert '<option value="clonazepam" selected>' in html
    assert value_of(html, "daily_dose_mg") == "1.5"
    assert re.search(r'name="drug_2"[^>]*>.*?<option value="diazepam" selected>', html, re.S)
    assert value_of(html, "daily_dose_mg_2") == "5"
    assert value_of(html, "duration_months") == months_since(ALEX_SINCE)


def test_two_benzodiazepines_are_stored_as_a_list_and_added_up(
    client: Client, world: World
) -> None:
    signed_in(client, world.avery)
    data = FILLED | {"drug_2": "lorazepam", "daily_dose_mg_2": "1"}
    response = client.post(FORM.format(world.alex.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    stored = LevelOfCareAssessment.objects.get()
    assert stored.record["benzodiazepines"] == [
        {"drug": "clonazepam", "daily_dose_mg": 1.5},
        {"drug": "lorazepam", "daily_dose_mg": 1.0},
    ]
    assert "drug" not in stored.record
    assert stored.result["diazepam_equivalent_mg"] == 40.0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"drug_2": "lorazepam"}, "Give this drug&#x27;s daily dose, or leave both empty."),
        ({"daily_dose_mg_3": "2"}, "Choose the drug this dose is for, or leave both empty."),
        (
            {"drug_2": "clonazepam", "daily_dose_mg_2": "1"},
            "clonazepam is entered twice; give its total daily dose once.",
        ),
    ],
)
def test_another_drug_needs_its_dose_and_is_not_the_first_again(
    client: Client, world: World, changes: dict[str, str], message: str
) -> None:
    signed_in(client, world.avery)
    response = client.post(FORM.format(world.alex.pk), FILLED | changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LevelOfCareAssessment.objects.exists()


def test_the_new_inputs_default_to_no(client: Client, world: World) -> None:
    html = form_page(client, world)
    for name in ("seizure_now", "delirium_or_psychosis_now", "falls_past_year"):
        assert re.search(rf'name="{name}" value="false"[^>]*checked', html), name
    assert re.search(r'name="opioid_agonist_treatment" value="none"[^>]*checked', html)


def test_a_form_without_the_new_inputs_is_still_taken(client: Client, world: World) -> None:
    signed_in(client, world.avery)
    assert client.post(FORM.format(world.alex.pk), FILLED).status_code == 302
    stored = LevelOfCareAssessment.objects.get()
    assert stored.record["seizure_now"] is False
    assert stored.record["opioid_agonist_treatment"] == "none"


def test_a_seizure_now_from_the_form_is_an_emergency(client: Client, world: World) -> None:
    signed_in(client, world.avery)
    response = client.post(FORM.format(world.alex.pk), FILLED | {"seizure_now": "true"})
    assert response.status_code == 302
    assert LevelOfCareAssessment.objects.get().level == "emergency"
    assert world.alex.alerts.get().code == "seizure"


def test_the_patient_page_shows_the_withdrawal_risk_and_the_opioid_flags(
    client: Client, world: World
) -> None:
    signed_in(client, world.avery)
    data = FILLED | {"opioid_use": "true", "opioid_agonist_treatment": "methadone"}
    assert client.post(FORM.format(world.alex.pk), data).status_code == 302
    html = client.get(f"/clinic/patients/{world.alex.pk}/").content.decode()
    assert (
        '<p class="withdrawal-risk">Withdrawal risk likely: 3 months or more; it rises with '
        'dose and duration. <span class="small">Source: ASAM 2025 Joint Guideline on '
        "Benzodiazepine Tapering, Table 2 (clinical reference, Tapering rules)</span></p>"
    ) in html
    assert "Naloxone: offer to provide or prescribe naloxone (opioid co-use)." in html
    assert (
        "Opioid treatment, methadone: coordinate with the opioid treatment program; do not "
        "stop or reduce it to taper the benzodiazepine."
    ) in html
    assert "ASAM 2025 Rec 21 (clinical reference, Level of care)" in html
