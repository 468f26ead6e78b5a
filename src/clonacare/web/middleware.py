"""A Content-Security-Policy and a Permissions-Policy on every response (Django 5.2 has
neither built in).

Every script, stylesheet, font and image the site uses is served from its own origin
(charts are ``data:`` images), and nothing may load from anywhere else, so the policy
also enforces "nothing loads from the internet at run time".
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

CSP_HEADER = "Content-Security-Policy"
PERMISSIONS_HEADER = "Permissions-Policy"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and CSP_HEADER not in response:
            response[CSP_HEADER] = policy
        permissions = settings.PERMISSIONS_POLICY
        if permissions and PERMISSIONS_HEADER not in response:
            response[PERMISSIONS_HEADER] = permissions
        return response
