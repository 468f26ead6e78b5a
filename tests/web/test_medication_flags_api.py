"""``/api/v1/patients/{id}/medications``: each medication with its drug, class and
interaction flags; POST takes a known ``drug``; the same access rules as the record."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from clonacare.audit.models import AuditEvent
from clonacare.patients.models import Medication
from tests.api_client import ApiClient
from tests.personas import World
from tests.samples import ALICE_RECORD

pytestmark = pytest.mark.django_db

OPIOID_FLAG = {
    "code": "opioid-with-benzodiazepine",
    "message": "Oxycodone (an opioid) with clonazepam: taken together they can cause "
    "profound sedation, slowed breathing, coma and death (FDA boxed warning). Weigh the "
    "risks and benefits of the combination and review them at least every 3 months, or at "
    "each related visit or renewal.",
    "source": "FDA 2020 boxed warning (clinical reference, Clonazepam); ASAM 2025 Rec 16–18 "
    "(clinical reference, Level of care)",
    "with": ["clonazepam"],
}


def add(user: User, patient_id: int, body: dict[str, Any]) -> tuple[int, Any]:
    response = ApiClient(user).post(f"/patients/{patient_id}/medications", body)
    return response.status_code, response.json()


def listed(user: User, patient_id: int) -> tuple[int, Any]:
    response = ApiClient(user).get(f"/patients/{patient_id}/medications")
    return response.status_code, response.json()


def test_it_records_a_known_drug_and_answers_its_flag(world: World) -> None:
    status, record = add(
        world.avery,
        world.alex.pk,
        {"drug": "oxycodone", "dose": "5 mg twice daily", "reason": "back pain"},
    )
    assert status == 201
    (medication,) = record["medications"]
    assert medication == {
        "id": medication["id"],
        "name": "oxycodone",
        "drug": "oxycodone",
        "class": "opioids",
        "class_name": "Opioids",
        "dose": "5 mg twice daily",
        "reason": "back pain",
        "started_on": None,
        "ended_on": None,
        "flags": [OPIOID_FLAG],
    }
    event = AuditEvent.objects.get(action="record.medication-add")
    assert event.detail == {"name": "oxycodone", "drug": "oxycodone"}


def test_the_medication_list_answers_items_and_general_flags(world: World) -> None:
    add(world.avery, world.alex.pk, {"name": "OxyContin", "drug": "oxycodone"})
    add(world.avery, world.alex.pk, {"name": "Lisinopril", "dose": "10 mg"})
    status, body = listed(world.kim, world.alex.pk)
    assert status == 200
    assert [(m["name"], m["drug"], m["class"], m["flags"]) for m in body["items"]] == [
        ("OxyContin", "oxycodone", "opioids", [OPIOID_FLAG]),
        ("Lisinopril", None, None, []),
    ]
    assert body["flags"] == []
    assert AuditEvent.objects.filter(action="medications.list", patient_id=world.alex.pk).exists()


def test_free_text_still_works_and_a_known_name_is_recorded_as_its_drug(world: World) -> None:
    status, record = add(world.kim, world.alex.pk, {"name": " Gabapentin ", "dose": "300 mg"})
    assert status == 201
    (medication,) = record["medications"]
    assert (medication["name"], medication["drug"], medication["class"]) == (
        "Gabapentin",
        "gabapentin",
        "gabapentinoids",
    )
    assert [f["code"] for f in medication["flags"]] == ["gabapentinoid-with-cns-depressant"]
    assert Medication.objects.get().drug == "gabapentin"


def test_an_unknown_drug_is_refused_and_nothing_is_written(world: World) -> None:
    assert add(world.avery, world.alex.pk, {"name": "Aspirin", "drug": "aspirin"}) == (
        400,
        {
            "detail": "Unknown drug 'aspirin': choose one of the listed drugs, or leave the "
            "drug out and write the medication's name."
        },
    )
    assert not Medication.objects.exists()


def test_neither_drug_nor_name_is_refused(world: World) -> None:
    assert add(world.avery, world.alex.pk, {"dose": "10 mg"}) == (
        400,
        {"detail": "Choose the drug from the list, or enter the name of the medication."},
    )


def test_an_ended_medication_keeps_no_flags(world: World) -> None:
    _, record = add(world.avery, world.alex.pk, {"drug": "methadone"})
    medication_id = record["medications"][0]["id"]
    response = ApiClient(world.avery).post(
        f"/patients/{world.alex.pk}/medications/{medication_id}/end", {"ended_on": "2025-01-02"}
    )
    assert response.status_code == 200
    assert response.json()["medications"][0]["flags"] == []


def test_alcohol_from_the_latest_assessment_is_flagged_for_staff_only(world: World) -> None:
    ApiClient(world.avery).post(
        f"/patients/{world.blair.pk}/level-of-care",
        dict(ALICE_RECORD) | {"alcohol_use_disorder": True},
    )
    add(world.avery, world.blair.pk, {"drug": "oxycodone"})
    _, staff = listed(world.kim, world.blair.pk)
    assert [f["code"] for f in staff["flags"]] == ["alcohol-with-benzodiazepine"]
    assert staff["flags"][0]["with"] == ["clonazepam"]
    assert [f["with"] for f in staff["items"][0]["flags"]] == [["clonazepam"], ["alcohol"]]
    # The patient does not see the level-of-care assessment, nor flags drawn from it.
    status, own = listed(world.blair_user, world.blair.pk)
    assert status == 200
    assert own["flags"] == []
    assert [f["code"] for f in own["items"][0]["flags"]] == ["opioid-with-benzodiazepine"]


def test_a_later_assessment_without_alcohol_clears_the_flag(world: World) -> None:
    client = ApiClient(world.avery)
    client.post(
        f"/patients/{world.blair.pk}/level-of-care",
        dict(ALICE_RECORD) | {"alcohol_use_disorder": True},
    )
    client.post(f"/patients/{world.blair.pk}/level-of-care", ALICE_RECORD)
    assert listed(world.kim, world.blair.pk)[1]["flags"] == []


def test_the_record_carries_the_same_flags(world: World) -> None:
    add(world.avery, world.alex.pk, {"drug": "oxycodone"})
    record = ApiClient(world.alex_user).get(f"/patients/{world.alex.pk}").json()
    assert record["medications"][0]["flags"] == [OPIOID_FLAG]


@pytest.mark.parametrize("who", ["brook", "casey_user", "site_admin"])
def test_other_programs_get_404_for_the_list_and_the_write(world: World, who: str) -> None:
    user = getattr(world, who)
    not_found = (404, {"detail": "Patient not found."})
    assert listed(user, world.alex.pk) == not_found
    assert add(user, world.alex.pk, {"drug": "oxycodone"}) == not_found
    assert not Medication.objects.exists()


def test_the_patient_may_read_but_not_add(world: World) -> None:
    assert listed(world.alex_user, world.alex.pk)[0] == 200
    status, _ = add(world.alex_user, world.alex.pk, {"drug": "oxycodone"})
    assert status == 403


def test_it_lists_the_known_drugs_by_class_with_sources(world: World) -> None:
    response = ApiClient(world.kim).get("/co-medications")
    assert response.status_code == 200
    opioids = response.json()[0]
    assert opioids["id"] == "opioids"
    assert opioids["medications_for_opioid_use_disorder"] == ["methadone", "buprenorphine"]
    assert "oxycodone" in opioids["drugs"]
    assert opioids["source"].startswith("FDA 2020 boxed warning")
