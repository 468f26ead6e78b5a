"""`clonacare demo`: the README's demo accounts, each signing in with the password alone."""

from __future__ import annotations

import pytest
from django.test import Client

from clonacare.assessments.models import InstrumentResponse, LevelOfCareAssessment
from clonacare.patients.models import Patient
from clonacare.web.demo import DEMO_PASSWORD, load_demo_data

ACCOUNTS = {
    "dr.avery": "/clinic/",
    "nurse.kim": "/clinic/",
    "counsel.lee": "/clinic/",
    "admin.riverside": "/clinic/",
    "pat.alex": "/portal/",
    "pat.blair": "/portal/",
    "dr.brook": "/clinic/",
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
    assert set(Patient.objects.values_list("user__username", flat=True)) == {
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
    again = list(load_demo_data())
    assert "Demo programs already exist; left as they are." in again
    assert Patient.objects.count() == 3
