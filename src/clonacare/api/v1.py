"""The JSON API, version 1 (django-ninja). OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(title="Clonacare API", version="1", urls_namespace="api-v1")
