"""The clinic in a real browser: a patient completes a PHQ-9 and an ASQ from the portal, a
clinician reviews them, an admin reads the audit log. Each page is checked with axe-core
and saved as a screenshot at desktop and phone width."""

from __future__ import annotations

from django.utils import timezone
from playwright.sync_api import expect

from clonacare.assessments.actions import do_submit_response
from clonacare.audit.log import Actor
from tests.browser.conftest import Visit, sign_in
from tests.personas import World


def test_the_login_page_explains_a_wrong_password(visit: Visit, world: World) -> None:
    visit.open("/accounts/login/")
    visit.check_accessibility()
    visit.screenshot("login")
    visit.page.get_by_label("Username").fill("alex")
    visit.page.get_by_label("Password").fill("not-the-password")
    visit.page.get_by_role("button", name="Sign in").click()
    expect(visit.page.get_by_role("alert")).to_have_text(
        "That username and password do not match an account."
    )
    visit.check_accessibility()


def test_a_patient_completes_a_phq9_and_an_asq(visit: Visit, world: World) -> None:
    sign_in(visit, "alex")
    expect(visit.page.get_by_role("heading", level=1)).to_have_text("Hello, Alex")
    visit.check_accessibility()
    visit.screenshot("portal-home-empty")

    visit.page.get_by_role("link", name="PHQ-9").click()
    expect(visit.page.get_by_role("heading", level=1)).to_have_text(
        "Patient Health Questionnaire-9"
    )
    visit.check_accessibility()
    visit.screenshot("portal-phq9")
    questions = visit.page.locator("fieldset.question")
    for index in range(9):
        answer = "Several days" if index in (0, 1, 8) else "Not at all"
        questions.nth(index).get_by_label(answer, exact=True).check()
    questions.nth(9).get_by_label("Somewhat difficult").check()
    visit.page.get_by_role("button", name="Send my answers").click()
    expect(visit.page.get_by_role("heading", level=1)).to_have_text(
        "Thank you: your answers are saved"
    )
    crisis = visit.page.get_by_role("alert")
    expect(crisis).to_contain_text("Please reach out for support now")
    expect(crisis).to_contain_text("988")
    visit.check_accessibility()
    visit.screenshot("portal-result-alert")

    visit.open("/portal/questionnaires/asq/")
    questions = visit.page.locator("fieldset.question")
    expect(questions).to_have_count(4)  # the acuity question comes only after a yes
    questions.nth(0).get_by_label("No", exact=True).check()
    questions.nth(1).get_by_label("Yes", exact=True).check()
    questions.nth(2).get_by_label("No", exact=True).check()
    questions.nth(3).get_by_label("No", exact=True).check()
    visit.check_accessibility()
    visit.screenshot("portal-asq")
    visit.page.get_by_role("button", name="Send my answers").click()
    acuity = visit.page.locator("fieldset.question")
    expect(acuity).to_have_count(1)
    acuity.get_by_label("No", exact=True).check()
    visit.page.get_by_role("button", name="Send my answers").click()
    expect(visit.page.locator(".result")).to_contain_text(
        "You answered yes to at least one question about suicide"
    )
    expect(visit.page.get_by_role("alert")).to_contain_text("1-800-662-4357")

    visit.page.get_by_role("link", name="Back to my record").click()
    expect(visit.page.get_by_role("heading", name="Your results over time")).to_be_visible()
    visit.check_accessibility()
    visit.screenshot("portal-home")


def test_an_incomplete_questionnaire_names_the_missing_item(visit: Visit, world: World) -> None:
    sign_in(visit, "alex")
    visit.open("/portal/questionnaires/gad7/")
    visit.page.get_by_role("button", name="Send my answers").click()
    expect(visit.page.locator("#form-error")).to_have_text(
        "Questions 1, 2, 3, 4, 5, 6 and 7 are not answered yet. "
        "Please answer them, then send again."
    )
    visit.check_accessibility()


def seed_results(world: World) -> None:
    patient = Actor(world.alex_user.pk, "alex", "patient", world.riverside.pk, None, "")
    now = timezone.now()
    for days, item9 in ((56, "0"), (28, "0"), (1, "1")):
        answers = {f"phq9-{n}": "1" for n in range(1, 9)} | {"phq9-9": item9}
        do_submit_response(
            patient, world.alex, "phq9", answers, now=now - timezone.timedelta(days=days)
        )


def test_a_clinician_reviews_the_results(visit: Visit, world: World) -> None:
    seed_results(world)
    sign_in(visit, "avery")
    expect(visit.page.get_by_role("heading", level=1)).to_have_text("Worklist")
    visit.page.get_by_role("link", name="Caseload: every patient on your care team").click()
    expect(visit.page.get_by_role("heading", level=1)).to_have_text("Caseload")
    row = visit.page.get_by_role("row", name="Alex Morgan")
    expect(row).to_contain_text("1 open")
    visit.check_accessibility()
    visit.screenshot("clinic-caseload")

    visit.page.get_by_role("link", name="Alex Morgan").click()
    expect(visit.page.get_by_role("heading", level=1)).to_have_text("Alex Morgan")
    expect(visit.page.get_by_role("img", name="PHQ-9 totals over time")).to_be_visible()
    visit.check_accessibility()
    visit.screenshot("clinic-patient")

    visit.page.get_by_label("Note on alert").fill("Called Alex; safety plan reviewed")
    visit.page.get_by_role("button", name="Acknowledge").click()
    expect(visit.page.get_by_role("heading", name="Alert history")).to_be_visible()
    expect(visit.page.locator(".alert-row")).to_have_count(0)

    visit.page.get_by_role("link", name="Record a level-of-care assessment").click()
    visit.check_accessibility()
    visit.screenshot("clinic-level-of-care")
    # No ASQ on file, and PHQ-9 item 9 above 0: "incomplete", never blank or negative.
    expect(visit.page.get_by_label("Suicide screen (ASQ)")).to_have_value("incomplete")
    visit.page.get_by_label("Suicide screen (ASQ)").select_option("negative")
    visit.page.get_by_role("group", name="Opioid use", exact=True).get_by_label("Yes").check()
    visit.page.get_by_role("button", name="Assess").click()
    table = visit.page.get_by_role("table", name="Every reason, with its source")
    expect(table).to_contain_text("FDA")
    visit.screenshot("clinic-patient-assessed")

    visit.open(f"/clinic/patients/{world.alex.pk}/instruments/dsm5-sud/")
    visit.check_accessibility()
    visit.screenshot("clinic-rate-dsm5")


def test_a_program_admin_reads_the_audit_log(visit: Visit, world: World) -> None:
    seed_results(world)
    sign_in(visit, "riverside_admin")
    visit.open("/clinic/audit/")
    expect(visit.page.get_by_role("heading", level=1)).to_have_text("Audit log")
    visit.page.get_by_label("Username").fill("riverside_admin")
    visit.page.get_by_role("button", name="Filter").click()
    expect(visit.page.locator("tbody")).to_contain_text("login.success")
    visit.check_accessibility()
    visit.screenshot("clinic-audit")
