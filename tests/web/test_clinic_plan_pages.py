"""The clinic's taper plan pages: drafting with a preset and a preview, saving the
draft, approving it with the password (and the code where the program requires
two-factor), revising it; who may open which page, and each refusal's message."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from clonacare.audit.models import AuditEvent
from clonacare.plans.models import Plan
from tests.personas import PASSWORD, World, signed_in

pytestmark = pytest.mark.django_db

TODAY = timezone.now().date()
NICE_BANDS = {
    "preset": "nice-bands",
    "method": "bands",
    "interval": "14",
    "band_cut": "low",
    "switch_to_diazepam": "on",
}
NOT_A_TEAM_PRESCRIBER = (
    "Only a prescriber on the patient's care team drafts, approves or revises a taper plan."
)


def new_url(world: World) -> str:
    return f"/clinic/patients/{world.alex.pk}/plans/new/"


def saved_draft(world: World, client: Client, **extra: str) -> Plan:
    response = client.post(new_url(world), NICE_BANDS | extra | {"action": "save"})
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert response["Location"] == f"/clinic/plans/{plan.pk}/"
    return plan


def approved(world: World, client: Client) -> Plan:
    plan = saved_draft(world, client)
    response = client.post(f"/clinic/plans/{plan.pk}/approve/", {"password": PASSWORD})
    assert response.status_code == 302
    plan.refresh_from_db()
    return plan


def error_texts(response: Any, form: str) -> list[str]:
    return [e for errors in response.context[form].errors.values() for e in errors]


# Drafting: presets, preview, save.


def test_it_offers_every_preset(world: World, client: Client) -> None:
    response = signed_in(client, "avery").get(new_url(world))
    assert response.status_code == 200
    body = response.content.decode()
    for title in (
        "Standard: 10% of the current dose every 2 weeks",
        "Slower: 5% of the current dose every 4 weeks",
        "NICE bands on diazepam, every 2 weeks",
        "About one-eighth of the dose every 2 weeks",
    ):
        assert title in body
    assert "clonazepam morning 0.5 mg, night 1 mg." in body


def test_applying_a_preset_fills_its_values_and_shows_its_source(
    world: World, client: Client
) -> None:
    response = signed_in(client, "avery").post(
        new_url(world),
        {"action": "preset", "preset": "slower", "method": "bands", "band_cut": "low"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert (form["method"].value(), form["step"].value(), form["interval"].value()) == (
        "percent",
        "5",
        "28",
    )
    # A value of the method the preset replaces is emptied.
    assert form["band_cut"].value() == ""
    assert (
        "Source: ASAM 2025 Rec 6: initial reductions of 5–10% of the current total daily dose "
        "every 2–4 weeks" in response.content.decode()
    )
    assert not Plan.objects.exists()


def test_applying_without_a_preset_asks_for_one(world: World, client: Client) -> None:
    response = signed_in(client, "avery").post(
        new_url(world), {"action": "preset", "preset": "", "method": "percent"}
    )
    assert response.status_code == 400
    assert error_texts(response, "form") == ["Choose a preset to fill the form with."]


def test_preview_shows_the_schedule_chart_and_warnings_and_saves_nothing(
    world: World, client: Client
) -> None:
    response = signed_in(client, "avery").post(new_url(world), NICE_BANDS | {"action": "preview"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Preview (not saved)" in body
    assert "morning 0.5 mg clonazepam; night 1 mg clonazepam" in body
    assert 'src="data:image/svg+xml;base64,' in body
    codes = [w["code"] for w in response.context["preview"]["warnings"]]
    assert "equivalence-approximate" in codes
    assert "Source: ASAM 2025 Table 7" in body
    assert not Plan.objects.exists()
    assert not AuditEvent.objects.filter(action="plan.draft").exists()


def test_a_refusal_is_worded_with_the_form_labels(world: World, client: Client) -> None:
    response = signed_in(client, "avery").post(
        new_url(world), {"action": "preview", "method": "percent", "step": "50", "interval": "7"}
    )
    assert response.status_code == 422
    later = (TODAY + dt.timedelta(days=14)).isoformat()
    assert response.context["refusal"] == (
        "Refused (rate-limit): The “Step” 50 every 7 days cuts more than 25% in 14 days: from "
        f"30 mg diazepam-equivalent/day on {TODAY.isoformat()} to 7.5 on {later} (−75%) "
        "[ASAM 2025 Rec 6: the pace should typically not exceed 25% every 2 weeks]. Choose a "
        "smaller step or a longer interval, or give an “Override reason” to plan it anyway."
    )
    assert not Plan.objects.exists()


def test_a_start_in_the_past_is_refused(world: World, client: Client) -> None:
    yesterday = TODAY - dt.timedelta(days=1)
    response = signed_in(client, "avery").post(
        new_url(world), NICE_BANDS | {"action": "save", "start": yesterday.isoformat()}
    )
    assert response.status_code == 400
    assert response.context["refusal"] == (
        f"A plan starts today ({TODAY.isoformat()}) or later, not on {yesterday.isoformat()}: "
        "a draft cannot schedule doses in the past."
    )
    assert not Plan.objects.exists()


def test_save_draft_stores_the_plan_and_opens_its_page(world: World, client: Client) -> None:
    c = signed_in(client, "avery")
    plan = saved_draft(world, c)
    assert (plan.status, plan.created_by, plan.patient) == ("draft", world.avery, world.alex)
    assert plan.parameters["method"] == "bands"
    assert AuditEvent.objects.filter(action="plan.draft", object_id=str(plan.pk)).exists()
    page = c.get(f"/clinic/plans/{plan.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Draft, awaiting approval" in body
    assert "Approve this plan" in body


@pytest.mark.parametrize("who", ["kim", "lee", "riverside_admin", "brook"])
def test_only_a_prescriber_on_the_care_team_opens_the_draft_page(
    world: World, client: Client, who: str
) -> None:
    c = signed_in(client, who)
    assert c.get(new_url(world)).status_code == 404
    assert c.post(new_url(world), NICE_BANDS | {"action": "save"}).status_code == 404
    assert not Plan.objects.exists()


def test_a_patient_does_not_open_the_clinic_plan_pages(world: World, client: Client) -> None:
    plan = saved_draft(world, signed_in(Client(), "avery"))
    c = signed_in(client, world.alex_user)
    assert c.get(new_url(world)).status_code == 404
    assert c.get(f"/clinic/plans/{plan.pk}/").status_code == 404


# The record links to the plans.


def test_the_record_links_to_the_patients_plans(world: World, client: Client) -> None:
    c = signed_in(client, "kim")
    record = c.get(f"/clinic/patients/{world.alex.pk}/").content.decode()
    assert f'href="/clinic/patients/{world.alex.pk}/plans/"' in record
    plan = saved_draft(world, signed_in(Client(), "avery"))
    listing = c.get(f"/clinic/patients/{world.alex.pk}/plans/")
    assert listing.status_code == 200
    body = listing.content.decode()
    assert f'href="/clinic/plans/{plan.pk}/"' in body
    # A nurse is not offered a draft.
    assert "Draft a taper plan" not in body


# The plan page: who sees it.


@pytest.mark.parametrize("who", ["kim", "lee", "riverside_admin"])
def test_the_care_team_and_admin_see_the_plan_read_only(
    world: World, client: Client, who: str
) -> None:
    plan = saved_draft(world, signed_in(Client(), "avery"))
    response = signed_in(client, who).get(f"/clinic/plans/{plan.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Read only: a prescriber on the patient's care team approves and revises a plan." in body
    assert "Approve plan" not in body


def test_a_plan_out_of_sight_answers_like_a_missing_one(world: World, client: Client) -> None:
    plan = saved_draft(world, signed_in(Client(), "avery"))
    c = signed_in(client, "brook")
    assert c.get(f"/clinic/plans/{plan.pk}/").status_code == 404
    assert c.get(f"/clinic/plans/{plan.pk + 100}/").status_code == 404
    assert c.post(f"/clinic/plans/{plan.pk}/approve/", {"password": PASSWORD}).status_code == 404
    assert AuditEvent.objects.filter(action="plan.view.denied").count() == 2


# Approving.


def test_a_prescriber_approves_with_their_password(world: World, client: Client) -> None:
    c = signed_in(client, "avery")
    plan = approved(world, c)
    assert (plan.status, plan.approved_by) == ("approved", world.avery)
    body = c.get(f"/clinic/plans/{plan.pk}/").content.decode()
    assert '<dd id="plan-status">Approved</dd>' in body
    assert "Revise the plan" in body


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("", "Approving a plan asks for your password again: enter it."),
        ("wrong", "That password is not right; approving a plan asks for your own password."),
    ],
)
def test_a_missing_or_wrong_password_is_refused(
    world: World, client: Client, password: str, message: str
) -> None:
    c = signed_in(client, "avery")
    plan = saved_draft(world, c)
    response = c.post(f"/clinic/plans/{plan.pk}/approve/", {"password": password})
    assert response.status_code == 400
    assert error_texts(response, "approve_form") == [message]
    plan.refresh_from_db()
    assert plan.status == "draft"
    assert AuditEvent.objects.filter(action="plan.approve.refused").count() == 1


def test_a_nurse_who_sees_the_plan_may_not_approve_it(world: World, client: Client) -> None:
    plan = saved_draft(world, signed_in(Client(), "avery"))
    response = signed_in(client, "kim").post(
        f"/clinic/plans/{plan.pk}/approve/", {"password": PASSWORD}
    )
    assert response.status_code == 403
    assert response.context["message"] == NOT_A_TEAM_PRESCRIBER
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_an_approved_plan_is_not_approved_again(world: World, client: Client) -> None:
    c = signed_in(client, "avery")
    plan = approved(world, c)
    response = c.post(f"/clinic/plans/{plan.pk}/approve/", {"password": PASSWORD})
    assert response.status_code == 409
    assert response.context["refusal"] == "This plan is approved already."


def test_a_plan_with_an_override_asks_to_confirm_it(world: World, client: Client) -> None:
    c = signed_in(client, "avery")
    plan = saved_draft(world, c, override_reason="Patient asked to go at this pace")
    page = c.get(f"/clinic/plans/{plan.pk}/").content.decode()
    assert "Patient asked to go at this pace" in page
    response = c.post(f"/clinic/plans/{plan.pk}/approve/", {"password": PASSWORD})
    assert response.status_code == 400
    assert error_texts(response, "approve_form") == [
        "This plan breaks a limit under an override reason: confirm you have read it."
    ]
    response = c.post(
        f"/clinic/plans/{plan.pk}/approve/", {"password": PASSWORD, "confirm_override": "on"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "approved"


class TestTwoFactor:
    @pytest.fixture
    def device(self, world: World, client: Client) -> TOTPDevice:
        world.riverside.require_two_factor = True
        world.riverside.save()
        device: TOTPDevice = TOTPDevice.objects.create(
            user=world.avery, name="phone", confirmed=True
        )
        signed_in(client, "avery")
        session = client.session
        session["otp_device_id"] = device.persistent_id  # signed in with this device
        session.save()
        return device

    def test_it_asks_for_the_code(self, world: World, client: Client, device: TOTPDevice) -> None:
        plan = saved_draft(world, client)
        page = client.get(f"/clinic/plans/{plan.pk}/").content.decode()
        assert "Code from your authenticator app" in page
        response = client.post(f"/clinic/plans/{plan.pk}/approve/", {"password": PASSWORD})
        assert response.status_code == 400
        assert error_texts(response, "approve_form") == [
            "Your program requires two-factor sign-in: enter the 6-digit code from your "
            "authenticator app to approve this plan."
        ]

    def test_it_approves_with_the_code(
        self, world: World, client: Client, device: TOTPDevice
    ) -> None:
        plan = saved_draft(world, client)
        code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
        response = client.post(
            f"/clinic/plans/{plan.pk}/approve/", {"password": PASSWORD, "otp": code}
        )
        assert response.status_code == 302
        plan.refresh_from_db()
        assert plan.status == "approved"


# Revising.


def revise(client: Client, plan: Plan, **fields: str) -> Any:
    data = {"kind": "pause", "days": "14", "effective": TODAY.isoformat(), "reason": "Poor sleep"}
    return client.post(f"/clinic/plans/{plan.pk}/revisions/", data | fields)


def test_a_prescriber_pauses_the_plan_in_force(world: World, client: Client) -> None:
    c = signed_in(client, "avery")
    plan = approved(world, c)
    effective = TODAY + dt.timedelta(days=20)
    response = revise(c, plan, effective=effective.isoformat(), step="3")
    assert response.status_code == 302
    revision = plan.plan_revisions.get()
    assert (revision.number, revision.kind, revision.amount) == (2, "pause", "14")
    body = c.get(f"/clinic/plans/{plan.pk}/").content.decode()
    assert "The plan in force (revision 2)" in body
    assert (
        f"Pause, 14 days, from {effective.day} {effective:%b %Y}. Reason: “Poor sleep” By avery"
        in body
    )


def test_a_revision_without_a_reason_is_refused(world: World, client: Client) -> None:
    c = signed_in(client, "avery")
    plan = approved(world, c)
    response = revise(c, plan, reason="  ")
    assert response.status_code == 400
    assert error_texts(response, "revise_form") == ["Enter the reason for the revision."]
    assert not plan.plan_revisions.exists()


def test_a_revision_dated_before_today_is_refused(world: World, client: Client) -> None:
    c = signed_in(client, "avery")
    plan = approved(world, c)
    yesterday = TODAY - dt.timedelta(days=1)
    response = revise(c, plan, effective=yesterday.isoformat())
    assert response.status_code == 400
    assert error_texts(response, "revise_form") == [
        f"A revision takes effect today ({TODAY.isoformat()}) or later, not on "
        f"{yesterday.isoformat()}: steps already taken never change."
    ]


def test_a_draft_is_not_revised(world: World, client: Client) -> None:
    c = signed_in(client, "avery")
    plan = saved_draft(world, c)
    response = revise(c, plan)
    assert response.status_code == 409
    assert response.context["refusal"] == (
        "This plan is a draft: only the approved plan in force is revised. Draft a new plan "
        "instead, or approve this one first."
    )
    assert not plan.plan_revisions.exists()


def test_a_counsellor_may_not_revise(world: World, client: Client) -> None:
    plan = approved(world, signed_in(Client(), "avery"))
    response = revise(signed_in(client, "lee"), plan)
    assert response.status_code == 403
    assert response.context["message"] == NOT_A_TEAM_PRESCRIBER
    assert not plan.plan_revisions.exists()


def test_a_superseded_plan_names_the_plan_that_replaced_it(world: World, client: Client) -> None:
    c = signed_in(client, "avery")
    first = approved(world, c)
    response = c.post(new_url(world), NICE_BANDS | {"action": "save", "interval": "7"})
    second = Plan.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert c.post(f"/clinic/plans/{second.pk}/approve/", {"password": PASSWORD}).status_code == 302
    body = c.get(f"/clinic/plans/{first.pk}/").content.decode()
    assert '<dd id="plan-status">Superseded by a later plan</dd>' in body
    assert f'<a href="/clinic/plans/{second.pk}/">plan {second.pk}</a>' in body
    assert "Revise the plan" not in body


def test_the_plan_list_reads_the_same_queries_however_many_plans(
    world: World, client: Client
) -> None:
    c = signed_in(client, "avery")
    url = f"/clinic/patients/{world.alex.pk}/plans/"
    saved_draft(world, c)
    c.get(url)  # the session and the site's settings, read once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert c.get(url).status_code == 200
        return len(captured)

    one = queries()
    for _ in range(3):
        c.post(new_url(world), NICE_BANDS | {"action": "save"})
    assert queries() == one
