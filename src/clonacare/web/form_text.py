"""The pages' one check of what a form sends: text that is not UTF-8, or that holds a NUL
character, is refused with a 400 page before any view or form reads it.

Django decodes a form body and a query string with ``errors="replace"``, so invalid
UTF-8 became U+FFFD characters, silently stored; a NUL was refused by the text fields
that check for it and passed by those that do not. This middleware reads the raw
``application/x-www-form-urlencoded`` body and the query string (the API checks its own
input, api/errors.py, and is left alone). A multipart body's fields are checked once
Django has parsed them (its files are not: they are uploads, read by their own views).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse, QueryDict

from clonacare.api.errors import is_api_request, query_bytes
from clonacare.core.text import readable, text_problem, url_encoded_texts
from clonacare.web.errors import refused_form

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
NOT_UTF8 = (
    "The form's text is not valid UTF-8, so nothing was saved. Reload the page, fill in "
    "the form and send it again."
)


def form_text_problem(raw: bytes) -> str | None:
    """Why the URL-encoded ``raw`` (a form body or a query string) is refused, as a
    sentence for the page; None when every name and value is valid text."""
    texts = url_encoded_texts(raw)
    if texts is None:
        return NOT_UTF8
    return _first_problem(itertools.chain.from_iterable(texts))


def _first_problem(texts: Iterable[str]) -> str | None:
    """The page's sentence for the first of ``texts`` that cannot be stored, or None."""
    for text in texts:
        problem = text_problem(text)
        if problem is not None:
            return (
                f"Something in the form {problem}, so nothing was saved. Remove it "
                "and send the form again."
            )
    return None


class FormTextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_api_request(request):
            problem = form_text_problem(query_bytes(request))
            if problem is None and request.content_type in (FORM, MULTIPART):
                problem = (
                    form_text_problem(request.body)
                    if request.content_type == FORM
                    else _posted_text_problem(request)
                )
                if problem is not None and SAFETY_FORMS.match(request.path):
                    # Safety first: the answers are read, an unreadable one as U+FFFD
                    # (not an option: the view refuses the form after raising the
                    # alerts of the answers it can read, and shows the crisis lines).
                    request.POST = _readable_form(request)  # type: ignore[assignment]
                    problem = None
            if problem is not None:
                return refused_form(request, problem)
        return self.get_response(request)


# The pages whose forms carry suicide and seizure answers (questionnaires, check-ins,
# seizure reports, clinicians' ratings and level-of-care records).
SAFETY_FORMS = re.compile(
    r"^(/es)?/portal/(questionnaires/[\w-]+|check-in|seizure)/$"
    r"|^/clinic/patients/\d+/(instruments/[\w-]+|level-of-care)/$"
)


def _posted_text_problem(request: HttpRequest) -> str | None:
    """Why a multipart form's fields (not its files) are refused: a NUL or a lone
    surrogate in a name or a value (Django has already decoded them, what is not UTF-8
    as U+FFFD); None when every one can be stored."""
    return _first_problem(text for name, values in request.POST.lists() for text in (name, *values))


def _readable_form(request: HttpRequest) -> QueryDict:
    """The form as Django decoded it (what is not UTF-8 already U+FFFD), each name and
    value made ``readable``."""
    form = QueryDict(mutable=True)
    for name, values in request.POST.lists():
        form.setlist(readable(name), [readable(v) for v in values])
    form._mutable = False
    return form
