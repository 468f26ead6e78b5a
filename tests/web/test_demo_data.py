"""`clonacare demo`: the README's demo accounts, each signing in with the password alone."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from clonacare.accounts.models import Membership, Program
from clonacare.assessments.models import InstrumentResponse, LevelOfCareAssessment
from clonacare.monitoring.models import CheckIn, DoseLog, Proposal
from clonacare.patients.models import Patient
from clonacare.plans.models import Plan
from clonacare.web.demo import DEMO_PASSWORD, load_demo_data
from tests.api_client import ApiClient

ACCOUNTS = {
    "dr.avery": "/clinic/",
    "nurse.kim": "/clinic/",
    "counsel.lee": "/clinic/",
    "admin.riverside": "/clinic/",
    "pat.alex": "/portal/",
    "pat.blair": "/portal/",
    "dr.brook": "/clinic/",
    "dr.ellis": "/clinic/",
    "pat.casey": "/portal/",
    "admin": "/clinic/audit/",
}


@pytest.fixture
def demo(db: None) -> list[str]:
    return list(load_demo_data())


def test_every_demo_account_signs_in_with_the_password_alone(
    client: Client, demo: list[str]
) -> None:
    for username, landing in ACCOUNTS.items():
        client.logout()
        response = client.post(
            "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        assert client.get(response["Location"])["Location"] == landing


def test_the_demo_patients_have_months_of_history(demo: list[str]) -> None:
    # The patients with accounts (the outcomes cohort, docs/outcomes.md, has none).
    accounts = Patient.objects.filter(user__isnull=False)
    assert set(accounts.values_list("user__username", flat=True)) == {
        "pat.alex",
        "pat.blair",
        "pat.casey",
    }
    alex = Patient.objects.get(user__username="pat.alex")
    dates = alex.responses.filter(instrument="phq9").values_list("submitted_at", flat=True)
    assert (max(dates) - min(dates)).days >= 80
    assert LevelOfCareAssessment.objects.count() == 3
    assert InstrumentResponse.objects.filter(instrument="asq").count() == 3


def test_loading_the_demo_twice_changes_nothing(demo: list[str]) -> None:
    before = Patient.objects.count()
    again = list(load_demo_data())
    assert "Demo programs already exist; left as they are." in again
    assert Patient.objects.count() == before


def test_loading_the_demo_again_fills_addresses_an_older_demo_lacks(demo: list[str]) -> None:
    patients = Patient.objects.count()
    # A data directory from before alerts were emailed: no staff or on-call addresses.
    User.objects.filter(username__in=["dr.avery", "nurse.kim", "admin", "pat.alex"]).update(
        email=""
    )
    Program.objects.filter(slug="riverside").update(on_call_email="")
    User.objects.filter(username="dr.brook").update(email="brook@clinic.example")
    again = list(load_demo_data())
    assert again[1:] == [
        "Demo programs already exist; left as they are.",
        "Filled 5 missing demo email addresses (demo data made before alerts and check-in "
        "reminders were emailed), so safety alerts reach the demo care teams and on-call "
        "addresses, and check-in reminders the demo patients.",
    ]
    emails = dict(User.objects.values_list("username", "email"))
    assert emails["dr.avery"] == "dr.avery@riverside.example"
    assert emails["nurse.kim"] == "nurse.kim@riverside.example"
    assert emails["admin"] == "admin@clonacare.example"
    assert emails["pat.alex"] == "pat.alex@riverside.example"
    assert emails["dr.brook"] == "brook@clinic.example"  # an address that is set is kept
    assert Program.objects.get(slug="riverside").on_call_email == "on-call@riverside.example"
    assert Patient.objects.count() == patients


def test_a_namesake_outside_the_demo_program_gets_no_demo_address(demo: list[str]) -> None:
    Membership.objects.filter(user__username="counsel.lee").update(
        program=Program.objects.get(slug="northgate")
    )
    User.objects.filter(username="counsel.lee").update(email="")
    again = list(load_demo_data())
    assert again[-1] == "Demo programs already exist; left as they are."
    assert User.objects.get(username="counsel.lee").email == ""


def test_pat_alex_is_in_the_third_week_of_an_approved_plan_with_logs_and_check_ins(
    demo: list[str],
) -> None:
    alex = Patient.objects.get(user__username="pat.alex")
    (plan,) = Plan.objects.filter(patient=alex)
    assert plan.status == "approved"
    assert (timezone.now() - plan.approved_at).days == 17  # the third week
    assert CheckIn.objects.filter(patient=alex).count() == 17
    logs = DoseLog.objects.filter(patient=alex)
    assert logs.count() == 34  # morning and night, 17 days
    assert list(logs.filter(status="missed").values_list("dose_time", flat=True)) == ["morning"]


def test_pat_blair_has_a_draft_awaiting_approval_and_a_proposal_awaiting_a_decision(
    demo: list[str],
) -> None:
    blair = Patient.objects.get(user__username="pat.blair")
    assert sorted(Plan.objects.filter(patient=blair).values_list("status", flat=True)) == [
        "approved",
        "draft",
    ]
    (proposal,) = Proposal.objects.filter(patient=blair)
    assert (proposal.kind, proposal.status) == ("pause", "open")
    assert proposal.why["rule"] == "severe"


def test_pat_alex_has_two_cbt_modules_in_progress_with_a_sleep_diary(
    demo: list[str],
) -> None:
    alex = Patient.objects.get(user__username="pat.alex")
    lee = User.objects.get(username="counsel.lee")
    modules = ApiClient(lee).get(f"/patients/{alex.pk}/modules").json()["items"]
    assert sorted((m["module"], m["status"]) for m in modules) == [
        ("sleep", "in-progress"),
        ("thought-records", "in-progress"),
    ]
    entries = ApiClient(lee).get(f"/patients/{alex.pk}/exercises").json()["items"]
    kinds = sorted(e["kind"] for e in entries)
    assert kinds == ["sleep-diary"] * 7 + ["thought-record"]
    assert (
        "Demo CBT modules: pat.alex has two in progress (sleep, thought records) from "
        "counsel.lee, with a week of sleep diary and a thought record." in demo
    )
