"""``/instruments`` and ``/patients/{id}/assessments``: questionnaires, scored by the core."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict, StrictBool, StrictFloat, StrictInt, StrictStr, field_validator

from clonacare.api.schemas import (
    AUTH_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    CrisisResourceOut,
    ErrorOut,
    PageQuery,
    page_of,
)
from clonacare.api.security import caller
from clonacare.assessments.access import results_visible_to
from clonacare.assessments.actions import (
    IncompleteResponse,
    do_refuse_unmatched_answers,
    do_refuse_with_alerts,
    do_submit_response,
    instruments_for,
    is_self_report,
)
from clonacare.assessments.models import AlertRepeat, InstrumentResponse, SafetyAlert
from clonacare.assessments.notice import what_the_patient_is_told
from clonacare.audit.log import Actor
from clonacare.core.errors import ClinicalError
from clonacare.core.instruments import (
    Instrument,
    TooManyAnswers,
    answers_from_tokens,
    instrument,
    shipped_ids,
)
from clonacare.patients.access import access_patient_by_id
from clonacare.patients.models import Patient

router = Router(tags=["Assessments"])

Answer = StrictStr | StrictInt | None
# What the request may hold in place of an answer: anything JSON has but an object, so
# that an answer that is not a code is refused by the endpoint with the alerts of the
# others rather than by the schema before them.
AnyAnswer = StrictStr | StrictInt | StrictFloat | StrictBool | list[Any] | dict[str, Any] | None


class OptionOut(Schema):
    code: str
    label: str
    score: int


class ItemOut(Schema):
    id: str
    number: int
    text: str
    required: bool
    rater: str = Field(..., description="'self' (the patient) or 'clinician'.")
    options: list[OptionOut]


class ScoringConditionOut(Schema):
    """A circumstance that changes an instrument's scoring (not a patient's condition,
    which is ``ConditionOut``: the two once shared a name and the schema showed one)."""

    id: str
    label: str
    source: str


class InstrumentOut(Schema):
    id: str
    title: str
    short_title: str
    self_report: bool
    stem: str
    source: str
    licence: str
    score_range: tuple[int, int] | None
    conditions: list[ScoringConditionOut] = Field(
        ..., description="Circumstances that change the scoring; send their ids as conditions."
    )
    items: list[ItemOut]

    @staticmethod
    def resolve_self_report(definition: Instrument) -> bool:
        return is_self_report(definition)


class InstrumentList(Schema):
    items: list[InstrumentOut]
    count: int


class AlertBriefOut(Schema):
    id: int
    code: str
    message: str
    source: str = Field(..., description="Where the rule behind the alert comes from.")
    open: bool

    @staticmethod
    def resolve_open(alert: Any) -> bool:
        return bool(alert.is_open)

    @staticmethod
    def resolve_source(stored: SafetyAlert) -> str:
        return stored.source


class AssessmentOut(Schema):
    id: int
    patient_id: int
    instrument: str
    title: str
    submitted_at: dt.datetime
    self_reported: bool
    entered_by: str
    complete: bool
    total: int | None
    band: str | None
    range: tuple[int, int] | None = Field(..., description="The lowest and highest total.")
    answers: dict[str, str] = Field(..., description="Item id to the answer code given.")
    conditions: list[str] = Field(
        ..., description="The instrument's conditions that applied (e.g. taken-as-prescribed)."
    )
    alerts: list[AlertBriefOut]
    crisis_resources: list[CrisisResourceOut] = Field(
        ..., description="Where to get help now; present whenever there is an alert."
    )
    notes: list[str]

    @staticmethod
    def resolve_title(response: InstrumentResponse) -> str:
        try:
            return instrument(response.instrument).title
        except ClinicalError:  # an instrument no longer shipped: its id still names it
            return response.instrument

    @staticmethod
    def resolve_entered_by(response: InstrumentResponse) -> str:
        return response.entered_by.get_username()

    @staticmethod
    def resolve_alerts(response: InstrumentResponse) -> list[SafetyAlert]:
        """The alerts it raised, and the open ones it joined as a repeat."""
        return [*response.alerts.all(), *(r.alert for r in response.alert_repeats.all())]

    @staticmethod
    def resolve_band(response: InstrumentResponse) -> str | None:
        return response.band or None

    @staticmethod
    def resolve_range(response: InstrumentResponse) -> Any:
        return response.result.get("range")

    @staticmethod
    def resolve_crisis_resources(response: InstrumentResponse) -> Any:
        return response.result.get("crisis_resources", [])

    @staticmethod
    def resolve_notes(response: InstrumentResponse) -> Any:
        return response.result.get("notes", [])


class SubmittedAssessmentOut(AssessmentOut):
    what_happens: list[str] = Field(
        ...,
        description="What the patient is told about its alerts, as on the result page "
        "(empty without an alert).",
    )

    @staticmethod
    def resolve_what_happens(response: InstrumentResponse) -> list[str]:
        alerts = AssessmentOut.resolve_alerts(response)
        return what_the_patient_is_told(alerts, timezone.now()) if alerts else []


class AlertCodeOut(Schema):
    code: str
    message: str
    source: str = ""


class RefusalOut(Schema):
    detail: str = Field(..., description="What was refused: the first bad or missing answer.")
    alerts: list[AlertCodeOut] = Field(
        ..., description="The alerts the readable answers raised (stored for the care team)."
    )
    crisis_resources: list[CrisisResourceOut]
    what_happens: list[str] = Field(
        ..., description="What the patient is told about those alerts, as on the page."
    )


class AssessmentPage(Schema):
    items: list[AssessmentOut]
    count: int


class AssessmentQuery(PageQuery):
    instrument: str | None = Field(None, description="Only this instrument (e.g. phq9).")


class AssessmentIn(Schema):
    # An unknown field is refused by name rather than dropped (a misspelt "conditions"
    # would otherwise score tolerance and withdrawal that should not count), by the
    # endpoint, after the answers have raised their safety alerts.
    # The examples are whole submissions the API accepts (a test submits each, and the
    # body Swagger UI composes from the fields' first examples): a PHQ-9 answered in item
    # order and by item id, and a DSM-5 checklist with its declared condition. Each
    # field's example was once taken from a different one, and the body they made up was
    # refused (a PHQ-9 with a condition only the DSM-5 checklist declares).
    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {"instrument": "phq9", "answers": [1, 2, 0, 3, 1, 0, 2, 1, 0]},
                {
                    "instrument": "phq9",
                    "answers": {f"phq9-{n}": code for n, code in enumerate("120310210", 1)},
                },
                {
                    "instrument": "dsm5-sud",
                    "answers": [1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1],
                    "conditions": ["taken-as-prescribed"],
                },
            ]
        },
    )

    instrument: str = Field(..., max_length=40, examples=["phq9"])
    answers: list[AnyAnswer] | dict[str, AnyAnswer] = Field(
        ...,
        description='The answer codes in item order (null or "" for an unanswered item), '
        "or an object of item id to answer code.",
        examples=[[1, 2, 0, 3, 1, 0, 2, 1, 0]],
    )
    # Checked by the endpoint (a list of strings), after the answers have raised their
    # safety alerts: a malformed condition never hides a safety answer.
    conditions: Any = Field(
        default_factory=list,
        description="Ids of conditions the instrument declares (GET /instruments), e.g. "
        '"taken-as-prescribed" for dsm5-sud: tolerance and withdrawal then do not count.',
        examples=[[]],
        json_schema_extra={"type": "array", "items": {"type": "string"}},
    )

    @field_validator("answers", mode="before")
    @classmethod
    def answers_are_a_list_or_an_object(cls, value: object) -> object:
        """A list or an object; an answer that is not a code (a decimal, a boolean, a
        list, an object...) is refused by the endpoint, after the answers that are codes have
        raised their safety alerts (a bad answer never hides a safety answer)."""
        if not isinstance(value, list | dict):
            raise ValueError(
                "give a list of answers in item order, or an object of item id to answer"
            )
        return value


def _not_a_code(payload: AssessmentIn) -> tuple[str, object] | None:
    """The first answer that is not a code (a string, a whole number or null), named as
    the message names it (``answer 2``, ``answer 'phq9-2'``), or None."""
    answers = payload.answers
    named: list[tuple[str, object]] = (
        [(f"answer {n}", a) for n, a in enumerate(answers, 1)]
        if isinstance(answers, list)
        else [(f"answer {k!r}", a) for k, a in answers.items()]
    )
    for name, answer in named:
        if answer is not None and (isinstance(answer, bool) or not isinstance(answer, str | int)):
            return name, answer
    return None


def _code(answer: object) -> str | int | None:
    """An answer as the core reads it. One that is not a code becomes text that is no
    option's code (``1.5``, ``True``), so the core refuses that item and scores the rest."""
    if answer is None or (isinstance(answer, str | int) and not isinstance(answer, bool)):
        return answer
    return f"{answer!r} (not a code)"


def _answers_by_item(payload: AssessmentIn) -> Mapping[str, str | int | None]:
    """Answers as item id → code; a list is read in the instrument's item order."""
    if isinstance(payload.answers, dict):
        return {k: _code(a) for k, a in payload.answers.items()}
    if payload.instrument not in shipped_ids():
        return {}  # do_submit_response refuses it, naming the instruments the caller may use
    tokens = ["" if a is None else str(_code(a)) for a in payload.answers]
    return answers_from_tokens(instrument(payload.instrument), tokens)


def _responses(actor: Actor, patient: Patient) -> Any:
    """The results of ``patient`` that ``actor`` may see (a patient: self-report ones)."""
    return (
        results_visible_to(actor, Patient.objects.filter(pk=patient.pk))
        .select_related("entered_by")
        .prefetch_related(
            "alerts",
            # The open alerts it joined as a repeat, with what their source reads, at once.
            Prefetch(
                "alert_repeats",
                queryset=AlertRepeat.objects.select_related(
                    "alert__response", "alert__level_of_care"
                ),
            ),
        )
    )


@router.get(
    "/instruments",
    response={200: InstrumentList, **AUTH_ERRORS},
    summary="The instruments you may complete",
)
def instruments(request: HttpRequest) -> dict[str, object]:
    """A patient gets the self-report instruments; clinical staff every shipped one."""
    definitions = instruments_for(caller(request).actor)
    return {"items": definitions, "count": len(definitions)}


@router.get(
    "/patients/{int:patient_id}/assessments",
    response={200: AssessmentPage, **READ_ERRORS},
    summary="A patient's completed instruments, newest first",
)
def assessments(
    request: HttpRequest, patient_id: int, filters: Query[AssessmentQuery]
) -> dict[str, object]:
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="assessments.list")
    responses = _responses(actor, patient)
    if filters.instrument:
        responses = responses.filter(instrument=filters.instrument)
        if filters.instrument not in shipped_ids() and not responses.exists():
            # An id no longer shipped still filters the results it named.
            raise ClinicalError(
                "unknown-instrument",
                f"Unknown instrument {filters.instrument!r}; choose one of: "
                f"{', '.join(shipped_ids())}.",
            )
    return page_of(responses, filters)


@router.post(
    "/patients/{int:patient_id}/assessments",
    response={
        201: SubmittedAssessmentOut,
        **WRITE_ERRORS,
        400: RefusalOut | ErrorOut,
        429: RefusalOut | ErrorOut,
    },
    summary="Submit a completed instrument and get its score",
)
def submit_assessment(
    request: HttpRequest, patient_id: int, payload: AssessmentIn, response: HttpResponse
) -> Status[Any]:
    """Scores with the clinical core and stores the result with any safety alerts. A
    patient may submit self-report instruments for their own record only (403 for a
    clinician-rated one). An incomplete form, an answer that is not one of an item's
    options (or not a code), a condition the instrument does not declare, an unknown
    field or more answers than items is refused (400) and no response is stored; the
    alerts the readable answers raise are stored and returned with the crisis
    resources and ``what_happens`` (more answers than items: which is which is unknown,
    so the safety answers are read from the first and from the last answer, and an
    instrument with a suicide question also raises ``suicide-screen-incomplete``). A
    complete form past the record's questionnaires an hour is refused the same way, with
    429 and ``Retry-After`` (``too-many-submissions``)."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="assessments.write")
    now = timezone.now()
    try:
        problem = _problem(request, payload)
        try:
            answers = _answers_by_item(payload)
        except TooManyAnswers as unmatched:
            do_refuse_unmatched_answers(actor, patient, payload.instrument, unmatched, now=now)
        if problem is not None:
            do_refuse_with_alerts(
                actor,
                patient,
                payload.instrument,
                answers,
                problem,
                now=now,
                conditions=_conditions(payload) or (),
            )
        stored = do_submit_response(
            actor, patient, payload.instrument, answers, now=now, conditions=payload.conditions
        )
    except IncompleteResponse as refused:
        if refused.retry_after_s is not None:
            response["Retry-After"] = str(refused.retry_after_s)
        elif not refused.alerts and not refused.crisis_resources:
            raise
        alerts = list(SafetyAlert.objects.filter(pk__in=refused.alert_ids))
        return Status(
            refused.kind.status,
            {
                "detail": refused.message,
                "alerts": list(refused.alerts),
                "crisis_resources": list(refused.crisis_resources),
                "what_happens": what_the_patient_is_told(alerts, now) if alerts else [],
            },
        )
    return Status(201, _responses(actor, patient).get(pk=stored.pk))


def _conditions(payload: AssessmentIn) -> list[str] | None:
    """The conditions sent, or None when they are not a list of strings."""
    sent = payload.conditions
    if isinstance(sent, list) and all(isinstance(c, str) for c in sent):
        return sent
    return None


def _problem(request: HttpRequest, payload: AssessmentIn) -> ClinicalError | None:
    """What the schema lets through but the endpoint refuses after scoring the readable
    answers: an unknown field (read from the body: the schema keeps its own fields),
    then an answer that is not a code."""
    body = json.loads(request.body or b"{}")
    known = set(AssessmentIn.model_fields)
    extra = sorted(k for k in body if k not in known) if isinstance(body, dict) else []
    if extra:
        return ClinicalError("unknown-field", f"unknown field {extra[0]!r}.")
    if _conditions(payload) is None:
        return ClinicalError(
            "invalid", "field 'conditions' must be a list of condition ids (strings)."
        )
    bad = _not_a_code(payload)
    if bad is None:
        return None
    name, answer = bad
    return ClinicalError(
        "answer-not-a-code",
        f"field 'answers': {name} is {answer!r}; each answer is a code (a string or a "
        f"whole number) or null.",
    )
