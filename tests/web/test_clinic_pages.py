"""The clinic's pages: caseload, patient record, ratings, level of care, alerts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from clonacare.assessments.actions import do_submit_response
from clonacare.assessments.models import LevelOfCareAssessment, SafetyAlert
from clonacare.audit.log import Actor
from clonacare.audit.models import AuditEvent
from clonacare.patients.models import Disclosure
from tests.api_client import ApiClient
from tests.personas import World, signed_in


def same_page(a: bytes, b: bytes) -> bool:
    """Equal but for the CSRF token, which Django masks afresh in every response."""
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    return token.sub(b"", a) == token.sub(b"", b)


def patient_actor(world: World) -> Actor:
    return Actor(world.alex_user.pk, "alex", "patient", world.riverside.pk, None, "")


def test_the_caseload_lists_the_care_teams_patients(client: Client, world: World) -> None:
    html = signed_in(client, "avery").get("/clinic/caseload/").content.decode()
    assert "Alex Morgan" in html
    assert "Blair Okafor" in html
    assert "Casey" not in html
    assert "2 patients on your care team" in html


def test_the_caseload_shows_scores_alerts_and_overdue(client: Client, world: World) -> None:
    answers = {f"phq9-{n}": "1" for n in range(1, 10)}
    do_submit_response(patient_actor(world), world.alex, "phq9", answers, now=timezone.now())
    html = signed_in(client, "avery").get("/clinic/caseload/").content.decode()
    assert "PHQ9 9" in html
    assert "1 open" in html  # item 9 above 0
    assert "GAD7" in html  # never done: overdue
    assert "LEVEL OF CARE" in html


def test_the_caseload_takes_the_same_queries_for_more_patients(
    client: Client, world: World, django_assert_max_num_queries: object
) -> None:
    from clonacare.patients.models import CareTeamMember, Patient

    for n in range(15):
        extra = Patient.objects.create(
            program=world.riverside,
            given_name=f"Extra{n}",
            family_name="Patient",
            date_of_birth=dt.date(1980, 1, 1),
        )
        CareTeamMember.objects.create(patient=extra, user=world.avery)
    signed_in(client, "avery")
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = client.get("/clinic/caseload/")
    assert response.content.decode().count("Extra") == 15


def test_a_patient_cannot_open_the_clinic(client: Client, world: World) -> None:
    assert signed_in(client, "alex").get("/clinic/caseload/").status_code == 404


def test_the_patient_record_shows_the_record(client: Client, world: World) -> None:
    html = signed_in(client, "avery").get(f"/clinic/patients/{world.alex.pk}/").content.decode()
    for text in ("Alex Morgan", "clonazepam", "Care team", "Consents to disclose"):
        assert text in html


def test_another_programs_record_answers_exactly_like_a_missing_one(
    client: Client, world: World
) -> None:
    client = signed_in(client, "brook")
    forbidden = client.get(f"/clinic/patients/{world.alex.pk}/")
    missing = client.get("/clinic/patients/999999/")
    assert forbidden.status_code == missing.status_code == 404
    assert same_page(forbidden.content, missing.content)


def test_a_counsellor_sees_only_their_own_patient(client: Client, world: World) -> None:
    client = signed_in(client, "lee")
    assert client.get(f"/clinic/patients/{world.alex.pk}/").status_code == 200
    assert client.get(f"/clinic/patients/{world.blair.pk}/").status_code == 404


def test_reading_a_record_is_audited(client: Client, world: World) -> None:
    signed_in(client, "avery").get(f"/clinic/patients/{world.alex.pk}/", REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.get(action="patient.view")
    assert (event.actor_username, event.patient_id, event.ip_address) == (
        "avery",
        world.alex.pk,
        "10.1.2.3",
    )


def test_a_clinician_rates_a_dsm5_checklist(client: Client, world: World) -> None:
    answers = {f"A{n}": "yes" if n in (1, 3, 4, 10, 11) else "no" for n in range(1, 12)}
    client = signed_in(client, "avery")
    page = client.get(f"/clinic/patients/{world.alex.pk}/instruments/dsm5-sud/")
    assert page.status_code == 200
    from clonacare.core.instruments import instrument

    items = [i.id for i in instrument("dsm5-sud").items]
    posted = dict(zip(items, answers.values(), strict=True))
    response = client.post(f"/clinic/patients/{world.alex.pk}/instruments/dsm5-sud/", posted)
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = world.alex.responses.get()
    assert (stored.total, stored.band, stored.self_reported) == (5, "moderate", False)


def test_a_clinician_records_a_level_of_care_assessment(client: Client, world: World) -> None:
    client = signed_in(client, "avery")
    form = client.get(f"/clinic/patients/{world.alex.pk}/level-of-care/")
    assert 'value="1.5"' in form.content.decode()  # prefilled from the record
    data = {
        "drug": "clonazepam",
        "daily_dose_mg": "1.5",
        "days_per_week": "7",
        "duration_months": "18",
        "indication": "panic disorder",
        "age": "44",
        "pregnant": "false",
        "history_withdrawal_seizure": "true",
        "history_withdrawal_delirium": "false",
        "alcohol_use_disorder": "false",
        "opioid_use": "true",
        "other_sedatives": "false",
        "suicide_screen": "negative",
        "unstable_medical": "false",
        "unstable_psychiatric": "false",
        "previous_failed_tapers": "0",
        "support_at_home": "true",
        "equivalence": "ashton",
    }
    response = client.post(f"/clinic/patients/{world.alex.pk}/level-of-care/", data)
    assert response.status_code == 302
    stored = LevelOfCareAssessment.objects.get()
    assert stored.level == "inpatient"
    codes = {r["code"] for r in stored.result["reasons"]}
    assert {"withdrawal-seizure", "opioid-use"} <= codes
    html = client.get(f"/clinic/patients/{world.alex.pk}/").content.decode()
    assert "inpatient" in html
    assert "Every reason, with its source" in html


def test_the_suicide_screen_is_never_assumed_negative(client: Client, world: World) -> None:
    html = (
        signed_in(client, "avery")
        .get(f"/clinic/patients/{world.alex.pk}/level-of-care/")
        .content.decode()
    )
    assert '<option value="" selected>Choose the screen' in html


def test_the_suicide_screen_is_prefilled_from_the_latest_asq(client: Client, world: World) -> None:
    answers = {"asq-1": "yes", "asq-2": "no", "asq-3": "no", "asq-4": "no", "asq-5": "no"}
    do_submit_response(patient_actor(world), world.alex, "asq", answers, now=timezone.now())
    html = (
        signed_in(client, "avery")
        .get(f"/clinic/patients/{world.alex.pk}/level-of-care/")
        .content.decode()
    )
    assert '<option value="non-acute positive" selected>' in html


def test_a_bad_level_of_care_form_names_the_field(client: Client, world: World) -> None:
    client = signed_in(client, "avery")
    response = client.post(
        f"/clinic/patients/{world.alex.pk}/level-of-care/", {"drug": "clonazepam", "age": "-3"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please correct the fields marked below." in html
    assert "Ensure this value is greater than or equal to 0." in html
    assert not LevelOfCareAssessment.objects.exists()


def test_a_program_admin_does_not_record_clinical_data(client: Client, world: World) -> None:
    client = signed_in(client, "riverside_admin")
    assert client.get(f"/clinic/patients/{world.alex.pk}/level-of-care/").status_code == 404


@pytest.fixture
def open_alert(world: World) -> SafetyAlert:
    answers = {f"phq9-{n}": "0" for n in range(1, 9)} | {"phq9-9": "2"}
    do_submit_response(patient_actor(world), world.alex, "phq9", answers, now=timezone.now())
    return SafetyAlert.objects.get()


def test_a_clinician_acknowledges_an_alert(
    client: Client, world: World, open_alert: SafetyAlert
) -> None:
    client = signed_in(client, "kim")
    response = client.post(f"/clinic/alerts/{open_alert.pk}/acknowledge/", {"note": "Called"})
    assert response.status_code == 302
    open_alert.refresh_from_db()
    assert (open_alert.acknowledged_by, open_alert.acknowledgement_note) == (world.kim, "Called")
    again = client.post(f"/clinic/alerts/{open_alert.pk}/acknowledge/", {"note": "x"})
    assert again.status_code == 409
    assert "This alert has already been acknowledged." in again.content.decode()


def test_a_program_admin_is_refused_as_the_api_refuses(
    client: Client, world: World, open_alert: SafetyAlert
) -> None:
    message = "Only clinical staff acknowledge safety alerts."
    page = signed_in(client, "riverside_admin").post(
        f"/clinic/alerts/{open_alert.pk}/acknowledge/", {"note": "Seen"}
    )
    api = ApiClient(world.riverside_admin).post(
        f"/alerts/{open_alert.pk}/acknowledge", {"note": "Seen"}
    )
    assert (page.status_code, api.status_code) == (403, 403)
    assert message in page.content.decode()
    assert api.json() == {"detail": message}
    open_alert.refresh_from_db()
    assert open_alert.is_open


def test_a_note_too_long_is_refused_and_kept_to_shorten(
    client: Client, world: World, open_alert: SafetyAlert
) -> None:
    note = "Called Alex; " + "n" * 487  # 500 characters
    response = signed_in(client, "kim").post(
        f"/clinic/alerts/{open_alert.pk}/acknowledge/", {"note": note}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "The note is at most 400 characters; this one has 500. Shorten it and acknowledge again."
        in html
    )
    assert f">\n{note}</textarea>" in html  # what was typed, to shorten and send again
    open_alert.refresh_from_db()
    assert open_alert.is_open
    assert not AuditEvent.objects.filter(action="alert.acknowledge").exists()
    api = ApiClient(world.kim).post(f"/alerts/{open_alert.pk}/acknowledge", {"note": note})
    assert (api.status_code, api.json()) == (  # the page's message, never cut
        400,
        {
            "detail": "The note is at most 400 characters; this one has 500. Shorten it and "
            "acknowledge again."
        },
    )
    shortened = client.post(f"/clinic/alerts/{open_alert.pk}/acknowledge/", {"note": note[:400]})
    assert shortened.status_code == 302
    open_alert.refresh_from_db()
    assert open_alert.acknowledgement_note == note[:400]


def test_disclosing_without_a_consent_is_a_conflict_as_in_the_api(
    client: Client, world: World
) -> None:
    message = "No consent in force covers a disclosure to my health plan; nothing was disclosed."
    body = {"recipient_class": "health-plan", "recipient": "Acme Health"}
    page = signed_in(client, "avery").post(f"/clinic/patients/{world.alex.pk}/disclose/", body)
    api = ApiClient(world.avery).post(f"/patients/{world.alex.pk}/disclosures", body)
    assert (page.status_code, api.status_code) == (409, 409)
    assert message in page.content.decode().replace("&#x27;", "'")
    assert api.json() == {"detail": message}
    assert not Disclosure.objects.exists()


def test_another_program_cannot_acknowledge_an_alert(
    client: Client, world: World, open_alert: SafetyAlert
) -> None:
    client = signed_in(client, "brook")
    forbidden = client.post(f"/clinic/alerts/{open_alert.pk}/acknowledge/")
    missing = client.post("/clinic/alerts/999999/acknowledge/")
    assert forbidden.status_code == missing.status_code == 404
    assert same_page(forbidden.content, missing.content)
    open_alert.refresh_from_db()
    assert open_alert.is_open
