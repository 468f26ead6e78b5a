"""Under /api/ every answer is JSON, whatever the method, the path or the layer that
refuses the request: an unknown path, a wrong method, an error raised in the middleware
and a body over Django's upload limit (issue 14)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from clonacare.api.errors import SERVER_ERROR
from clonacare.patients.models import Patient
from tests.api_client import BASE, ApiClient
from tests.personas import World

pytestmark = pytest.mark.django_db

JSON = "application/json; charset=utf-8"
NOT_FOUND = {"detail": "Not found. The endpoints are listed at /api/v1/docs."}
METHODS = ["get", "post", "put", "patch", "delete", "options", "trace"]


def _send(client: Client, method: str, path: str, **headers: str) -> object:
    if method in ("get", "head"):
        return getattr(client, method)(path, headers=headers)
    return getattr(client, method)(path, "{}", content_type="application/json", headers=headers)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("path", ["/no/such/thing", "/patients/1/nothing", "/", ""])
def test_it_answers_an_unknown_path_with_the_json_404_for_every_method(
    method: str, path: str
) -> None:
    # A browser-like client: the CSRF check is enforced, as on a real server.
    response = _send(Client(enforce_csrf_checks=True), method, f"{BASE}{path}")
    assert response.status_code == 404  # type: ignore[attr-defined]
    assert response["Content-Type"] == JSON  # type: ignore[index]
    assert response.json() == NOT_FOUND  # type: ignore[attr-defined]


@pytest.mark.parametrize("method", METHODS)
def test_it_answers_an_unknown_path_with_a_token_with_the_json_404(
    world: World, method: str
) -> None:
    api = ApiClient(world.avery)
    response = _send(api.client, method, f"{BASE}/no/such/thing", **api.headers)
    assert (response.status_code, response.json()) == (404, NOT_FOUND)  # type: ignore[attr-defined]


def test_it_answers_head_on_an_unknown_path_with_a_json_404_without_a_body() -> None:
    response = Client(enforce_csrf_checks=True).head(f"{BASE}/no/such/thing")
    assert response.status_code == 404
    assert response["Content-Type"] == JSON
    assert response.content == b""


@pytest.mark.parametrize("path", ["/api/v2/patients", "/api/nothing"])
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_it_answers_another_path_under_api_with_the_json_404(path: str, method: str) -> None:
    response = _send(Client(enforce_csrf_checks=True), method, path)
    assert (response.status_code, response.json()) == (404, NOT_FOUND)  # type: ignore[attr-defined]


def test_the_site_keeps_its_html_404_outside_the_api() -> None:
    response = Client().get("/no/such/page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("post", "/patients/{alex}", "GET, PATCH"),
        ("put", "/patients/{alex}", "GET, PATCH"),
        ("delete", "/patients/{alex}", "GET, PATCH"),
        ("options", "/patients/{alex}", "GET, PATCH"),
        ("trace", "/patients/{alex}", "GET, PATCH"),
        ("put", "/patients", "GET, POST"),
        ("delete", "/me", "GET"),
        ("patch", "/me", "GET"),
        ("get", "/auth/token", "DELETE, POST"),
        ("put", "/auth/token", "DELETE, POST"),
        ("get", "/patients/{alex}/assessments/", "GET, POST"),
    ],
)
def test_it_answers_a_wrong_method_on_a_known_path_with_the_json_405(
    world: World, method: str, path: str, allowed: str
) -> None:
    client = Client(enforce_csrf_checks=True)
    headers = ApiClient(world.avery).headers
    url = BASE + path.format(alex=world.alex.pk)
    response = _send(client, method, url, **headers)
    if path.endswith("/"):  # not an endpoint at all: no trailing slash in the API
        assert (response.status_code, response.json()) == (404, NOT_FOUND)  # type: ignore[attr-defined]
        return
    assert response.status_code == 405  # type: ignore[attr-defined]
    assert response["Content-Type"] == JSON  # type: ignore[index]
    assert response.json() == {  # type: ignore[attr-defined]
        "detail": f"{method.upper()} is not allowed here; use {allowed}."
    }
    assert response["Allow"] == allowed  # type: ignore[index]


def test_it_answers_a_bad_host_header_raised_in_the_middleware_with_json() -> None:
    response = Client(HTTP_HOST="attacker.example").post(f"{BASE}/auth/token", {})
    assert response.status_code == 400
    assert response["Content-Type"] == JSON
    assert response.json() == {
        "detail": "The request could not be read: check its address, headers and body."
    }


def test_it_answers_a_fault_in_the_middleware_with_the_json_500(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(self: object, request: object) -> None:
        raise RuntimeError("middleware on fire")

    monkeypatch.setattr("django.middleware.common.CommonMiddleware.process_request", broken)
    response = Client(raise_request_exception=False).get(f"{BASE}/me")
    assert response.status_code == 500
    assert response["Content-Type"] == JSON
    assert response.json() == {"detail": SERVER_ERROR}
    assert b"on fire" not in response.content


def test_the_site_keeps_its_html_pages_for_errors_in_the_middleware() -> None:
    response = Client(HTTP_HOST="attacker.example").get("/")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


TOO_LARGE = {
    "detail": "The request body is larger than the API takes (1,000 bytes); send a smaller one."
}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/auth/token"),
        ("post", "/patients"),
        ("patch", "/patients/{alex}"),
        ("post", "/patients/{alex}/assessments"),
        ("post", "/patients/{alex}/consents"),
        ("post", "/patients/{alex}/level-of-care"),
    ],
)
def test_it_answers_a_body_over_the_upload_limit_with_413_and_writes_nothing(
    world: World, settings: SettingsWrapper, method: str, path: str
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    api = ApiClient(world.avery)
    body = json.dumps({"given_name": "x" * 2000, "family_name": "Big"})
    patients = Patient.objects.count()
    response = getattr(api.client, method)(
        BASE + path.format(alex=world.alex.pk),
        body,
        content_type="application/json",
        headers=api.headers,
    )
    assert response.status_code == 413
    assert response["Content-Type"] == JSON
    assert response.json() == TOO_LARGE
    assert Patient.objects.count() == patients
    world.alex.refresh_from_db()
    assert world.alex.given_name != "x" * 2000


def test_a_body_just_under_the_limit_is_read_as_usual(
    world: World, settings: SettingsWrapper
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"instrument": "phq9"' + " " * 900 + "}"
    api = ApiClient(world.alex_user)
    response = api.client.post(
        f"{BASE}/patients/{world.alex.pk}/assessments",
        body,
        content_type="application/json",
        headers=api.headers,
    )
    assert (response.status_code, response.json()) == (400, {"detail": "missing field 'answers'."})


def test_the_default_upload_limit_is_djangos_and_the_message_names_it(
    world: World,
) -> None:
    api = ApiClient(world.avery)
    response = api.client.post(
        f"{BASE}/patients",
        json.dumps({"given_name": "x" * (3 * 1024 * 1024)}),
        content_type="application/json",
        headers=api.headers,
    )
    assert response.status_code == 413
    assert "(2,621,440 bytes)" in response.json()["detail"]
