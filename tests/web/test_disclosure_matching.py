"""A disclosure is covered by a consent of the recipient class it names, or by the
named consent staff choose, never by comparing typed names (42 CFR § 2.31 as amended in
2024). Without one in force it is refused (409) with the reason: none covers it, the one
that would is revoked, or it has expired; a revocation holds for every disclosure after
it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from clonacare.accounts.actors import actor_for
from clonacare.core.errors import ClinicalError
from clonacare.exchange.bundle import patient_bundle
from clonacare.patients.actions import DisclosureRequest, do_disclose
from clonacare.patients.models import Consent, Disclosure
from tests.api_client import ApiClient
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

TODAY = timezone.now().date()
LANE = "Dr. Lane, Lakeside Family Medicine"


def consent(world: World, **changes: Any) -> Consent:
    fields: dict[str, Any] = {
        "patient": world.alex,
        "disclosing_program": world.riverside,
        "kind": "tpo",
        "recipient_class": "treating-providers",
        "recipient": "",
        "purpose": "Treatment, payment and health care operations",
        "information": "Taper plan, doses and assessments",
        "expiry_event": "The end of treatment",
        "signed_by": "Alex Morgan",
        "signed_on": TODAY - dt.timedelta(days=10),
        "created_by": world.avery,
    } | changes
    return Consent.objects.create(**fields)


def disclose(world: World, **body: Any) -> Any:
    payload = {"recipient_class": "treating-providers", "recipient": LANE} | body
    return ApiClient(world.avery).post(f"/patients/{world.alex.pk}/disclosures", payload)


def test_a_class_consent_covers_a_provider_of_that_class(world: World) -> None:
    tpo = consent(world)
    response = disclose(world)
    assert response.status_code == 201
    body = response.json()
    assert (body["consent_id"], body["recipient"], body["recipient_class"]) == (
        tpo.pk,
        LANE,
        "treating-providers",
    )
    assert body["purpose"] == "Treatment, payment and health care operations"


def test_the_latest_signed_consent_of_the_class_is_taken(world: World) -> None:
    consent(world, signed_on=TODAY - dt.timedelta(days=100))
    newer = consent(world, signed_on=TODAY - dt.timedelta(days=3))
    assert disclose(world).json()["consent_id"] == newer.pk


def test_no_consent_of_the_class_is_refused_with_the_reason(client: Client, world: World) -> None:
    consent(world)
    response = disclose(world, recipient_class="health-plan", recipient="Acme Health")
    message = "No consent in force covers a disclosure to my health plan; nothing was disclosed."
    assert (response.status_code, response.json()) == (409, {"detail": message})
    assert not Disclosure.objects.exists()


def test_a_chosen_consent_of_another_class_is_refused(world: World) -> None:
    tpo = consent(world)
    response = disclose(world, recipient_class="health-plan", consent_id=tpo.pk)
    signed = f"{tpo.signed_on:%d %b %Y}"
    assert (response.status_code, response.json()) == (
        409,
        {
            "detail": f"The consent signed on {signed} by Alex Morgan is for my treating "
            "providers, not my health plan; nothing was disclosed."
        },
    )


def test_a_revoked_class_consent_is_refused_with_its_revocation(world: World) -> None:
    tpo = consent(world)
    assert (
        ApiClient(world.alex_user)
        .post(f"/patients/{world.alex.pk}/consents/{tpo.pk}/revoke")
        .status_code
        == 200
    )
    tpo.refresh_from_db()
    response = disclose(world)
    assert response.status_code == 409
    assert response.json()["detail"] == (
        f"The consent signed on {tpo.signed_on:%d %b %Y} by Alex Morgan was revoked on "
        f"{tpo.revoked_at:%d %b %Y}; nothing was disclosed."
    )


def test_an_expired_class_consent_is_refused_with_its_expiry(world: World) -> None:
    old = consent(world, expiry_event="", expires_on=TODAY - dt.timedelta(days=1))
    response = disclose(world)
    assert (response.status_code, response.json()["detail"]) == (
        409,
        f"The consent signed on {old.signed_on:%d %b %Y} by Alex Morgan expired on "
        f"{old.expires_on:%d %b %Y}; nothing was disclosed.",
    )


def test_revocation_holds_from_its_moment_not_from_the_next_day(world: World) -> None:
    """Revoked at 10:00: a disclosure at 09:59 the same day was covered, one at 10:01
    is not (the codes are those of core/refusals.py)."""
    revoked = dt.datetime.combine(TODAY, dt.time(10), tzinfo=dt.UTC)
    consent(world, revoked_at=revoked)
    actor = actor_for(world.avery, RequestFactory().get("/"))
    request = DisclosureRequest(recipient_class="treating-providers", recipient=LANE)
    before = do_disclose(
        actor, world.alex, request, bundle_of=patient_bundle, now=revoked - dt.timedelta(minutes=1)
    )
    assert before.pk is not None
    with pytest.raises(ClinicalError) as refused:
        do_disclose(
            actor,
            world.alex,
            request,
            bundle_of=patient_bundle,
            now=revoked + dt.timedelta(minutes=1),
        )
    assert refused.value.code == "consent-revoked"
    assert Disclosure.objects.count() == 1


def test_the_clinic_page_discloses_to_a_class(client: Client, world: World) -> None:
    consent(world)
    response = signed_in(client, "avery").post(
        f"/clinic/patients/{world.alex.pk}/disclose/",
        {"recipient_class": "treating-providers", "recipient": LANE},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Disclosure recorded" in page
    assert f"{LANE} (my treating providers)" in page
