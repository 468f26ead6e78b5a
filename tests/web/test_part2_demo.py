"""The demo data (docs/part2.md): pat.alex's consent for treatment, payment and health
care operations to their treating providers, a disclosure under it with its package, a
medical-emergency disclosure and a restriction request awaiting an answer, seen by staff
and by the patient; still no demo consent lets other staff read counselling notes."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import Client

from clonacare.patients.models import Consent, Patient
from clonacare.web.demo import load_demo_data
from tests.personas import signed_in

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_tpo_consent_disclosures_and_a_restriction_request(
    client: Client,
) -> None:
    list(load_demo_data())
    alex = Patient.objects.get(user__username="pat.alex")
    tpo = alex.consents.get(kind="tpo")
    assert (tpo.recipient_class, tpo.includes_counselling_notes) == ("treating-providers", False)
    assert not Consent.objects.filter(includes_counselling_notes=True).exists()
    under, emergency = (
        alex.disclosures.get(kind="consent"),
        alex.disclosures.get(kind="emergency"),
    )
    assert under.consent == tpo
    signed_in(client, "dr.avery")
    page = client.get(f"/clinic/patients/{alex.pk}/disclosures/").content.decode()
    assert "Dr. Lane, Lakeside Family Medicine" in page
    assert "Dr. Osei, St. Mary&#x27;s emergency department (disclosed by Sam Kim, RN)" in page
    assert "Please do not send anything about my counselling to my health plan." in page
    package = client.get(f"/clinic/patients/{alex.pk}/disclosures/{under.pk}/package.zip")
    with zipfile.ZipFile(io.BytesIO(package.content)) as archive:
        assert sorted(archive.namelist()) == ["bundle.json", "disclosure.pdf"]
    assert emergency.consent is None
    portal = signed_in(Client(), "pat.alex").get("/portal/disclosures/").content.decode()
    assert "Waiting for an answer." in portal
    assert "to Dr. Lane, Lakeside Family Medicine" in portal
