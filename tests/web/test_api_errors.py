"""Every error the API gives is JSON with one clear sentence, never a page or a trace."""

from __future__ import annotations

import pytest
from django.utils import timezone

from clonacare.api.errors import SERVER_ERROR
from clonacare.assessments.models import SafetyAlert
from tests.api_client import BASE, ApiClient
from tests.personas import World

pytestmark = pytest.mark.django_db


def test_an_unexpected_error_is_logged_and_answered_without_a_trace(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr("clonacare.api.endpoints.patients.list_patients", broken)
    response = ApiClient(world.avery).get("/patients")
    assert response.status_code == 500
    assert response.json() == {"detail": SERVER_ERROR}
    assert b"database on fire" not in response.content
    assert "database on fire" in caplog.text  # the site admin finds it in the log


def test_a_wrong_method_names_the_right_ones(world: World) -> None:
    response = ApiClient(world.avery).delete(f"/patients/{world.alex.pk}")
    assert response.status_code == 405
    assert response.json() == {"detail": "DELETE is not allowed here; use GET, PATCH."}
    assert response["Allow"] == "GET, PATCH"


NOT_AN_OBJECT = {"detail": "The request body must be a JSON object."}


@pytest.mark.parametrize("body", ["", '""', "[1, 2]", "null", "3", "true", '"x"'])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/auth/token"),
        ("patch", "/patients/{alex}"),
        ("post", "/patients/{alex}/assessments"),
        ("post", "/patients/{alex}/consents"),
        ("post", "/patients/{alex}/level-of-care"),
    ],
)
def test_a_body_that_is_empty_or_not_an_object_is_refused(
    world: World, body: str, method: str, path: str
) -> None:
    client = ApiClient(world.avery)
    response = getattr(client.client, method)(
        BASE + path.format(alex=world.alex.pk),
        body,
        content_type="application/json",
        headers=client.headers,
    )
    assert (response.status_code, response.json()) == (400, NOT_AN_OBJECT)


def test_a_body_that_is_not_an_object_is_refused_even_where_every_field_is_optional(
    world: World,
) -> None:
    # Every field of an acknowledgement has a default: a list must not pass for one.
    alert = SafetyAlert.objects.create(
        patient=world.alex, code="suicide-risk", message="Risk", raised_at=timezone.now()
    )
    response = ApiClient(world.avery).post(f"/alerts/{alert.pk}/acknowledge", [1, 2])
    assert (response.status_code, response.json()) == (400, NOT_AN_OBJECT)
    alert.refresh_from_db()
    assert alert.is_open


def test_an_empty_object_names_the_missing_fields(world: World) -> None:
    response = ApiClient(world.alex_user).post(f"/patients/{world.alex.pk}/assessments", {})
    assert response.status_code == 400
    assert response.json() == {"detail": "missing fields 'instrument', 'answers'."}


def test_a_field_of_the_wrong_shape_is_named(world: World) -> None:
    body = {"drug": "clonazepam", "doses": [1], "on": "2026-01-01"}
    response = ApiClient(world.avery).post(
        f"/patients/{world.alex.pk}/benzodiazepine-changes", body
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("field 'doses' must be a valid dictionary")


def test_broken_json_is_refused(world: World) -> None:
    client = ApiClient(world.alex_user)
    response = client.client.post(
        f"/api/v1/patients/{world.alex.pk}/assessments",
        '{"instrument": "phq9",',
        content_type="application/json",
        headers=client.headers,
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is not valid JSON."}


def test_errors_are_json(world: World) -> None:
    for response in (
        ApiClient().get("/patients"),
        ApiClient(world.brook).get(f"/patients/{world.alex.pk}"),
        ApiClient(world.avery).get("/no/such/thing"),
        ApiClient(world.avery).client.put("/api/v1/me"),
    ):
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert set(response.json()) == {"detail"}
