"""Every write to the patient record, one ``do_*`` action each.

Each action checks the actor's right and the input, then writes and records its audit
entry in one transaction; a refusal raises ClinicalError and writes nothing.

- ``registration``: a new patient, with their first benzodiazepine use, care team and
  (optionally) a portal login.
- ``record``: status, benzodiazepine dose changes, other medications, conditions, the
  care team.
- ``consent``: consents to disclose (42 CFR Part 2).
- ``disclosure``: disclosures under them and their packages, medical-emergency
  disclosures, and restriction requests.
"""

from __future__ import annotations

from clonacare.patients.actions.consent import (
    CONSENT_WRITERS,
    ConsentTerms,
    check_revocable,
    do_add_consent,
    do_revoke_consent,
)
from clonacare.patients.actions.disclosure import (
    BundleBuilder,
    DisclosureRequest,
    EmergencyDisclosure,
    agreed_restrictions,
    covering_consent,
    do_answer_restriction,
    do_disclose,
    do_record_emergency_disclosure,
    do_request_restriction,
    restricted_because,
    restriction_covering,
)
from clonacare.patients.actions.record import (
    NOT_A_TEAM_PRESCRIBER,
    BenzodiazepineChange,
    MedicationEntry,
    VerbalOrder,
    check_benzodiazepine_change,
    do_add_care_team_member,
    do_add_condition,
    do_add_medication,
    do_change_benzodiazepine,
    do_change_status,
    do_cosign_dose_change,
    do_end_medication,
    do_remove_care_team_member,
    medication_to_end,
)
from clonacare.patients.actions.registration import (
    InitialUse,
    PortalLogin,
    Registration,
    do_register_patient,
)
from clonacare.patients.doses import Doses

__all__ = [
    "CONSENT_WRITERS",
    "NOT_A_TEAM_PRESCRIBER",
    "BenzodiazepineChange",
    "BundleBuilder",
    "ConsentTerms",
    "DisclosureRequest",
    "Doses",
    "EmergencyDisclosure",
    "InitialUse",
    "MedicationEntry",
    "PortalLogin",
    "Registration",
    "VerbalOrder",
    "agreed_restrictions",
    "check_benzodiazepine_change",
    "check_revocable",
    "covering_consent",
    "do_add_care_team_member",
    "do_add_condition",
    "do_add_consent",
    "do_add_medication",
    "do_answer_restriction",
    "do_change_benzodiazepine",
    "do_change_status",
    "do_cosign_dose_change",
    "do_disclose",
    "do_end_medication",
    "do_record_emergency_disclosure",
    "do_register_patient",
    "do_remove_care_team_member",
    "do_request_restriction",
    "do_revoke_consent",
    "medication_to_end",
    "restricted_because",
    "restriction_covering",
]
