"""``clonacare taper plan|adjust --format pdf``: the pharmacy PDF of a plan (WeasyPrint),
read back with pypdfium2's text API and rendered to PNG pages in var/pdf/ (ignored by
git) to be looked at; docs/taper-pdf-example.png is page 1 of the first plan below."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from clonacare.cli import main

REPO = Path(__file__).resolve().parents[2]
PAGES = REPO / "var" / "pdf"
PLAN = ["taper", "plan", "--start", "2027-01-04"]
# Clonazepam 1.5 mg a day, 10% every 14 days, finishing on diazepam once the daily dose
# is 7.5 mg diazepam-equivalent or less: tablets, ODTs, a switch in portions and liquid.
CLONAZEPAM = [
    "--drug", "clonazepam", "--dose", "morning=0.5", "--dose", "night=1",
    "--method", "percent", "--step", "10", "--switch-at", "7.5",
]  # fmt: skip
# Diazepam 15 mg a day down the NICE bands to an end dose of 5 mg: four periods.
DIAZEPAM = [
    "--drug", "diazepam", "--dose", "morning=5", "--dose", "night=10",
    "--method", "bands", "--end-dose", "5",
]  # fmt: skip
PEOPLE = ["--patient", "Alex Rivera", "--prescriber", "Dr. Dana Okafor"]


def write_pdf(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> bytes:
    """Run the command with ``--output path``: it prints nothing and exits 0."""
    code = main([*args, "--format", "pdf", "--output", str(path)])
    out, err = capsys.readouterr()
    assert (code, out, err) == (0, "", "")
    return path.read_bytes()


def pdf_text(data: bytes) -> str:
    """Every page's text, its line breaks and spacing made single spaces. A list's
    bullets come out after the page's text and its page margins last (the running
    header, then the footer): the bullets are left out."""
    document = pdfium.PdfDocument(data)
    text = " ".join(page.get_textpage().get_text_bounded() for page in document)
    return " ".join(word for word in text.split() if word != "•")


def fails(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    return err


@pytest.fixture(scope="module")
def clonazepam_pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("pdf") / "clonazepam.pdf"
    assert main([*PLAN, *CLONAZEPAM, *PEOPLE, "--format", "pdf", "-o", str(path)]) == 0
    return path.read_bytes()


def test_it_writes_a_pdf_file(clonazepam_pdf: bytes) -> None:
    assert clonazepam_pdf.startswith(b"%PDF-")
    assert len(pdfium.PdfDocument(clonazepam_pdf)) == 7


def test_it_names_the_patient_and_the_prescriber(clonazepam_pdf: bytes) -> None:
    text = pdf_text(clonazepam_pdf)
    assert text.startswith(
        "Taper plan for the pharmacy: clonazepam, switching to diazepam "
        "Revision 1 · formulary US default · prepared "
    )
    assert "Patient Alex Rivera Prescriber Dr. Dana Okafor Signature Date Summary " in text
    # The running header of every page names them too.
    assert text.count("clonazepam taper, revision 1 · Alex Rivera In danger now: ") == 7


def test_it_summarises_the_plan_in_one_paragraph_for_a_record(clonazepam_pdf: bytes) -> None:
    assert (
        "Summary for the record Taper of clonazepam for Alex Rivera, prescribed by "
        "Dr. Dana Okafor, from clonazepam 1.5 mg a day (30 mg diazepam-equivalent; ashton "
        "equivalence table, 2007: clonazepam 0.5 mg = diazepam 10 mg), starting 2027-01-04; "
        "method percent, 10% of the current dose every 14 days; switching to diazepam once "
        "the daily dose is at or below 7.5 mg diazepam-equivalent, a portion at a time; 42 "
        "steps over 105 weeks; diazepam stops on 2029-01-08; formulary US default; revision "
        "1. Warnings: equivalence-approximate, rounding. "
    ) in pdf_text(clonazepam_pdf)


def test_it_says_not_to_stop_suddenly_with_its_source(clonazepam_pdf: bytes) -> None:
    assert (
        "Do not stop suddenly or go faster than this plan. Source: FDA 2020 boxed warning: "
        "withdrawal reactions can be life-threatening (seizures) if the drug is stopped "
        "abruptly or reduced too quickly; ASAM 2025 Rec 6: the pace should typically not "
        "exceed 25% every 2 weeks."
    ) in pdf_text(clonazepam_pdf)


def test_each_period_has_its_directions_products_and_quantities(clonazepam_pdf: bytes) -> None:
    text = pdf_text(clonazepam_pdf)
    assert (
        "2027-01-04 to 2027-01-17 14 days step 0, current dose clonazepam 1.5 mg a day "
        "Morning, clonazepam 0.5 mg: take 1 clonazepam 0.5 mg tablet "
        "Night, clonazepam 1 mg: take 1 clonazepam 1 mg tablet "
        "clonazepam 0.5 mg tablet 1 tablet 14 tablets 14 tablets "
        "clonazepam 1 mg tablet 1 tablet 14 tablets 14 tablets "
    ) in text
    # A switch in portions: one dose time holds both drugs, half a tablet rounds up.
    assert (
        "2027-09-13 to 2027-09-19 7 days step 10, switch clonazepam 0.25 mg + diazepam 2.5 "
        "mg a day Night, clonazepam 0.25 mg + diazepam 2.5 mg: take 1 clonazepam 0.25 mg "
        "orally disintegrating tablet and ½ diazepam 5 mg tablet Switch part of the night "
        "dose: clonazepam 0.375 mg → clonazepam 0.25 mg + diazepam 2.5 mg. "
        "clonazepam 0.25 mg orally disintegrating tablet 1 tablet 7 tablets 7 tablets "
        "diazepam 5 mg tablet 0.5 tablets 3.5 tablets 4 tablets "
    ) in text
    # Tablets and liquid in one dose.
    assert (
        "Night, diazepam 6.8 mg: take 3 diazepam 2 mg tablets and 0.8 mL of diazepam "
        "1 mg/mL oral solution diazepam 2 mg tablet 3 tablets 42 tablets 42 tablets "
        "diazepam 1 mg/mL oral solution 0.8 mL 11.2 mL 11.2 mL "
    ) in text
    assert "Diazepam stops on 2029-01-08: nothing to take or dispense from that day." in text


def test_it_totals_each_product_over_the_whole_course(clonazepam_pdf: bytes) -> None:
    assert (
        "Totals for the whole course Product Days taken Needed Dispense "
        "clonazepam 0.5 mg tablet 154 154 tablets 154 tablets "
        "clonazepam 1 mg tablet 98 98 tablets 98 tablets "
        "clonazepam 0.25 mg orally disintegrating tablet 77 77 tablets 77 tablets "
        "clonazepam 0.125 mg orally disintegrating tablet 133 189 tablets 189 tablets "
        "diazepam 5 mg tablet 77 63 tablets 64 tablets "
        "diazepam 2 mg tablet 168 238 tablets 238 tablets "
        "diazepam 1 mg/mL oral solution 420 385 mL 385 mL "
        "Needed counts half tablets; Dispense rounds each period up to whole tablets or "
        "capsules, and adds up the periods. Liquids are measured in mL. "
    ) in pdf_text(clonazepam_pdf)


def test_it_lists_the_warnings_with_their_sources(clonazepam_pdf: bytes) -> None:
    assert (
        "Warnings equivalence-approximate The Ashton (2002/2007) table sets the diazepam "
        "doses (clonazepam 0.5 mg = diazepam 10 mg); equivalents are approximate and the "
        "published tables disagree (VA/DoD SUD CPG (2021): 1 mg). Source: ASAM 2025 Table 7: "
        "equivalents are approximate and the published tables disagree. rounding "
    ) in pdf_text(clonazepam_pdf)


def test_it_ends_with_the_crisis_line_and_prints_it_on_every_page(
    clonazepam_pdf: bytes,
) -> None:
    text = pdf_text(clonazepam_pdf)
    assert text.endswith(
        "If the patient is in danger now Call 988 or 911. "
        "988 Suicide & Crisis Lifeline: Call or text 988 (988) "
        "Emergency services: Call 911 if you or someone else is in immediate danger (911) "
        "SAMHSA National Helpline: Free, confidential, 24/7 treatment referral and "
        "information (1-800-662-4357) clonazepam taper, revision 1 · Alex Rivera "
        "In danger now: call 988 or 911 Page 7 of 7"
    )
    assert text.count("In danger now: call 988 or 911 Page ") == 7


def test_it_renders_to_letter_pages_kept_in_var(clonazepam_pdf: bytes) -> None:
    """Each page as a PNG in var/pdf/ (ignored by git) to look at; pages 1 and 3 are the
    images docs/taper.md shows (docs/taper-pdf-example.png and
    docs/taper-pdf-example-periods.png, copied from here)."""
    PAGES.mkdir(parents=True, exist_ok=True)
    document = pdfium.PdfDocument(clonazepam_pdf)
    for number, page in enumerate(document, start=1):
        assert page.get_size() == (612, 792)  # US Letter, in points
        image = page.render(scale=1.5).to_pil()
        path = PAGES / f"taper-pdf-page-{number}.png"
        image.save(path)
        assert path.read_bytes().startswith(b"\x89PNG")
        darkest, lightest = image.convert("L").getextrema()
        assert darkest < 64  # dark text
        assert lightest == 255  # on a white page
    for shown in ("taper-pdf-example.png", "taper-pdf-example-periods.png"):
        assert (REPO / "docs" / shown).read_bytes().startswith(b"\x89PNG")


def test_without_names_it_leaves_lines_to_fill_in(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = pdf_text(write_pdf(capsys, tmp_path / "plan.pdf", *PLAN, *DIAZEPAM))
    assert text.startswith(
        "Taper plan for the pharmacy: diazepam Revision 1 · formulary US default · prepared "
    )
    assert "Patient Prescriber Signature Date Summary for the record Taper of diazepam, " in text
    assert "diazepam taper, revision 1 In danger now: call 988 or 911 Page 1 of " in text


def test_an_end_dose_says_where_the_plan_stops_supplying(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = pdf_text(write_pdf(capsys, tmp_path / "plan.pdf", *PLAN, *DIAZEPAM))
    assert (
        "Taper of diazepam, from 15 mg a day (15 mg diazepam-equivalent; ashton equivalence "
        "table, 2007: diazepam 10 mg = diazepam 10 mg), starting 2027-01-04; method bands "
        "(NICE CKS / Ashton diazepam bands, the high end of each band's cut) every 14 days; "
        "7 steps over 16 weeks, ending on 5 mg a day held from 2027-04-12; formulary US "
        "default; revision 1. Warnings: initial-cut."
    ) in text
    assert (
        "The plan ends on 5 mg a day, held from 2027-04-12; supply after 2027-04-25 is not "
        "part of this plan."
    ) in text


def test_adjust_prints_the_revised_plan(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    stored = tmp_path / "plan.json"
    assert main([*PLAN, *DIAZEPAM, "--format", "json", "--output", str(stored)]) == 0
    adjust = ["taper", "adjust", str(stored), "--on", "2027-02-10", "--pause", "14"]
    text = pdf_text(
        write_pdf(capsys, tmp_path / "r.pdf", *adjust, "--reason", "poor sleep", *PEOPLE)
    )
    assert "diazepam taper, revision 2 · Alex Rivera In danger now: " in text
    revision = json.loads(stored.read_text(encoding="utf-8"))["revision"]
    assert revision == 1  # the stored plan is read, never changed
    assert "; revision 2. Latest revision on 2027-02-10: pause " in text
    assert "(poor sleep). Warnings: initial-cut." in text


def test_a_name_is_printed_as_written_and_nothing_is_fetched(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(*args: object) -> None:
        raise AssertionError("the PDF tried to reach the network")

    monkeypatch.setattr("socket.socket.connect", no_network)
    name = '<img src="https://example.org/x.png"> Blair'
    pdf = write_pdf(capsys, tmp_path / "plan.pdf", *PLAN, *DIAZEPAM, "--patient", name)
    # Printed as text (it may wrap across lines), never read as HTML.
    squeezed = pdf_text(pdf).replace(" ", "")
    assert f"Patient{name.replace(' ', '')}Prescriber" in squeezed


def test_a_pdf_needs_an_output_file(capsys: pytest.CaptureFixture[str]) -> None:
    err = fails(capsys, *PLAN, *DIAZEPAM, "--format", "pdf")
    assert err == (
        "clonacare taper: --format pdf writes a binary file: name it with --output FILE.\n"
    )


def test_the_names_are_for_the_pdf_only(capsys: pytest.CaptureFixture[str]) -> None:
    err = fails(capsys, *PLAN, *DIAZEPAM, *PEOPLE, "--format", "table")
    assert err == (
        "clonacare taper: --patient and --prescriber are printed only on the pdf: add "
        "--format pdf, or leave them out.\n"
    )
    err = fails(capsys, *PLAN, *DIAZEPAM, "--prescriber", "Dr. Okafor", "--format", "json")
    assert err == (
        "clonacare taper: --prescriber is printed only on the pdf: add --format pdf, or "
        "leave them out.\n"
    )


def test_an_output_that_cannot_be_written_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-folder" / "plan.pdf"
    err = fails(capsys, *PLAN, *DIAZEPAM, "--format", "pdf", "--output", str(missing))
    assert err == f"clonacare taper: Cannot write {missing}: No such file or directory.\n"
    assert not missing.parent.exists()


# Runs the command in-process with WeasyPrint unimportable, as where it is not installed.
WITHOUT_WEASYPRINT = """
import sys
sys.modules["weasyprint"] = None
from clonacare.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_without_weasyprint_the_pdf_is_refused_in_one_line(tmp_path: Path) -> None:
    output = tmp_path / "plan.pdf"
    run = subprocess.run(
        [sys.executable, "-c", WITHOUT_WEASYPRINT, *PLAN, *DIAZEPAM, "--format", "pdf",
         "--output", str(output)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == (
        "clonacare taper: The PDF cannot be made here: WeasyPrint or Pango is missing "
        "(import of weasyprint halted; None in sys.modules). scripts/bootstrap.sh installs "
        "both.\n"
    )
    assert not output.exists()


# Runs the command in-process, then says whether it imported WeasyPrint.
PROBE = """
import sys
from clonacare.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
sys.stderr.write("\\nWEASYPRINT " + str("weasyprint" in sys.modules))
"""


def imports_weasyprint(*argv: str) -> bool:
    run = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, check=False
    )
    return run.stderr.rsplit("WEASYPRINT ", 1)[1] == "True"


def test_only_a_pdf_imports_weasyprint(tmp_path: Path) -> None:
    assert not imports_weasyprint("--version")
    assert not imports_weasyprint(*PLAN, *DIAZEPAM, "--format", "table")
    assert imports_weasyprint(*PLAN, *DIAZEPAM, "--format", "pdf", "-o", str(tmp_path / "p.pdf"))


def test_a_dose_from_the_patients_own_supply_is_not_dispensed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # No clonazepam product makes 0.3 mg: the patient takes it from their own supply
    # until the switch to diazepam replaces it.
    own_supply = [
        "--drug", "clonazepam", "--dose", "night=0.3",
        "--method", "percent", "--step", "10", "--switch-to", "diazepam",
    ]  # fmt: skip
    text = pdf_text(write_pdf(capsys, tmp_path / "plan.pdf", *PLAN, *own_supply))
    assert (
        "Night, clonazepam 0.3 mg: take clonazepam 0.3 mg from the patient's current supply "
        "clonazepam 0.3 mg (patient's current supply) 1 dose 7 doses not dispensed "
    ) in text
    assert (
        "Night, clonazepam 0.15 mg + diazepam 3 mg: take clonazepam 0.15 mg from the "
        "patient's current supply and 1½ diazepam 2 mg tablets "
    ) in text
    assert (
        "Totals for the whole course Product Days taken Needed Dispense "
        "diazepam 2 mg tablet 182 220.5 tablets 221 tablets "
    ) in text


def test_a_confirmed_blocking_warning_names_who_confirmed_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    confirmed = ["--pregnant", "--confirmed-by", "Dr. Dana Okafor"]
    text = pdf_text(write_pdf(capsys, tmp_path / "plan.pdf", *PLAN, *DIAZEPAM, *confirmed))
    assert (
        "Warnings pregnancy Pregnancy: a taper involves obstetric care; late-pregnancy use "
        "can cause neonatal sedation and withdrawal, and stopping abruptly is unsafe for the "
        "pregnancy. Confirmed by Dr. Dana Okafor. Source: FDA labels (benzodiazepine class "
        "text). initial-cut "
    ) in text
