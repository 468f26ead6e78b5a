"""Rate limits on the API (django-ninja's throttling): per token and per address.

The rates are read from the settings on every request (``API_RATE_PER_TOKEN`` and
``API_RATE_PER_ADDRESS``, docs/configuration.md), so a deployment, a load run or a test
can change them without restarting. The counts live in Django's cache, the default one:
with several server processes, give them a shared cache or each counts on its own.
A request over a limit is answered 429 with ``Retry-After`` (errors.py, ``_throttled``).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import BaseThrottle, SimpleRateThrottle

from clonacare.api.tokens import Caller
from clonacare.audit.log import client_address


class _SettingRate(SimpleRateThrottle):
    """A throttle whose rate (``"240/min"``) is the Django setting named ``setting``."""

    setting = ""

    def __init__(self) -> None:
        super().__init__(rate=self._configured())

    def _configured(self) -> str:
        return str(getattr(settings, self.setting))

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = self._configured()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class PerToken(_SettingRate):
    """Requests a minute with one token: keyed on the token's id, never on the token."""

    scope = "token"
    setting = "API_RATE_PER_TOKEN"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        caller = getattr(request, "auth", None)
        if not isinstance(caller, Caller):
            return None  # no token (signing in): the address limit alone applies
        return self.cache_format % {"scope": self.scope, "ident": caller.token_id}


class PerAddress(_SettingRate):
    """Requests a minute from one address (``audit.log.client_address``, which trusts
    ``X-Forwarded-For`` only as written by ``CLONACARE_PROXY_COUNT`` proxies)."""

    scope = "address"
    setting = "API_RATE_PER_ADDRESS"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        address = client_address(request)
        if address is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": address}


def api_throttles() -> list[BaseThrottle]:
    return [PerToken(), PerAddress()]
