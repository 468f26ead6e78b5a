"""Writes to a person's own account."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from clonacare.audit.log import Actor, record


def do_change_password(actor: Actor, user: User, new_password: str) -> None:
    """Set ``user``'s new password (already checked by the form: the old password, the
    confirmation and Django's password validators), revoke the user's API tokens (a
    token issued under the old password must not outlive it), and record the change,
    never the password itself."""
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        revoked, _ = user.api_tokens.all().delete()
        record(actor, "account.password-change", target=user, detail={"tokens_revoked": revoked})
