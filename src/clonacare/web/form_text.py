"""The pages' one check of what a form sends: text that is not UTF-8, or that holds a NUL
character, is refused with a 400 page before any view or form reads it.

Django decodes a form body and a query string with ``errors="replace"``, so invalid
UTF-8 became U+FFFD characters, silently stored; a NUL was refused by the text fields
that check for it and passed by those that do not. This middleware reads the raw
``application/x-www-form-urlencoded`` body and the query string (the API checks its own
input, api/errors.py, and is left alone). A multipart body (a file upload) is not
checked here: Django streams it to its upload handlers.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from clonacare.api.errors import is_api_request, query_bytes
from clonacare.core.text import text_problem, url_encoded_texts
from clonacare.web.errors import refused_form

FORM = "application/x-www-form-urlencoded"
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
    for text in itertools.chain.from_iterable(texts):
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
            if problem is None and request.content_type == FORM:
                problem = form_text_problem(request.body)
            if problem is not None:
                return refused_form(request, problem)
        return self.get_response(request)
