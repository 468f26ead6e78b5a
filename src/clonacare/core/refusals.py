"""The registry of refusals: every stable code a refusal may carry, its kind and its
meaning, in one place (docs/api.md lists it; a test keeps the two the same).

A kind says what sort of refusal it is, and so the HTTP status of the pages and the API
and the exit code of the CLI. A code not listed here is an ``invalid`` refusal (400,
exit 2): most codes are, and each names the input it refuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """What sort of refusal: each kind has one HTTP status and one exit code."""

    INVALID = "invalid"
    """The input cannot be accepted as given (a value out of range, a missing field)."""
    CONFIRMATION_REQUIRED = "confirmation-required"
    """Acceptable only with a reason or a named confirmation that was not given."""
    REFUSED_BY_RULE = "refused-by-rule"
    """Well formed, but a clinical rule refuses it (a taper guardrail): the rule's code
    and message say which, and what would let it through."""
    NOT_SIGNED_IN = "not-signed-in"
    """No valid sign-in (or token) came with the request."""
    NOT_ALLOWED = "not-allowed"
    """The caller's role may not do this, whoever the record belongs to."""
    FORBIDDEN_AS_MISSING = "forbidden-as-missing"
    """Not the caller's to see, or not there: answered the same way, as not found."""
    CONFLICT = "conflict"
    """The record's present state does not allow it (already ended, already signed)."""
    LOCKED = "locked"
    """Too many attempts: refused for a while whatever is sent."""
    TOO_LARGE = "too-large"
    """An upload larger than the site takes (a population screen's file)."""

    @property
    def status(self) -> int:
        """The HTTP status of a refusal of this kind, on the pages and in the API."""
        return _STATUS[self]

    @property
    def exit_code(self) -> int:
        """The exit code of a refusal of this kind on the command line: 2 (what was
        asked cannot be done as asked) for every kind."""
        return 2


_STATUS = {
    Kind.INVALID: 400,
    Kind.CONFIRMATION_REQUIRED: 400,
    Kind.REFUSED_BY_RULE: 422,
    Kind.NOT_SIGNED_IN: 401,
    Kind.NOT_ALLOWED: 403,
    Kind.FORBIDDEN_AS_MISSING: 404,
    Kind.CONFLICT: 409,
    Kind.LOCKED: 429,
    Kind.TOO_LARGE: 413,
}


@dataclass(frozen=True)
class Code:
    kind: Kind
    meaning: str


REGISTRY: dict[str, Code] = {
    "answer-out-of-range": Code(Kind.INVALID, "an answer is not one of its item's options"),
    "assessment-field": Code(
        Kind.INVALID, "a field of an assessment record is missing or out of its bounds"
    ),
    "bad-dose": Code(
        Kind.INVALID, "a dose is not a positive amount in mg, or not one the products can make"
    ),
    "bad-option": Code(
        Kind.INVALID, "a taper parameter is missing, malformed or out of its bounds"
    ),
    "bad-plan": Code(Kind.INVALID, "a stored plan cannot be read or adjusted as asked"),
    "confirmation-required": Code(
        Kind.REFUSED_BY_RULE, "a blocking warning needs the prescriber who confirms it"
    ),
    "crisis-resources": Code(Kind.INVALID, "the crisis resources file is missing or malformed"),
    "data-file": Code(Kind.INVALID, "a clinical data file is malformed"),
    "equivalence-range": Code(Kind.INVALID, "a dose is outside the equivalence table's range"),
    "fhir-code": Code(Kind.INVALID, "a code cannot be exported to FHIR"),
    "fhir-bundle": Code(Kind.INVALID, "a body to import is not a valid FHIR R4B Bundle"),
    "fhir-bulk": Code(
        Kind.INVALID, "a bulk export's recipient or output folder cannot be used as given"
    ),
    "fhir-import": Code(
        Kind.REFUSED_BY_RULE, "a valid FHIR Bundle cannot be read into a patient record"
    ),
    "formulary": Code(Kind.INVALID, "the formulary has no product for the drug or dose"),
    "formulary-floor": Code(
        Kind.REFUSED_BY_RULE,
        "the products cannot make the next step within the limits: needs an override or a switch",
    ),
    "implausible-dose": Code(
        Kind.REFUSED_BY_RULE, "a dose is above the plausible bound (a typing guard)"
    ),
    "incomplete": Code(Kind.INVALID, "a form lacks an answer that a total or result needs"),
    "too-many-submissions": Code(
        Kind.LOCKED,
        "a patient's record has had QUESTIONNAIRES_PER_PATIENT_HOUR questionnaires in the "
        "last hour: refused for a while (its safety answers still raise their alerts)",
    ),
    "licensed-instrument": Code(
        Kind.INVALID, "a licensed instrument is asked for without its pack"
    ),
    "licensed-pack": Code(Kind.INVALID, "a licensed instrument pack is malformed"),
    "bad-period": Code(Kind.INVALID, "a population screen's period cannot be screened"),
    "population-file": Code(
        Kind.INVALID, "a dispensing or diagnoses file cannot be read (missing, not CSV or Parquet)"
    ),
    "population-columns": Code(
        Kind.INVALID, "a dispensing or diagnoses file lacks a column the screen needs"
    ),
    "engine-unavailable": Code(
        Kind.INVALID, "the population screen's Spark engine is not installed or does not start"
    ),
    "population-upload": Code(
        Kind.INVALID, "a screen's upload has no dispensing file, or an empty one"
    ),
    "upload-too-large": Code(
        Kind.TOO_LARGE, "a screen's upload is larger than POPULATION_UPLOAD_MAX_MB"
    ),
    "screen-program-not-found": Code(
        Kind.FORBIDDEN_AS_MISSING, "no such program whose population screens the caller may run"
    ),
    "screen-not-found": Code(
        Kind.FORBIDDEN_AS_MISSING,
        "no such population screen or invitation, or not one the caller may see",
    ),
    "not-flagged": Code(Kind.INVALID, "an invitation for someone the screen did not flag"),
    "already-invited": Code(Kind.CONFLICT, "the person was invited from this screen already"),
    "opted-out": Code(
        Kind.CONFLICT, "the person asked, answering an earlier invitation, to hear no more"
    ),
    "invitation-answer": Code(
        Kind.INVALID, "an invitation's answer that is not accepted, declined or opted-out"
    ),
    "invitation-answered": Code(Kind.CONFLICT, "the invitation has been answered already"),
    "missing-setting": Code(Kind.INVALID, "an instrument needs a setting the settings file lacks"),
    "naive-datetime": Code(Kind.INVALID, "a date and time without a time zone"),
    "plan-too-long": Code(
        Kind.REFUSED_BY_RULE, "the plan would take longer than the longest plan allowed"
    ),
    "rate-limit": Code(
        Kind.REFUSED_BY_RULE, "a cut is faster than the ceiling: needs an override reason"
    ),
    "setting-out-of-range": Code(Kind.INVALID, "a setting is outside the instrument's range"),
    "settings": Code(Kind.INVALID, "the assessment settings file is malformed"),
    "too-many-answers": Code(Kind.INVALID, "more answers than the instrument has items"),
    "unknown-alert": Code(Kind.INVALID, "an alert code that is not in the catalogue"),
    "unknown-condition": Code(Kind.INVALID, "a condition the instrument does not declare"),
    "unknown-drug": Code(Kind.INVALID, "a drug that is not in the equivalence table"),
    "unknown-co-medication": Code(
        Kind.INVALID, "a medication's drug that is not in the co-medications data file"
    ),
    "unknown-equivalence-table": Code(Kind.INVALID, "an equivalence table that does not exist"),
    "unknown-instrument": Code(Kind.INVALID, "an instrument that is not shipped (or not loaded)"),
    "unknown-item": Code(Kind.INVALID, "an answer to an item the instrument does not have"),
    "already-acknowledged": Code(Kind.CONFLICT, "the alert was acknowledged already"),
    "note-required": Code(Kind.INVALID, "acknowledging an alert needs a note of what was done"),
    "note-too-long": Code(Kind.INVALID, "the acknowledgement note is too long"),
    "already-cosigned": Code(Kind.CONFLICT, "the verbal order was co-signed already"),
    "already-ended": Code(Kind.CONFLICT, "the medication has ended already"),
    "already-on-care-team": Code(Kind.CONFLICT, "the person is on the care team already"),
    "care-team": Code(Kind.INVALID, "the person cannot join this care team"),
    "ceiling": Code(Kind.CONFIRMATION_REQUIRED, "a dose change above the ceiling needs a reason"),
    "consent": Code(
        Kind.INVALID,
        "a consent is incomplete or inconsistent; revoking one already revoked is a conflict (409)",
    ),
    "date": Code(Kind.INVALID, "a date is in the future or before the date of birth"),
    "date-of-birth": Code(Kind.INVALID, "a date of birth is in the future or implausible"),
    "before-record": Code(Kind.INVALID, "a date is before the patient's record began"),
    "dose": Code(Kind.INVALID, "a dose entry is not a dose"),
    "dose-change-not-found": Code(
        Kind.FORBIDDEN_AS_MISSING, "no such dose change in a record the caller may see"
    ),
    "medication-not-found": Code(
        Kind.FORBIDDEN_AS_MISSING, "no such medication in a record the caller may see"
    ),
    "missing": Code(Kind.INVALID, "a required field is empty"),
    "no-change": Code(Kind.INVALID, "the change would change nothing"),
    "follow-up-reason": Code(
        Kind.INVALID,
        "a decision on the check-ins after the taper whose reason is empty or too long",
    ),
    "no-covering-consent": Code(
        Kind.CONFLICT,
        "no consent in force covers the recipient class or the chosen consent; "
        "nothing was disclosed",
    ),
    "consent-revoked": Code(
        Kind.CONFLICT, "the consent that would cover a disclosure was revoked before it"
    ),
    "consent-expired": Code(Kind.CONFLICT, "the consent that would cover a disclosure has expired"),
    "disclosure": Code(
        Kind.INVALID, "a disclosure's recipient class or recipient is missing or not one there is"
    ),
    "part-two-file": Code(
        Kind.INVALID, "the 42 CFR Part 2 texts file lacks a text or has an empty one"
    ),
    "restriction-answered": Code(Kind.CONFLICT, "a restriction request has been answered already"),
    "disclosure-restricted": Code(
        Kind.CONFLICT,
        "a restriction the program agreed to covers the disclosure; nothing was disclosed",
    ),
    "restriction-scope": Code(
        Kind.INVALID, "an agreed restriction's scope that is not all, a recipient class or named"
    ),
    "restriction-not-found": Code(
        Kind.FORBIDDEN_AS_MISSING,
        "no such restriction request on this patient's record, or not one the caller may see",
    ),
    "disclosure-not-found": Code(
        Kind.FORBIDDEN_AS_MISSING,
        "no such disclosure with a package, or not one the caller may see",
    ),
    "no-consent": Code(
        Kind.CONFLICT, "a disclosure needs a consent in force that the patient has not given"
    ),
    "not-on-care-team": Code(
        Kind.FORBIDDEN_AS_MISSING, "the staff member is not on this patient's care team"
    ),
    "not-pending": Code(Kind.CONFLICT, "the dose change is not waiting for a co-signature"),
    "prescriber-name": Code(Kind.INVALID, "a verbal order must name its prescriber"),
    "status": Code(Kind.INVALID, "a patient status that is not one of the statuses"),
    "too-long": Code(Kind.INVALID, "a text is longer than its field"),
    "verbal-order": Code(
        Kind.INVALID, "a verbal or telephone order is not complete or not allowed"
    ),
    "amount": Code(Kind.INVALID, "a dose log's amount is missing, not allowed or not a dose"),
    "check-in-exists": Code(Kind.CONFLICT, "the patient has a check-in for that day already"),
    "check-in-item": Code(Kind.INVALID, "a CIWA-B item the patient's check-in does not ask"),
    "dose-already-logged": Code(Kind.CONFLICT, "that dose time of that day is logged already"),
    "dose-status": Code(Kind.INVALID, "a dose log status that is not one of the statuses"),
    "dose-time": Code(Kind.INVALID, "a dose time that is not one of the record's"),
    "scale": Code(Kind.INVALID, "a check-in rating outside its range"),
    "yes-no": Code(Kind.INVALID, "a yes/no answer that is neither"),
    "plan-not-found": Code(
        Kind.FORBIDDEN_AS_MISSING, "no such taper plan, or not one the caller may see"
    ),
    "plan-start": Code(Kind.INVALID, "a taper plan would start before today"),
    "approval-password": Code(
        Kind.INVALID, "approving a plan needs the prescriber's password again: missing or wrong"
    ),
    "approval-code": Code(
        Kind.INVALID,
        "approving a plan needs the authenticator code where the program requires "
        "two-factor: missing, wrong or not set up",
    ),
    "plan-not-draft": Code(Kind.CONFLICT, "only a draft plan is approved"),
    "plan-stale": Code(Kind.CONFLICT, "the draft's first change falls before today"),
    "plan-not-approved": Code(Kind.CONFLICT, "only the approved plan in force is revised"),
    "revision-date": Code(Kind.INVALID, "a plan revision would take effect before today"),
    "proposal-not-found": Code(
        Kind.FORBIDDEN_AS_MISSING,
        "no such proposal to pause or slow, or not one the caller may see",
    ),
    "proposal-decided": Code(Kind.CONFLICT, "the proposal has been accepted or rejected already"),
    "unknown-module": Code(Kind.INVALID, "a CBT module the site does not have"),
    "module-already-assigned": Code(
        Kind.CONFLICT, "the module is assigned to the patient already and not completed"
    ),
    "section": Code(Kind.INVALID, "a section the CBT module does not have"),
    "section-already-done": Code(Kind.CONFLICT, "the module's section is marked done already"),
    "exercise-kind": Code(
        Kind.INVALID, "an exercise that does not exist or that the module does not name"
    ),
    "exercise-field": Code(
        Kind.INVALID, "an exercise field that is unknown, empty when required or out of its limits"
    ),
    "assignment-not-found": Code(
        Kind.FORBIDDEN_AS_MISSING, "no such module assignment, or not one the caller may see"
    ),
    "exercise-entry-not-found": Code(
        Kind.FORBIDDEN_AS_MISSING, "no such exercise entry, or not one the caller may see"
    ),
    "safety-plan-section": Code(
        Kind.INVALID,
        "a safety plan section that does not exist, is not a list or has too many entries",
    ),
    "safety-plan-entry": Code(
        Kind.INVALID, "a safety plan entry that is too long, malformed, or a person without a name"
    ),
    "safety-plan-empty": Code(Kind.INVALID, "a safety plan with no entry in any section"),
    "safety-plan-not-started": Code(
        Kind.CONFLICT, "the patient adds to a safety plan only once one is written with a clinician"
    ),
    "safety-plan-changed": Code(
        Kind.CONFLICT, "the safety plan was saved again after the writer opened it"
    ),
    "safety-plan-version-not-found": Code(
        Kind.FORBIDDEN_AS_MISSING, "no such version of the patient's safety plan"
    ),
    "session": Code(
        Kind.INVALID, "a counselling session's kind, length or counsellor is not one allowed"
    ),
    "session-outcome": Code(
        Kind.INVALID, "a session outcome that is unknown, a cancellation without a reason, or early"
    ),
    "session-closed": Code(Kind.CONFLICT, "the counselling session is not scheduled any more"),
    "session-note": Code(Kind.INVALID, "a counselling note that is empty or too long"),
    "session-not-found": Code(
        Kind.FORBIDDEN_AS_MISSING, "no such counselling session, or not one the caller may see"
    ),
    "session-notes-not-found": Code(
        Kind.FORBIDDEN_AS_MISSING, "no counselling notes on the session that the caller may read"
    ),
    "group-field": Code(
        Kind.INVALID,
        "a support group field that is missing or out of its limits",
    ),
    "group-name-taken": Code(Kind.CONFLICT, "the program already has a support group of that name"),
    "group-not-found": Code(
        Kind.FORBIDDEN_AS_MISSING, "no such support group, or not one the caller may see"
    ),
    "program-not-found": Code(
        Kind.FORBIDDEN_AS_MISSING, "no such program whose groups the caller may see"
    ),
    "outcomes-not-found": Code(
        Kind.FORBIDDEN_AS_MISSING, "no such program whose outcomes the caller may see"
    ),
    "outcomes-period": Code(
        Kind.INVALID, "an outcomes period whose dates are malformed, after today or reversed"
    ),
    "enrolment-not-found": Code(
        Kind.FORBIDDEN_AS_MISSING, "no such group enrolment, or not one the caller may see"
    ),
    "group-closed": Code(Kind.CONFLICT, "the support group is not taking anyone new"),
    "already-enrolled": Code(
        Kind.CONFLICT, "the patient is in the group or on its waiting list already"
    ),
    "already-left": Code(Kind.CONFLICT, "the patient has left the group already"),
    "attendance": Code(
        Kind.INVALID,
        "a group session's register that is incomplete, malformed or not allowed",
    ),
    "already-active": Code(Kind.CONFLICT, "the account is active already"),
    "already-inactive": Code(Kind.CONFLICT, "the account is deactivated already"),
    "email": Code(Kind.INVALID, "an email address that is not one"),
    "escalation_minutes": Code(Kind.INVALID, "an escalation time outside its bounds"),
    "name": Code(Kind.INVALID, "a name is missing or taken"),
    "no-device": Code(Kind.CONFLICT, "the account has no authenticator to reset"),
    "on_call_email": Code(Kind.INVALID, "an on-call address that is not an email address"),
    "own-account": Code(Kind.NOT_ALLOWED, "an admin may not do this to their own account"),
    "password": Code(Kind.INVALID, "a password the site's validators refuse"),
    "role": Code(Kind.INVALID, "a role that is not a staff role"),
    "slug": Code(Kind.INVALID, "a program slug that is missing, malformed or taken"),
    "staff-not-found": Code(
        Kind.FORBIDDEN_AS_MISSING, "no such staff member in the caller's program"
    ),
    "username": Code(Kind.INVALID, "a username that is missing, malformed or taken"),
    "not-a-reviewer": Code(
        Kind.NOT_ALLOWED, "only a clinician granted the reviewer role signs off content"
    ),
    "review-stale": Code(
        Kind.CONFLICT,
        "the page changed since the reviewer opened it: the sign-off is of another version",
    ),
    "review-page-not-found": Code(Kind.FORBIDDEN_AS_MISSING, "no such article or CBT module"),
    "reviewer": Code(Kind.INVALID, "a reviewer grant names no such user or no credentials"),
    "not-allowed": Code(Kind.NOT_ALLOWED, "the caller's role may not do this"),
    "patient-not-found": Code(
        Kind.FORBIDDEN_AS_MISSING, "no such patient, or not one the caller may see"
    ),
    "alert-not-found": Code(
        Kind.FORBIDDEN_AS_MISSING, "no such alert, or not one the caller may see"
    ),
    "result-not-found": Code(
        Kind.FORBIDDEN_AS_MISSING, "no such result, or not one the caller may see"
    ),
    "seizure-report-not-found": Code(
        Kind.FORBIDDEN_AS_MISSING, "no such seizure report, or not one the caller may see"
    ),
    "consent-not-found": Code(
        Kind.FORBIDDEN_AS_MISSING, "no such consent, or not one the caller may see"
    ),
    "audit-log-not-found": Code(
        Kind.FORBIDDEN_AS_MISSING, "the audit log, to anyone who may not read it"
    ),
    "answer-not-a-code": Code(
        Kind.INVALID, "an API answer that is not a code (a string or a whole number)"
    ),
    "assessment-file": Code(Kind.INVALID, "the assessment file cannot be read"),
    "invalid": Code(Kind.INVALID, "a request field is not valid"),
    "not-found": Code(
        Kind.FORBIDDEN_AS_MISSING, "no such record or API resource, or not the caller's to see"
    ),
    "not-signed-in": Code(Kind.NOT_SIGNED_IN, "no valid sign-in or token"),
    "conflict": Code(Kind.CONFLICT, "the API resource's state does not allow it"),
    "locked-out": Code(Kind.LOCKED, "too many failed sign-ins: locked for a while"),
    "body-too-large": Code(
        Kind.TOO_LARGE, "an API request's body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE"
    ),
    "output": Code(Kind.INVALID, "the CLI cannot write its output file"),
    "pdf-unavailable": Code(
        Kind.INVALID, "the PDF cannot be made: WeasyPrint or Pango is not installed"
    ),
    "unknown-field": Code(Kind.INVALID, "a request field the endpoint does not take"),
    "usage": Code(Kind.INVALID, "the command line is incomplete"),
}
"""Every refusal code, by layer: the clinical core, assessments, patients' records,
accounts, every layer, the faces (API, CLI)."""


def kind_of(code: str) -> Kind | None:
    """The registered kind of ``code``; None for a code not listed (an invalid input)."""
    found = REGISTRY.get(code)
    return found.kind if found is not None else None
