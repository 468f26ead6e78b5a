"""Numbers too large for the database: an id or an offset typed into a URL is answered
like a record that does not exist, or refused with a message naming the parameter,
never with a 500.

Every primary key is a signed 64-bit integer (``BigAutoField``); the audit log keeps
patient ids in 32-bit columns on PostgreSQL. The pages take ids through the ``<id:...>``
converter (at most 2**63 - 1); the API's ids reach the access gates, which answer as
for any missing record.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from clonacare.accounts.converters import MAX_ID
from clonacare.audit.models import AuditEvent
from tests.api_client import ApiClient
from tests.personas import World, signed_in

BEYOND = "99999999999999999999"  # above 2**64
JUST_BEYOND = str(MAX_ID + 1)
# The largest id there can be, and one above the 32-bit columns of PostgreSQL.
IN_RANGE = [str(MAX_ID), "3000000000"]
MISSING = "999999"
PATIENT_NOT_FOUND = {"detail": "Patient not found."}
MAX_OFFSET_MESSAGE = "field 'offset' must be less than or equal to 9223372036854775807."


def same_page(a: bytes, b: bytes) -> bool:
    """Equal but for the CSRF token, which Django masks afresh in every response."""
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    return token.sub(b"", a) == token.sub(b"", b)


# The pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [BEYOND, JUST_BEYOND, *IN_RANGE])
@pytest.mark.parametrize("path", ["/clinic/patients/{}/", "/clinic/patients/{}/status/"])
def test_a_patient_page_answers_like_a_missing_patient(
    world: World, number: str, path: str
) -> None:
    admin = signed_in(Client(), "riverside_admin")
    response = admin.get(path.format(number))
    missing = admin.get(path.format(MISSING))
    assert response.status_code == missing.status_code == 404
    assert same_page(response.content, missing.content)


@pytest.mark.parametrize("number", [BEYOND, JUST_BEYOND])
def test_a_care_team_removal_answers_404(world: World, number: str) -> None:
    response = signed_in(Client(), "riverside_admin").post(
        f"/clinic/patients/{world.alex.pk}/care-team/{number}/remove/"
    )
    assert response.status_code == 404
    assert world.alex.care_team.count() == 3  # avery, kim and lee are still on it


@pytest.mark.parametrize(
    ("username", "method", "path"),
    [
        ("riverside_admin", "post", f"/clinic/alerts/{BEYOND}/acknowledge/"),
        ("riverside_admin", "post", "/clinic/patients/{alex}/consents/" + BEYOND + "/revoke/"),
        ("riverside_admin", "post", "/clinic/patients/{alex}/medications/" + BEYOND + "/end/"),
        ("alex", "get", f"/portal/responses/{BEYOND}/"),
        ("alex", "post", f"/portal/consents/{BEYOND}/revoke/"),
        ("riverside_admin", "post", f"/accounts/staff/{BEYOND}/deactivate/"),
        ("riverside_admin", "post", f"/accounts/staff/{BEYOND}/two-factor/reset/"),
        ("site_admin", "post", f"/accounts/programs/{BEYOND}/two-factor/"),
        ("site_admin", "get", f"/accounts/programs/{BEYOND}/admins/new/"),
    ],
)
def test_every_page_with_an_id_answers_404(
    world: World, username: str, method: str, path: str
) -> None:
    client = signed_in(Client(), username)
    response = getattr(client, method)(path.format(alex=world.alex.pk))
    assert response.status_code == 404


def test_the_largest_id_still_makes_a_link() -> None:
    assert reverse("clinic:patient", kwargs={"patient_id": MAX_ID}) == f"/clinic/patients/{MAX_ID}/"


# The API -----------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [BEYOND, JUST_BEYOND, *IN_RANGE])
@pytest.mark.parametrize(
    "path",
    [
        "/patients/{}",
        "/patients/{}/alerts",
        "/patients/{}/assessments",
        "/patients/{}/level-of-care",
    ],
)
def test_a_patient_id_answers_like_a_missing_patient(world: World, number: str, path: str) -> None:
    api = ApiClient(world.riverside_admin)
    response = api.get(path.format(number))
    missing = api.get(path.format(MISSING))
    assert (response.status_code, response.json()) == (404, PATIENT_NOT_FOUND)
    assert response.content == missing.content


def test_the_refusal_is_audited_with_the_id_as_typed(world: World) -> None:
    ApiClient(world.riverside_admin).get(f"/patients/{BEYOND}")
    event = AuditEvent.objects.get(action="patient.view.denied")
    assert (event.object_type, event.object_id, event.detail) == (
        "Patient",
        BEYOND,
        {"patient_id": int(BEYOND)},
    )
    # No patient has such an id: no program is told of an attempt on its patient.
    assert event.attempted_patient_id is None


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("riverside_admin", "/patients"),
        ("kim", "/alerts"),
        ("riverside_admin", "/staff"),
        ("site_admin", "/programs"),
        ("kim", "/patients/{alex}/assessments"),
        ("kim", "/patients/{alex}/alerts"),
        ("kim", "/patients/{alex}/level-of-care"),
        ("riverside_admin", "/audit"),
    ],
)
def test_every_list_bounds_its_offset(world: World, username: str, path: str) -> None:
    api = ApiClient(getattr(world, username))
    path = path.format(alex=world.alex.pk)
    for offset in (BEYOND, JUST_BEYOND):
        response = api.get(path, offset=offset)
        assert (response.status_code, response.json()) == (400, {"detail": MAX_OFFSET_MESSAGE})
    farthest = api.get(path, offset=MAX_ID)
    assert farthest.status_code == 200
    assert farthest.json()["items"] == []
    negative = api.get(path, offset=-1)
    assert (negative.status_code, negative.json()) == (
        400,
        {"detail": "field 'offset' must be greater than or equal to 0."},
    )
