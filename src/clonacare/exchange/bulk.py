"""A program's patients as bulk FHIR NDJSON (``do_export_program_fhir``): one file per
resource type (``Patient.ndjson``, ``Observation.ndjson``...), one resource per line,
each line carrying the Part 2 security labels, for the patients whose consent in force
covers the recipient class; the others are left out and counted by reason.

Files are written under temporary names and renamed only when every patient is done,
so a run that fails leaves no NDJSON behind.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.db import transaction

from clonacare.accounts.models import Program, Role
from clonacare.audit.log import Actor, record
from clonacare.core.errors import ClinicalError
from clonacare.core.fhir import record as fhir
from clonacare.exchange.actions import COMMAND_LINE_ROLE
from clonacare.exchange.bundle import patient_resources
from clonacare.patients.actions import DisclosureRequest, covering_consent
from clonacare.patients.models import Consent, Disclosure, Patient, RecipientClass

EXPORT_ACTION = "exchange.fhir-bulk-export"
CLASSES = (RecipientClass.TREATING_PROVIDERS, RecipientClass.HEALTH_PLAN)
PARTIAL = ".partial"


@dataclass(frozen=True)
class BulkResult:
    """What a bulk export wrote: patients exported, lines per resource type, patients
    left out by the refusal code that left them out, and the files."""

    exported: int
    lines: dict[str, int]
    left_out: dict[str, int]
    files: tuple[Path, ...]


def _check(actor: Actor, program: Program, recipient_class: str, recipient: str, out: Path) -> None:
    command_line = actor.role == COMMAND_LINE_ROLE and actor.user_id is None
    admin = actor.role == Role.PROGRAM_ADMIN and actor.user_id is not None
    if actor.program_id != program.pk or not (command_line or admin):
        raise ClinicalError("not-allowed", "Only the program's admin exports its patients.")
    if recipient_class not in CLASSES:
        raise ClinicalError(
            "fhir-bulk",
            "A bulk export goes to treating-providers or health-plan; a named recipient's "
            "consent is chosen one patient at a time, in a disclosure.",
        )
    if not recipient.strip():
        raise ClinicalError("fhir-bulk", "Name the recipient the files go to.")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ClinicalError("fhir-bulk", f"{out} must be a new or empty folder.")


def do_export_program_fhir(
    actor: Actor,
    program: Program,
    *,
    recipient_class: str,
    recipient: str,
    out: Path,
    now: dt.datetime,
    progress: Callable[[int, int], None] | None = None,
) -> BulkResult:
    """Write the NDJSON files of ``program``'s patients into the folder ``out`` (made if
    missing; it must be empty) for ``recipient`` of ``recipient_class``
    (``treating-providers`` or ``health-plan``).

    A patient is exported when a consent in force at ``now`` covers that class
    (``patients.actions.covering_consent``: the same rule as a disclosure); otherwise
    left out and counted under the refusal's code (``no-covering-consent``,
    ``consent-revoked``, ``consent-expired``). SUD counselling notes are never in a bulk
    export. Who: the program's admin, or the command line. Each exported patient's
    disclosure joins their accounting of disclosures (a ``bulk`` Disclosure: when, to
    whom, why, what, under which consent; no package is stored) and is audited as
    ``exchange.fhir-bulk-export`` with the consent it went under, once every file is
    written (a run that fails records nothing).
    ``progress(done, total)`` is called after each patient. Refused (``fhir-bulk``,
    nothing written) for a named class, a blank recipient or a folder that is not empty.
    """
    _check(actor, program, recipient_class, recipient, out)
    out.mkdir(parents=True, exist_ok=True)
    patients = list(Patient.objects.filter(program=program).order_by("id"))
    request = DisclosureRequest(recipient_class=recipient_class, recipient=recipient)
    streams: dict[str, IO[str]] = {}
    lines: Counter[str] = Counter()
    left_out: Counter[str] = Counter()
    exported: list[tuple[Patient, Consent]] = []
    try:
        for done, patient in enumerate(patients, start=1):
            try:
                consent = covering_consent(patient, request, now)
            except ClinicalError as exc:
                left_out[exc.code] += 1
            else:
                for resource in patient_resources(
                    patient, include_counselling_notes=False, now=now
                ):
                    kind = resource["resourceType"]
                    if kind not in streams:
                        streams[kind] = (out / f"{kind}.ndjson{PARTIAL}").open(
                            "w", encoding="utf-8"
                        )
                    streams[kind].write(
                        json.dumps(fhir.labelled(resource), separators=(",", ":")) + "\n"
                    )
                    lines[kind] += 1
                exported.append((patient, consent))
            if progress is not None:
                progress(done, len(patients))
        for stream in streams.values():
            stream.close()
        with transaction.atomic():
            for patient, consent in exported:
                disclosure = Disclosure.objects.create(
                    kind=Disclosure.Kind.BULK,
                    consent=consent,
                    patient=patient,
                    recipient_class=recipient_class,
                    recipient=recipient,
                    purpose=consent.purpose,
                    consent_information=consent.information,
                    includes_counselling_notes=False,
                    # The files carry the Part 2 security labels, not the § 2.32 notice:
                    # the program sends the notice with them (docs/part2.md).
                    notice="",
                    disclosed_by_id=actor.user_id,
                    disclosed_at=now,
                    recorded_at=now,
                )
                record(
                    actor,
                    EXPORT_ACTION,
                    patient=patient,
                    target=disclosure,
                    detail={
                        "recipient_class": recipient_class,
                        "recipient": recipient,
                        "consent_id": consent.pk,
                    },
                )
    except BaseException:
        for kind, stream in streams.items():
            stream.close()
            (out / f"{kind}.ndjson{PARTIAL}").unlink(missing_ok=True)
        raise
    files = []
    for kind in sorted(streams):
        final = out / f"{kind}.ndjson"
        (out / f"{kind}.ndjson{PARTIAL}").rename(final)
        files.append(final)
    return BulkResult(len(exported), dict(lines), dict(left_out), tuple(files))
