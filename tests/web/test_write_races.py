"""Two writes at the same moment (a double click, two clinicians, two registrations):
the second is refused with the message it would get had it come later, and nothing is
half-written, overwritten or audited twice.

Each test makes the second write act on what it read before the first one wrote: a
model instance loaded before the first call, or a check that ran before it. The
database (a constraint, a conditional update) or the lock on the patient's row then
has the last word, and its refusal becomes the check's message. The last test runs two
threads on PostgreSQL, where the lock is real.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.test import Client, RequestFactory
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from clonacare.accounts import actions as account_actions
from clonacare.accounts.actors import actor_for
from clonacare.accounts.models import Role
from clonacare.accounts.refusals import AccountRefusal
from clonacare.assessments.actions import do_acknowledge_alert
from clonacare.assessments.models import SafetyAlert
from clonacare.audit.log import Actor
from clonacare.audit.models import AuditEvent
from clonacare.core.errors import ClinicalError
from clonacare.patients.actions import (
    BenzodiazepineChange,
    ConsentTerms,
    Doses,
    PortalLogin,
    Registration,
    VerbalOrder,
    do_add_care_team_member,
    do_add_consent,
    do_change_benzodiazepine,
    do_change_status,
    do_cosign_dose_change,
    do_end_medication,
    do_register_patient,
    do_remove_care_team_member,
    do_revoke_consent,
)
from clonacare.patients.actions import record as record_actions
from clonacare.patients.models import (
    BenzodiazepineUse,
    Consent,
    DoseChange,
    Medication,
    Patient,
)
from tests.api_client import ApiClient
from tests.personas import World, signed_in

NOW = timezone.now()
TODAY = NOW.date()
YESTERDAY = TODAY - dt.timedelta(days=1)
CHANGE = BenzodiazepineChange(
    "clonazepam", Doses(morning_mg=Decimal("0.5"), night_mg=Decimal("0.75")), YESTERDAY
)
NOT_AFTER_THE_CURRENT_USE = (
    f"A change of clonazepam must be dated after its current use began "
    f"({YESTERDAY.isoformat()}); the record's history is never edited."
)
PASSWORD = "river-stone-lantern-42"
STOPPED = "Stopped on admission; the hospital gives what is needed."


def taken_by_a_nurse(change: BenzodiazepineChange, world: World) -> BenzodiazepineChange:
    """``change`` as nurse kim records it: avery's telephone order, read back."""
    order = VerbalOrder(world.avery.pk, "telephone", read_back=True)
    return replace(change, verbal_order=order)


def actor(user: User) -> Actor:
    return actor_for(user, RequestFactory().get("/"))


def audited(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def checked_before_the_first(monkeypatch: pytest.MonkeyPatch, name: str, stale: Any) -> None:
    """The next call of ``record_actions.<name>`` (one of the record's public reads the
    actions check against) answers ``stale``, what the second request read before the
    first wrote; later calls are the real function."""
    real = getattr(record_actions, name)
    answers: Iterator[Any] = iter([stale])

    def as_read_earlier(*args: Any) -> Any:
        answer = next(answers, real)
        return real(*args) if answer is real else answer

    monkeypatch.setattr(record_actions, name, as_read_earlier)


class TestBenzodiazepineChange:
    def test_the_database_holds_one_current_use_per_drug(self, world: World) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            BenzodiazepineUse.objects.create(
                patient=world.alex, drug="clonazepam", night_mg=Decimal(1), since=YESTERDAY
            )
        # An ended use of the drug, or a current use of another, is no second current use.
        BenzodiazepineUse.objects.create(
            patient=world.alex,
            drug="clonazepam",
            night_mg=Decimal(1),
            since=dt.date(2023, 1, 1),
            ended_on=dt.date(2023, 6, 1),
        )
        BenzodiazepineUse.objects.create(
            patient=world.alex, drug="diazepam", night_mg=Decimal(5), since=YESTERDAY
        )

    def test_a_second_change_checked_before_the_first_was_written_is_refused(
        self, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # Both requests checked the record before either wrote: both saw the 2024 use.
        stale = record_actions.plan_dose_change(world.alex, CHANGE)
        do_change_benzodiazepine(actor(world.avery), world.alex, CHANGE, now=NOW)
        checked_before_the_first(monkeypatch, "plan_dose_change", stale)
        with pytest.raises(ClinicalError) as refused:
            do_change_benzodiazepine(
                actor(world.kim), world.alex, taken_by_a_nurse(CHANGE, world), now=NOW
            )
        assert refused.value.message == NOT_AFTER_THE_CURRENT_USE
        uses = world.alex.benzo_uses.order_by("since")
        assert [(u.since, u.ended_on, u.daily_mg) for u in uses] == [
            (dt.date(2024, 3, 1), YESTERDAY - dt.timedelta(days=1), Decimal("1.5")),
            (YESTERDAY, None, Decimal("1.25")),
        ]
        assert DoseChange.objects.count() == 1
        assert audited("record.benzo-change") == 1

    def test_the_api_answers_the_checks_message_not_a_server_error(
        self, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        stale = record_actions.plan_dose_change(world.alex, CHANGE)
        body = {
            "drug": "clonazepam",
            "doses": {"morning_mg": 0.5, "night_mg": 0.75},
            "on": YESTERDAY.isoformat(),
        }
        path = f"/patients/{world.alex.pk}/benzodiazepine-changes"
        assert ApiClient(world.avery).post(path, body).status_code == 201
        checked_before_the_first(monkeypatch, "plan_dose_change", stale)
        response = ApiClient(world.avery).post(path, body)
        assert (response.status_code, response.json()) == (
            400,
            {"detail": NOT_AFTER_THE_CURRENT_USE},
        )
        assert world.alex.benzo_uses.filter(ended_on__isnull=True).count() == 1
        assert audited("record.benzo-change") == 1

    def test_a_double_clicked_form_records_the_change_once(
        self, client: Client, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        form = {
            "drug": "clonazepam",
            "morning_mg": "0.5",
            "night_mg": "0.75",
            "on": YESTERDAY.isoformat(),
        }
        url = f"/clinic/patients/{world.alex.pk}/benzodiazepine/"
        stale = record_actions.plan_dose_change(world.alex, CHANGE)
        signed_in(client, world.avery)
        assert client.post(url, form).status_code == 302
        checked_before_the_first(monkeypatch, "plan_dose_change", stale)
        second = client.post(url, form)
        assert second.status_code == 400
        assert second.context["form"].errors["on"] == [NOT_AFTER_THE_CURRENT_USE]
        assert world.alex.benzo_uses.filter(ended_on__isnull=True).count() == 1
        assert audited("record.benzo-change") == 1

    def test_a_stale_patient_is_checked_as_the_record_is_now(self, world: World) -> None:
        stale = Patient.objects.get(pk=world.alex.pk)  # loaded before the status changed
        do_change_status(actor(world.avery), world.alex, "recovery", now=NOW)
        stop = BenzodiazepineChange("clonazepam", Doses(), TODAY, override_reason=STOPPED)
        do_change_benzodiazepine(actor(world.avery), world.alex, stop, now=NOW)
        # Off benzodiazepines now: the stale status (assessment) would refuse 0 mg, the
        # record's own (recovery) finds nothing left to stop.
        with pytest.raises(ClinicalError) as refused:
            do_change_benzodiazepine(
                actor(world.kim), stale, taken_by_a_nurse(stop, world), now=NOW
            )
        assert refused.value.message == "There is no current use of clonazepam to stop."
        assert audited("record.benzo-change") == 1


class TestCoSignature:
    def test_a_second_co_signature_does_not_overwrite_the_first(
        self, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        do_change_benzodiazepine(
            actor(world.kim), world.alex, taken_by_a_nurse(CHANGE, world), now=NOW
        )
        order = DoseChange.objects.get()
        stale = DoseChange.objects.select_related("ordered_by").get(pk=order.pk)  # unsigned
        first = do_cosign_dose_change(actor(world.avery), world.alex, order.pk, now=NOW)
        checked_before_the_first(monkeypatch, "dose_change_of", stale)
        later = NOW + dt.timedelta(minutes=1)
        with pytest.raises(ClinicalError) as refused:
            do_cosign_dose_change(actor(world.avery), world.alex, order.pk, now=later)
        assert refused.value.code == "already-cosigned"
        assert refused.value.message == (
            f"This order was already co-signed by avery on {NOW:%Y-%m-%d %H:%M} UTC."
        )
        order.refresh_from_db()
        assert order.cosigned_at == first.cosigned_at == NOW
        assert audited("record.benzo-change-cosign") == 1


class TestStatus:
    def test_a_stale_patient_audits_the_status_it_really_changed(self, world: World) -> None:
        stale = Patient.objects.get(pk=world.alex.pk)
        do_change_status(actor(world.avery), world.alex, "tapering", now=NOW)
        do_change_status(actor(world.kim), stale, "tapering", now=NOW)  # already so: nothing
        do_change_status(actor(world.kim), stale, "maintenance", now=NOW)
        details = AuditEvent.objects.filter(action="record.status-change").order_by("id")
        assert [e.detail for e in details] == [
            {"from": "assessment", "to": "tapering"},
            {"from": "tapering", "to": "maintenance"},
        ]


class TestEndingAMedication:
    @pytest.fixture
    def sertraline(self, world: World) -> Medication:
        return Medication.objects.create(patient=world.alex, name="Sertraline")

    def test_a_second_end_does_not_overwrite_the_first(
        self, world: World, sertraline: Medication, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        stale = Medication.objects.get(pk=sertraline.pk)  # read by the second request
        first_end = TODAY - dt.timedelta(days=3)
        do_end_medication(actor(world.avery), world.alex, sertraline.pk, first_end, now=NOW)
        checked_before_the_first(monkeypatch, "medication_to_end", stale)
        with pytest.raises(ClinicalError) as refused:
            do_end_medication(actor(world.kim), world.alex, sertraline.pk, YESTERDAY, now=NOW)
        assert (refused.value.code, refused.value.message) == (
            "already-ended",
            f"Sertraline was already ended on {first_end.isoformat()}.",
        )
        sertraline.refresh_from_db()
        assert sertraline.ended_on == first_end
        assert audited("record.medication-end") == 1

    def test_the_api_answers_409(
        self, world: World, sertraline: Medication, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        stale = Medication.objects.get(pk=sertraline.pk)
        path = f"/patients/{world.alex.pk}/medications/{sertraline.pk}/end"
        first_end = (TODAY - dt.timedelta(days=3)).isoformat()
        assert ApiClient(world.avery).post(path, {"ended_on": first_end}).status_code == 200
        checked_before_the_first(monkeypatch, "medication_to_end", stale)
        response = ApiClient(world.kim).post(path, {"ended_on": YESTERDAY.isoformat()})
        assert (response.status_code, response.json()) == (
            409,
            {"detail": f"Sertraline was already ended on {first_end}."},
        )
        sertraline.refresh_from_db()
        assert sertraline.ended_on == TODAY - dt.timedelta(days=3)
        assert audited("record.medication-end") == 1


class TestConsentRevocation:
    def test_a_second_revocation_keeps_the_first(self, world: World) -> None:
        terms = ConsentTerms(
            recipient="Dr. Taylor",
            purpose="coordination of care",
            information="Taper plan",
            includes_counselling_notes=False,
            expires_on=TODAY + dt.timedelta(days=30),
            expiry_event="",
            signed_by="Alex Morgan",
            signed_on=TODAY,
        )
        consent = do_add_consent(actor(world.avery), world.alex, terms, now=NOW)
        stale = Consent.objects.get(pk=consent.pk)  # the staff's page, opened earlier
        first = NOW - dt.timedelta(minutes=5)
        do_revoke_consent(actor(world.alex_user), consent, now=first)
        with pytest.raises(ClinicalError) as refused:
            do_revoke_consent(actor(world.avery), stale, now=NOW)
        assert refused.value.message == "This consent has already been revoked."
        consent.refresh_from_db()
        assert consent.revoked_at == first
        revocations = AuditEvent.objects.filter(action="consent.revoke")
        assert [e.actor_username for e in revocations] == ["alex"]


class TestAlertAcknowledgement:
    def test_a_second_acknowledgement_keeps_the_first(self, world: World) -> None:
        alert = SafetyAlert.objects.create(
            patient=world.alex, code="suicide-risk", message="PHQ-9 item 9", raised_at=NOW
        )
        stale = SafetyAlert.objects.get(pk=alert.pk)  # the other clinician's caseload
        do_acknowledge_alert(actor(world.kim), alert, note="Called Alex.", now=NOW)
        with pytest.raises(ClinicalError) as refused:
            do_acknowledge_alert(actor(world.avery), stale, note="Saw Alex.", now=NOW)
        assert (refused.value.code, refused.value.message) == (
            "already-acknowledged",
            "This alert has already been acknowledged.",
        )
        alert.refresh_from_db()
        assert (alert.acknowledged_by, alert.acknowledgement_note) == (world.kim, "Called Alex.")
        assert audited("alert.acknowledge") == 1


class TestCareTeam:
    def test_a_second_addition_is_refused(
        self, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        admin = actor(world.riverside_admin)
        do_add_care_team_member(admin, world.blair, world.lee.pk, now=NOW)
        monkeypatch.setattr(record_actions, "on_care_team", lambda patient, user: False)
        with pytest.raises(ClinicalError) as refused:
            do_add_care_team_member(admin, world.blair, world.lee.pk, now=NOW)
        assert refused.value.message == "lee is already on the care team."
        assert world.blair.care_team.filter(user=world.lee).count() == 1
        assert audited("record.care-team-add") == 1

    def test_a_second_removal_is_refused_and_audited_once(
        self, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        admin = actor(world.riverside_admin)
        stale = world.blair.care_team.select_related("user").get(user=world.kim)
        do_remove_care_team_member(admin, world.blair, world.kim.pk, now=NOW)
        monkeypatch.setattr(record_actions, "care_team_member", lambda patient, user_id: stale)
        with pytest.raises(ClinicalError) as refused:
            do_remove_care_team_member(admin, world.blair, world.kim.pk, now=NOW)
        assert refused.value.message == "That person is not on this patient's care team."
        assert audited("record.care-team-remove") == 1


class TakenMeanwhile:
    """A password validator that lets another request create ``username`` first. The
    actions validate the password after their own "is it taken?" check and before their
    write, so this is a request that got in between."""

    def __init__(self, username: str) -> None:
        self.username = username

    def validate(self, password: str, user: Any = None) -> None:
        User.objects.create_user(self.username)

    def get_help_text(self) -> str:
        return ""


@pytest.fixture
def another_request_takes(settings: SettingsWrapper) -> Callable[[str], None]:
    """``another_request_takes(username)``: the next account created meets ``username``
    created by another request after its check (the site's own validators still run)."""

    def take(username: str) -> None:
        taken = {"NAME": f"{__name__}.TakenMeanwhile", "OPTIONS": {"username": username}}
        settings.AUTH_PASSWORD_VALIDATORS = [taken, *settings.AUTH_PASSWORD_VALIDATORS]

    return take


class TestUsernames:
    def test_the_database_refuses_a_username_that_differs_only_in_case(self, world: World) -> None:
        User.objects.create_user("RACE.X")
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create_user("race.x")
        assert list(User.objects.filter(username__iexact="race.x").values_list("username")) == [
            ("RACE.X",)
        ]

    def test_a_registration_whose_username_was_taken_meanwhile_is_refused(
        self, client: Client, world: World, another_request_takes: Callable[[str], None]
    ) -> None:
        another_request_takes("RACE.X")
        users = User.objects.count()
        signed_in(client, world.riverside_admin)
        response = client.post(
            "/clinic/patients/new/",
            {
                "given_name": "Dana",
                "family_name": "Reyes",
                "date_of_birth": "1975-06-30",
                "status": "assessment",
                "username": "race.x",
                "password": PASSWORD,
                "password_again": PASSWORD,
            },
        )
        assert response.status_code == 400
        assert response.context["form"].errors["username"] == [
            "The username 'race.x' is taken; choose another."
        ]
        assert User.objects.count() == users + 1  # the other request's RACE.X only
        assert not Patient.objects.filter(given_name="Dana").exists()
        assert audited("patient.register") == 0

    def test_the_action_refuses_it_too(
        self, world: World, another_request_takes: Callable[[str], None]
    ) -> None:
        another_request_takes("Race.X")
        registration = Registration(
            "Dana", "Reyes", dt.date(1975, 6, 30), login=PortalLogin("race.x", PASSWORD)
        )
        with pytest.raises(ClinicalError) as refused:
            do_register_patient(actor(world.riverside_admin), registration, now=NOW)
        assert (refused.value.code, refused.value.message) == (
            "username",
            "The username 'race.x' is taken; choose another.",
        )
        assert not Patient.objects.filter(given_name="Dana").exists()

    def test_a_staff_account_whose_username_was_taken_meanwhile_is_refused(
        self, world: World, another_request_takes: Callable[[str], None]
    ) -> None:
        another_request_takes("NEW.NURSE")
        new = account_actions.NewStaff("new.nurse", "Noor", "Haddad", Role.NURSE, PASSWORD)
        with pytest.raises(AccountRefusal) as refused:
            account_actions.do_create_staff(actor(world.riverside_admin), world.riverside, new)
        assert refused.value.message == "The username 'new.nurse' is taken; choose another."
        assert not User.objects.filter(username="new.nurse").exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no row locks: one writer at a time"
)
@pytest.mark.django_db(transaction=True)
def test_two_dose_changes_sent_at_once_record_one(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first change is held inside its transaction (at its audit entry) while the
    second is sent; the second waits for the patient's lock, then sees the first."""
    first_inside, release = threading.Event(), threading.Event()
    real_record = record_actions.record

    def held_record(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread().name == "first":
            first_inside.set()
            release.wait(10)
        return real_record(*args, **kwargs)

    monkeypatch.setattr(record_actions, "record", held_record)
    outcomes: dict[str, str] = {}

    def change(who: User) -> None:
        try:
            patient = Patient.objects.get(pk=world.alex.pk)
            mine = CHANGE if who == world.avery else taken_by_a_nurse(CHANGE, world)
            do_change_benzodiazepine(actor(who), patient, mine, now=NOW)
            outcomes[threading.current_thread().name] = "recorded"
        except ClinicalError as exc:
            outcomes[threading.current_thread().name] = exc.message
        finally:
            connection.close()

    first = threading.Thread(target=change, args=(world.avery,), name="first")
    second = threading.Thread(target=change, args=(world.kim,), name="second")
    first.start()
    assert first_inside.wait(10)
    second.start()
    second.join(0.5)  # it waits for the lock the first holds
    release.set()
    first.join(10)
    second.join(10)
    assert outcomes == {"first": "recorded", "second": NOT_AFTER_THE_CURRENT_USE}
    assert BenzodiazepineUse.objects.filter(patient=world.alex, ended_on__isnull=True).count() == 1
    assert audited("record.benzo-change") == 1
