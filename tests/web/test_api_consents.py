"""Consents and disclosures through the API (42 CFR Part 2): the same actions, rules and
messages as the clinic's consent and disclose pages and the portal's revoke button; a
patient or consent the caller may not reach answers exactly like a missing one."""

from __future__ import annotations

import datetime as dt
import html
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from clonacare.audit.models import AuditEvent
from clonacare.patients.models import Consent, Disclosure, Patient
from clonacare.patients.part2 import part2
from tests.api_client import ApiClient
from tests.personas import World, signed_in

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
MISSING_ID = 999_999
PATIENT_NOT_FOUND = {"detail": "Patient not found."}
CONSENT_NOT_FOUND = {"detail": "Consent not found."}
RECIPIENT = "Dr. Taylor, primary care"
AT_MOST_200 = "string should have at most 200 characters"
ONE_DAY = dt.timedelta(days=1)


def terms(**changes: Any) -> dict[str, Any]:
    return {
        "recipient": RECIPIENT,
        "purpose": "coordination of care",
        "information": "Taper plan and current dose",
        "expires_on": (TODAY + dt.timedelta(days=365)).isoformat(),
        "signed_by": "Alex Morgan",
        "signed_on": TODAY.isoformat(),
    } | changes


def answer(response: TestResponse) -> tuple[int, Any]:
    return response.status_code, response.json()


def make_consent(world: World, patient: Patient | None = None, **changes: Any) -> Consent:
    fields: dict[str, Any] = {
        "patient": patient or world.alex,
        "disclosing_program": (patient or world.alex).program,
        "recipient": RECIPIENT,
        "purpose": "coordination of care",
        "information": "Taper plan and current dose",
        "expires_on": TODAY + dt.timedelta(days=365),
        "signed_by": "Alex Morgan",
        "signed_on": TODAY - dt.timedelta(days=1),
        "created_by": world.avery,
    } | changes
    return Consent.objects.create(**fields)


def page_says(client: Client, user: User, path: str, form: dict[str, str], message: str) -> bool:
    """Whether the clinic's page, given the same input, shows the same message."""
    signed_in(client, user)
    shown = html.escape(message) in client.post(path, form).content.decode()
    client.logout()
    return shown


class TestRecordAConsent:
    def test_a_clinician_records_a_consent(self, world: World) -> None:
        response = ApiClient(world.avery).post(f"/patients/{world.alex.pk}/consents", terms())
        assert response.status_code == 201
        consent = Consent.objects.get()
        assert response.json() == {
            "id": consent.pk,
            "disclosing_program": "Riverside Recovery",
            "recipient": RECIPIENT,
            "purpose": "coordination of care",
            "information": "Taper plan and current dose",
            "includes_counselling_notes": False,
            "expires_on": (TODAY + dt.timedelta(days=365)).isoformat(),
            "expiry_event": "",
            "signed_by": "Alex Morgan",
            "signed_on": TODAY.isoformat(),
            "revoked_at": None,
            "status": "active",
            "kind": "specific",
            "recipient_class": "named",
            "treatment_depends_on_signing": False,
            "how_to_revoke": part2().how_to_revoke,
            "redisclosure_statement": part2().redisclosure_statement,
            "representative_authority": "",
        }
        assert (consent.patient, consent.created_by) == (world.alex, world.avery)
        record = ApiClient(world.avery).get(f"/patients/{world.alex.pk}").json()
        assert [c["id"] for c in record["consents"]] == [consent.pk]

    def test_a_consent_that_ends_on_an_event_is_recorded(self, world: World) -> None:
        body = terms(
            expires_on=None, expiry_event="End of treatment", includes_counselling_notes=True
        )
        response = ApiClient(world.kim).post(f"/patients/{world.alex.pk}/consents", body)
        assert response.status_code == 201
        consent = response.json()
        assert (consent["expires_on"], consent["expiry_event"]) == (None, "End of treatment")
        assert consent["includes_counselling_notes"] is True

    def test_it_is_audited(self, world: World) -> None:
        ApiClient(world.lee).post(f"/patients/{world.alex.pk}/consents", terms())
        read = AuditEvent.objects.get(action="consents.write")
        write = AuditEvent.objects.get(action="consent.add")
        for event in (read, write):
            assert (event.actor_username, event.patient_id) == ("lee", world.alex.pk)
        assert write.object_id == str(Consent.objects.get().pk)

    @pytest.mark.parametrize("persona", ["avery", "kim", "lee", "riverside_admin"])
    def test_the_patients_staff_record_one(self, world: World, persona: str) -> None:
        response = ApiClient(getattr(world, persona)).post(
            f"/patients/{world.alex.pk}/consents", terms()
        )
        assert response.status_code == 201

    def test_the_patient_may_not(self, world: World) -> None:
        response = ApiClient(world.alex_user).post(f"/patients/{world.alex.pk}/consents", terms())
        assert answer(response) == (403, {"detail": "Only the program's staff record a consent."})
        assert not Consent.objects.exists()

    @pytest.mark.parametrize(
        ("persona", "patient"),
        [
            ("brook", "alex"),
            ("site_admin", "alex"),
            ("lee", "blair"),
            ("alex_user", "blair"),
            ("avery", "casey"),
        ],
    )
    def test_a_patient_you_may_not_see_answers_like_a_missing_one(
        self, world: World, persona: str, patient: str
    ) -> None:
        client = ApiClient(getattr(world, persona))
        missing = client.post(f"/patients/{MISSING_ID}/consents", terms())
        forbidden = client.post(f"/patients/{getattr(world, patient).pk}/consents", terms())
        assert answer(forbidden) == (404, PATIENT_NOT_FOUND)
        assert forbidden.content == missing.content
        assert not Consent.objects.exists()
        assert AuditEvent.objects.filter(action="consents.write.denied").count() == 2

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            (
                {"expires_on": None, "expiry_event": ""},
                "A consent needs an expiry date or an expiry event.",
            ),
            (
                {"signed_on": (TODAY + dt.timedelta(days=2)).isoformat()},
                "The signing date cannot be in the future.",
            ),
            (
                {
                    "expires_on": (TODAY - dt.timedelta(days=400)).isoformat(),
                    "signed_on": (TODAY - dt.timedelta(days=10)).isoformat(),
                },
                "The expiry date is before the signing date.",
            ),
        ],
    )
    def test_the_pages_rules_refuse_it_with_the_pages_message(
        self, client: Client, world: World, changes: dict[str, Any], message: str
    ) -> None:
        response = ApiClient(world.avery).post(
            f"/patients/{world.alex.pk}/consents", terms(**changes)
        )
        assert answer(response) == (400, {"detail": message})
        assert not Consent.objects.exists()
        form = {k: "" if v is None else str(v) for k, v in terms(**changes).items()}
        path = f"/clinic/patients/{world.alex.pk}/consents/new/"
        assert page_says(client, world.avery, path, form, message)
        assert not Consent.objects.exists()

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"recipient": "  "}, "A consent needs its recipient."),
            ({"purpose": ""}, "A consent needs its purpose."),
            ({"information": " "}, "A consent needs its information."),
            ({"signed_by": ""}, "A consent needs its signed by."),
        ],
    )
    def test_a_blank_element_is_refused_by_the_action(
        self, world: World, changes: dict[str, Any], message: str
    ) -> None:
        # The page's form refuses a blank field before the action sees it.
        response = ApiClient(world.avery).post(
            f"/patients/{world.alex.pk}/consents", terms(**changes)
        )
        assert answer(response) == (400, {"detail": message})
        assert not Consent.objects.exists()

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            (
                {},
                "missing fields 'information', 'signed_by', 'signed_on'.",
            ),
            (terms(colour="blue"), "unknown field 'colour'."),
            (terms(recipient="x" * 201), f"field 'recipient': {AT_MOST_200}."),
            (
                terms(signed_on="yesterday"),
                "field 'signed_on' must be a valid date or datetime, input is too short.",
            ),
            (
                terms(includes_counselling_notes="perhaps"),
                "field 'includes_counselling_notes' must be a valid boolean, "
                "unable to interpret input.",
            ),
        ],
    )
    def test_a_wrong_field_is_named(self, world: World, body: dict[str, Any], message: str) -> None:
        response = ApiClient(world.avery).post(f"/patients/{world.alex.pk}/consents", body)
        assert answer(response) == (400, {"detail": message})
        assert not Consent.objects.exists()


class TestRevoke:
    def revoke(self, who: User, patient: Patient, consent_id: int) -> TestResponse:
        return ApiClient(who).post(f"/patients/{patient.pk}/consents/{consent_id}/revoke")

    def test_the_patient_revokes_their_own_consent(self, world: World) -> None:
        consent = make_consent(world)
        response = self.revoke(world.alex_user, world.alex, consent.pk)
        assert response.status_code == 200
        body = response.json()
        assert (body["id"], body["status"]) == (consent.pk, "revoked")
        consent.refresh_from_db()
        assert consent.revoked_at is not None
        assert body["revoked_at"] is not None
        event = AuditEvent.objects.get(action="consent.revoke")
        assert (event.actor_username, event.patient_id, event.object_id) == (
            "alex",
            world.alex.pk,
            str(consent.pk),
        )
        assert AuditEvent.objects.filter(action="consents.write", actor_username="alex").exists()

    @pytest.mark.parametrize("persona", ["avery", "kim", "lee", "riverside_admin"])
    def test_the_patients_staff_revoke_on_their_word(self, world: World, persona: str) -> None:
        consent = make_consent(world)
        response = self.revoke(getattr(world, persona), world.alex, consent.pk)
        assert (response.status_code, response.json()["status"]) == (200, "revoked")

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ({"reason": "moved away"}, "unknown field 'reason'."),
            ([1], "The request body must be a JSON object."),
        ],
    )
    def test_a_body_with_anything_in_it_is_refused(
        self, world: World, body: Any, message: str
    ) -> None:
        consent = make_consent(world)
        response = ApiClient(world.alex_user).post(
            f"/patients/{world.alex.pk}/consents/{consent.pk}/revoke", body
        )
        assert answer(response) == (400, {"detail": message})
        consent.refresh_from_db()
        assert consent.revoked_at is None

    def test_an_empty_object_is_no_body(self, world: World) -> None:
        consent = make_consent(world)
        response = ApiClient(world.alex_user).post(
            f"/patients/{world.alex.pk}/consents/{consent.pk}/revoke", {}
        )
        assert (response.status_code, response.json()["status"]) == (200, "revoked")

    def test_a_second_revocation_is_a_conflict(self, world: World) -> None:
        consent = make_consent(world, revoked_at=timezone.now() - dt.timedelta(days=1))
        before = consent.revoked_at
        response = self.revoke(world.alex_user, world.alex, consent.pk)
        assert answer(response) == (409, {"detail": "This consent has already been revoked."})
        consent.refresh_from_db()
        assert consent.revoked_at == before

    def test_another_patients_consent_answers_like_a_missing_one(self, world: World) -> None:
        blairs = make_consent(world, world.blair)
        missing = self.revoke(world.avery, world.alex, MISSING_ID)
        forbidden = self.revoke(world.avery, world.alex, blairs.pk)  # avery sees both
        assert answer(forbidden) == (404, CONSENT_NOT_FOUND)
        assert forbidden.content == missing.content
        blairs.refresh_from_db()
        assert blairs.revoked_at is None
        denied = AuditEvent.objects.filter(action="consent.revoke.denied").order_by("id")
        assert [(e.patient_id, e.detail) for e in denied] == [
            (world.alex.pk, {"consent_id": MISSING_ID}),
            (world.alex.pk, {"consent_id": blairs.pk}),
        ]

    @pytest.mark.parametrize(
        ("persona", "patient"),
        [("blair_user", "alex"), ("brook", "alex"), ("site_admin", "alex"), ("lee", "blair")],
    )
    def test_a_patient_you_may_not_see_answers_like_a_missing_one(
        self, world: World, persona: str, patient: str
    ) -> None:
        consent = make_consent(world, getattr(world, patient))
        who = getattr(world, persona)
        missing = self.revoke(who, Patient(pk=MISSING_ID), consent.pk)
        forbidden = self.revoke(who, getattr(world, patient), consent.pk)
        assert answer(forbidden) == (404, PATIENT_NOT_FOUND)
        assert forbidden.content == missing.content
        consent.refresh_from_db()
        assert consent.revoked_at is None
        assert AuditEvent.objects.filter(action="consents.write.denied").count() == 2


class TestDisclose:
    """Disclosures name the consent chosen (a named recipient) or a recipient class; the
    matching by typed names of earlier versions is gone (docs/part2.md, § 2.31)."""

    def test_a_disclosure_under_a_consent_carries_the_notice(self, world: World) -> None:
        consent = make_consent(world)
        response = ApiClient(world.avery).post(
            f"/patients/{world.alex.pk}/disclosures", chosen(consent)
        )
        assert response.status_code == 201
        disclosure = Disclosure.objects.get()
        body = response.json()
        assert body == {
            "id": disclosure.pk,
            "kind": "consent",
            "consent_id": consent.pk,
            "recipient_class": "named",
            "recipient": RECIPIENT,
            "purpose": "coordination of care",
            "information": "Taper plan and current dose",
            "made_by": "",
            "notice": part2().notice,
            "disclosed_by": "avery",
            "disclosed_at": body["disclosed_at"],
        }
        record = ApiClient(world.alex_user).get(f"/patients/{world.alex.pk}").json()
        assert [d["id"] for d in record["disclosures"]] == [disclosure.pk]

    def test_it_is_audited(self, world: World) -> None:
        consent = make_consent(world)
        ApiClient(world.kim).post(f"/patients/{world.alex.pk}/disclosures", chosen(consent))
        assert AuditEvent.objects.filter(
            action="disclosures.write", actor_username="kim", patient_id=world.alex.pk
        ).exists()
        event = AuditEvent.objects.get(action="record.disclose")
        assert event.detail == {"recipient": RECIPIENT, "consent": consent.pk}

    def test_counselling_notes_go_under_a_consent_that_includes_them(self, world: World) -> None:
        consent = make_consent(world, includes_counselling_notes=True)
        response = ApiClient(world.avery).post(
            f"/patients/{world.alex.pk}/disclosures", chosen(consent, counselling_notes=True)
        )
        assert response.status_code == 201
        assert response.json()["information"] == (
            "Taper plan and current dose (with SUD counselling notes)"
        )

    @pytest.mark.parametrize(
        ("consent", "body", "message"),
        [
            (
                {},
                {"recipient": "An employer"},
                "A disclosure to a named recipient goes under the consent that names them: "
                "choose that consent; nothing was disclosed.",
            ),
            (
                {"revoked_at": dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)},
                {"consent_id": "ID"},
                "The consent signed on SIGNED by Alex Morgan was revoked on 05 Jan 2026; "
                "nothing was disclosed.",
            ),
            (
                {"expires_on": TODAY - ONE_DAY, "signed_on": TODAY - 30 * ONE_DAY},
                {"consent_id": "ID"},
                f"The consent signed on SIGNED by Alex Morgan expired on "
                f"{TODAY - ONE_DAY:%d %b %Y}; nothing was disclosed.",
            ),
            (
                {},
                {"consent_id": "ID", "counselling_notes": True},
                "SUD counselling notes need a consent of their own; nothing was disclosed.",
            ),
        ],
    )
    def test_nothing_is_disclosed_without_a_consent_in_force_that_covers_it(
        self,
        client: Client,
        world: World,
        consent: dict[str, Any],
        body: dict[str, Any],
        message: str,
    ) -> None:
        if "revoked_at" in consent:
            consent["signed_on"] = dt.date(2026, 1, 2)
        made = make_consent(world, **consent)
        body = {k: (made.pk if v == "ID" else v) for k, v in body.items()}
        message = message.replace("SIGNED", f"{made.signed_on:%d %b %Y}")
        response = ApiClient(world.avery).post(f"/patients/{world.alex.pk}/disclosures", body)
        assert answer(response) == (409, {"detail": message})
        assert not Disclosure.objects.exists()
        form = {k: ("on" if v is True else str(v)) for k, v in body.items()}
        path = f"/clinic/patients/{world.alex.pk}/disclose/"
        assert page_says(client, world.avery, path, form, message)
        assert not Disclosure.objects.exists()

    def test_the_patient_may_not_disclose(self, world: World) -> None:
        consent = make_consent(world)
        response = ApiClient(world.alex_user).post(
            f"/patients/{world.alex.pk}/disclosures", chosen(consent)
        )
        assert answer(response) == (403, {"detail": "Only the program's staff disclose records."})
        assert not Disclosure.objects.exists()

    @pytest.mark.parametrize(
        ("persona", "patient"),
        [("brook", "alex"), ("site_admin", "alex"), ("lee", "blair"), ("alex_user", "blair")],
    )
    def test_a_patient_you_may_not_see_answers_like_a_missing_one(
        self, world: World, persona: str, patient: str
    ) -> None:
        consent = make_consent(world, getattr(world, patient))
        client = ApiClient(getattr(world, persona))
        body = chosen(consent)
        missing = client.post(f"/patients/{MISSING_ID}/disclosures", body)
        forbidden = client.post(f"/patients/{getattr(world, patient).pk}/disclosures", body)
        assert answer(forbidden) == (404, PATIENT_NOT_FOUND)
        assert forbidden.content == missing.content
        assert not Disclosure.objects.exists()
        assert AuditEvent.objects.filter(action="disclosures.write.denied").count() == 2

    def test_another_patients_consent_answers_like_a_missing_one(self, world: World) -> None:
        blairs = make_consent(world, world.blair)
        response = ApiClient(world.avery).post(
            f"/patients/{world.alex.pk}/disclosures", chosen(blairs)
        )
        assert answer(response) == (404, CONSENT_NOT_FOUND)
        assert not Disclosure.objects.exists()

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            (
                {"recipient_class": "employer"},
                "field 'recipient_class' must be 'treating-providers', 'health-plan' or 'named'.",
            ),
            ({"recipient": RECIPIENT, "notes": True}, "unknown field 'notes'."),
            ({"recipient": "x" * 201}, f"field 'recipient': {AT_MOST_200}."),
        ],
    )
    def test_a_wrong_request_is_refused_with_a_reason(
        self, world: World, body: dict[str, Any], message: str
    ) -> None:
        make_consent(world)
        response = ApiClient(world.avery).post(f"/patients/{world.alex.pk}/disclosures", body)
        assert answer(response) == (400, {"detail": message})
        assert not Disclosure.objects.exists()

    def test_a_class_disclosure_needs_the_recipients_name(self, world: World) -> None:
        make_consent(world, recipient_class="health-plan", recipient="")
        body = {"recipient_class": "health-plan", "recipient": "  "}
        response = ApiClient(world.avery).post(f"/patients/{world.alex.pk}/disclosures", body)
        assert answer(response) == (
            400,
            {"detail": "Name the provider or health plan the record goes to."},
        )
        assert not Disclosure.objects.exists()


def chosen(consent: Consent, **more: Any) -> dict[str, Any]:
    """A disclosure body under ``consent``, chosen (a named recipient)."""
    return {"recipient_class": "named", "consent_id": consent.pk} | more


def test_the_writes_are_in_the_openapi_document(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    base = "/api/v1/patients/{patient_id}"
    add = paths[f"{base}/consents"]["post"]
    body = add["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body == "#/components/schemas/ConsentIn"
    assert set(add["responses"]) == {"201", "400", "401", "403", "404"}
    revoke = paths[f"{base}/consents/{{consent_id}}/revoke"]["post"]
    assert revoke["requestBody"]["required"] is False  # no body, or {}
    assert set(revoke["responses"]) == {"200", "400", "401", "403", "404", "409"}
    disclose = paths[f"{base}/disclosures"]["post"]
    assert set(disclose["responses"]) == {"201", "400", "401", "403", "404", "409"}
    for operation in (add, revoke, disclose):
        assert operation["security"] == [{"BearerToken": []}]
