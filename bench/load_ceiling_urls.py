"""The ceiling's only page (bench/load_ceiling_settings.py): a short response, no
template, no database."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("ceiling/", bare)]
