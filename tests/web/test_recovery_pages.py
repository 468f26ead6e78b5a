"""The recovery record's pages: the clinic's timeline with the return-to-use form, and
the patient's own recovery page in the portal (docs/recovery.md)."""

from __future__ import annotations

import pytest
from django.test import Client

from clonacare.recovery.models import ReturnToUse
from tests.personas import World, signed_in
from tests.web.recovery_world import alex_history, day_ago

pytestmark = pytest.mark.django_db


def _timeline(world: World) -> str:
    return f"/clinic/patients/{world.alex.pk}/timeline/"


def test_the_patient_page_links_to_the_recovery_record(client: Client, world: World) -> None:
    page = signed_in(client, "avery").get(f"/clinic/patients/{world.alex.pk}/")
    assert f'href="{_timeline(world)}"' in page.content.decode()


def test_staff_see_milestones_remission_and_the_timeline(client: Client, world: World) -> None:
    alex_history(world)
    page = signed_in(client, "kim").get(_timeline(world))
    text = page.content.decode()
    assert page.status_code == 200
    assert "<strong>420 days</strong> without a benzodiazepine since" in text
    assert "365 days reached on" in text
    assert "<strong>In early remission (DSM-5)</strong>" in text
    assert "Judged conservatively from the DSM-5 SUD checklists on the record" in text
    assert "Taper finished: first day without a benzodiazepine" in text
    assert "Record a return to use" in text


def test_a_counsellor_records_a_return_to_use_and_is_offered_a_new_start(
    client: Client, world: World
) -> None:
    alex_history(world)
    on = day_ago(200)
    staff = signed_in(client, "lee")
    response = staff.post(_timeline(world), {"on": on.isoformat(), "drug": "", "note": ""})
    assert response.status_code == 302
    page = staff.get(response["Location"])
    text = page.content.decode()
    assert "The return to use is recorded. Everything before it is kept as it was." in text
    assert "Use started again" in text
    assert f'href="/clinic/patients/{world.alex.pk}/plans/new/">Draft a new taper plan' in text
    assert f'href="/clinic/patients/{world.alex.pk}/level-of-care/">Start a new assessment' in text
    assert "Taper finished: first day without a benzodiazepine" in text
    for word in ("relapse", "dirty", "failure"):
        assert word not in text.lower()


def test_a_refused_return_to_use_says_why_and_writes_nothing(client: Client, world: World) -> None:
    tomorrow = day_ago(-1)
    page = signed_in(client, "avery").post(_timeline(world), {"on": tomorrow.isoformat()})
    assert page.status_code == 400
    assert "The day use started again cannot be in the future." in page.content.decode()
    assert not ReturnToUse.objects.exists()


def test_the_admin_reads_the_record_without_the_form(client: Client, world: World) -> None:
    page = signed_in(client, "riverside_admin").get(_timeline(world))
    assert page.status_code == 200
    assert "Record a return to use" not in page.content.decode()


def test_another_programs_staff_get_not_found(client: Client, world: World) -> None:
    assert signed_in(client, "brook").get(_timeline(world)).status_code == 404


def test_the_patient_sees_their_recovery_in_plain_words(client: Client, world: World) -> None:
    alex_history(world)
    page = signed_in(client, "alex").get("/portal/recovery/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "420 days without a benzodiazepine" in text
    assert "Need help now?" in text
    assert "DSM-5" not in text
    assert 'href="/portal/recovery/"' in signed_in(client, "alex").get("/portal/").content.decode()
