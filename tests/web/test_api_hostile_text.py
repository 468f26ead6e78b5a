"""A NUL character or a lone surrogate anywhere in a request to the API, in a value, a
nested value or a field's name, in the body or the query string, is refused with 400
naming the field, and nothing is written (issue 14: they were stored, or answered 500)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from clonacare.patients.models import Condition, Medication, Patient
from tests.api_client import BASE, ApiClient
from tests.personas import World

pytestmark = pytest.mark.django_db

NUL = "A\x00B"
SURROGATE = "A\ud800B"
NUL_PROBLEM = "contains a NUL character (\\u0000), which text may not hold."
SURROGATE_PROBLEM = (
    "contains a lone surrogate (\\ud800), half of a UTF-16 pair, which is not a character."
)


def _registration(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "given_name": "Dana",
        "family_name": "Reyes",
        "date_of_birth": "1975-06-30",
        "benzodiazepine": {
            "drug": "lorazepam",
            "doses": {"morning_mg": 1},
            "since": "2022-09-01",
            "prescriber_name": "Dr. Osei",
        },
    }
    return body | changes


@pytest.mark.parametrize(("text", "problem"), [(NUL, NUL_PROBLEM), (SURROGATE, SURROGATE_PROBLEM)])
def test_it_refuses_bad_text_in_a_registration_and_registers_nobody(
    world: World, text: str, problem: str
) -> None:
    patients = Patient.objects.count()
    response = ApiClient(world.avery).post("/patients", _registration(family_name=text))
    assert response.status_code == 400
    assert response.json() == {"detail": f"field 'family_name' {problem}"}
    assert Patient.objects.count() == patients


@pytest.mark.parametrize(("text", "problem"), [(NUL, NUL_PROBLEM), (SURROGATE, SURROGATE_PROBLEM)])
def test_it_names_a_nested_field(world: World, text: str, problem: str) -> None:
    body = _registration()
    body["benzodiazepine"]["prescriber_name"] = text
    response = ApiClient(world.avery).post("/patients", body)
    assert response.status_code == 400
    assert response.json() == {"detail": f"field 'benzodiazepine.prescriber_name' {problem}"}


def test_it_names_an_item_of_a_list(world: World) -> None:
    response = ApiClient(world.avery).post("/patients", _registration(care_team=[1, NUL]))
    assert response.status_code == 400
    assert response.json() == {"detail": f"field 'care_team[1]' {NUL_PROBLEM}"}


def test_it_refuses_bad_text_in_a_fields_name(world: World) -> None:
    body = _registration()
    body["benzodiazepine"]["note\x00"] = "x"
    response = ApiClient(world.avery).post("/patients", body)
    assert response.status_code == 400
    assert response.json() == {"detail": f"a field's name in 'benzodiazepine' {NUL_PROBLEM}"}


@pytest.mark.parametrize(("text", "problem"), [(NUL, NUL_PROBLEM), (SURROGATE, SURROGATE_PROBLEM)])
@pytest.mark.parametrize(
    ("path", "body", "field", "stored"),
    [
        ("/patients/{alex}/medications", {"name": "{text}", "dose": "50 mg"}, "name", Medication),
        (
            "/patients/{alex}/medications",
            {"name": "Sertraline", "reason": "{text}"},
            "reason",
            Medication,
        ),
        (
            "/patients/{alex}/conditions",
            {"name": "{text}", "noted_on": "2023-02-01"},
            "name",
            Condition,
        ),
    ],
)
def test_it_refuses_bad_text_in_the_records_writes_and_writes_nothing(
    world: World,
    text: str,
    problem: str,
    path: str,
    body: dict[str, str],
    field: str,
    stored: type[Medication] | type[Condition],
) -> None:
    before = stored.objects.count()
    sent = {key: text if value == "{text}" else value for key, value in body.items()}
    response = ApiClient(world.avery).post(path.format(alex=world.alex.pk), sent)
    assert response.status_code == 400
    assert response.json() == {"detail": f"field '{field}' {problem}"}
    assert stored.objects.count() == before


@pytest.mark.parametrize(("text", "problem"), [(NUL, NUL_PROBLEM), (SURROGATE, SURROGATE_PROBLEM)])
def test_it_refuses_bad_text_in_a_change_and_leaves_the_record(
    world: World, text: str, problem: str
) -> None:
    api = ApiClient(world.avery)
    response = api.client.patch(
        f"{BASE}/patients/{world.alex.pk}",
        json.dumps({"status": text}),
        content_type="application/json",
        headers=api.headers,
    )
    assert response.status_code == 400
    assert response.json() == {"detail": f"field 'status' {problem}"}
    status = world.alex.status
    world.alex.refresh_from_db()
    assert world.alex.status == status


@pytest.mark.parametrize(("text", "problem"), [(NUL, NUL_PROBLEM), (SURROGATE, SURROGATE_PROBLEM)])
def test_it_refuses_bad_text_at_sign_in(world: World, text: str, problem: str) -> None:
    response = ApiClient().post("/auth/token", {"username": text, "password": "x"})
    assert response.status_code == 400
    assert response.json() == {"detail": f"field 'username' {problem}"}


def test_it_refuses_a_nul_in_the_query_string(world: World) -> None:
    api = ApiClient(world.avery)
    response = api.client.get(f"{BASE}/patients?status=tapering%00", headers=api.headers)
    assert response.status_code == 400
    assert response.json() == {"detail": f"field 'status' {NUL_PROBLEM}"}


def test_text_that_only_looks_odd_is_accepted(world: World) -> None:
    # Accents, emoji (a surrogate pair in JSON's escapes, one character once read) and
    # the replacement character are text like any other.
    api = ApiClient(world.avery)
    name = "Zoë \U0001f600 \ufffd"
    response = api.client.post(
        f"{BASE}/patients/{world.alex.pk}/conditions",
        '{"name": "Zo\\u00eb \\ud83d\\ude00 \\ufffd", "noted_on": "2023-02-01"}',
        content_type="application/json",
        headers=api.headers,
    )
    assert response.status_code == 201
    assert Condition.objects.filter(patient=world.alex, name=name).exists()


@pytest.mark.parametrize(
    "query", ["status=tapering%FF", "status%C3=tapering", "limit=5&x=%ED%A0%80"]
)
def test_it_refuses_a_query_string_that_is_not_utf8(world: World, query: str) -> None:
    # Django would decode it with U+FFFD in place of the bad bytes.
    api = ApiClient(world.avery)
    response = api.client.get(f"{BASE}/patients?{query}", headers=api.headers)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The query string is not valid UTF-8: percent-encode its text as UTF-8."
    }


def test_a_utf8_query_string_is_read_as_usual(world: World) -> None:
    api = ApiClient(world.avery)
    response = api.client.get(f"{BASE}/patients?status=tapering&caf%C3%A9=1", headers=api.headers)
    assert response.status_code == 200
