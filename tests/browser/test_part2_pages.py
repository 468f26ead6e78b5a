"""42 CFR Part 2 in a real browser: a clinician records a consent for treatment, payment
and health care operations, discloses under it and downloads the package, whose PDF is
rendered to PNG to be looked at; the patient reads the accounting of disclosures (also
on a phone). axe-core checks and screenshots at desktop and phone width."""

from __future__ import annotations

import base64
import datetime as dt
import io
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
from django.utils import timezone
from playwright.sync_api import expect

from clonacare.patients.models import Consent, Disclosure
from tests.browser.conftest import Visit, sign_in
from tests.personas import World

LANE = "Dr. Lane, Lakeside Family Medicine"


def render_first_page(pdf: bytes) -> tuple[bytes, str]:
    """The PDF's first page as PNG bytes, and the whole PDF's text."""
    document = pdfium.PdfDocument(pdf)
    png = io.BytesIO()
    document[0].render(scale=1.5).to_pil().save(png, format="PNG")
    text = " ".join(" ".join(p.get_textpage().get_text_bounded().split()) for p in document)
    return png.getvalue(), text


def test_a_tpo_consent_is_signed_and_a_disclosure_package_downloaded(
    visit: Visit, world: World, tmp_path: Path
) -> None:
    sign_in(visit, "avery")
    visit.open(f"/clinic/patients/{world.alex.pk}/")
    visit.page.get_by_role("link", name="Record a consent").click()
    page = visit.page
    today = timezone.now().date()
    page.get_by_label("Kind of consent").select_option("tpo")
    page.get_by_label("To whom").select_option("treating-providers")
    page.get_by_label("How much and what kind of information").fill(
        "Taper plan, doses and assessment results"
    )
    page.get_by_label("Or expires when (event)").fill("The end of treatment at Riverside")
    page.get_by_label("Signed by (name as signed)").fill("Alex Morgan")
    page.get_by_label("Signed on").fill(today.isoformat())
    visit.check_accessibility()
    visit.screenshot("clinic-tpo-consent-form")
    page.get_by_role("button", name="Record consent").click()
    expect(page.locator(".consent")).to_contain_text("To my treating providers")
    expect(page.locator(".consent")).to_contain_text("in force")

    page.get_by_label("Disclose to").select_option("treating-providers")
    page.get_by_label("Recipient's name (the provider or plan)").fill(LANE)
    page.get_by_role("button", name="Disclose", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Disclosure recorded")
    visit.check_accessibility()
    visit.screenshot("clinic-disclosure-package")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the package (PDF and FHIR Bundle)").click()
    saved = tmp_path / "package.zip"
    download.value.save_as(saved)
    with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as archive:
        assert sorted(archive.namelist()) == ["bundle.json", "disclosure.pdf"]
        pdf = archive.read("disclosure.pdf")
    png, text = render_first_page(pdf)
    assert len(png) > 10_000  # a page with text on it, not a blank one
    assert "Disclosure of records" in text
    assert f"To {LANE} (my treating providers)" in text
    assert "This record which has been disclosed to you is protected by Federal" in text
    assert "To whom my treating providers" in text
    # The rendered page, shown in the tab to be looked at (and kept as a screenshot).
    image = base64.b64encode(png).decode()
    shown = (
        '<html lang="en"><meta name="viewport" content="width=device-width">'
        '<title>Disclosure PDF, page 1</title><body style="margin:0">'
        '<img alt="Page 1 of the disclosure PDF" style="max-width:100%" '
        f'src="data:image/png;base64,{image}"></body></html>'
    )
    page.goto("data:text/html;base64," + base64.b64encode(shown.encode()).decode())
    visit.screenshot("disclosure-pdf")


def test_the_patient_reads_the_accounting_of_disclosures(visit: Visit, world: World) -> None:
    consent = Consent.objects.create(
        patient=world.alex,
        disclosing_program=world.riverside,
        kind="tpo",
        recipient_class="treating-providers",
        purpose="Treatment, payment and health care operations",
        information="Taper plan and current dose",
        expiry_event="The end of treatment",
        signed_by="Alex Morgan",
        signed_on=timezone.now().date() - dt.timedelta(days=30),
        created_by=world.avery,
    )
    Disclosure.objects.create(
        consent=consent,
        patient=world.alex,
        recipient_class="treating-providers",
        recipient=LANE,
        purpose=consent.purpose,
        consent_information=consent.information,
        notice="(notice)",
        disclosed_by=world.avery,
        disclosed_at=timezone.now() - dt.timedelta(days=3),
    )
    Disclosure.objects.create(
        kind="emergency",
        patient=world.alex,
        recipient="Dr. Osei, St. Mary's emergency department",
        made_by="Kim Lee, RN",
        purpose="A fall at home; the emergency department asked for current doses",
        consent_information="Current benzodiazepine doses",
        notice="",
        disclosed_by=world.kim,
        disclosed_at=timezone.now() - dt.timedelta(days=40),
    )
    sign_in(visit, "alex")
    visit.open("/portal/disclosures/")
    expect(visit.page.get_by_role("heading", level=1)).to_have_text("Who has received your record")
    expect(visit.page.locator(".disclosure").first).to_contain_text(LANE)
    expect(visit.page.locator(".disclosure").nth(1)).to_contain_text(
        "no consent: a medical emergency (42 CFR § 2.51)"
    )
    visit.page.get_by_label("What would you like the program not to share").fill(
        "Nothing about my counselling to my health plan, please."
    )
    visit.page.get_by_role("button", name="Send the request").click()
    expect(visit.page.locator(".restriction")).to_contain_text("Waiting for an answer.")
    visit.check_accessibility()
    visit.screenshot("portal-accounting")


def test_staff_agree_to_a_restriction_and_the_disclose_form_says_why(
    visit: Visit, world: World
) -> None:
    world.alex.restriction_requests.create(
        request="Please send nothing to my health plan.", requested_at=timezone.now()
    )
    sign_in(visit, "avery")
    visit.open(f"/clinic/patients/{world.alex.pk}/disclosures/")
    page = visit.page
    page.get_by_label("Answer", exact=True).select_option("agreed")
    page.get_by_label("Agreed: the restriction stops").select_option("health-plan")
    visit.check_accessibility()
    page.get_by_role("button", name="Answer", exact=True).click()
    expect(page.locator(".restriction")).to_contain_text("It stops disclosures to my health plan.")
    visit.open(f"/clinic/patients/{world.alex.pk}/")
    note = page.get_by_role("note").filter(has_text="Restricted:")
    expect(note).to_contain_text("disclosures to my health plan are refused.")
    visit.check_accessibility()
    visit.screenshot("clinic-disclose-restricted")
