"""The human-readable PDF of a disclosure package: who sent what to whom and why, the
§ 2.32 notice with its citation, a copy of the consent's scope, and a list of what the
enclosed FHIR Bundle holds. Made with WeasyPrint and the system's fonts (as the
pharmacy PDF, core/taper/render/pdf.py), fetching nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from html import escape
from typing import Any

from clonacare.core.errors import ClinicalError
from clonacare.patients.models import Consent, Disclosure, RecipientClass
from clonacare.patients.part2 import Part2

CSS = """
@page { size: Letter; margin: 18mm 16mm;
  @bottom-center { content: "Protected by 42 CFR Part 2 \\2014 page " counter(page)
  " of " counter(pages); font: 8pt "DejaVu Sans", sans-serif; color: #444; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.35; }
h1 { font-size: 16pt; margin: 0 0 4pt; }
h2 { font-size: 12pt; margin: 14pt 0 4pt; border-bottom: 1px solid #999; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 3pt 6pt 3pt 0; }
th { width: 34%; font-weight: bold; }
.notice { border: 2px solid #000; padding: 8pt; white-space: pre-line; }
.small { font-size: 8.5pt; color: #333; }
"""


def _rows(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"


def consent_scope(consent: Consent) -> list[tuple[str, str]]:
    """A copy of what the consent allows, element by element (§ 2.31), in words."""
    signer = consent.signed_by
    if consent.representative_authority:
        signer += f", legal representative ({consent.representative_authority})"
    expiry = f"{consent.expires_on:%d %b %Y}" if consent.expires_on else consent.expiry_event
    return [
        ("Patient", consent.patient.full_name),
        ("Who may disclose", consent.disclosing_program.name),
        ("Kind", str(Consent.Kind(consent.kind).label)),
        ("To whom", consent.to_whom),
        ("Purpose", consent.purpose),
        ("What may be disclosed", consent.information),
        (
            "SUD counselling notes",
            "included (a consent of their own)"
            if consent.includes_counselling_notes
            else "not included",
        ),
        ("Expires", expiry),
        ("Right to revoke", consent.how_to_revoke or "not recorded on this consent"),
        (
            "Treatment depends on signing",
            "yes" if consent.treatment_depends_on_signing else "no",
        ),
        ("Redisclosure", consent.redisclosure_statement or "not recorded on this consent"),
        ("Signed by", signer),
        ("Signed on", f"{consent.signed_on:%d %b %Y}"),
    ]


def _describe(resource: dict[str, Any]) -> str:
    """A short line naming a resource for a reader: its text, title or code's words."""
    for key in ("title", "description"):
        if isinstance(resource.get(key), str):
            return str(resource[key])
    for key in ("code", "medicationCodeableConcept", "type"):
        concept = resource.get(key)
        if isinstance(concept, dict):
            text = concept.get("text") or next(
                (c.get("display") for c in concept.get("coding", []) if c.get("display")), None
            )
            if text:
                return str(text)
    names = resource.get("name")
    if isinstance(names, list) and names and isinstance(names[0], dict):
        name = names[0]
        parts = " ".join([*name.get("given", []), name.get("family", "")]).strip()
        return parts or str(name.get("text", ""))
    if isinstance(names, str):
        return names
    return ""


def bundle_contents(bundle: dict[str, Any]) -> tuple[Counter[str], list[tuple[str, str]]]:
    """The resource types of ``bundle`` with their counts, and each resource's line."""
    resources = [e.get("resource", {}) for e in bundle.get("entry", [])]
    counts = Counter(str(r.get("resourceType", "?")) for r in resources)
    lines = [(str(r.get("resourceType", "?")), _describe(r)) for r in resources]
    return counts, lines


def disclosure_html(
    disclosure: Disclosure, bundle: dict[str, Any], texts: Part2, *, now: dt.datetime
) -> str:
    """The page the PDF prints (a disclosure under a consent)."""
    consent = disclosure.consent
    if consent is None:
        raise ClinicalError("disclosure", "Only a disclosure under a consent has a package.")
    patient = disclosure.patient
    counts, lines = bundle_contents(bundle)
    what = disclosure.information
    about = [
        ("Patient", f"{patient.full_name}, born {patient.date_of_birth:%d %b %Y}"),
        ("From", consent.disclosing_program.name),
        (
            "To",
            f"{disclosure.recipient} ({RecipientClass(disclosure.recipient_class).label.lower()})",
        ),
        ("Purpose", disclosure.purpose),
        ("What is disclosed", what),
        ("Disclosed", f"{disclosure.disclosed_at:%d %b %Y %H:%M} UTC"),
        ("Enclosed", "this document and the record as a FHIR R4B Bundle (bundle.json)"),
    ]
    listed = "".join(
        f"<tr><td>{escape(kind)}</td><td>{escape(line)}</td></tr>" for kind, line in lines
    )
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Disclosure of records: {escape(patient.full_name)}</title>"
        f'<meta name="dcterms.created" content="{escape(now.isoformat())}">'
        f"<style>{CSS}</style></head><body>"
        f"<h1>Disclosure of records</h1>"
        f'<p class="small">Made by Clonacare on {now:%d %b %Y %H:%M} UTC.</p>'
        f"{_rows(about)}"
        f"<h2>Notice ({escape(texts.notice_citation)})</h2>"
        f'<div class="notice">{escape(disclosure.notice)}</div>'
        "<h2>The consent this disclosure is made under (a copy of its scope)</h2>"
        f"{_rows(consent_scope(consent))}"
        "<h2>What the enclosed Bundle holds</h2>"
        f"<p>{escape(summary) or 'No resources.'}</p>"
        f"<table><tr><th>Resource</th><th>About</th></tr>{listed}</table>"
        "</body></html>"
    )


def disclosure_pdf(
    disclosure: Disclosure, bundle: dict[str, Any], texts: Part2, *, now: dt.datetime
) -> bytes:
    """The PDF of ``disclosure_html``. Raises ClinicalError("pdf-unavailable") when
    WeasyPrint or Pango cannot be loaded, naming what is missing."""
    page = disclosure_html(disclosure, bundle, texts, now=now)
    try:
        # Imported here: WeasyPrint loads Pango and its fonts, which little else needs.
        import weasyprint
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as exc:
        raise ClinicalError(
            "pdf-unavailable",
            f"The PDF cannot be made here: WeasyPrint or Pango is missing ({exc}). "
            "scripts/bootstrap.sh installs both.",
        ) from None

    class NoFetching(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type hints
        """Refuses every URL: the page is complete as given, and nothing leaves the
        machine while a patient's record is printed."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError(f"the disclosure PDF fetches nothing ({url})")

    pdf: bytes = weasyprint.HTML(string=page, base_url=None, url_fetcher=NoFetching()).write_pdf()
    return pdf
