"""The JSON API, version 1 (django-ninja), mounted at /api/v1/.

OpenAPI at /api/v1/openapi.json and interactive docs at /api/v1/docs, both without a
token and served entirely from our own static files. Every other endpoint needs
``Authorization: Bearer <token>`` (POST /api/v1/auth/token). docs/api.md describes it.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, re_path
from ninja import NinjaAPI, Swagger

from clonacare.api import errors
from clonacare.api.endpoints import (
    alerts,
    assessments,
    audit,
    auth,
    consents,
    fhir,
    follow_up,
    groups,
    level_of_care,
    me,
    monitoring,
    outcomes,
    patients,
    plans,
    population,
    programs,
    record,  # noqa: F401 - registers its endpoints on patients.router
    recovery,
    restrictions,
    safety_plan,
    sessions,
    staff,
    therapy,
    worklist,
)
from clonacare.api.security import BearerToken
from clonacare.api.throttles import api_throttles


class ClonacareAPI(NinjaAPI):
    """NinjaAPI whose every answer is JSON: django-ninja's own 405 is plain text and a
    path it does not know falls through to the site's HTML 404 page."""

    @property
    def urls(self) -> tuple[list[Any], str, str]:
        patterns, app_name, namespace = super().urls
        wrapped: list[Any] = [
            URLPattern(
                p.pattern, errors.json_method_not_allowed(p.callback), p.default_args, p.name
            )
            if isinstance(p, URLPattern)
            else p
            for p in patterns
        ]
        wrapped.append(re_path(r"^.*$", errors.not_found_view, name="not-found"))
        return wrapped, app_name, namespace


api = ClonacareAPI(
    title="Clonacare API",
    version="1",
    description="The clinic's records under the same access rules as the pages. "
    "Sign in with `POST /api/v1/auth/token`, then send `Authorization: Bearer <token>` "
    'with every request. Errors are `{"detail": "..."}`.',
    urls_namespace="api-v1",
    auth=BearerToken(),
    # Per token and per address (API_RATE_PER_TOKEN, API_RATE_PER_ADDRESS).
    throttle=api_throttles(),
    # The bundled Swagger UI (ninja/static), with the online spec validator turned off:
    # the docs page loads nothing from the internet.
    docs=Swagger(settings={"validatorUrl": None}),
    # A body that is JSON but not an object is refused with one clear sentence.
    parser=errors.JsonObjectParser(),
)
errors.install(api)

api.add_router("/auth", auth.router)
api.add_router("", me.router)
api.add_router("", patients.router)  # with the writes of endpoints/record.py
api.add_router("", assessments.router)
api.add_router("", alerts.router)
api.add_router("", level_of_care.router)
api.add_router("", consents.router)
api.add_router("", restrictions.router)
api.add_router("", staff.router)
api.add_router("", programs.router)
api.add_router("", audit.router)
api.add_router("", monitoring.router)
api.add_router("", follow_up.router)
api.add_router("", plans.router)
api.add_router("", worklist.router)
api.add_router("", therapy.router)
api.add_router("", safety_plan.router)
api.add_router("", groups.router)
api.add_router("", sessions.router)
api.add_router("", outcomes.router)
api.add_router("", recovery.router)
api.add_router("", fhir.router)
api.add_router("", population.router)
