"""Who may record a benzodiazepine dose change, on the pages and in the API: a prescriber
on the patient's care team, on their own order; a nurse on it, only as a prescriber's
verbal or telephone order, read back, pending until that prescriber co-signs it; never a
counsellor or a program admin (a reversal: admins could before)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from clonacare.accounts.models import Membership, Role
from clonacare.audit.models import AuditEvent
from clonacare.patients.models import BenzodiazepineUse, CareTeamMember, DoseChange
from tests.api_client import ApiClient
from tests.personas import World, signed_in

TODAY = timezone.now().date()
YESTERDAY = TODAY - dt.timedelta(days=1)
MISSING_ID = 999_999

DOSE_NOT_ALLOWED = (
    "Only a prescriber on the patient's care team records a dose change; a nurse on the "
    "care team may record a prescriber's verbal or telephone order."
)
NURSE_NEEDS_ORDER = (
    "A nurse records a dose change only as a verbal or telephone order: name the prescriber "
    "on the patient's care team who gave it."
)
PRESCRIBER_OWN_ORDER = (
    "A prescriber records their own order; a verbal or telephone order is recorded by the "
    "nurse who took it."
)
NOT_READ_BACK = (
    "Read the order back to the prescriber and have them confirm it before recording it."
)


def record_url(world: World, page: str = "") -> str:
    return f"/clinic/patients/{world.alex.pk}/{page}"


def dose_form(**changes: Any) -> dict[str, Any]:
    """Clonazepam 1.5 → 1.25 mg/day from yesterday (a 16.7% cut, within the ceiling)."""
    return {
        "drug": "clonazepam",
        "morning_mg": "0.5",
        "night_mg": "0.75",
        "on": YESTERDAY.isoformat(),
        "prescriber_name": "",
    } | changes


def api_change(**changes: Any) -> dict[str, Any]:
    return {
        "drug": "clonazepam",
        "doses": {"morning_mg": 0.5, "night_mg": 0.75},
        "on": YESTERDAY.isoformat(),
    } | changes


def verbal(world: World, **changes: Any) -> dict[str, Any]:
    return {"prescriber_id": world.avery.pk, "kind": "telephone", "read_back": True} | changes


def changes_path(world: World) -> str:
    return f"/patients/{world.alex.pk}/benzodiazepine-changes"


def cosign_path(world: World, change_id: int) -> str:
    return f"/patients/{world.alex.pk}/dose-changes/{change_id}/cosign"


def one_current_dose(world: World) -> Decimal:
    (use,) = BenzodiazepineUse.objects.filter(patient=world.alex, ended_on__isnull=True)
    return use.daily_mg


def nurse_takes_order(world: World) -> DoseChange:
    response = ApiClient(world.kim).post(
        changes_path(world), api_change(verbal_order=verbal(world))
    )
    assert response.status_code == 201
    return DoseChange.objects.get()


def second_prescriber(world: World) -> User:
    """Another prescriber on alex's care team."""
    quinn = User.objects.create(username="quinn")
    Membership.objects.create(user=quinn, program=world.riverside, role=Role.PRESCRIBER)
    CareTeamMember.objects.create(patient=world.alex, user=quinn)
    return quinn


class TestPages:
    def test_a_prescriber_records_their_own_order(self, client: Client, world: World) -> None:
        response = signed_in(client, "avery").post(
            record_url(world, "benzodiazepine/"), dose_form()
        )
        assert response.status_code == 302
        change = DoseChange.objects.get()
        assert (change.order, change.ordered_by, change.recorded_by, change.is_pending) == (
            "prescriber",
            world.avery,
            world.avery,
            False,
        )
        assert one_current_dose(world) == Decimal("1.25")
        html = client.get(record_url(world)).content.decode()
        assert "clonazepam 1.5 → 1.25 mg/day · Entered by the prescriber: avery" in html
        assert "awaiting co-signature" not in html

    @pytest.mark.parametrize("username", ["lee", "riverside_admin"])
    def test_counsellors_and_program_admins_find_no_dose_page(
        self, client: Client, world: World, username: str
    ) -> None:
        signed_in(client, username)
        assert client.get(record_url(world, "benzodiazepine/")).status_code == 404
        assert client.post(record_url(world, "benzodiazepine/"), dose_form()).status_code == 404
        assert (
            record_url(world, "benzodiazepine/")
            not in client.get(record_url(world)).content.decode()
        )
        assert one_current_dose(world) == Decimal("1.5")
        assert not AuditEvent.objects.filter(action="record.benzo-change").exists()

    def test_the_nurse_form_asks_for_the_order_and_offers_the_care_teams_prescribers(
        self, client: Client, world: World
    ) -> None:
        second_prescriber(world)
        html = signed_in(client, "kim").get(record_url(world, "benzodiazepine/")).content.decode()
        assert "Verbal or telephone order" in html
        assert "I read the order back to the prescriber and they confirmed it" in html
        assert f'<option value="{world.avery.pk}">avery (Prescriber)</option>' in html
        assert "quinn (Prescriber)" in html
        for other in ("kim (Nurse)", "lee (Counsellor)", "brook"):
            assert other not in html

    def test_the_prescriber_form_does_not_ask_for_an_order(
        self, client: Client, world: World
    ) -> None:
        html = signed_in(client, "avery").get(record_url(world, "benzodiazepine/")).content.decode()
        assert "Verbal or telephone order" not in html

    def test_a_nurse_records_a_telephone_order_in_effect_and_pending(
        self, client: Client, world: World
    ) -> None:
        body = dose_form(ordered_by=world.avery.pk, order_kind="telephone", read_back="on")
        response = signed_in(client, "kim").post(record_url(world, "benzodiazepine/"), body)
        assert response.status_code == 302
        change = DoseChange.objects.get()
        assert (change.order, change.ordered_by, change.recorded_by, change.is_pending) == (
            "telephone",
            world.avery,
            world.kim,
            True,
        )
        # In effect from its date: the current dose, while it awaits co-signature.
        assert one_current_dose(world) == Decimal("1.25")
        assert change.new_use is not None
        assert change.new_use.prescriber_name == "avery"
        html = client.get(record_url(world)).content.decode()
        assert "Telephone order, awaiting co-signature by avery" in html
        assert (
            "Telephone order from avery, taken and read back by kim\n"
            '        <span class="badge badge-pending">awaiting co-signature by avery</span>'
        ) in html
        # Only the prescriber it names is offered the button.
        assert "cosign/" not in html
        event = AuditEvent.objects.get(action="record.benzo-change")
        assert (event.actor_username, event.detail["order"], event.detail["ordered_by"]) == (
            "kim",
            "telephone",
            "avery",
        )
        assert event.detail["pending_co_signature"] is True

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"order_kind": "telephone", "read_back": "on"}, "This field is required."),
            (
                {"ordered_by": "{lee}", "order_kind": "verbal", "read_back": "on"},
                # The API's message, not Django's generic "Select a valid choice".
                "No prescriber on this patient's care team has the id {lee}; a verbal or "
                "telephone order names the prescriber who gave it.",
            ),
            ({"ordered_by": "{avery}", "order_kind": "verbal"}, NOT_READ_BACK),
        ],
    )
    def test_a_nurse_without_a_valid_order_is_refused(
        self, client: Client, world: World, changes: dict[str, str], message: str
    ) -> None:
        ids = {"lee": world.lee.pk, "avery": world.avery.pk}
        body = dose_form(**{k: v.format(**ids) for k, v in changes.items()})
        response = signed_in(client, "kim").post(record_url(world, "benzodiazepine/"), body)
        assert response.status_code == 400
        assert message.format(**ids) in response.content.decode().replace("&#x27;", "'")
        assert one_current_dose(world) == Decimal("1.5")
        assert not DoseChange.objects.exists()

    def test_the_named_prescriber_co_signs_on_the_record(
        self, client: Client, world: World
    ) -> None:
        change = nurse_takes_order(world)
        html = signed_in(client, "avery").get(record_url(world)).content.decode()
        cosign = record_url(world, f"dose-changes/{change.pk}/cosign/")
        assert f'action="{cosign}"' in html
        response = client.post(cosign)
        assert response.status_code == 302
        change.refresh_from_db()
        assert change.cosigned_at is not None
        assert not change.is_pending
        html = client.get(record_url(world)).content.decode()
        assert "awaiting co-signature" not in html
        assert "co-signed by avery" in html
        event = AuditEvent.objects.get(action="record.benzo-change-cosign")
        assert (event.actor_username, event.patient_id, event.object_type) == (
            "avery",
            world.alex.pk,
            "DoseChange",
        )
        assert event.detail == {
            "dose_change_id": change.pk,
            "drug": "clonazepam",
            "on": YESTERDAY.isoformat(),
            "order": "telephone",
            "recorded_by_id": world.kim.pk,
        }

    @pytest.mark.parametrize("username", ["kim", "lee", "riverside_admin", "quinn"])
    def test_no_one_else_co_signs(self, client: Client, world: World, username: str) -> None:
        second_prescriber(world)
        change = nurse_takes_order(world)
        response = signed_in(client, username).post(
            record_url(world, f"dose-changes/{change.pk}/cosign/")
        )
        assert response.status_code == 403
        assert "Only avery, the prescriber who gave this order, co-signs it." in (
            response.content.decode()
        )
        change.refresh_from_db()
        assert change.cosigned_at is None
        assert not AuditEvent.objects.filter(action="record.benzo-change-cosign").exists()

    def test_co_signing_twice_or_a_prescribers_own_entry_is_a_conflict(
        self, client: Client, world: World
    ) -> None:
        change = nurse_takes_order(world)
        signed_in(client, "avery")
        client.post(record_url(world, f"dose-changes/{change.pk}/cosign/"))
        change.refresh_from_db()
        assert change.cosigned_at is not None
        again = client.post(record_url(world, f"dose-changes/{change.pk}/cosign/"))
        assert again.status_code == 409
        signed = f"{change.cosigned_at:%Y-%m-%d %H:%M} UTC"
        assert f"This order was already co-signed by avery on {signed}." in again.content.decode()
        own = ApiClient(world.avery).post(
            changes_path(world),
            api_change(doses={"morning_mg": 0.5, "night_mg": 0.625}, on=TODAY.isoformat()),
        )
        assert own.status_code == 201
        entered = DoseChange.objects.get(order="prescriber")
        refused = client.post(record_url(world, f"dose-changes/{entered.pk}/cosign/"))
        assert refused.status_code == 409
        assert (
            "This dose change was entered by its prescriber, avery; it needs no co-signature."
            in refused.content.decode()
        )
        assert AuditEvent.objects.filter(action="record.benzo-change-cosign").count() == 1

    def test_another_patients_dose_change_is_not_found(self, client: Client, world: World) -> None:
        change = nurse_takes_order(world)
        response = signed_in(client, "avery").post(
            f"/clinic/patients/{world.blair.pk}/dose-changes/{change.pk}/cosign/"
        )
        assert response.status_code == 404
        assert f"This patient has no dose change with the id {change.pk}." in (
            response.content.decode()
        )


class TestApi:
    def test_a_prescriber_records_their_own_order(self, world: World) -> None:
        response = ApiClient(world.avery).post(changes_path(world), api_change())
        assert response.status_code == 201
        record = response.json()
        (change,) = record["dose_changes"]
        assert change == {
            "id": DoseChange.objects.get().pk,
            "drug": "clonazepam",
            "on": YESTERDAY.isoformat(),
            "from_daily_mg": 1.5,
            "to_daily_mg": 1.25,
            "order": "prescriber",
            "ordered_by": "avery",
            "recorded_by": "avery",
            "status": "signed",
            "awaiting_co_signature_by": None,
            "cosigned_at": None,
            "above_ceiling": False,
            "cut_pct": None,
            "override_reason": "",
        }
        current = [u for u in record["benzodiazepine_use"] if u["ended_on"] is None]
        assert [(u["daily_mg"], u["awaiting_co_signature_by"]) for u in current] == [(1.25, None)]

    @pytest.mark.parametrize("persona", ["lee", "riverside_admin"])
    def test_counsellors_and_program_admins_may_not(self, world: World, persona: str) -> None:
        response = ApiClient(getattr(world, persona)).post(changes_path(world), api_change())
        assert (response.status_code, response.json()) == (403, {"detail": DOSE_NOT_ALLOWED})
        assert not DoseChange.objects.exists()
        assert one_current_dose(world) == Decimal("1.5")

    def test_a_nurse_records_a_verbal_order_pending_co_signature(self, world: World) -> None:
        response = ApiClient(world.kim).post(
            changes_path(world), api_change(verbal_order=verbal(world, kind="verbal"))
        )
        assert response.status_code == 201
        record = response.json()
        (change,) = record["dose_changes"]
        assert (change["order"], change["ordered_by"], change["recorded_by"]) == (
            "verbal",
            "avery",
            "kim",
        )
        assert (change["status"], change["awaiting_co_signature_by"]) == (
            "pending-co-signature",
            "avery",
        )
        current = [u for u in record["benzodiazepine_use"] if u["ended_on"] is None]
        assert [(u["daily_mg"], u["awaiting_co_signature_by"]) for u in current] == [
            (1.25, "avery")
        ]
        # In effect: the caseload's current dose is the ordered one.
        (alex,) = [
            p
            for p in ApiClient(world.avery).get("/patients").json()["items"]
            if p["id"] == world.alex.pk
        ]
        assert alex["benzodiazepine"]["daily_mg"] == 1.25

    @pytest.mark.parametrize(
        ("persona", "order", "detail"),
        [
            ("kim", None, NURSE_NEEDS_ORDER),
            ("kim", {"read_back": False}, NOT_READ_BACK),
            (
                "kim",
                {"prescriber_id": "{lee}"},
                "No prescriber on this patient's care team has the id {lee}; a verbal or "
                "telephone order names the prescriber who gave it.",
            ),
            (
                "kim",
                {"prescriber_id": "{brook}"},
                "No prescriber on this patient's care team has the id {brook}; a verbal or "
                "telephone order names the prescriber who gave it.",
            ),
            (
                "kim",
                {"kind": "email"},
                "field 'verbal_order.kind' must be 'verbal' or 'telephone'.",
            ),
            ("avery", {}, PRESCRIBER_OWN_ORDER),
        ],
    )
    def test_a_wrong_order_is_refused(
        self, world: World, persona: str, order: dict[str, Any] | None, detail: str
    ) -> None:
        ids = {"lee": world.lee.pk, "brook": world.brook.pk}
        body = api_change()
        if order is not None:
            fields = {
                k: int(v.format(**ids)) if k == "prescriber_id" else v for k, v in order.items()
            }
            body["verbal_order"] = verbal(world, **fields)
        response = ApiClient(getattr(world, persona)).post(changes_path(world), body)
        assert (response.status_code, response.json()) == (400, {"detail": detail.format(**ids)})
        assert not DoseChange.objects.exists()
        assert one_current_dose(world) == Decimal("1.5")

    def test_the_named_prescriber_co_signs(self, world: World) -> None:
        change = nurse_takes_order(world)
        refused = ApiClient(world.kim).post(cosign_path(world, change.pk))
        assert (refused.status_code, refused.json()) == (
            403,
            {"detail": "Only avery, the prescriber who gave this order, co-signs it."},
        )
        response = ApiClient(world.avery).post(cosign_path(world, change.pk), {})
        assert response.status_code == 200
        (shown,) = response.json()["dose_changes"]
        assert (shown["status"], shown["awaiting_co_signature_by"]) == ("signed", None)
        assert shown["cosigned_at"] is not None
        again = ApiClient(world.avery).post(cosign_path(world, change.pk))
        assert again.status_code == 409
        assert again.json()["detail"].startswith("This order was already co-signed by avery on ")
        assert AuditEvent.objects.filter(action="record.benzo-change-cosign").count() == 1

    def test_a_missing_change_or_patient_is_not_found(self, world: World) -> None:
        change = nurse_takes_order(world)
        missing = ApiClient(world.avery).post(cosign_path(world, MISSING_ID))
        assert (missing.status_code, missing.json()) == (
            404,
            {"detail": f"This patient has no dose change with the id {MISSING_ID}."},
        )
        stranger = ApiClient(world.brook).post(cosign_path(world, change.pk))
        assert (stranger.status_code, stranger.json()) == (404, {"detail": "Patient not found."})
        assert (
            ApiClient(world.avery).post(cosign_path(world, change.pk), {"x": 1}).status_code == 400
        )
        change.refresh_from_db()
        assert change.cosigned_at is None
