"""A form body or a query string that is not UTF-8, or that holds a NUL character, is
refused with a 400 page saying why, before any form reads it, and nothing is written
(issue 14: invalid UTF-8 was silently replaced by U+FFFD and stored)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client

from clonacare.patients.models import Patient
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

URL = "/clinic/patients/new/"
FORM = "application/x-www-form-urlencoded"
NOT_UTF8 = (
    "The form&#x27;s text is not valid UTF-8, so nothing was saved. Reload the page, fill "
    "in the form and send it again."
)
HAS_NUL = (
    "Something in the form contains a NUL character (\\u0000), which text may not hold, "
    "so nothing was saved. Remove it and send the form again."
)


def registration(world: World, given_name: str) -> bytes:
    fields = {
        "given_name": "GIVEN",
        "family_name": "Reyes",
        "date_of_birth": "1975-06-30",
        "status": "assessment",
        "drug": "clonazepam",
        "morning_mg": "0.5",
        "night_mg": "1",
        "since": "2023-01-15",
        "prescriber_name": "Dr. Osei",
        "care_team": str(world.kim.pk),
    }
    return urlencode(fields).replace("GIVEN", given_name).encode("ascii")


def assert_refused(response: object, message: str) -> None:
    assert response.status_code == 400  # type: ignore[attr-defined]
    html = response.content.decode()  # type: ignore[attr-defined]
    assert "<h1>The form could not be read</h1>" in html
    assert message in html


@pytest.mark.parametrize(
    ("given_name", "message"),
    [
        ("Dana%FF", NOT_UTF8),  # a byte that starts no UTF-8 character
        ("Dana%C3", NOT_UTF8),  # a character cut short
        ("Dana%ED%A0%80", NOT_UTF8),  # a surrogate spelt in UTF-8, which UTF-8 forbids
        ("Dana%00", HAS_NUL),
    ],
)
def test_it_refuses_a_registration_with_bad_text_and_registers_nobody(
    client: Client, world: World, given_name: str, message: str
) -> None:
    patients = Patient.objects.count()
    response = signed_in(client, "avery").post(
        URL, registration(world, given_name), content_type=FORM
    )
    assert_refused(response, message)
    assert Patient.objects.count() == patients


def test_the_same_registration_with_good_text_is_kept_as_sent(client: Client, world: World) -> None:
    response = signed_in(client, "avery").post(
        URL, registration(world, "Zo%C3%AB"), content_type=FORM
    )
    assert response.status_code == 302
    assert Patient.objects.filter(given_name="Zoë").exists()


def test_it_refuses_invalid_utf8_at_sign_in_and_signs_nobody_in(
    client: Client, world: World
) -> None:
    body = b"username=avery%FF&password=x"
    response = client.post("/accounts/login/", body, content_type=FORM)
    assert_refused(response, NOT_UTF8)
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_nul_in_a_fields_name(client: Client, world: World) -> None:
    response = signed_in(client, "avery").post(URL, b"given%00name=Dana", content_type=FORM)
    assert_refused(response, HAS_NUL)


@pytest.mark.parametrize(("query", "message"), [("q=taper%00", HAS_NUL), ("q=%FF", NOT_UTF8)])
def test_it_refuses_bad_text_in_a_query_string(client: Client, query: str, message: str) -> None:
    assert_refused(client.get(f"/search/?{query}"), message)


def test_a_good_query_string_is_read_as_usual(client: Client) -> None:
    assert client.get("/search/?q=taper+caf%C3%A9").status_code == 200
