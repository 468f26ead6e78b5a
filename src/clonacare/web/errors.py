"""Error pages with the site's header and footer, so the crisis resources are on them too.

Django's own 400, 403, CSRF-failure and 500 pages are bare text. These render the site's
``problem.html``; the 500 handler falls back to plain HTML that still lists the crisis
resources if the template itself cannot be rendered.

Under /api/ each answers the API's JSON error instead (``{"detail": ...}``): these
handlers are what Django calls for an error raised in the middleware (a bad Host header,
a body over the upload limit, a fault), before or after the API's own handlers.
"""

from __future__ import annotations

import logging
from html import escape

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render

from clonacare.api import errors as api_errors
from clonacare.core.crisis import load_crisis_resources
from clonacare.education import views as education_views

log = logging.getLogger(__name__)


def _problem(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    # No language switch or twins on an error page (see education.views.not_found).
    context = {"title": title, "message": message, "status": status, "language_alternates": []}
    return render(request, "problem.html", context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if api_errors.is_api_request(request):
        if isinstance(exception, RequestDataTooBig):
            return api_errors.json_error(413, api_errors.body_too_large_message())
        return api_errors.json_error(400, api_errors.BAD_REQUEST)
    return _problem(
        request,
        400,
        "The request could not be understood",
        "Something in the address or the form was not valid. Go back and try again.",
    )


def refused_form(request: HttpRequest, message: str) -> HttpResponse:
    """A form (or a query string) whose text cannot be read or stored (web/form_text.py)."""
    return _problem(request, 400, "The form could not be read", message)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if api_errors.is_api_request(request):
        return api_errors.json_error(403, api_errors.NOT_PERMITTED)
    return _problem(
        request,
        403,
        "You do not have access to this page",
        "Your account cannot open this page. If you think it should, ask your program admin.",
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid security token: usually a page left open too long."""
    if api_errors.is_api_request(request):
        return api_errors.json_error(403, api_errors.NOT_PERMITTED)
    return _problem(
        request,
        403,
        "Please send the form again",
        "The form had expired, or your browser did not send its cookie. Reload the page, "
        "then fill in the form and send it again. Cookies must be allowed for this site.",
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A path no URL matches: the API's JSON 404 under /api/, the site's page elsewhere."""
    if api_errors.is_api_request(request):
        return api_errors.json_error(404, api_errors.NOT_FOUND)
    return education_views.not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if api_errors.is_api_request(request):
        return api_errors.json_error(500, api_errors.SERVER_ERROR)
    try:
        return _problem(
            request,
            500,
            "Something went wrong on our side",
            "The error has been logged. Please try again in a few minutes.",
        )
    except Exception:  # the error page must not fail; say the essentials in plain HTML
        log.exception("the 500 page could not be rendered")
        return HttpResponseServerError(_plain_500(), content_type="text/html; charset=utf-8")


def _plain_500() -> str:
    lines = [
        "<!doctype html><html lang='en'><title>Server error</title>",
        "<h1>Something went wrong on our side</h1>",
    ]
    try:
        resources = load_crisis_resources(settings.CRISIS_FILE or None).resources
    except Exception:
        log.exception("the crisis resources could not be loaded")
        resources = ()
    if resources:
        lines.append("<h2>If you are in crisis</h2><ul>")
        lines += [f"<li>{escape(r.name)}: {escape(r.contact)}</li>" for r in resources]
        lines.append("</ul>")
    return "".join(lines) + "</html>"
