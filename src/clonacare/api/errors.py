"""Every error the API can answer, as ``{"detail": "<one clear sentence>"}``.

The table below maps each exception to its status and message (as healthchecks'
``hc/api/views.py`` does); ``install`` registers it on the NinjaAPI. Nothing else in the
API builds an error response, so no client ever sees a stack trace or an HTML page.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from functools import partial, wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.utils.datastructures import MultiValueDict
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.parser import Parser

from clonacare.assessments.actions import IncompleteResponse
from clonacare.core.errors import Kind, Refusal
from clonacare.core.text import readable, text_problem, url_encoded_texts
from clonacare.patients.audit_access import AuditLogNotFound

logger = logging.getLogger(__name__)

SIGN_IN_ENDPOINT = "POST /api/v1/auth/token"
NOT_SIGNED_IN = (
    f"Sign in first: send the header 'Authorization: Bearer <token>' with a token from "
    f"{SIGN_IN_ENDPOINT}."
)
TOKEN_INVALID = f"This token is not valid or has expired; get a new one from {SIGN_IN_ENDPOINT}."
ENROL_ON_WEB = (
    "Your program requires two-factor sign-in and this account has not set it up yet: "
    "sign in once on the web to set up your authenticator app, then send its code as 'otp'."
)
PATIENT_NOT_FOUND = "Patient not found."
ALERT_NOT_FOUND = "Alert not found."
CONSENT_NOT_FOUND = "Consent not found."
PROGRAM_NOT_FOUND = "Program not found."
NOT_FOUND = "Not found. The endpoints are listed at /api/v1/docs."
TOO_MANY_REQUESTS = (
    "Too many requests: wait the number of seconds in the Retry-After header, then try again."
)
BAD_JSON = "The request body is not valid JSON."
NOT_AN_OBJECT = "The request body must be a JSON object."
QUERY_NOT_UTF8 = "The query string is not valid UTF-8: percent-encode its text as UTF-8."
BAD_REQUEST = "The request could not be read: check its address, headers and body."
NOT_PERMITTED = "This request is not permitted."
SERVER_ERROR = (
    "Something went wrong on our side and it has been logged. Try again; if it keeps "
    "happening, tell your site admin."
)

JSON = "application/json; charset=utf-8"  # as django-ninja answers
API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    """Whether ``request`` is for the API, whose every answer, errors included, is JSON."""
    return request.path_info.startswith(API_PREFIX)


def json_error(status: int, message: str) -> HttpResponse:
    """``{"detail": message}`` with ``status``: the API's error body, for the answers made
    outside django-ninja (an unknown path, a wrong method, an error in the middleware)."""
    return JsonResponse({"detail": message}, status=status, content_type=JSON)


class ApiError(Refusal):
    """A refusal only the API makes (a sign-in, a token, an API resource). Its kind, and
    so its status, is the class's; ``code`` names it in the registry."""

    refusal_code = "invalid"
    default_kind = Kind.INVALID

    def __init__(self, message: str) -> None:
        super().__init__(self.refusal_code, message, kind=self.default_kind)


class NotAuthenticated(ApiError):
    refusal_code = "not-signed-in"
    default_kind = Kind.NOT_SIGNED_IN


class Forbidden(ApiError):
    refusal_code = "not-allowed"
    default_kind = Kind.NOT_ALLOWED


class NotFound(ApiError):
    refusal_code = "not-found"
    default_kind = Kind.FORBIDDEN_AS_MISSING


class Conflict(ApiError):
    refusal_code = "conflict"
    default_kind = Kind.CONFLICT


class LockedOut(ApiError):
    refusal_code = "locked-out"
    default_kind = Kind.LOCKED


class BodyTooLarge(ApiError):
    refusal_code = "body-too-large"
    default_kind = Kind.TOO_LARGE


def body_too_large_message() -> str:
    """The 413's sentence, naming the limit (Django's DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return f"The request body is larger than the API takes ({limit:,} bytes); send a smaller one."


class BadText(ApiError):
    """A string in the request, a value or a field's name, that no record may hold (a NUL
    character or a lone surrogate: core/text.py). Nothing is read further."""


class NotAnObject(ValueError):
    """A request body that is valid JSON but not an object (a list, a string, null...)."""


class JsonObjectParser(Parser):
    """django-ninja's JSON parser, refusing a body that is not a JSON object.

    Without it a list or a string reaches the schema, which answers with fields it
    thinks are missing, or, when every field has a default, accepts it. django-ninja
    turns any parser exception into ``HttpError(400, "Cannot parse request body")``
    raised from it; ``_http_error`` finds this one as its cause.
    """

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise NotAnObject(NOT_AN_OBJECT)
        if request.method == "POST" and SAFETY_WRITES.match(request.path):
            # Safety first: the answers are read, an unreadable one as U+FFFD (not an
            # option, so the submission is refused after its alerts are raised).
            readable_data: dict[str, Any] = _readable(data)
            return readable_data
        refuse_bad_text(data)
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        """The query string (and a form body, where an endpoint takes one): each name and
        value is checked as a JSON body's are. Raises ``BadText``."""
        if data is request.GET and url_encoded_texts(query_bytes(request)) is None:
            # Django decodes it replacing what is not UTF-8 with U+FFFD: refused instead.
            raise BadText(QUERY_NOT_UTF8)
        # A name's values joined: whichever holds the bad text, the name is the field.
        texts = {k: "".join(v for v in vs if isinstance(v, str)) for k, vs in data.lists()}
        refuse_bad_text(texts)
        return super().parse_querydict(data, list_fields, request)


def query_bytes(request: HttpRequest) -> bytes:
    """The query string as the client sent it, before Django decodes it."""
    # WSGI hands it over as bytes decoded as ISO-8859-1 (PEP 3333).
    query = str(request.META.get("QUERY_STRING", ""))
    try:
        return query.encode("iso-8859-1")
    except UnicodeEncodeError:
        return query.encode("utf-8", errors="surrogateescape")


# The writes that carry suicide and seizure answers: their text is made readable rather
# than refused, so that the answers still raise their alerts (core/text.py).
SAFETY_WRITES = re.compile(
    r"^/api/v1/patients/\d+/(assessments|check-ins|seizure-reports|level-of-care)/?$"
)


def _readable(value: Any) -> Any:
    """``value`` (a parsed JSON body) with every string and key made ``readable``."""
    if isinstance(value, str):
        return readable(value)
    if isinstance(value, dict):
        return {readable(str(k)): _readable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_readable(v) for v in value]
    return value


def refuse_bad_text(data: dict[str, Any]) -> None:
    """Raise ``BadText`` naming the first field whose name or text (at any depth) holds a
    NUL character or a lone surrogate; None when every string can be stored.

    The walk keeps its own stack, so a deeply nested body cannot exhaust Python's."""
    stack: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            problem = text_problem(value)
            if problem is not None:
                raise BadText(f"field {_name(path)!r} {problem}.")
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                problem = text_problem(str(key))
                if problem is not None:
                    where = f" in {_name(path)!r}" if path else ""
                    raise BadText(f"a field's name{where} {problem}.")
                stack.append(((*path, key), item))
        elif isinstance(value, list):
            stack.extend(((*path, index), item) for index, item in reversed(list(enumerate(value))))


def _field(loc: Sequence[Any]) -> str:
    """``("body", "payload", "answers", 3)`` → ``answers[3]``; the source and the
    name of the body parameter are not part of what the client sent."""
    parts = list(loc)
    if parts and parts[0] == "body":
        parts = parts[2:]
    elif parts and parts[0] in ("query", "path", "header", "cookie", "form"):
        parts = parts[1:]
    return _name(parts)


def _name(parts: Sequence[Any]) -> str:
    """``("answers", 3, "code")`` → ``answers[3].code``, as a client names a field."""
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def _is_whole_body(loc: Sequence[Any]) -> bool:
    """``("body", "payload")``: the error concerns the body itself, not one of its fields."""
    return len(loc) <= 2 and bool(loc) and loc[0] == "body"


def validation_message(errors: Sequence[dict[str, Any]]) -> str:
    """One sentence for a list of pydantic errors, naming the field.

    All missing fields are named together; otherwise the first error is reported.
    """
    if any(_is_whole_body(e.get("loc", ())) for e in errors):
        # No body at all (django-ninja reads an empty body as a missing parameter), or
        # one the schema cannot read fields from.
        return NOT_AN_OBJECT
    missing = [_field(e.get("loc", ())) for e in errors if e.get("type") == "missing"]
    if missing and len(missing) == len(errors):
        noun = "field" if len(missing) == 1 else "fields"
        return f"missing {noun} {', '.join(repr(m) for m in missing)}."
    error = errors[0]
    field = _field(error.get("loc", ()))
    if error.get("type") == "json_invalid":
        return BAD_JSON
    if not field:
        return NOT_AN_OBJECT
    if error.get("type") == "extra_forbidden":
        return f"unknown field {field!r}."
    if error.get("type") == "missing":
        return f"missing field {field!r}."
    message = str(error.get("msg", "is not valid")).rstrip(".")
    if message.startswith("Input should be "):
        return f"field {field!r} must be {message.removeprefix('Input should be ')}."
    message = message.removeprefix("Value error, ")
    return f"field {field!r}: {message[:1].lower()}{message[1:]}."


def _answer(api: NinjaAPI, request: HttpRequest, status: int, message: str) -> HttpResponse:
    return api.create_response(request, {"detail": message}, status=status)


def _refusal(request: HttpRequest, exc: Refusal, api: NinjaAPI) -> HttpResponse:
    """Every refusal: its kind gives the status (core/refusals.py), its message the detail."""
    if isinstance(exc, IncompleteResponse) and exc.alerts:
        # A refusal that still carries safety alerts shows them, and the crisis resources.
        body = {
            "detail": exc.message,
            "alerts": list(exc.alerts),
            "crisis_resources": list(exc.crisis_resources),
        }
        return api.create_response(request, body, status=exc.kind.status)
    if exc.kind is Kind.REFUSED_BY_RULE:
        # A clinical rule refused it (a taper guardrail): the rule's code says which, for
        # a client to act on. The only error body with a code (docs/api.md, "Errors").
        body = {"detail": exc.message, "code": exc.code}
        return api.create_response(request, body, status=exc.kind.status)
    return _answer(api, request, exc.kind.status, exc.message)


def _audit_not_found(request: HttpRequest, exc: AuditLogNotFound, api: NinjaAPI) -> HttpResponse:
    # As for any path that is not an endpoint: the log is not there for this caller.
    return _answer(api, request, exc.kind.status, NOT_FOUND)


def _validation_error(request: HttpRequest, exc: ValidationError, api: NinjaAPI) -> HttpResponse:
    return _answer(api, request, 400, validation_message(exc.errors))


def _not_authenticated(
    request: HttpRequest, exc: AuthenticationError, api: NinjaAPI
) -> HttpResponse:
    return _answer(api, request, 401, NOT_SIGNED_IN)


def _http_error(request: HttpRequest, exc: HttpError, api: NinjaAPI) -> HttpResponse:
    # django-ninja raises HttpError(400, "Cannot parse request body") for broken JSON,
    # and from NotAnObject for JSON that is not an object (JsonObjectParser).
    message = exc.message
    if isinstance(exc.__cause__, NotAnObject):
        message = NOT_AN_OBJECT
    elif isinstance(exc.__cause__, BadText):
        message = exc.__cause__.message
    elif message.startswith("Cannot parse request body"):
        message = BAD_JSON
    return _answer(api, request, exc.status_code, message)


def _throttled(request: HttpRequest, exc: Throttled, api: NinjaAPI) -> HttpResponse:
    # Over API_RATE_PER_TOKEN or API_RATE_PER_ADDRESS (throttles.py); django-ninja adds
    # the Retry-After header to this answer.
    return _answer(api, request, Kind.LOCKED.status, TOO_MANY_REQUESTS)


def _too_large(request: HttpRequest, exc: RequestDataTooBig, api: NinjaAPI) -> HttpResponse:
    # Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE; it was a 500.
    return _refusal(request, BodyTooLarge(body_too_large_message()), api)


def _http_404(request: HttpRequest, exc: Http404, api: NinjaAPI) -> HttpResponse:
    return _answer(api, request, 404, NOT_FOUND)


def _unexpected(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    logger.error("API error on %s %s", request.method, request.path, exc_info=exc)
    return _answer(api, request, 500, SERVER_ERROR)


HANDLERS: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
    (Refusal, _refusal),
    (AuditLogNotFound, _audit_not_found),
    (ValidationError, _validation_error),
    (AuthenticationError, _not_authenticated),
    (Throttled, _throttled),
    (HttpError, _http_error),
    (RequestDataTooBig, _too_large),
    (Http404, _http_404),
    (Exception, _unexpected),
]


def install(api: NinjaAPI) -> None:
    """Register the table on ``api`` (the most specific exception class wins)."""
    for exc_class, handler in HANDLERS:
        api.add_exception_handler(exc_class, partial(handler, api=api))


def json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a django-ninja URL view so its plain-text 405 becomes our JSON error.

    The wrapper is exempt from the CSRF check, as django-ninja's operations are (the API
    takes a bearer token, never a cookie): its root and docs views are not, and a POST
    to them was refused by the CSRF middleware with an HTML page.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = ", ".join(sorted(m.strip() for m in response["Allow"].split(",")))
            answer = json_error(405, f"{request.method} is not allowed here; use {allowed}.")
            answer["Allow"] = allowed
            return answer
        return response

    return csrf_exempt(wrapped)


@csrf_exempt
def not_found_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any path under /api/v1/ that is not an endpoint, whatever the method. Exempt from
    the CSRF check, as django-ninja's views are (the API takes no cookie): otherwise an
    unknown POST was refused by the CSRF middleware with its HTML page."""
    return json_error(404, NOT_FOUND)
