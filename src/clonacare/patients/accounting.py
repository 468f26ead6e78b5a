"""The accounting of disclosures (42 CFR § 2.25 as amended in 2024): what left the
record, when, to whom, why, what, and under which consent, for the last
``accounting_years`` years (part2.toml); and the gate to a disclosure's package.

The callers have already passed the patient's gate (``access_patient_by_id`` or the
portal's own record), which audited the read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

from django.db.models import QuerySet

from clonacare.audit.log import Actor, record
from clonacare.patients.access import RecordNotFound
from clonacare.patients.models import Disclosure, DisclosurePackage, Patient, RestrictionRequest
from clonacare.patients.part2 import part2


class DisclosureNotFound(RecordNotFound):
    """No disclosure with a package under that id on that patient's record (missing and
    another patient's alike)."""

    refusal_code = "disclosure-not-found"
    refusal_message = "Disclosure not found."


class RestrictionNotFound(RecordNotFound):
    """No restriction request with that id on that patient's record (missing and
    another patient's alike)."""

    refusal_code = "restriction-not-found"
    refusal_message = "Restriction request not found."


def access_restriction_of(
    actor: Actor, patient: Patient, request_id: int, *, purpose: str
) -> RestrictionRequest:
    """The restriction request ``request_id`` of ``patient`` (whom ``actor`` may already
    see). Another patient's or a missing one answers ``RestrictionNotFound``, recorded as
    ``<purpose>.denied`` on ``patient`` with the id asked for; not audited when found
    (the answer that follows is)."""
    asked = patient.restriction_requests.filter(pk=request_id).first()
    if asked is None:
        record(actor, f"{purpose}.denied", patient=patient, detail={"request_id": request_id})
        raise RestrictionNotFound(request_id)
    return asked


def accounting_since(now: dt.datetime) -> dt.datetime:
    """The start of the accounting period ending at ``now``: the same day and time
    ``accounting_years`` years earlier (28 Feb for a 29 Feb)."""
    years = part2().accounting_years
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February, in a year that has none
        return now.replace(year=now.year - years, day=28)


def accounting_of_disclosures(patient: Patient, *, now: dt.datetime) -> QuerySet[Disclosure]:
    """``patient``'s disclosures in the accounting period, latest first: under consent
    and in medical emergencies, with their consents and who recorded them."""
    return patient.disclosures.filter(disclosed_at__gte=accounting_since(now)).select_related(
        "consent", "consent__patient", "disclosed_by"
    )


CSV_HEADER = (
    "date (UTC)",
    "recipient",
    "recipient class",
    "purpose",
    "what was disclosed",
    "under",
    "made by",
    "recorded by",
)


def accounting_csv(disclosures: QuerySet[Disclosure]) -> str:
    """The accounting as CSV text, one disclosure a row (``CSV_HEADER``)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for d in disclosures:
        writer.writerow(
            [
                f"{d.disclosed_at:%Y-%m-%d %H:%M}",
                d.recipient,
                d.get_recipient_class_display() if d.consent_id else "",
                d.purpose,
                d.information,
                d.under,
                d.made_by
                or (d.disclosed_by.get_full_name() if d.disclosed_by else "")
                or d.recorded_by,
                d.recorded_by,
            ]
        )
    return out.getvalue()


def access_package_of(
    actor: Actor, patient: Patient, disclosure_id: int, *, purpose: str
) -> DisclosurePackage:
    """The package of disclosure ``disclosure_id`` of ``patient`` (whom ``actor`` may
    already see); the download is recorded as ``purpose``. A disclosure of another
    patient, a missing one or one without a package (an emergency disclosure) answers
    ``DisclosureNotFound``, recorded as ``<purpose>.denied`` with the id asked for."""
    package = (
        DisclosurePackage.objects.filter(disclosure__patient=patient, disclosure_id=disclosure_id)
        .select_related("disclosure")
        .first()
    )
    if package is None:
        record(actor, f"{purpose}.denied", patient=patient, detail={"disclosure_id": disclosure_id})
        raise DisclosureNotFound(disclosure_id)
    record(actor, purpose, patient=patient, target=package.disclosure)
    return package


def package_name(package: DisclosurePackage) -> str:
    """The download's file name: ``disclosure-<id>.zip``."""
    return f"disclosure-{package.disclosure_id}.zip"


def package_zip(package: DisclosurePackage) -> bytes:
    """The package as a zip holding ``disclosure.pdf`` and ``bundle.json`` exactly as
    stored when the disclosure was made (dated then, so the same package gives the same
    bytes on every download)."""
    stamp = package.created_at.astimezone(dt.UTC).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in (
            ("disclosure.pdf", bytes(package.pdf)),
            ("bundle.json", package.bundle_json.encode()),
        ):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return out.getvalue()
