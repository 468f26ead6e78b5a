"""Error pages keep the site's header and footer, so crisis resources are on every one;
public pages answer HEAD as well as GET (link checkers and uptime monitors use it); and every
response carries the Content-Security-Policy."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from clonacare.web import errors

pytestmark = pytest.mark.django_db

CRISIS_TEXT = ("988", "911", "1-800-662-4357")


def assert_crisis_resources(html: str) -> None:
    for text in CRISIS_TEXT:
        assert text in html


@pytest.mark.parametrize("path", ["/", "/learn/faq/", "/search/?q=taper", "/accounts/login/"])
def test_public_pages_answer_head(client: Client, path: str) -> None:
    response = client.head(path)
    assert response.status_code == 200
    assert response.content == b""


def test_an_expired_form_explains_itself_and_shows_crisis_resources() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Please send the form again</h1>" in html
    assert "Reload the page" in html
    assert_crisis_resources(html)


@pytest.mark.parametrize(
    ("handler", "status", "heading"),
    [
        (errors.bad_request, 400, "The request could not be understood"),
        (errors.permission_denied, 403, "You do not have access to this page"),
        (errors.server_error, 500, "Something went wrong on our side"),
    ],
)
def test_error_pages_keep_the_crisis_resources(
    rf: RequestFactory, handler: object, status: int, heading: str
) -> None:
    response = handler(rf.get("/anything/"))  # type: ignore[operator]
    assert response.status_code == status
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert_crisis_resources(html)


def test_the_500_page_falls_back_to_plain_html_that_still_lists_crisis_resources(
    rf: RequestFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("template engine down")

    monkeypatch.setattr(errors, "render", broken)
    response = errors.server_error(rf.get("/anything/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "If you are in crisis" in html
    assert_crisis_resources(html)


def test_the_site_uses_these_handlers() -> None:
    from clonacare.web import urls

    assert (urls.handler400, urls.handler403, urls.handler500) == (
        "clonacare.web.errors.bad_request",
        "clonacare.web.errors.permission_denied",
        "clonacare.web.errors.server_error",
    )


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/v1/docs", "/nowhere/"])
def test_every_response_carries_the_content_security_policy(client: Client, path: str) -> None:
    policy = client.get(path)["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
