"""Who may read SUD counselling notes (42 CFR Part 2): the one rule, kept apart.

Counselling notes are not part of the record every care-team member sees. The rule,
one condition per line, each covered by tests/web/test_counselling_notes_rule.py:

- a note's author always reads their own notes (while they may see the patient);
- any other staff member reads a patient's notes only when a consent of that patient's
  own, in force today (signed, not revoked, not expired) and marked
  ``includes_counselling_notes``, names them as its recipient, and they may see the
  patient (their care team, or their program's admin);
- nobody else: not other staff by default, not a site admin, and not the patient (the
  conservative reading of Part 2, docs/counselling.md says why).

A consent names a staff member when it is made out to a named recipient (its
``recipient_class`` is ``named``) and that recipient, with case and spacing ignored, is
their username or their full name ("Lee Park"). A consent to a class of recipients
("my treating providers", "my health plan") names no one here, whatever its recipient
field holds, and nor does one naming a program, a role or a team ("Riverside
counsellors"): notes go to a named person only.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db.models import QuerySet

from clonacare.accounts.models import Role
from clonacare.audit.log import Actor
from clonacare.patients.access import patients_visible_to
from clonacare.patients.models import Consent, Patient, RecipientClass
from clonacare.therapy.session_models import CounsellingSession, SessionNote


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


def names_of(user: User) -> frozenset[str]:
    """The recipient names that name ``user`` on a consent: their username and, when
    set, their full name (case and spacing ignored)."""
    names = {_plain(user.get_username())}
    full = _plain(user.get_full_name())
    if full:
        names.add(full)
    return frozenset(names)


def consents_naming(actor: Actor, patient: Patient, day: dt.date) -> list[Consent]:
    """``patient``'s consents in force on ``day`` that include counselling notes and
    name ``actor`` (none for an anonymous actor)."""
    user = User.objects.filter(pk=actor.user_id).first() if actor.user_id else None
    if user is None:
        return []
    names = names_of(user)
    return [
        consent
        for consent in patient.consents.filter(
            includes_counselling_notes=True, recipient_class=RecipientClass.NAMED
        )
        if _plain(consent.recipient) in names and consent.is_active_on(day)
    ]


def may_read_counselling_notes(actor: Actor, patient: Patient, day: dt.date) -> bool:
    """Whether ``actor`` reads every counselling note on ``patient``'s record on ``day``
    (beyond the notes they wrote themselves, see ``may_read_note``)."""
    if actor.user_id is None:
        return False
    if actor.role == Role.PATIENT:
        return False
    if actor.role == Role.SITE_ADMIN:
        return False
    if not patients_visible_to(actor).filter(pk=patient.pk).exists():
        return False
    return bool(consents_naming(actor, patient, day))


def readable_notes(
    actor: Actor, session: CounsellingSession, day: dt.date
) -> QuerySet[SessionNote]:
    """The notes of ``session`` that ``actor`` reads on ``day``, oldest first: all of
    them for whoever ``may_read_counselling_notes``, else the actor's own (a patient's
    and a site admin's: none)."""
    notes = SessionNote.objects.filter(session=session).select_related("author")
    if may_read_counselling_notes(actor, session.patient, day):
        return notes
    if actor.user_id is None or actor.role in (Role.PATIENT, Role.SITE_ADMIN):
        return notes.none()
    if not patients_visible_to(actor).filter(pk=session.patient_id).exists():
        return notes.none()
    return notes.filter(author_id=actor.user_id)
