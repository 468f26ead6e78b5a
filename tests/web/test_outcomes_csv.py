"""The outcomes CSV export /clinic/programs/<id>/outcomes.csv: the page's figures and
filters, withheld figures blank with a flag, refusals as the page's."""

from __future__ import annotations

import csv
import io

from django.test import Client
from django.utils import timezone

from clonacare.audit.models import AuditEvent
from tests.personas import World, signed_in
from tests.web.outcomes_world import add_patients, days_ago, module, taper


def url(world: World) -> str:
    return f"/clinic/programs/{world.riverside.pk}/outcomes.csv"


def rows(client: Client, world: World, query: str = "") -> list[dict[str, str]]:
    response = client.get(url(world) + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_it_exports_every_figure_with_the_same_suppression(client: Client, world: World) -> None:
    for patient in add_patients(world, 12):
        taper(world, patient, started_days_ago=20)
        module(world, patient, completed=True, on=days_ago(10))
    taper(world, world.alex, started_days_ago=400)
    signed_in(client, world.avery)
    exported = rows(client, world, f"?from={days_ago(30).isoformat()}")
    today = timezone.localdate().isoformat()
    assert [r["figure"] for r in exported][:3] == ["started", "finished", "paused"]
    started, finished = exported[0], exported[1]
    assert started == {
        "figure": "started",
        "label": "Started a taper",
        "kind": "count",
        "count": "12",
        "denominator": "",
        "value": "12.0",
        "suppressed": "",
        "suppressed_because": "",
        "period_from": days_ago(30).isoformat(),
        "period_to": today,
        "definition": "Taper attempts whose first plan's first day falls in the period.",
        "source": "Clonacare: the plan in force (its newest revision) and its end (plans.models)",
    }
    # alex's taper stopped the drug 64 days ago: outside the period, so zero, shown.
    assert (finished["count"], finished["suppressed"]) == ("0", "")
    completion = next(r for r in exported if r["figure"] == "module_completion")
    assert (completion["count"], completion["denominator"], completion["value"]) == (
        "12",
        "12",
        "100.0",
    )


def test_a_withheld_figure_is_blank_and_flagged(client: Client, world: World) -> None:
    taper(world, world.alex, started_days_ago=20)
    started = rows(signed_in(client, world.lee), world)[0]
    assert (started["count"], started["value"], started["suppressed"]) == ("", "", "yes")
    assert started["suppressed_because"] == "fewer-than"


def test_a_bad_period_exports_nothing(client: Client, world: World) -> None:
    response = signed_in(client, world.avery).get(url(world) + "?to=soon")
    assert response.status_code == 400
    assert "The &#x27;to&#x27; date must be a date like 2026-01-31, not &#x27;soon&#x27;." in (
        response.content.decode()
    )
    assert not AuditEvent.objects.filter(action__startswith="outcomes.").exists()


def test_another_programs_staff_get_nothing(client: Client, world: World) -> None:
    response = signed_in(client, world.brook).get(url(world))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="outcomes.export.denied").count() == 1


def test_the_export_is_audited(client: Client, world: World) -> None:
    signed_in(client, world.riverside_admin).get(url(world))
    event = AuditEvent.objects.get(action="outcomes.export")
    assert event.program_id == world.riverside.pk
