"""What the clinic's pages show about doses: a pending order is marked on the caseload;
an order whose prescriber left the care team is flagged on the record; stopping a
benzodiazepine on the dose form asks for confirmation first; the level-of-care form says
which benzodiazepines it could not prefill; the record's label-maximum warning uses the
indication of the latest level-of-care assessment (as the level of care does)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from clonacare.patients.models import BenzodiazepineUse, DoseChange
from tests.api_client import ApiClient
from tests.personas import World, signed_in
from tests.samples import ALICE_RECORD

pytestmark = pytest.mark.django_db

TODAY = timezone.now().date()
YESTERDAY = (TODAY - dt.timedelta(days=1)).isoformat()


def telephone_order(world: World) -> None:
    order = {"prescriber_id": world.avery.pk, "kind": "telephone", "read_back": True}
    body = {
        "drug": "clonazepam",
        "doses": {"morning_mg": 0.5, "night_mg": 0.75},
        "on": YESTERDAY,
        "verbal_order": order,
    }
    response = ApiClient(world.kim).post(f"/patients/{world.alex.pk}/benzodiazepine-changes", body)
    assert response.status_code == 201


def html(client: Client, user: Any, path: str) -> str:
    signed_in(client, user)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode().replace("&#x27;", "'")


def test_the_caseload_marks_a_dose_pending_co_signature(client: Client, world: World) -> None:
    assert "pending co-signature" not in html(client, world.kim, "/clinic/caseload/")
    telephone_order(world)
    assert (
        'clonazepam 1.25 mg/day <span class="badge badge-pending">pending co-signature</span>'
    ) in html(client, world.kim, "/clinic/caseload/")


def test_an_order_whose_prescriber_left_the_care_team_is_flagged(
    client: Client, world: World
) -> None:
    telephone_order(world)
    flag = (
        "avery is no longer a prescriber on this patient's care team, so this order cannot "
        "be co-signed. A prescriber on the care team reviews it and records a new change if "
        "the dose should differ."
    )
    record = f"/clinic/patients/{world.alex.pk}/"
    assert flag not in html(client, world.kim, record)
    world.alex.care_team.filter(user=world.avery).delete()
    assert flag in html(client, world.kim, record)


class TestStoppingADrugIsConfirmed:
    def stop(self, client: Client, world: World, **more: str) -> Any:
        signed_in(client, world.avery)
        form = {"drug": "diazepam", "night_mg": "0", "on": YESTERDAY}
        return client.post(f"/clinic/patients/{world.alex.pk}/benzodiazepine/", form | more)

    def test_the_form_asks_before_stopping(self, client: Client, world: World) -> None:
        BenzodiazepineUse.objects.create(
            patient=world.alex, drug="diazepam", night_mg=Decimal("0.5"), since=dt.date(2026, 1, 5)
        )
        response = self.stop(client, world)
        assert response.status_code == 200
        page = response.content.decode().replace("&#x27;", "'")
        assert '<h1 id="confirm-title">Stop diazepam?</h1>' in page
        day_before = TODAY - dt.timedelta(days=2)
        assert (
            f"Diazepam is recorded as stopped: the current doses end on "
            f"{day_before.day} {day_before:%b %Y} and the patient takes none from "
            f"{(TODAY - dt.timedelta(days=1)).day} {(TODAY - dt.timedelta(days=1)):%b %Y}."
        ) in page
        assert '<input type="hidden" name="night_mg" value="0">' in page
        assert not DoseChange.objects.exists()
        confirmed = self.stop(client, world, confirm="yes")
        assert confirmed.status_code == 302
        assert DoseChange.objects.get().to_daily_mg == 0

    def test_a_stop_that_would_be_refused_is_refused_before_asking(
        self, client: Client, world: World
    ) -> None:
        response = self.stop(client, world)
        assert response.status_code == 400
        assert "There is no current use of diazepam to stop." in response.content.decode()


def test_the_level_of_care_form_names_the_drugs_it_could_not_prefill(
    client: Client, world: World
) -> None:
    # The longest-taken first: oxazepam, started last, is the fourth.
    for day, (drug, mg) in enumerate((("diazepam", "5"), ("lorazepam", "1"), ("oxazepam", "10"))):
        BenzodiazepineUse.objects.create(
            patient=world.alex, drug=drug, night_mg=Decimal(mg), since=dt.date(2026, 2, 1 + day)
        )
    page = html(client, world.avery, f"/clinic/patients/{world.alex.pk}/level-of-care/")
    assert (
        "The record has 4 current benzodiazepines; this form holds 3, so oxazepam 10 mg/day "
        "is not prefilled. Replace one here, or record the assessment through the API "
        f"(POST /api/v1/patients/{world.alex.pk}/level-of-care with a 'benzodiazepines' "
        "list), which takes every drug."
    ) in page


def test_the_record_warns_above_the_label_maximum_of_the_assessed_indication(
    client: Client, world: World
) -> None:
    BenzodiazepineUse.objects.filter(patient=world.alex).update(
        morning_mg=Decimal("2"), night_mg=Decimal("3")
    )
    record = f"/clinic/patients/{world.alex.pk}/"
    # No indication on file: the drug's highest label maximum (20 mg) applies.
    assert "Above the label maximum" not in html(client, world.avery, record)
    body = {**ALICE_RECORD, "daily_dose_mg": 5, "indication": "panic disorder"}
    response = ApiClient(world.avery).post(f"/patients/{world.alex.pk}/level-of-care", body)
    assert response.status_code == 201
    assert (
        'Above the label maximum of 4 mg/day (panic disorder). <span class="small">FDA label '
        "for clonazepam, maximum daily dose (DailyMed prescribing information; clinical "
        "reference, label maximum daily doses)</span>"
    ) in html(client, world.avery, record)
