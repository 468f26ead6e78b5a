"""Attacks on the web session: a forged form without its CSRF token, the API used with a
session cookie instead of a token, and session fixation (the key changes at sign-in).

Expired and revoked tokens and a token after a password change are in test_api_auth.py
and test_password_change.py; ids of another program's records in
test_access_under_attack.py (brook and casey try every route on Riverside's records)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from clonacare.assessments.models import InstrumentResponse
from clonacare.patients.models import Patient
from tests.personas import PASSWORD, World, signed_in

pytestmark = pytest.mark.django_db

SIGN_IN_FIRST = {
    "detail": "Sign in first: send the header 'Authorization: Bearer <token>' with a token "
    "from POST /api/v1/auth/token."
}


def status_of(patient: Patient) -> str:
    return Patient.objects.get(pk=patient.pk).status


def test_a_signed_in_form_posted_without_its_csrf_token_is_refused(world: World) -> None:
    browser = signed_in(Client(enforce_csrf_checks=True), "avery")
    url = f"/clinic/patients/{world.alex.pk}/status/"
    before = status_of(world.alex)
    forged = browser.post(url, {"status": "discharged"})
    assert forged.status_code == 403
    assert "<h1>Please send the form again</h1>" in forged.content.decode()
    assert status_of(world.alex) == before
    # The same post with the form's token goes through: the token was what was missing.
    page = browser.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    sent = browser.post(url, {"status": "discharged", "csrfmiddlewaretoken": token.group(1)})
    assert sent.status_code == 302
    assert status_of(world.alex) == "discharged"


def test_a_portal_questionnaire_without_its_csrf_token_stores_nothing(world: World) -> None:
    browser = signed_in(Client(enforce_csrf_checks=True), "alex")
    answers = {f"phq9-{n}": "0" for n in range(1, 10)}
    assert browser.post("/portal/questionnaires/phq9/", answers).status_code == 403
    assert not InstrumentResponse.objects.exists()


def test_the_api_takes_no_session_cookie_so_a_forged_request_gets_nothing(world: World) -> None:
    browser = signed_in(Client(enforce_csrf_checks=True), "alex")
    read = browser.get(f"/api/v1/patients/{world.alex.pk}")
    assert (read.status_code, read.json()) == (401, SIGN_IN_FIRST)
    write = browser.post(
        f"/api/v1/patients/{world.alex.pk}/assessments",
        {"instrument": "phq9", "answers": [0] * 9},
        content_type="application/json",
    )
    assert (write.status_code, write.json()) == (401, SIGN_IN_FIRST)
    assert not InstrumentResponse.objects.exists()


def test_signing_in_changes_the_session_key_and_ends_the_old_one(world: World) -> None:
    client = Client()
    anonymous = client.session  # a session from before sign-in, as a visit makes one
    anonymous["seen"] = True
    anonymous.save()
    before = anonymous.session_key
    assert before is not None
    response = client.post("/accounts/login/", {"username": "kim", "password": PASSWORD})
    assert response.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert SessionStore(session_key=after).get("_auth_user_id") == str(world.kim.pk)
    assert not SessionStore().exists(before)


def test_signing_in_as_someone_else_starts_a_new_session(world: World) -> None:
    client = Client()
    client.post("/accounts/login/", {"username": "kim", "password": PASSWORD})
    kims = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/accounts/login/", {"username": "alex", "password": PASSWORD})
    alexs = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert alexs != kims
    assert not SessionStore().exists(kims)
    assert SessionStore(session_key=alexs).get("_auth_user_id") == str(world.alex_user.pk)


def test_a_session_key_planted_before_sign_in_is_not_the_signed_in_one(world: World) -> None:
    planted = SessionStore()
    planted["planted"] = True
    planted.create()
    key = planted.session_key
    assert key is not None
    victim = Client()
    victim.cookies[settings.SESSION_COOKIE_NAME] = key
    response = victim.post("/accounts/login/", {"username": "alex", "password": PASSWORD})
    assert response.status_code == 302
    assert victim.cookies[settings.SESSION_COOKIE_NAME].value != key
    # The attacker, holding the planted key, is not signed in as the victim.
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = key
    assert attacker.get("/portal/").status_code == 302
    assert SessionStore(session_key=key).get("_auth_user_id") is None
