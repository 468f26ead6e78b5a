"""A new dose is prescribed by the prescriber who ordered it: the page asks for no name
(and prefills none from the previous dose), and the API refuses a name that is not the
ordering prescriber's, for a prescriber's own order and for a nurse's verbal order."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from clonacare.patients.models import BenzodiazepineUse, DoseChange
from tests.api_client import ApiClient
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

YESTERDAY = (timezone.now().date() - dt.timedelta(days=1)).isoformat()
DOSES = {"morning_mg": 0.5, "night_mg": 0.75}


def api_change(world: World, user: User, **more: Any) -> Any:
    body = {"drug": "clonazepam", "doses": DOSES, "on": YESTERDAY} | more
    return ApiClient(user).post(f"/patients/{world.alex.pk}/benzodiazepine-changes", body)


def new_use(world: World) -> BenzodiazepineUse:
    return BenzodiazepineUse.objects.get(patient=world.alex, ended_on__isnull=True)


def test_a_nurses_order_names_its_prescriber_not_someone_typed(world: World) -> None:
    order = {"prescriber_id": world.avery.pk, "kind": "telephone", "read_back": True}
    response = api_change(world, world.kim, verbal_order=order, prescriber_name="Dr. Somebody Else")
    assert (response.status_code, response.json()) == (
        400,
        {
            "detail": "A new dose is prescribed by the prescriber who ordered it, avery; "
            "'Dr. Somebody Else' is someone else. Leave the prescriber's name out: it is "
            "taken from the order."
        },
    )
    assert not DoseChange.objects.exists()


def test_without_a_name_the_ordering_prescriber_is_stored(world: World) -> None:
    order = {"prescriber_id": world.avery.pk, "kind": "verbal", "read_back": True}
    assert api_change(world, world.kim, verbal_order=order).status_code == 201
    assert new_use(world).prescriber_name == "avery"


def test_the_prescribers_own_name_is_accepted(world: World) -> None:
    assert api_change(world, world.avery, prescriber_name=" Avery ").status_code == 201
    assert new_use(world).prescriber_name == "avery"


def test_the_page_takes_the_name_from_the_order(client: Client, world: World) -> None:
    # The persona's record says "Dr. Avery" (registration history, free text).
    signed_in(client, world.avery)
    url = f"/clinic/patients/{world.alex.pk}/benzodiazepine/"
    html = client.get(url).content.decode()
    assert "Dr. Avery" not in html
    form = {"drug": "clonazepam", "morning_mg": "0.5", "night_mg": "0.75", "on": YESTERDAY}
    posted = client.post(url, form | {"prescriber_name": "Dr. Somebody Else"})
    assert posted.status_code == 302
    assert new_use(world).prescriber_name == "avery"
