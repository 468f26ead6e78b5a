"""Where the browser tests put their screenshots, and the few the docs show.

Every browser test saves what it sees to ``var/screenshots/`` (ignored by git), so a test
run never changes the repository. The README links to a chosen few, kept in
``docs/screenshots/``; ``make screenshots`` (``python -m tests.browser.screenshots``)
runs the tests that take them and copies them there. To show another one, link to it
from a doc and add it to ``CHOSEN``; tests/web/test_docs_screenshots.py checks that the
links, this list and the folder agree.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
SCREENSHOTS = REPO / "var" / "screenshots"
DOCS_SCREENSHOTS = REPO / "docs" / "screenshots"

PAGES_TEST = "tests/browser/test_pages.py::test_the_page_is_accessible_and_shows_crisis_resources"
WORKFLOW_TEST = (
    "tests/browser/test_taper_workflow.py::test_a_taper_from_draft_to_a_revision_the_patient_sees"
)
WORKLIST_TEST = (
    "tests/browser/test_worklist_page.py::test_a_prescriber_decides_a_proposal_from_the_worklist"
)
RECOVERY_TEST = (
    "tests/browser/test_recovery_timeline.py::"
    "test_a_return_to_use_and_a_new_taper_on_the_recovery_record"
)
COUNSELLING_TEST = (
    "tests/browser/test_counselling_sessions.py::"
    "test_a_counsellor_books_a_session_marks_it_attended_and_writes_a_note"
)
PART2_TEST = (
    "tests/browser/test_part2_pages.py::"
    "test_a_tpo_consent_is_signed_and_a_disclosure_package_downloaded"
)
CHARTS_TEST = (
    "tests/browser/test_charts_at_phone_width.py::"
    "test_every_chart_has_its_words_and_figures_and_fits_the_screen"
)
POPULATION_TEST = (
    "tests/browser/test_population_screen.py::test_a_prescriber_screens_a_file_and_invites_a_person"
)
SPANISH_WALK_TEST = (
    "tests/browser/test_spanish_walk.py::"
    "test_the_public_site_a_questionnaire_and_the_portal_in_spanish_on_a_phone[phone]"
)
SPANISH_WALK_PAGES = (
    "home", "article", "faq", "search-xanax", "portal-home", "questionnaire",
    "questionnaire-sent", "check-in", "dose-log", "plan", "module", "check-in-crisis",
    "recovery",
)  # fmt: skip
CHOSEN = {
    "clinic-check-ins-desktop.png": (
        "tests/browser/test_check_in_trend_pages.py::test_the_care_team_follows_the_trend[desktop]"
    ),
    "home-desktop.png": f"{PAGES_TEST}[desktop-home]",
    "clinic-caseload-cards-phone.png": (
        "tests/browser/test_caseload_on_a_phone.py::test_every_column_of_the_caseload_is_in_view[phone]"
    ),
    "article-withdrawal-phone.png": f"{PAGES_TEST}[phone-article-withdrawal]",
    "search-results-desktop.png": f"{PAGES_TEST}[desktop-search-results]",
    "clinic-alert-banner-desktop.png": (
        "tests/browser/test_alert_banner.py::"
        "test_a_reported_seizure_shows_on_every_staff_page_until_acknowledged[desktop]"
    ),
    "portal-seizure-reported-phone.png": (
        "tests/browser/test_alert_banner.py::"
        "test_a_reported_seizure_shows_on_every_staff_page_until_acknowledged[phone]"
    ),
    "clinic-revoke-consent-confirm-desktop.png": (
        "tests/browser/test_confirmation_steps.py::"
        "test_the_clinic_confirms_before_revoking_a_consent[desktop]"
    ),
    "portal-asq-follow-up-phone.png": (
        "tests/browser/test_portal_asq_steps.py::"
        "test_a_patient_is_asked_the_acuity_question_after_a_yes[phone]"
    ),
    "clinic-level-of-care-desktop.png": (
        "tests/browser/test_clinic_walkthrough.py::test_a_clinician_reviews_the_results[desktop]"
    ),
    "clinic-plan-preview-desktop.png": (
        "tests/browser/test_plan_pages.py::"
        "test_a_prescriber_drafts_previews_saves_and_approves_a_plan[desktop]"
    ),
    "portal-plan-phone.png": (
        "tests/browser/test_portal_plan.py::"
        "test_a_patient_follows_the_plan_logs_a_dose_and_checks_in[phone]"
    ),
    "clinic-worklist-desktop.png": f"{WORKLIST_TEST}[desktop]",
    "clinic-proposal-desktop.png": f"{WORKLIST_TEST}[desktop]",
    "workflow-4-dose-log-phone.png": f"{WORKFLOW_TEST}[phone]",
    "workflow-5-seizure-phone.png": f"{WORKFLOW_TEST}[phone]",
    "workflow-5-worklist-desktop.png": f"{WORKFLOW_TEST}[desktop]",
    "workflow-6-proposal-desktop.png": f"{WORKFLOW_TEST}[desktop]",
    "workflow-7-revised-phone.png": f"{WORKFLOW_TEST}[phone]",
    "clinic-recovery-timeline-desktop.png": f"{RECOVERY_TEST}[desktop]",
    "portal-recovery-phone.png": f"{RECOVERY_TEST}[phone]",
    "clinic-outcomes-desktop.png": (
        "tests/browser/test_outcomes.py::test_a_program_admin_reads_the_outcomes[desktop]"
    ),
    "clinic-counselling-sessions-desktop.png": f"{COUNSELLING_TEST}[desktop]",
    "clinic-counselling-sessions-kept-apart-phone.png": f"{COUNSELLING_TEST}[phone]",
    "clinic-tpo-consent-form-desktop.png": f"{PART2_TEST}[desktop]",
    "clinic-disclosure-package-desktop.png": f"{PART2_TEST}[desktop]",
    "disclosure-pdf-desktop.png": f"{PART2_TEST}[desktop]",
    "portal-accounting-phone.png": (
        "tests/browser/test_part2_pages.py::"
        "test_the_patient_reads_the_accounting_of_disclosures[phone]"
    ),
    "clinic-outside-plan-desktop.png": (
        "tests/browser/test_outside_plans_page.py::"
        "test_an_imported_record_shows_its_outside_plan[desktop]"
    ),
    "clinic-population-screen-desktop.png": f"{POPULATION_TEST}[desktop]",
    "clinic-population-invitation-desktop.png": f"{POPULATION_TEST}[desktop]",
    **{
        f"charts-{page}-{viewport}.png": f"{CHARTS_TEST}[{viewport}]"
        for page in ("record", "portal-scores", "plan", "outcomes")
        for viewport in ("phone", "desktop")
    },
    **{f"es-walk-{page}-phone.png": SPANISH_WALK_TEST for page in SPANISH_WALK_PAGES},
    "portal-safety-plan-es-phone.png": (
        "tests/browser/test_spanish_safety_plan.py::"
        "test_the_patient_reads_and_adds_to_their_plan_in_spanish_on_a_phone[phone]"
    ),
}
"""Each screenshot the docs link to, with the browser test that takes it."""


def refresh() -> list[str]:
    """Take the chosen screenshots afresh and copy them into docs/screenshots/.

    Returns the problems (empty when all went well): the tests failed, or a test passed
    without writing its screenshot. Nothing is copied unless every one was taken.
    """
    for name in CHOSEN:
        (SCREENSHOTS / name).unlink(missing_ok=True)
    # One test may take several of them: run each once.
    tests = dict.fromkeys(CHOSEN.values())
    exit_code = pytest.main(["-q", "-p", "no:cacheprovider", *tests])
    if exit_code != pytest.ExitCode.OK:
        return [f"the browser tests that take the screenshots failed (pytest exit {exit_code})"]
    missing = [name for name in CHOSEN if not (SCREENSHOTS / name).is_file()]
    if missing:
        return [f"{SCREENSHOTS / name} was not written by {CHOSEN[name]}" for name in missing]
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name in CHOSEN:
        shutil.copyfile(SCREENSHOTS / name, DOCS_SCREENSHOTS / name)
    return []


def main() -> int:
    problems = refresh()
    for problem in problems:
        print(f"screenshots: {problem}", file=sys.stderr)
    if not problems:
        print(f"screenshots: copied {len(CHOSEN)} into {DOCS_SCREENSHOTS.relative_to(REPO)}/")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
