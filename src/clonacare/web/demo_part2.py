"""42 CFR Part 2 demo (issue 13, docs/part2.md): pat.alex at Riverside has

- a consent for treatment, payment and health care operations to their treating
  providers, signed ``TPO_SIGNED_DAYS_AGO`` days ago (it does not include SUD counselling
  notes, so no demo consent lets staff other than a note's author read them);
- a disclosure under it to their family doctor, with its package (the FHIR Bundle and the
  PDF with the § 2.32 notice) stored as sent;
- a medical-emergency disclosure (§ 2.51) recorded after the fact by nurse.kim;
- a request to restrict disclosures to their health plan, awaiting the program's answer.

Every write goes through the record's actions. The days are demo values.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User

TPO_SIGNED_DAYS_AGO = 30
DISCLOSED_DAYS_AGO = 3
EMERGENCY_DAYS_AGO = 40
RESTRICTION_DAYS_AGO = 2
FAMILY_DOCTOR = "Dr. Lane, Lakeside Family Medicine"


def load_part2_demo(users: dict[str, User], now: dt.datetime) -> None:
    """pat.alex's consent, disclosures and restriction request, as of ``now``."""
    from clonacare.audit.log import Actor
    from clonacare.exchange.bundle import patient_bundle
    from clonacare.patients.actions import (
        ConsentTerms,
        DisclosureRequest,
        EmergencyDisclosure,
        do_add_consent,
        do_disclose,
        do_record_emergency_disclosure,
        do_request_restriction,
    )
    from clonacare.patients.models import Patient

    patient = Patient.objects.get(user__username="pat.alex")

    def actor(username: str, role: str) -> Actor:
        user = users[username] if username in users else User.objects.get(username=username)
        return Actor(
            user.pk, user.username, role, patient.program_id, "127.0.0.1", "clonacare demo"
        )

    avery = actor("dr.avery", "prescriber")
    do_add_consent(
        avery,
        patient,
        ConsentTerms(
            kind="tpo",
            recipient_class="treating-providers",
            recipient="",
            purpose="",
            information="Taper plan, doses, medications, conditions and assessment results; "
            "not SUD counselling notes",
            includes_counselling_notes=False,
            expires_on=None,
            expiry_event="The end of treatment at Riverside Recovery",
            signed_by="Alex Morgan",
            signed_on=(now - dt.timedelta(days=TPO_SIGNED_DAYS_AGO)).date(),
        ),
        now=now - dt.timedelta(days=TPO_SIGNED_DAYS_AGO),
    )
    do_disclose(
        avery,
        patient,
        DisclosureRequest(recipient_class="treating-providers", recipient=FAMILY_DOCTOR),
        bundle_of=patient_bundle,
        now=now - dt.timedelta(days=DISCLOSED_DAYS_AGO),
    )
    do_record_emergency_disclosure(
        actor("nurse.kim", "nurse"),
        patient,
        EmergencyDisclosure(
            recipient="Dr. Osei, St. Mary's emergency department",
            made_by="Sam Kim, RN",
            disclosed_at=now - dt.timedelta(days=EMERGENCY_DAYS_AGO, hours=2),
            emergency="Alex was brought in drowsy after a fall; the emergency department "
            "asked for current benzodiazepine doses",
            information="Current benzodiazepine doses and other medications",
        ),
        now=now - dt.timedelta(days=EMERGENCY_DAYS_AGO),
    )
    do_request_restriction(
        actor("pat.alex", "patient"),
        patient,
        "Please do not send anything about my counselling to my health plan.",
        now=now - dt.timedelta(days=RESTRICTION_DAYS_AGO),
    )
