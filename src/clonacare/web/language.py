"""English and Spanish for the public site and the portal (issue 16).

The language of a page comes from its path alone: ``/es/...`` is Spanish, every other
path English (the English URLs stay as they were, unprefixed). Staff pages and the API
have no Spanish paths, so they are always English, whatever the browser asks for: a
clinician's page never mixes languages, and the API's messages and codes never change.

A person chooses a language with the switch in the page header (``set_language``). The
choice is kept in a cookie and, when they are signed in, in their account
(``LanguagePreference``), which is copied into the session when they sign in. A GET of an
English page that has a Spanish twin then goes to the twin, so the choice holds as they
follow English links, until they switch back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, cast
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from clonacare.accounts.actions import do_set_language
from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.models import preferred_language

SESSION_KEY = "clonacare_language"
UNKNOWN_LANGUAGE = "Choose English or Español."


def _codes() -> set[str]:
    return {code for code, _ in settings.LANGUAGES}


def _remembered(request: HttpRequest) -> str | None:
    """The language this person chose: the session's copy of their account's choice,
    else the cookie the switch set; None when neither names a language we have."""
    chosen = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    chosen = chosen or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in _codes() else None


def twin(url: str, language: str) -> str | None:
    """The same page in ``language``: ``url`` (a path, with any query) translated, or None
    when the page has no twin there (a staff page, the API, a path that resolves to
    nothing). A page already in ``language`` is its own twin when it has one elsewhere."""
    source = translation.get_language_from_path(urlsplit(url).path) or settings.LANGUAGE_CODE
    # translate_url resolves the path in the active language, so resolve it in its own.
    with translation.override(source):
        if source != language:
            translated = translate_url(url, language)
            return translated if translated != url else None
        other = next((code for code in _codes() if code != language), language)
        return url if translate_url(url, other) != url else None


class PathLanguageMiddleware:
    """Activate the language of the path, and send a GET of a page to its twin in the
    language the person chose."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            if request.method in ("GET", "HEAD") and language == settings.LANGUAGE_CODE:
                chosen = _remembered(request)
                if chosen and chosen != language:
                    target = twin(request.get_full_path(), chosen)
                    if target:
                        return redirect(target)
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", language)
            return response
        finally:
            translation.deactivate()


def alternates(request: HttpRequest) -> dict[str, Any]:
    """The page's twins, for ``<link rel="alternate" hreflang>`` and the language switch:
    ``[{"code", "name", "url", "current"}]``, empty on a page that has no twin."""
    path = request.get_full_path()
    current = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    found = []
    for code, name in settings.LANGUAGES:
        url = path if code == current else twin(path, code)
        if url is None:
            return {"language_alternates": []}
        found.append({"code": code, "name": name, "url": url, "current": code == current})
    return {"language_alternates": found}


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch to the posted ``language`` and go to the ``next`` page in it; remembered in
    a cookie and, for a signed-in person, in their account."""
    language = request.POST.get("language", "")
    if language not in _codes():
        return HttpResponseBadRequest(UNKNOWN_LANGUAGE, content_type="text/plain; charset=utf-8")
    target = request.POST.get("next", "")
    # Only a path on this site ("next=foo" once reached redirect(), which read it as a
    # view's name and answered 500: issue 14's form fuzzing).
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(twin(target, language) or target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=cast(Literal["Lax", "Strict", "None"], settings.LANGUAGE_COOKIE_SAMESITE),
    )
    if request.user.is_authenticated:
        do_set_language(actor_from_request(request), request.user, language)
        request.session[SESSION_KEY] = language
    return response


@receiver(user_logged_in, dispatch_uid="clonacare.web.language.remember_on_sign_in")
def remember_on_sign_in(sender: object, request: HttpRequest | None, user: Any, **_: Any) -> None:
    """Copy a person's chosen language into their new session when they sign in."""
    chosen = preferred_language(user)
    if request is not None and hasattr(request, "session") and chosen:
        request.session[SESSION_KEY] = chosen
