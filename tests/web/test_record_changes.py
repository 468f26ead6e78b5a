"""Changing a patient's record from the clinic's pages: status, benzodiazepine doses,
other medications, conditions and the care team. Who may, what is refused (with the
exact message), that refusals write nothing and that every change is audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.utils import timezone

from clonacare.accounts.actors import actor_for
from clonacare.accounts.models import Membership, Role
from clonacare.audit.log import Actor
from clonacare.audit.models import AuditEvent
from clonacare.core.errors import ClinicalError
from clonacare.patients.actions import (
    BenzodiazepineChange,
    Doses,
    MedicationEntry,
    do_add_care_team_member,
    do_add_condition,
    do_add_medication,
    do_change_benzodiazepine,
    do_change_status,
)
from clonacare.patients.models import BenzodiazepineUse, CareTeamMember, Condition, Medication
from tests.personas import World, signed_in

TODAY = timezone.now().date()
YESTERDAY = TODAY - dt.timedelta(days=1)
TOMORROW = TODAY + dt.timedelta(days=1)
PAGES = ("status/", "benzodiazepine/", "medications/new/", "conditions/new/")
# Status, other medications and conditions; doses are for prescribers and nurses only
# (tests/web/test_who_may_change_a_dose.py).
RECORD_PAGES = ("status/", "medications/new/", "conditions/new/")
MAY_CHANGE_ALEX = ("avery", "kim", "lee", "riverside_admin")
MAY_RECORD_DOSES_ALEX = ("avery", "kim")
MAY_NOT = ("alex", "blair", "brook", "site_admin")


def actor(user: User) -> Actor:
    return actor_for(user, RequestFactory().get("/"))


def url(world: World, page: str, patient: str = "alex") -> str:
    return f"/clinic/patients/{getattr(world, patient).pk}/{page}"


def changes_audited() -> list[str]:
    return list(
        AuditEvent.objects.filter(action__startswith="record.")
        .order_by("id")
        .values_list("action", flat=True)
    )


def dose_form(**changes: str) -> dict[str, str]:
    return {
        "drug": "clonazepam",
        "morning_mg": "0.5",
        "midday_mg": "",
        "evening_mg": "",
        "night_mg": "0.75",
        "on": YESTERDAY.isoformat(),
        "prescriber_name": "Dr. Avery",
    } | changes


class TestWhoMay:
    @pytest.mark.parametrize("username", MAY_CHANGE_ALEX)
    @pytest.mark.parametrize("page", RECORD_PAGES)
    def test_the_care_team_and_the_admin_open_the_forms(
        self, client: Client, world: World, username: str, page: str
    ) -> None:
        assert signed_in(client, username).get(url(world, page)).status_code == 200

    @pytest.mark.parametrize("username", MAY_RECORD_DOSES_ALEX)
    def test_prescribers_and_nurses_on_the_care_team_open_the_dose_form(
        self, client: Client, world: World, username: str
    ) -> None:
        assert signed_in(client, username).get(url(world, "benzodiazepine/")).status_code == 200

    @pytest.mark.parametrize("username", MAY_NOT)
    @pytest.mark.parametrize("page", [*PAGES, "care-team/"])
    def test_everyone_else_finds_no_such_page(
        self, client: Client, world: World, username: str, page: str
    ) -> None:
        signed_in(client, username)
        assert client.get(url(world, page)).status_code == 404
        assert client.post(url(world, page), {"status": "tapering"}).status_code == 404
        assert changes_audited() == []

    def test_a_counsellor_not_on_the_care_team_finds_nothing(
        self, client: Client, world: World
    ) -> None:
        for page in PAGES:
            assert signed_in(client, "lee").get(url(world, page, "blair")).status_code == 404

    @pytest.mark.parametrize("username", ["avery", "kim", "lee"])
    def test_only_the_admin_changes_the_care_team(
        self, client: Client, world: World, username: str
    ) -> None:
        assert signed_in(client, username).get(url(world, "care-team/")).status_code == 404
        response = client.post(url(world, f"care-team/{world.kim.pk}/remove/"))
        assert response.status_code == 404
        assert world.alex.care_team.count() == 3

    def test_the_record_links_to_the_forms_for_the_care_team(
        self, client: Client, world: World
    ) -> None:
        html = signed_in(client, "kim").get(url(world, "")).content.decode()
        for page in PAGES:
            assert url(world, page) in html
        assert url(world, "care-team/") not in html

    def test_the_record_links_the_care_team_for_the_admin(
        self, client: Client, world: World
    ) -> None:
        html = signed_in(client, "riverside_admin").get(url(world, "")).content.decode()
        assert url(world, "care-team/") in html
        assert url(world, "status/") in html

    def test_a_care_team_entry_in_another_program_grants_no_change(self, world: World) -> None:
        CareTeamMember.objects.create(patient=world.alex, user=world.brook)
        with pytest.raises(ClinicalError) as refused:
            do_change_status(actor(world.brook), world.alex, "tapering", now=timezone.now())
        assert refused.value.message == (
            "Only the patient's care team and the program admin change this record."
        )

    def test_a_clinician_off_the_care_team_may_not_change(self, world: World) -> None:
        with pytest.raises(ClinicalError) as refused:
            do_add_condition(actor(world.lee), world.blair, "Insomnia", TODAY, now=timezone.now())
        assert refused.value.code == "not-allowed"
        assert not Condition.objects.exists()

    def test_another_programs_admin_may_not_change(self, world: World) -> None:
        admin = User.objects.create(username="northgate_admin")
        Membership.objects.create(user=admin, program=world.northgate, role=Role.PROGRAM_ADMIN)
        with pytest.raises(ClinicalError):
            do_add_medication(
                actor(admin), world.alex, MedicationEntry("Sertraline"), now=timezone.now()
            )
        with pytest.raises(ClinicalError) as refused:
            do_add_care_team_member(actor(admin), world.alex, world.lee.pk, now=timezone.now())
        assert refused.value.message == "Only the program admin changes the care team."
        assert not Medication.objects.exists()

    def test_a_patient_may_not_change_their_own_record(self, world: World) -> None:
        with pytest.raises(ClinicalError) as refused:
            do_change_benzodiazepine(
                actor(world.alex_user),
                world.alex,
                BenzodiazepineChange("clonazepam", Doses(night_mg=Decimal(1)), YESTERDAY),
                now=timezone.now(),
            )
        assert refused.value.code == "not-allowed"


class TestStatus:
    def test_it_changes_the_status_and_audits_it(self, client: Client, world: World) -> None:
        response = signed_in(client, "kim").post(url(world, "status/"), {"status": "tapering"})
        assert response.status_code == 302
        world.alex.refresh_from_db()
        assert world.alex.status == "tapering"
        event = AuditEvent.objects.get(action="record.status-change")
        assert (event.actor_username, event.patient_id, event.detail) == (
            "kim",
            world.alex.pk,
            {"from": "assessment", "to": "tapering"},
        )

    def test_the_same_status_changes_nothing(self, client: Client, world: World) -> None:
        signed_in(client, "kim").post(url(world, "status/"), {"status": "assessment"})
        assert changes_audited() == []

    def test_an_unknown_status_is_refused_on_the_form(self, client: Client, world: World) -> None:
        response = signed_in(client, "kim").post(url(world, "status/"), {"status": "cured"})
        assert response.status_code == 400
        assert "Select a valid choice. cured is not one of the available choices." in (
            response.content.decode()
        )


class TestDoseChange:
    def test_it_ends_the_current_use_and_starts_the_new_one(
        self, client: Client, world: World
    ) -> None:
        before = world.alex.benzo_uses.get()
        response = signed_in(client, "avery").post(url(world, "benzodiazepine/"), dose_form())
        assert response.status_code == 302
        old, new = world.alex.benzo_uses.order_by("since")
        assert old.pk == before.pk
        assert (old.since, old.ended_on, old.daily_mg) == (
            dt.date(2024, 3, 1),
            YESTERDAY - dt.timedelta(days=1),
            Decimal("1.5"),
        )
        assert (new.since, new.ended_on, new.morning_mg, new.night_mg) == (
            YESTERDAY,
            None,
            Decimal("0.5"),
            Decimal("0.75"),
        )
        event = AuditEvent.objects.get(action="record.benzo-change")
        assert event.detail == {
            "drug": "clonazepam",
            "on": YESTERDAY.isoformat(),
            "from_daily_mg": "1.500",
            "to_daily_mg": "1.25",
            "above_label_maximum": False,
            "dose_change_id": new.dose_change.pk,
            "order": "prescriber",
            "ordered_by": "avery",
            "pending_co_signature": False,
            "above_ceiling": False,
        }
        assert (event.object_type, event.object_id) == ("BenzodiazepineUse", str(new.pk))

    def test_the_form_is_prefilled_with_the_current_doses(
        self, client: Client, world: World
    ) -> None:
        html = signed_in(client, "avery").get(url(world, "benzodiazepine/")).content.decode()
        assert 'name="night_mg" value="1"' in html
        # "Prescribed by" is the ordering prescriber, never typed (nor prefilled).
        assert 'name="prescriber_name"' not in html

    def test_a_dose_above_the_label_maximum_is_recorded(self, client: Client, world: World) -> None:
        response = signed_in(client, "avery").post(
            url(world, "benzodiazepine/"), dose_form(morning_mg="12", night_mg="12")
        )
        assert response.status_code == 302
        assert AuditEvent.objects.get(action="record.benzo-change").detail["above_label_maximum"]
        html = client.get(url(world, "")).content.decode()
        assert "Above the label maximum of 20 mg/day (seizure disorders)." in html

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"morning_mg": "a little"}, "Enter a number."),
            ({"night_mg": "-1"}, "Ensure this value is greater than or equal to 0."),
            ({"night_mg": "0.0625"}, "Ensure that there are no more than 3 decimal places."),
            ({"on": ""}, "This field is required."),
            ({"drug": "gabapentin"}, "Select a valid choice. gabapentin is not one of"),
            (
                {"morning_mg": "0", "night_mg": ""},
                "At least one dose must be above 0 mg. To record that the patient has "
                "stopped, set the status to &#x27;In recovery (off benzodiazepines)&#x27; first.",
            ),
            ({"on": TOMORROW.isoformat()}, "The date of the change cannot be in the future."),
            (
                {"on": "2024-03-01"},
                "A change of clonazepam must be dated after its current use began "
                "(2024-03-01); the record&#x27;s history is never edited.",
            ),
            (
                {"morning_mg": "0.5", "night_mg": "1"},
                "These are the current doses; nothing changed.",
            ),
            ({"on": "1950-01-01"}, "The date of the change cannot be before the date of birth."),
        ],
    )
    def test_a_wrong_change_is_refused_and_nothing_is_written(
        self, client: Client, world: World, changes: dict[str, str], message: str
    ) -> None:
        response = signed_in(client, "avery").post(
            url(world, "benzodiazepine/"), dose_form(**changes)
        )
        assert response.status_code == 400
        assert message in response.content.decode()
        (use,) = world.alex.benzo_uses.all()
        assert use.ended_on is None
        assert changes_audited() == []

    def test_in_recovery_all_zero_stops_the_drug(self, client: Client, world: World) -> None:
        signed_in(client, "avery").post(url(world, "status/"), {"status": "recovery"})
        # A stop is a 100% cut: above the ceiling, it needs a reason.
        response = client.post(
            url(world, "benzodiazepine/"),
            # Confirmed on the stop's confirmation step (tests/web/test_stop_confirmation.py).
            dose_form(
                morning_mg="0",
                night_mg="0",
                override_reason="Off since last week.",
                confirm="yes",
            ),
        )
        assert response.status_code == 302
        (use,) = world.alex.benzo_uses.all()
        assert use.ended_on == YESTERDAY - dt.timedelta(days=1)
        assert AuditEvent.objects.get(action="record.benzo-change").detail["to_daily_mg"] == "0"

    def test_a_crossover_adds_a_second_drug_then_stops_the_first(
        self, client: Client, world: World
    ) -> None:
        # Clonazepam 1.5 mg (30 mg diazepam-equivalent): the night dose is switched to
        # diazepam 20 mg, then the morning dose to diazepam 10 mg; the total stays 30 mg,
        # so no change is a cut.
        signed_in(client, "avery")
        week_ago = (TODAY - dt.timedelta(days=7)).isoformat()
        for change in (
            dose_form(drug="diazepam", morning_mg="", night_mg="20", on=week_ago),
            dose_form(morning_mg="0.5", night_mg="0", on=week_ago),
            dose_form(drug="diazepam", morning_mg="10", night_mg="20"),
            dose_form(morning_mg="0", night_mg="0", confirm="yes"),  # the stop, confirmed
        ):
            response = client.post(url(world, "benzodiazepine/"), change)
            assert response.status_code == 302
        current = BenzodiazepineUse.objects.filter(patient=world.alex, ended_on__isnull=True)
        assert [(u.drug, u.daily_mg) for u in current] == [("diazepam", Decimal("30"))]
        assert not world.alex.dose_changes.filter(ceiling_cut_pct__isnull=False).exists()

    def test_stopping_a_drug_not_taken_is_refused(self, client: Client, world: World) -> None:
        signed_in(client, "avery").post(url(world, "status/"), {"status": "recovery"})
        response = client.post(
            url(world, "benzodiazepine/"), dose_form(drug="lorazepam", morning_mg="0", night_mg="0")
        )
        assert response.status_code == 400
        assert "There is no current use of lorazepam to stop." in response.content.decode()


class TestMedications:
    def test_it_adds_and_ends_a_medication(self, client: Client, world: World) -> None:
        signed_in(client, "kim")
        response = client.post(
            url(world, "medications/new/"),
            {"name": "Sertraline", "dose": "50 mg", "reason": "mood", "started_on": "2024-01-10"},
        )
        assert response.status_code == 302
        medication = Medication.objects.get()
        assert (medication.name, medication.dose, medication.started_on) == (
            "Sertraline",
            "50 mg",
            dt.date(2024, 1, 10),
        )
        ended = client.post(
            url(world, f"medications/{medication.pk}/end/"),
            {"ended_on": YESTERDAY.isoformat(), "confirm": "yes"},
        )
        assert ended.status_code == 302
        medication.refresh_from_db()
        assert medication.ended_on == YESTERDAY
        assert changes_audited() == ["record.medication-add", "record.medication-end"]
        assert "stopped" in client.get(url(world, "")).content.decode()

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"name": ""}, "Choose the drug from the list, or enter the name of the medication."),
            ({"started_on": TOMORROW.isoformat()}, "The start date cannot be in the future."),
            ({"started_on": "1970-01-01"}, "The start date cannot be before the date of birth."),
            ({"reason": "x" * 121}, "Ensure this value has at most 120 characters (it has 121)."),
        ],
    )
    def test_a_wrong_medication_is_refused(
        self, client: Client, world: World, changes: dict[str, str], message: str
    ) -> None:
        body = {"name": "Sertraline", "dose": "", "reason": "", "started_on": ""} | changes
        response = signed_in(client, "kim").post(url(world, "medications/new/"), body)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not Medication.objects.exists()

    def test_ending_twice_or_too_early_is_refused(self, client: Client, world: World) -> None:
        medication = Medication.objects.create(
            patient=world.alex, name="Sertraline", started_on=dt.date(2024, 1, 10)
        )
        signed_in(client, "kim")
        early = client.post(
            url(world, f"medications/{medication.pk}/end/"),
            {"ended_on": "2024-01-01", "confirm": "yes"},
        )
        assert early.status_code == 400
        assert "The end date cannot be before the medication started." in early.content.decode()
        client.post(
            url(world, f"medications/{medication.pk}/end/"),
            {"ended_on": "2024-02-01", "confirm": "yes"},
        )
        again = client.post(
            url(world, f"medications/{medication.pk}/end/"),
            {"ended_on": "2024-03-01", "confirm": "yes"},
        )
        assert again.status_code == 409
        assert "Sertraline was already ended on 2024-02-01." in again.content.decode()
        assert changes_audited() == ["record.medication-end"]

    def test_another_patients_medication_is_not_found(self, client: Client, world: World) -> None:
        medication = Medication.objects.create(patient=world.blair, name="Sertraline")
        response = signed_in(client, "kim").post(
            url(world, f"medications/{medication.pk}/end/"),
            {"ended_on": YESTERDAY.isoformat(), "confirm": "yes"},
        )
        assert response.status_code == 404
        assert f"This patient has no medication with the id {medication.pk}." in (
            response.content.decode()
        )
        medication.refresh_from_db()
        assert medication.ended_on is None


class TestConditions:
    def test_it_adds_a_condition(self, client: Client, world: World) -> None:
        response = signed_in(client, "lee").post(
            url(world, "conditions/new/"), {"name": "Panic disorder", "noted_on": "2023-02-01"}
        )
        assert response.status_code == 302
        condition = Condition.objects.get()
        assert (condition.name, condition.noted_on) == ("Panic disorder", dt.date(2023, 2, 1))
        event = AuditEvent.objects.get(action="record.condition-add")
        assert (event.actor_username, event.detail) == ("lee", {"name": "Panic disorder"})

    def test_a_condition_noted_in_the_future_is_refused(self, client: Client, world: World) -> None:
        response = signed_in(client, "lee").post(
            url(world, "conditions/new/"), {"name": "Insomnia", "noted_on": TOMORROW.isoformat()}
        )
        assert response.status_code == 400
        assert "The date noted cannot be in the future." in response.content.decode()
        assert not Condition.objects.exists()


class TestCareTeam:
    def test_the_admin_adds_and_removes_a_member(self, client: Client, world: World) -> None:
        signed_in(client, "riverside_admin")
        page = client.get(url(world, "care-team/", "blair")).content.decode()
        assert "lee (Counsellor)" in page
        assert "brook" not in page
        response = client.post(url(world, "care-team/", "blair"), {"user": world.lee.pk})
        assert response.status_code == 302
        assert world.blair.care_team.filter(user=world.lee).exists()
        removed = client.post(url(world, f"care-team/{world.kim.pk}/remove/", "blair"))
        assert removed.status_code == 302
        assert not world.blair.care_team.filter(user=world.kim).exists()
        assert changes_audited() == ["record.care-team-add", "record.care-team-remove"]
        client.logout()
        assert signed_in(client, "kim").get(url(world, "", "blair")).status_code == 404
        client.logout()
        assert signed_in(client, "lee").get(url(world, "", "blair")).status_code == 200

    def test_another_programs_clinician_is_not_offered(self, client: Client, world: World) -> None:
        response = signed_in(client, "riverside_admin").post(
            url(world, "care-team/"), {"user": world.brook.pk}
        )
        assert response.status_code == 400
        assert "Select a valid choice. That choice is not one of the available choices." in (
            response.content.decode()
        )
        assert not world.alex.care_team.filter(user=world.brook).exists()

    def test_someone_already_on_the_team_is_refused(self, world: World) -> None:
        with pytest.raises(ClinicalError) as refused:
            do_add_care_team_member(
                actor(world.riverside_admin), world.alex, world.kim.pk, now=timezone.now()
            )
        assert refused.value.message == "kim is already on the care team."

    def test_removing_someone_not_on_the_team_is_not_found(
        self, client: Client, world: World
    ) -> None:
        response = signed_in(client, "riverside_admin").post(
            url(world, f"care-team/{world.lee.pk}/remove/", "blair")
        )
        assert response.status_code == 404
        assert "That person is not on this patient&#x27;s care team." in response.content.decode()
        assert changes_audited() == []
