"""Sign-in attempts on the page from one address, over ``LOGIN_RATE_PER_ADDRESS``.

django-axes locks an account after its failed sign-ins (``LOGIN_FAILURE_LIMIT``), from
whatever address; this counts every attempt from one address (``audit.log.client_address``),
whatever the account, so a script trying passwords over many accounts is slowed without
locking anyone: past the rate, an attempt is answered 429 with ``Retry-After``, is not
checked and not counted, and the address may try again when its oldest counted attempt
leaves the window. The rate is read on each request, as the API's are (``"60/min"``:
``<count>/<s, min, hour or day>``, the unit by its first letter). The counts live in
Django's cache, each server process's own unless a shared cache is configured.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import ngettext

from clonacare.audit.log import client_address

_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"60/min"`` as (60 attempts, 60 seconds); ValueError for anything else."""
    count, _, unit = rate.partition("/")
    if not count.strip().isdigit() or unit[:1] not in _SECONDS or int(count) < 1:
        raise ValueError(f"a rate is '<count>/<s, min, hour or day>', not {rate!r}")
    return int(count), _SECONDS[unit[:1]]


def sign_in_wait_s(request: HttpRequest) -> int | None:
    """Count this sign-in attempt against its address and return None; or, when the
    address has made ``LOGIN_RATE_PER_ADDRESS`` attempts in the window already, the whole
    seconds until it may try again (this attempt is refused and not counted). A request
    whose address is unknown is not counted."""
    address = client_address(request)
    if address is None:
        return None
    count, window_s = parse_rate(settings.LOGIN_RATE_PER_ADDRESS)
    now = time.time()
    key = f"clonacare:sign-in-rate:{address}"
    attempts: list[float] = [t for t in cache.get(key, []) if t > now - window_s]
    if len(attempts) >= count:
        wait_s: int = max(1, math.ceil(attempts[-count] + window_s - now))
        return wait_s
    attempts.append(now)
    cache.set(key, attempts, window_s)
    return None


def too_many_sign_ins(wait_s: int) -> str:
    """The sign-in page's words for an address past its rate, in the page's language."""
    return ngettext(
        "Too many sign-in attempts from your network. Wait %(wait)d second, then try again.",
        "Too many sign-in attempts from your network. Wait %(wait)d seconds, then try again.",
        wait_s,
    ) % {"wait": wait_s}
