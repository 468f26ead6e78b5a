"""A plan in force as it leaves the record: the taper core's plan, its calendar file,
the patient's private calendar subscription link, the instructions shown beside it,
and the pharmacy PDF (for the care team).

Every rendering is the taper core's (``plan_from_dict`` of the plan in force, then
``render_ics``); this module adds no clinical number. The subscription link is a
random token whose SHA-256 alone is stored (``CalendarLink``); whoever holds the URL
reads the patient's plan in force without signing in, so the patient makes and revokes
it themselves, and every read through it is audited (``plan.calendar``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import transaction

from clonacare.accounts.models import Role
from clonacare.audit.log import Actor, record
from clonacare.core.crisis import load_crisis_resources
from clonacare.core.errors import ClinicalError
from clonacare.core.sourced import (
    fail,
    load_toml,
    optional_text,
    require_source,
    required_text,
    table,
)
from clonacare.core.taper import TaperPlan, plan_from_dict
from clonacare.core.taper.render import render_ics, render_pdf
from clonacare.core.taper.render.calendar import ENGLISH, CalendarWords
from clonacare.patients.access import patients_visible_to
from clonacare.patients.models import Patient
from clonacare.plans.models import CalendarLink, Plan

INSTRUCTIONS_FILE = Path(__file__).parent / "data" / "instructions.toml"
# 32 random bytes, as the API's tokens: far beyond guessing.
LINK_BYTES = 32
ONLY_THE_PATIENT = "Only the patient makes or revokes their own calendar link."
PDF_FOR_STAFF = "The pharmacy PDF is for the care team; your plan is on your portal page."


@dataclass(frozen=True)
class Instruction:
    """One instruction beside the patient's plan; ``title_es`` and ``text_es`` are its
    Spanish words (empty where the file has none)."""

    id: str
    title: str
    text: str
    source: str
    title_es: str = ""
    text_es: str = ""

    def in_language(self, language: str) -> Instruction:
        """The same instruction with its words in ``language`` for a page to show:
        Spanish ("es") where the file has both the title and the text, else English."""
        if language != "es" or not (self.title_es and self.text_es):
            return self
        return replace(self, title=self.title_es, text=self.text_es)


@cache
def instructions() -> tuple[Instruction, ...]:
    """The instructions shown beside the patient's plan (``data/instructions.toml``)."""
    return load_instructions(INSTRUCTIONS_FILE)


def load_instructions(path: Path) -> tuple[Instruction, ...]:
    """The instructions of the file at ``path``, in the file's order; a malformed file
    is refused (ClinicalError ``data-file`` naming the table and key): ``title``,
    ``text`` and ``source`` are required; ``title_es`` and ``text_es`` (the Spanish
    words) are optional, non-empty when given, and given together or not at all."""
    data = load_toml(path)
    where = path.name
    every = table(data, "instructions", where)
    require_source(every, f"{where} [instructions]")
    found: list[Instruction] = []
    for key in every:
        if key == "source":
            continue
        at = f"{where} [instructions.{key}]"
        item = table(every, key, at)
        found.append(
            Instruction(
                id=key,
                title=required_text(item, "title", at),
                text=required_text(item, "text", at),
                source=require_source(item, at),
                **_spanish(item, at),
            )
        )
    return tuple(found)


def _spanish(item: dict[str, object], at: str) -> dict[str, str]:
    title = optional_text(item, "title_es", at)
    text = optional_text(item, "text_es", at)
    if (title is None) != (text is None):
        raise fail(at, "give 'title_es' and 'text_es' together, or neither.")
    return {"title_es": title or "", "text_es": text or ""}


def taper_of(plan: Plan) -> TaperPlan:
    """The taper core's plan in force (the newest revision, else the plan as drafted)."""
    return plan_from_dict(plan.current_json(), f"Plan {plan.pk}")


def plan_ics(plan: Plan, stamp: dt.datetime, words: CalendarWords | None = None) -> str:
    """The plan in force as an iCalendar file (the core's ``render_ics``), worded by
    ``words`` (the core's English when None); ``stamp`` (aware) is each event's DTSTAMP."""
    return render_ics(taper_of(plan), stamp, words or ENGLISH)


def hash_link(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _own(actor: Actor, patient: Patient) -> int:
    """The patient's user id, when ``actor`` is that patient."""
    if (
        actor.user_id is None
        or actor.role != Role.PATIENT
        or not patients_visible_to(actor).filter(pk=patient.pk).exists()
    ):
        raise ClinicalError("not-allowed", ONLY_THE_PATIENT)
    return actor.user_id


def live_calendar_link(patient: Patient) -> CalendarLink | None:
    """The patient's live (not revoked) calendar link, None when there is none."""
    return patient.calendar_links.filter(revoked_at__isnull=True).first()


def do_create_calendar_link(actor: Actor, patient: Patient, *, now: dt.datetime) -> str:
    """A new private calendar link for ``patient``, made by the patient themselves: the
    token (shown once; only its hash is kept). A live link is revoked on the way, so a
    patient has one at most. Refused ``not-allowed`` (403) for anyone else. Audited as
    ``plan.calendar-link.create`` (and ``.revoke`` for the link it replaced)."""
    user_id = _own(actor, patient)
    token = secrets.token_urlsafe(LINK_BYTES)
    with transaction.atomic():
        _revoke_live(actor, patient, now)
        link = CalendarLink.objects.create(
            patient=patient, key_hash=hash_link(token), created_by_id=user_id, created_at=now
        )
        record(actor, "plan.calendar-link.create", patient=patient, target=link)
    return token


def _revoke_live(actor: Actor, patient: Patient, now: dt.datetime) -> bool:
    revoked = False
    for link in patient.calendar_links.select_for_update().filter(revoked_at__isnull=True):
        link.revoked_at = now
        link.save(update_fields=["revoked_at"])
        record(actor, "plan.calendar-link.revoke", patient=patient, target=link)
        revoked = True
    return revoked


def do_revoke_calendar_link(actor: Actor, patient: Patient, *, now: dt.datetime) -> bool:
    """Revoke the patient's live calendar link (False when there was none); from then
    on its URL answers 404. Refused ``not-allowed`` (403) for anyone but the patient.
    Audited as ``plan.calendar-link.revoke``."""
    _own(actor, patient)
    with transaction.atomic():
        return _revoke_live(actor, patient, now)


def plan_by_calendar_link(actor: Actor, token: str) -> Plan | None:
    """The approved plan of the patient whose live link ``token`` is; None for an
    unknown or revoked token, or a patient with no approved plan (a face answers each
    alike, 404). A read is audited as ``plan.calendar`` (``detail.via``: ``link``)."""
    link = (
        CalendarLink.objects.select_related("patient")
        .filter(key_hash=hash_link(token), revoked_at__isnull=True)
        .first()
    )
    if link is None:
        return None
    plan = (
        Plan.objects.filter(patient=link.patient, status=Plan.Status.APPROVED)
        .prefetch_related("plan_revisions")
        .first()
    )
    if plan is not None:
        record(actor, "plan.calendar", patient=link.patient, target=plan, detail={"via": "link"})
    return plan


def plan_pdf(actor: Actor, plan: Plan, *, now: dt.datetime) -> bytes:
    """The pharmacy PDF of the plan in force (the core's ``render_pdf``), with the
    patient's name and the approving prescriber's (left as a line to fill in for a
    draft), and the site's crisis resources. ``plan`` comes from ``access_plan_by_id``,
    which records the read (the API's purpose: ``plan.pdf``). Refused ``not-allowed``
    (403) for the patient: the PDF is for the care team; ``pdf-unavailable`` when
    WeasyPrint cannot run here."""
    if actor.role == Role.PATIENT:
        raise ClinicalError("not-allowed", PDF_FOR_STAFF)
    approver = plan.approved_by
    prescriber = (approver.get_full_name() or approver.get_username()) if approver else None
    return render_pdf(
        taper_of(plan),
        now,
        patient=plan.patient.full_name,
        prescriber=prescriber,
        crisis=load_crisis_resources(settings.CRISIS_FILE or None),
    )
