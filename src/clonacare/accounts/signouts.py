"""Ending what a sign-in left behind: a person's API tokens and web sessions.

The actions that take away the ground a sign-in stood on call these, inside their own
transaction and audit entry: a new password (``do_change_password``), a deactivated
account (``do_set_staff_active``), a reset authenticator (``do_reset_two_factor``) and
two-factor newly required by a program (``do_set_program_two_factor``).

The API's tokens belong to the API, a layer above: the API connects its receiver to
``tokens_revoked`` when it starts (``ApiConfig.ready``), so accounts never imports it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.dispatch import Signal

tokens_revoked = Signal()
"""Sent with ``users`` (a QuerySet of User) when their tokens must end; each receiver
deletes the tokens it keeps for them and returns how many it deleted."""


def revoke_api_tokens(users: QuerySet[User]) -> int:
    """Delete every API token of ``users`` (later requests with them answer 401),
    through the receivers of ``tokens_revoked``; the number of tokens deleted."""
    answers = tokens_revoked.send(sender=User, users=users)
    counts: list[object] = [count for _receiver, count in answers]
    return sum(count for count in counts if isinstance(count, int))


def end_web_sessions(user_ids: Collection[int], *, now: dt.datetime) -> int:
    """Delete the live web sessions signed in as any of ``user_ids``; the number ended.

    The browser's cookie then names no session: its next request is anonymous and is
    sent to the sign-in page, now and after the account is reactivated.

    Django keeps no index from a user to their sessions, so each live session (one not
    expired at ``now``) is decoded. A session lives ``SESSION_IDLE_MINUTES`` after its
    last request, so there are about as many as people who used the site in that time.
    The sessions are in the database (Django's ``db`` session engine, the default);
    each is deleted through the engine's store, so a ``cached_db`` cache forgets it too.
    """
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    wanted = {str(pk) for pk in user_ids}
    if not wanted:
        return 0
    ended = 0
    live = store_class.get_model_class().objects.filter(expire_date__gt=now)
    for session in live.iterator():
        if str(session.get_decoded().get(SESSION_KEY)) in wanted:
            store_class(session_key=session.session_key).delete()
            ended += 1
    return ended
