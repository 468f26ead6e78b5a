"""``GET /patients/{id}/fhir`` (the record as a FHIR R4B Bundle) and ``POST
/programs/{id}/fhir-import`` (a Bundle another program sent, read into a new record);
docs/fhir.md. The Bundle is read through the record's gate, so a patient the caller may
not see answers 404 like a missing one; the import is the exchange's one action."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from ninja import Router, Schema, Status

from clonacare.api.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut
from clonacare.api.security import caller
from clonacare.core.errors import ClinicalError
from clonacare.exchange.access import access_own_program, access_patient_bundle
from clonacare.exchange.actions import do_import_fhir_bundle

router = Router(tags=["FHIR export and import"])

FHIR_JSON = "application/fhir+json"


class ImportOut(Schema):
    id: int
    imported: dict[str, int]
    skipped: dict[str, int]


@router.get(
    "/patients/{int:patient_id}/fhir",
    response={200: dict[str, Any], **READ_ERRORS},
    summary="A patient's record as a FHIR R4B Bundle, with the 42 CFR Part 2 labels",
)
def patient_fhir(request: HttpRequest, patient_id: int) -> JsonResponse:
    """Whoever may see the record (the patient, the care team, the program admin);
    SUD counselling notes are never included. Audited as ``patient.fhir-export``."""
    actor = caller(request).actor
    bundle = access_patient_bundle(actor, patient_id, now=timezone.now())
    return JsonResponse(bundle, content_type=FHIR_JSON)


@router.post(
    "/programs/{int:program_id}/fhir-import",
    response={201: ImportOut, **WRITE_ERRORS, 422: ErrorOut},
    summary="Read a FHIR R4B Bundle (the body) into a new patient record of the program",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
def fhir_import(request: HttpRequest, program_id: int) -> Status[dict[str, Any]]:
    """The program's admin or a prescriber of it (403 for its other staff, 404 for
    anyone else). 400 for a body that is not a valid R4B Bundle, 422 for one that
    cannot be read into a record; nothing is written then."""
    actor = caller(request).actor
    program = access_own_program(actor, program_id, purpose="exchange.fhir-import")
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ClinicalError("fhir-bundle", "The body is not JSON.") from None
    result = do_import_fhir_bundle(actor, program, body, now=timezone.now())
    return Status(
        201, {"id": result.patient.pk, "imported": result.imported, "skipped": result.skipped}
    )
