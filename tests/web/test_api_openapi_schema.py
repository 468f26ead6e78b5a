"""The published OpenAPI schema agrees with the API: one component per name, the fixed
choices declared as enums from the data the code checks against, and its examples
accepted by the endpoints they describe (issue 14, the first fuzzing pass)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from ninja import Schema

from clonacare.api.v1 import api
from clonacare.core.drugs import known_drugs
from clonacare.monitoring.models import DoseLog
from clonacare.patients.models import DOSE_TIMES, Patient
from clonacare.therapy.exercises import exercise_kinds
from clonacare.therapy.group_models import Attendance, GroupEnrolment, Weekday
from tests.api_client import BASE, ApiClient
from tests.personas import World

pytestmark = pytest.mark.django_db

REF = "#/components/schemas/"


@pytest.fixture
def schema(client: Client) -> dict[str, Any]:
    response = client.get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def _component(schema: dict[str, Any], ref: str) -> dict[str, Any]:
    assert ref.startswith(REF)
    found: dict[str, Any] = schema["components"]["schemas"][ref.removeprefix(REF)]
    return found


def _items_of(schema: dict[str, Any], component: str, field: str) -> dict[str, Any]:
    """The component that the list ``field`` of ``component`` holds."""
    prop = schema["components"]["schemas"][component]["properties"][field]
    return _component(schema, prop["items"]["$ref"])


def _api_schemas() -> dict[str, set[type]]:
    """Every ninja Schema the API's modules define, by the name it is published under."""
    by_name: dict[str, set[type]] = {}
    todo: list[type] = [Schema]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("clonacare.api"):
            by_name.setdefault(cls.__name__, set()).add(cls)
    return by_name


def test_every_published_component_is_one_schema_of_the_api(schema: dict[str, Any]) -> None:
    # django-ninja keeps one component per name: a second schema of the same name was
    # published as the first (two ConditionOut, the fuzzing pass found).
    by_name = _api_schemas()
    published = set(schema["components"]["schemas"])
    assert len(published & set(by_name)) > 100  # the walk found the API's schemas
    shared = {
        name: sorted(c.__module__ for c in classes)
        for name, classes in by_name.items()
        if name in published and len(classes) > 1
    }
    assert shared == {}


def test_every_published_component_is_the_schema_of_that_name(schema: dict[str, Any]) -> None:
    by_name = _api_schemas()
    for name, published in schema["components"]["schemas"].items():
        if name not in by_name:
            continue  # a response wrapper or a parameter model django-ninja names itself
        (cls,) = by_name[name]
        fields = {f.alias or key for key, f in cls.model_fields.items()}
        assert set(published.get("properties", {})) == fields, name


def test_an_instruments_conditions_and_a_patients_conditions_are_told_apart(
    schema: dict[str, Any],
) -> None:
    scoring = _items_of(schema, "InstrumentOut", "conditions")
    assert set(scoring["properties"]) == {"id", "label", "source"}
    record = _items_of(schema, "PatientRecordOut", "conditions")
    assert set(record["properties"]) == {"id", "name", "noted_on"}


def test_the_published_conditions_match_what_the_endpoints_answer(
    schema: dict[str, Any], world: World
) -> None:
    api_client = ApiClient(world.avery)
    condition = {"name": "Panic disorder", "noted_on": "2023-02-01"}
    assert api_client.post(f"/patients/{world.alex.pk}/conditions", condition).status_code == 201
    record = api_client.get(f"/patients/{world.alex.pk}").json()
    assert set(record["conditions"][0]) == set(
        _items_of(schema, "PatientRecordOut", "conditions")["properties"]
    )
    instruments = api_client.get("/instruments").json()
    declared = [c for i in instruments["items"] for c in i["conditions"]]
    assert declared  # dsm5-sud declares one
    scoring = _items_of(schema, "InstrumentOut", "conditions")["properties"]
    assert all(set(c) == set(scoring) for c in declared)


def _enum(schema: dict[str, Any], component: str, field: str) -> list[Any]:
    enum: list[Any] = schema["components"]["schemas"][component]["properties"][field]["enum"]
    return enum


@pytest.mark.parametrize(
    ("component", "field", "choices"),
    [
        ("RegistrationIn", "status", Patient.Status.values),
        ("StatusIn", "status", Patient.Status.values),
        ("PatientSummaryOut", "status", Patient.Status.values),
        ("InitialUseIn", "drug", list(known_drugs())),
        ("BenzodiazepineChangeIn", "drug", list(known_drugs())),
        ("PlanIn", "drug", [*known_drugs(), None]),
        ("DoseIn", "dose_time", list(DOSE_TIMES)),
        ("DoseIn", "status", DoseLog.Status.values),
        ("ExerciseIn", "kind", list(exercise_kinds())),
        ("GroupOut", "weekday", [str(label) for label in Weekday.labels]),
        ("AttendanceOut", "status", Attendance.Status.values),
        ("EnrolmentOut", "status", GroupEnrolment.Status.values),
    ],
)
def test_a_fixed_choice_is_declared_as_an_enum_from_the_codes_own_data(
    schema: dict[str, Any], component: str, field: str, choices: list[Any]
) -> None:
    assert _enum(schema, component, field) == choices


def test_every_field_that_lists_its_choices_declares_them(schema: dict[str, Any]) -> None:
    # A description "One of: ..." with no enum is the mistake this test keeps out.
    listed = [
        (name, field)
        for name, component in schema["components"]["schemas"].items()
        for field, prop in component.get("properties", {}).items()
        if str(prop.get("description", "")).startswith("One of:")
    ]
    assert len(listed) >= 12
    assert [
        (n, f)
        for n, f in listed
        if "enum" not in schema["components"]["schemas"][n]["properties"][f]
    ] == []


def test_a_value_outside_the_enum_is_refused_with_the_choices_named(world: World) -> None:
    response = ApiClient(world.avery).client.patch(
        f"{BASE}/patients/{world.alex.pk}",
        json.dumps({"status": "cured"}),
        content_type="application/json",
        headers=ApiClient(world.avery).headers,
    )
    assert response.status_code == 400
    choices = ", ".join(Patient.Status.values)
    assert response.json() == {"detail": f"Unknown status 'cured'; choose one of: {choices}."}


def _submission_examples(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The bodies the schema offers for submitting an assessment: its own examples, and
    the body Swagger UI composes from each field's first example."""
    operation = schema["paths"][f"{BASE}/patients/{{patient_id}}/assessments"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    component = _component(schema, ref)
    composed = {
        field: prop["examples"][0]
        for field, prop in component["properties"].items()
        if "examples" in prop
    }
    return [*component.get("examples", []), composed]


def test_the_schema_offers_whole_submissions(schema: dict[str, Any]) -> None:
    examples = _submission_examples(schema)
    assert len(examples) == 4
    assert {e["instrument"] for e in examples} == {"phq9", "dsm5-sud"}


@pytest.mark.parametrize("index", range(4))
def test_each_example_submission_in_the_schema_is_accepted(
    schema: dict[str, Any], world: World, index: int
) -> None:
    example = _submission_examples(schema)[index]
    response = ApiClient(world.avery).post(f"/patients/{world.alex.pk}/assessments", example)
    assert response.status_code == 201, response.json()
    assert response.json()["instrument"] == example["instrument"]


def test_the_schema_is_the_one_the_api_publishes(schema: dict[str, Any]) -> None:
    assert schema == json.loads(json.dumps(api.get_openapi_schema()))
