"""``/api/v1/openapi.json`` and ``/api/v1/docs``: open without a token, and the docs page
loads nothing from the internet."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "/api/v1/auth/token": {"post", "delete"},
    "/api/v1/me": {"get"},
    "/api/v1/patients": {"get", "post"},
    "/api/v1/patients/{patient_id}": {"get", "patch"},
    "/api/v1/patients/{patient_id}/benzodiazepine-changes": {"post"},
    "/api/v1/patients/{patient_id}/dose-changes/{change_id}/cosign": {"post"},
    "/api/v1/patients/{patient_id}/medications": {"get", "post"},
    "/api/v1/co-medications": {"get"},
    "/api/v1/patients/{patient_id}/medications/{medication_id}/end": {"post"},
    "/api/v1/patients/{patient_id}/conditions": {"post"},
    "/api/v1/patients/{patient_id}/care-team": {"post"},
    "/api/v1/patients/{patient_id}/care-team/{user_id}": {"delete"},
    "/api/v1/instruments": {"get"},
    "/api/v1/patients/{patient_id}/assessments": {"get", "post"},
    "/api/v1/alerts": {"get"},
    "/api/v1/patients/{patient_id}/alerts": {"get"},
    "/api/v1/alerts/{alert_id}/acknowledge": {"post"},
    "/api/v1/patients/{patient_id}/seizure-reports": {"post"},
    "/api/v1/patients/{patient_id}/level-of-care": {"get", "post"},
    "/api/v1/audit": {"get"},
    "/api/v1/audit.csv": {"get"},
    "/api/v1/patients/{patient_id}/consents": {"post"},
    "/api/v1/patients/{patient_id}/consents/{consent_id}/revoke": {"post"},
    "/api/v1/patients/{patient_id}/disclosures": {"get", "post"},
    "/api/v1/patients/{patient_id}/disclosures/{disclosure_id}/package": {"get"},
    "/api/v1/patients/{patient_id}/emergency-disclosures": {"post"},
    "/api/v1/patients/{patient_id}/restrictions": {"get", "post"},
    "/api/v1/patients/{patient_id}/restrictions/{request_id}/answer": {"post"},
    "/api/v1/staff": {"get"},
    "/api/v1/programs": {"get"},
    "/api/v1/patients/{patient_id}/plans": {"get", "post"},
    "/api/v1/plans/{plan_id}": {"get"},
    "/api/v1/plans/{plan_id}/approve": {"post"},
    "/api/v1/plans/{plan_id}/revisions": {"post"},
    "/api/v1/plans/{plan_id}/calendar.ics": {"get"},
    "/api/v1/plans/{plan_id}/pdf": {"get"},
    "/api/v1/worklist": {"get"},
    "/api/v1/proposals": {"get"},
    "/api/v1/proposals/{proposal_id}/accept": {"post"},
    "/api/v1/proposals/{proposal_id}/reject": {"post"},
    "/api/v1/patients/{patient_id}/doses": {"get", "post"},
    "/api/v1/patients/{patient_id}/check-ins": {"get", "post"},
    "/api/v1/patients/{patient_id}/follow-up": {"get", "post"},
    "/api/v1/patients/{patient_id}/modules": {"get", "post"},
    "/api/v1/patients/{patient_id}/exercises": {"get", "post"},
    "/api/v1/patients/{patient_id}/modules/{assignment_id}/sections": {"post"},
    "/api/v1/patients/{patient_id}/modules/{assignment_id}/comments": {"post"},
    "/api/v1/patients/{patient_id}/exercises/{entry_id}/comments": {"post"},
    "/api/v1/patients/{patient_id}/safety-plan": {"get", "put"},
    "/api/v1/patients/{patient_id}/groups": {"get", "post"},
    "/api/v1/programs/{program_id}/groups": {"get"},
    "/api/v1/programs/{program_id}/outcomes": {"get"},
    "/api/v1/patients/{patient_id}/sessions": {"get", "post"},
    "/api/v1/patients/{patient_id}/sessions/{session_id}/outcome": {"post"},
    "/api/v1/patients/{patient_id}/sessions/{session_id}/notes": {"get", "post"},
    "/api/v1/patients/{patient_id}/timeline": {"get"},
    "/api/v1/patients/{patient_id}/returns-to-use": {"post"},
    "/api/v1/patients/{patient_id}/fhir": {"get"},
    "/api/v1/programs/{program_id}/fhir-import": {"post"},
    "/api/v1/programs/{program_id}/screens": {"post"},
    "/api/v1/screens/{screen_id}": {"get"},
    "/api/v1/screens/{screen_id}/invitations": {"post"},
    "/api/v1/invitations/{invitation_id}/answer": {"post"},
}


@pytest.fixture
def schema(client: Client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def test_it_lists_every_endpoint(schema: dict[str, Any]) -> None:
    assert {path: set(ops) for path, ops in schema["paths"].items()} == ENDPOINTS


def test_every_endpoint_but_sign_in_needs_a_bearer_token(schema: dict[str, Any]) -> None:
    assert schema["components"]["securitySchemes"] == {
        "BearerToken": {"type": "http", "scheme": "bearer"}
    }
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if (path, method) == ("/api/v1/auth/token", "post"):
                assert "security" not in operation
            else:
                assert operation["security"] == [{"BearerToken": []}], (path, method)


def test_it_describes_requests_and_errors(schema: dict[str, Any]) -> None:
    submit = schema["paths"]["/api/v1/patients/{patient_id}/assessments"]["post"]
    body = submit["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body == "#/components/schemas/AssessmentIn"
    assert set(submit["responses"]) == {"201", "400", "401", "403", "404", "429"}
    error = submit["responses"]["404"]["content"]["application/json"]["schema"]["$ref"]
    assert error == "#/components/schemas/ErrorOut"
    sign_in = schema["paths"]["/api/v1/auth/token"]["post"]
    assert set(sign_in["responses"]) == {"200", "400", "401", "403", "429"}


def test_the_level_of_care_record_has_the_cores_fields(schema: dict[str, Any]) -> None:
    record = schema["components"]["schemas"]["LevelOfCareIn"]
    assert record["properties"]["suicide_screen"]["enum"] == [
        "negative",
        "non-acute positive",
        "acute positive",
        "incomplete",
    ]
    assert record["properties"]["daily_dose_mg"]["type"] == "number"
    assert "age" in record["required"]
    # The drugs: the one-drug fields, or the list (issue 8: more than one benzodiazepine).
    assert record["anyOf"] == [
        {"required": ["drug", "daily_dose_mg"]},
        {"required": ["benzodiazepines"]},
    ]
    assert record["properties"]["seizure_now"]["default"] is False
    assert record["properties"]["equivalence"]["enum"] == ["ashton", "vadod"]


def test_the_docs_page_needs_no_login_and_loads_only_our_files(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets
    assert all(a.startswith("/static/") for a in assets), assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    settings_json = re.search(
        r'<script type="application/json" id="swagger-settings">(.*?)</script>', page, re.S
    )
    assert settings_json is not None
    swagger = json.loads(settings_json.group(1))
    assert swagger["url"] == "/api/v1/openapi.json"
    assert swagger["validatorUrl"] is None  # no badge fetched from validator.swagger.io


def test_unknown_paths_under_the_api_answer_json(client: Client) -> None:
    response = client.get("/api/v1/nothing/here")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found. The endpoints are listed at /api/v1/docs."}
