"""Open safety alerts show on every page a staff member opens, until acknowledged: the
alerts of the patients that staff member may see, and no one else's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from clonacare.assessments.delivery import deliver
from clonacare.assessments.models import SafetyAlert
from clonacare.patients.models import CareTeamMember, Patient
from tests.api_client import ApiClient
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

BANNER = '<section class="alert-banner"'


def page(client: Client, user: User, path: str = "/clinic/") -> str:
    signed_in(client, user)
    return client.get(path).content.decode()


def raise_alert(patient: Patient, code: str = "suicide-risk") -> SafetyAlert:
    return SafetyAlert.objects.create(
        patient=patient, code=code, message="Act today.", raised_at=timezone.now()
    )


def test_a_clinician_sees_the_open_alerts_of_their_patients_on_every_page(
    client: Client, world: World
) -> None:
    alert = raise_alert(world.alex)
    for path in ("/clinic/", f"/clinic/patients/{world.blair.pk}/", "/", "/accounts/password/"):
        html = page(client, world.avery, path)
        assert BANNER in html, path
        assert "Open safety alerts: 1" in html
        assert (
            f'<strong>Alex Morgan</strong>: <a href="/clinic/patients/{world.alex.pk}/'
            f'#alert-{alert.pk}"><span class="badge badge-alert">suicide-risk</span> raised '
            f"{alert.raised_at:%-d %b %Y %H:%M} UTC</a>"
        ) in html


@pytest.mark.parametrize(
    ("persona", "shown"),
    [
        ("avery", ["Alex Morgan", "Blair Okafor"]),
        ("kim", ["Alex Morgan", "Blair Okafor"]),
        ("lee", ["Alex Morgan"]),
        ("riverside_admin", ["Alex Morgan", "Blair Okafor"]),
        ("brook", []),
        ("site_admin", []),
        ("alex_user", []),
    ],
)
def test_it_lists_only_the_patients_the_person_may_see(
    client: Client, world: World, persona: str, shown: list[str]
) -> None:
    raise_alert(world.alex)
    raise_alert(world.blair, "seizure")
    html = page(client, getattr(world, persona), "/")
    banner = (
        html[html.index(BANNER) : html.index("</section>", html.index(BANNER))] if shown else ""
    )
    assert (BANNER in html) is bool(shown)
    for name in ("Alex Morgan", "Blair Okafor"):
        assert (name in banner) is (name in shown)


def test_it_goes_when_the_alert_is_acknowledged(client: Client, world: World) -> None:
    alert = raise_alert(world.alex)
    response = ApiClient(world.kim).post(
        f"/alerts/{alert.pk}/acknowledge", {"note": "Called Alex; safe at home."}
    )
    assert response.status_code == 200
    assert BANNER not in page(client, world.avery)


def test_it_shows_repeats_and_to_whom_it_was_escalated(client: Client, world: World) -> None:
    world.riverside_admin.email = "admin@riverside.example"
    world.riverside_admin.save(update_fields=["email"])
    alert = raise_alert(world.alex)
    alert.notified_at = alert.raised_at
    alert.repeats = 2
    alert.last_raised_at = alert.raised_at + dt.timedelta(minutes=5)
    alert.save()
    # Riverside has no on-call address: the escalation reaches its admin only.
    deliver(alert.raised_at + dt.timedelta(minutes=15))
    alert.refresh_from_db()
    html = page(client, world.avery)
    assert (
        f"again 2× since (last {alert.last_raised_at:%-d %b %H:%M}); "
        f"escalated {alert.escalated_at:%H:%M} to 1 admin"
    ) in html.replace("&times;", "×")
    assert "on-call" not in html


def test_a_new_seizure_comes_first_however_many_older_alerts(client: Client, world: World) -> None:
    for n in range(6):
        alert = raise_alert(world.alex, "suicide-risk" if n % 2 else "suicide-screen-incomplete")
        alert.raised_at -= dt.timedelta(hours=n + 1)
        alert.save(update_fields=["raised_at"])
    newest = raise_alert(world.blair, "suicide-risk")
    seizure = raise_alert(world.alex, "seizure")
    seizure.raised_at -= dt.timedelta(minutes=1)
    seizure.save(update_fields=["raised_at"])
    html = page(client, world.avery)
    banner = html[html.index(BANNER) : html.index("</section>", html.index(BANNER))]
    order = [banner.index(f"#alert-{a.pk}") for a in (seizure, newest)]
    assert order == sorted(order)
    assert "Open safety alerts: 8" in banner


def test_more_than_five_are_counted_and_point_to_the_caseload(client: Client, world: World) -> None:
    for _ in range(7):
        patient = Patient.objects.create(
            program=world.riverside,
            given_name="Extra",
            family_name="Patient",
            date_of_birth=dt.date(1980, 1, 1),
        )
        CareTeamMember.objects.create(patient=patient, user=world.avery)
        raise_alert(patient)
    html = page(client, world.avery, "/")
    assert "Open safety alerts: 7" in html
    assert 'And 2 more: <a href="/clinic/">see the worklist</a>.' in html


def test_it_takes_the_same_queries_however_many_alerts(client: Client, world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    signed_in(client, world.avery)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get("/")
        return len(captured)

    raise_alert(world.alex)
    one = queries()
    for n in range(12):
        patient = Patient.objects.create(
            program=world.riverside,
            given_name=f"Extra{n}",
            family_name="Patient",
            date_of_birth=dt.date(1980, 1, 1),
        )
        CareTeamMember.objects.create(patient=patient, user=world.avery)
        raise_alert(patient)
    assert queries() == one + 1  # the count of those not listed
