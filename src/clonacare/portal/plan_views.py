"""The patient's taper plan in the portal: today's doses, the next change, the whole
schedule, the chart, the instructions, and the calendar (a download, and a private
subscription link the patient makes and revokes); and the dose log and check-in forms
that post through the monitoring app's actions. Thin: every read goes through the
gates, every write through the ``do_*`` actions, every number through the taper core's
renderers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.decorators import patient_required
from clonacare.assessments.actions import crisis_resources
from clonacare.assessments.models import SafetyAlert
from clonacare.assessments.notice import what_the_patient_is_told
from clonacare.core.errors import ClinicalError
from clonacare.core.taper import Step, TaperPlan
from clonacare.core.taper.render.text import daily_text, num, plan_drugs
from clonacare.monitoring.access import check_ins_of, dose_logs_of
from clonacare.monitoring.actions import (
    AFTER_SELF_HARM,
    CheckInRefused,
    do_check_in,
    do_log_dose,
)
from clonacare.monitoring.due import next_check_in
from clonacare.monitoring.models import DoseLog
from clonacare.monitoring.questions import ciwa_b_patient_items, scales
from clonacare.monitoring.schedule import after_taper_text, schedule_text
from clonacare.patients.models import DOSE_TIMES, Patient
from clonacare.plans.access import plans_of
from clonacare.plans.calendar import (
    do_create_calendar_link,
    do_revoke_calendar_link,
    instructions,
    live_calendar_link,
    plan_by_calendar_link,
    plan_ics,
    taper_of,
)
from clonacare.plans.charts import plan_chart_data_uri
from clonacare.plans.models import Plan, PlanRevision
from clonacare.portal.own import own_patient
from clonacare.portal.words import (
    calendar_words,
    dose_time_label,
    how_to_take,
    patient_date,
    step_label,
)

NO_PLAN = gettext_lazy(
    "You have no approved taper plan yet. When your prescriber approves one, your doses "
    "and the dates they change will show here."
)
ICS_TYPE = "text/calendar; charset=utf-8"


@dataclass(frozen=True)
class DoseLine:
    time: str
    amount: str
    take: str


@dataclass(frozen=True)
class PlanChange:
    """The newest revision in the patient's words: ``what`` (in the page's language)
    and the prescriber's ``reason`` as they typed it."""

    what: str
    reason: str


@dataclass(frozen=True)
class ScheduleRow:
    step: Step
    label: str
    daily: str
    last_day: dt.date | None
    current: bool


def _dose_lines(step: Step) -> list[DoseLine]:
    return [
        DoseLine(
            time=dose_time_label(dose.time),
            amount=f"{dose.drug} {num(dose.mg)} mg",
            take=how_to_take(dose),
        )
        for dose in step.doses
    ]


def _in_force(taper: TaperPlan, today: dt.date) -> Step | None:
    """The step whose doses are taken today; None before the plan starts."""
    started = [s for s in taper.steps if s.start <= today]
    return started[-1] if started else None


def _the_plan(request: HttpRequest, patient: Patient) -> Plan | None:
    """The patient's approved plan (the gate shows a patient nothing else)."""
    return plans_of(actor_from_request(request), patient).first()


def _latest_change(plan: Plan) -> PlanChange | None:
    """The newest revision of the plan in the patient's words, None when it has none."""
    revision = plan.latest_revision()
    if revision is None:
        return None
    on = patient_date(revision.effective_on)
    kind = PlanRevision.Kind(revision.kind)
    if kind == PlanRevision.Kind.PAUSE:
        what = gettext(
            "a pause of %(days)s days from %(on)s: your dose stays the same for longer "
            "before it changes again"
        ) % {"days": revision.amount, "on": on}
    elif kind == PlanRevision.Kind.SLOW_INTERVAL:
        what = gettext("a slower pace from %(on)s: at least %(days)s days between changes") % {
            "days": revision.amount,
            "on": on,
        }
    elif kind == PlanRevision.Kind.SLOW_STEP:
        what = gettext("smaller changes from %(on)s") % {"on": on}
    else:
        what = gettext("a step back to your previous dose from %(on)s") % {"on": on}
    reason = revision.reason.strip()
    if reason[-1:] not in (".", "!", "?"):
        reason += "."
    return PlanChange(
        what=gettext("Your prescriber changed your plan: %(what)s. Their reason:") % {"what": what},
        reason=reason,
    )


def _plan_page(
    request: HttpRequest, *, new_link: str | None = None, error: str | None = None
) -> HttpResponse:
    patient = own_patient(request, "portal.plan")
    plan = _the_plan(request, patient)
    context: dict[str, object] = {
        "patient": patient,
        "plan": plan,
        "no_plan": NO_PLAN,
        "instructions": [i.in_language(get_language() or "en") for i in instructions()],
        "calendar_link": live_calendar_link(patient),
        "new_link": new_link,
        "error": error,
    }
    if plan is not None:
        taper = taper_of(plan)
        today = timezone.localdate()
        step = _in_force(taper, today)
        drugs = plan_drugs(taper)
        taken = step if step is not None else taper.steps[0]
        # A pause, or a step cut short by a revision, keeps the dose: not a change.
        upcoming = [
            s for s in taper.steps if s.start > taken.start and s.daily_mg() != taken.daily_mg()
        ]
        context |= {
            "taper": taper,
            "today": today,
            "step": step,
            "first": taper.steps[0],
            "doses": _dose_lines(taken),
            "next_change": upcoming[0] if upcoming else None,
            "next_doses": _dose_lines(upcoming[0]) if upcoming else [],
            "next_daily": daily_text(upcoming[0], drugs) if upcoming else "",
            "schedule": [
                ScheduleRow(
                    step=s,
                    label=step_label(s.kind),
                    daily=daily_text(s, drugs),
                    last_day=s.end - dt.timedelta(days=1) if s.days else None,
                    current=s is step,
                )
                for s in taper.steps
            ],
            # The pages' chart (plans.charts): the core's sets rcParams while drawing.
            "chart": plan_chart_data_uri(plan.current_json()),
            "check_in": next_check_in(plan, today),
            "change": _latest_change(plan),
            "schedule_text": schedule_text(),
            "after_taper_text": after_taper_text() if plan.stops_the_drug() else "",
        }
    status = 400 if error else 200
    return render(request, "portal/plan.html", context, status=status)


@require_GET
@patient_required
def plan_today(request: HttpRequest) -> HttpResponse:
    """Today's doses, the next change, the schedule, the chart and the instructions; a
    patient with no approved plan is told so (200)."""
    return _plan_page(request)


@require_GET
@patient_required
def calendar_download(request: HttpRequest) -> HttpResponse:
    """The approved plan as an iCalendar download; 404 without one."""
    patient = own_patient(request, "portal.plan-calendar")
    plan = _the_plan(request, patient)
    if plan is None:
        raise Http404("No approved plan.")
    return _ics(plan, "taper-plan.ics", attachment=True)


@require_POST
@patient_required
def calendar_link(request: HttpRequest) -> HttpResponse:
    """``action=create`` makes a new private link (shown once, on this answer) and
    revokes the old; ``action=revoke`` revokes the live one."""
    actor = actor_from_request(request)
    patient = own_patient(request, "portal.plan-calendar-link")
    action = request.POST.get("action")
    try:
        if action == "create":
            token = do_create_calendar_link(actor, patient, now=timezone.now())
            url = request.build_absolute_uri(reverse("portal:calendar-feed", args=[token]))
            return _plan_page(request, new_link=url)
        if action == "revoke":
            do_revoke_calendar_link(actor, patient, now=timezone.now())
            return _plan_page(request)
    except ClinicalError as exc:
        return render(request, "refused.html", {"message": exc.message}, status=exc.kind.status)
    return _plan_page(request, error="Choose to make a calendar link or to revoke it.")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The subscription URL: no session (a calendar app cannot sign in); an unknown or
    revoked token, or a patient with no approved plan, answers 404."""
    plan = plan_by_calendar_link(actor_from_request(request), token)
    if plan is None:
        raise Http404("No such calendar.")
    return _ics(plan, "taper-plan.ics", attachment=False)


def _ics(plan: Plan, filename: str, *, attachment: bool) -> HttpResponse:
    # In the language of the address: the download from a Spanish page, or a private
    # link made on one (its address is under /es/), is written in Spanish.
    calendar = plan_ics(plan, timezone.now(), calendar_words())
    response = HttpResponse(calendar, content_type=ICS_TYPE)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# Dose log and check-in ---------------------------------------------------------------

RECENT = 14
YES_NO = (("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No")))
# The dose form's refusals on a page in another language than English, by the action's
# code: what to do, in the page's language, true of every refusal with that code. An
# English page, and the API, show the action's own message; so does another language
# for a code not listed, marked as English.
DOSE_REFUSALS = {
    "dose-time": pgettext_lazy("dose log refusal", "Choose which dose you are logging."),
    "dose-status": pgettext_lazy("dose log refusal", "Choose how the dose went."),
    "amount": pgettext_lazy(
        "dose log refusal",
        "Check the amount: write it only when you chose a different amount, in mg, as a "
        "number above 0 (for example 0.25). A dose not taken at all is logged as missed.",
    ),
    "date": pgettext_lazy(
        "dose log refusal", "Choose a real day for the dose: today or an earlier day."
    ),
    "dose-already-logged": pgettext_lazy(
        "dose log refusal", "That dose of that day is already logged; it cannot be logged twice."
    ),
}


def _dose_refusal(exc: ClinicalError) -> tuple[str, str | None]:
    """The refusal as the dose log page shows it, and the language to mark it with
    (None: the page's own)."""
    if (get_language() or "en") == "en":
        return exc.message, None
    if exc.code in DOSE_REFUSALS:
        return str(DOSE_REFUSALS[exc.code]), None
    return exc.message, "en"


def _amount(text: str) -> Decimal | None:
    """The amount typed, in mg; None when blank (the action says when one is needed)."""
    text = text.strip()
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise ClinicalError("amount", f"The amount taken is a number of mg; got {text!r}.")
    return amount


def _today_times(request: HttpRequest, patient: Patient) -> list[str]:
    """The dose times of today's step of the approved plan, else the record's."""
    plan = _the_plan(request, patient)
    if plan is not None:
        step = _in_force(taper_of(plan), timezone.localdate())
        times = {d.time for d in step.doses} if step is not None else set()
        if times:
            return [t for t in DOSE_TIMES if t in times]
    return list(DOSE_TIMES)


@require_http_methods(["GET", "POST"])
@patient_required
def dose_log(request: HttpRequest) -> HttpResponse:
    """Log one dose time of a day (``do_log_dose``); a refusal shows its message with
    its status, the form kept."""
    actor = actor_from_request(request)
    patient = own_patient(request, "portal.dose-log")
    error: str | None = None
    error_language: str | None = None
    status = 200
    posted = request.POST if request.method == "POST" else None
    if posted is not None:
        try:
            log = do_log_dose(
                actor,
                patient,
                day=_posted_day(posted.get("date", "")),
                dose_time=posted.get("dose_time", ""),
                status=posted.get("status", ""),
                amount_mg=_amount(posted.get("amount_mg", "")),
                now=timezone.now(),
            )
            return redirect(f"{reverse('portal:dose-log')}?logged={log.pk}")
        except ClinicalError as exc:
            (error, error_language), status = _dose_refusal(exc), exc.kind.status
    logs = list(dose_logs_of(patient).order_by("-day", "-id")[:RECENT])
    logged = request.GET.get("logged")
    context = {
        "dose_times": _today_times(request, patient),
        "statuses": DoseLog.Status.choices,
        "posted": posted,
        "today": timezone.localdate(),
        "day_value": _day_value(posted),
        "error": error,
        "error_language": error_language,
        "logs": logs,
        "logged": next((log for log in logs if str(log.pk) == logged), None),
    }
    return render(request, "portal/dose_log.html", context, status=status)


def _day_value(posted: QueryDict | None) -> str:
    """The day field as shown: as typed after a refusal, else today."""
    if posted is not None:
        return posted.get("date", "")
    return timezone.localdate().isoformat()


def _posted_day(text: str) -> dt.date | None:
    """The day typed (None when blank: today); one that cannot be read is refused."""
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ClinicalError("date", f"The day of the dose must be a date; got {text!r}.") from None


def _whole(text: str | None) -> object:
    """A rating as typed: a whole number when it is one, else the text (refused by the
    action with its own message), None when left out."""
    if text is None or not text.strip():
        return None
    return int(text) if text.strip().isdigit() else text


def _check_in_answers(posted: QueryDict) -> dict[str, object]:
    ciwa = {item.id: posted[item.id] for item in ciwa_b_patient_items() if posted.get(item.id)}
    return {
        "date": posted.get("date", "").strip() or None,
        "seizure": posted.get("seizure") or None,
        "self_harm_thoughts": posted.get("self_harm_thoughts") or None,
        **{scale.id: _whole(posted.get(scale.id)) for scale in scales()},
        "ciwa_b": ciwa,
        "note": posted.get("note", ""),
    }


def _safety(alerts: list[SafetyAlert] | tuple[SafetyAlert, ...]) -> dict[str, object]:
    """What the patient is told about the alerts a check-in raised or joined: the API's
    ``what_happens`` sentences and the crisis resources, in the page's language."""
    if not alerts:
        return {"what_happens": [], "resources": []}
    language = get_language() or "en"
    return {
        "what_happens": what_the_patient_is_told(alerts, timezone.now(), language=language),
        "resources": crisis_resources().in_language(language).resources,
    }


@require_http_methods(["GET", "POST"])
@patient_required
def check_in(request: HttpRequest) -> HttpResponse:
    """Today's check-in (``do_check_in``). Stored: to its page. Refused: the form again
    with the message, the status of its kind, and (when a safety answer raised an
    alert) the crisis box and, after a yes to thoughts of self-harm, the ASQ link."""
    actor = actor_from_request(request)
    patient = own_patient(request, "portal.check-in")
    posted = request.POST if request.method == "POST" else None
    chosen = posted or QueryDict()
    context: dict[str, object] = {
        "ciwa_items": [(item, chosen.get(item.id, "")) for item in ciwa_b_patient_items()],
        "scales": [
            (
                scale.in_language(get_language() or "en"),
                range(scale.low, scale.high + 1),
                chosen.get(scale.id, ""),
            )
            for scale in scales()
        ],
        "yes_no": YES_NO,
        "posted": posted,
        "today": timezone.localdate(),
        "day_value": _day_value(posted),
        "what_happens": [],
    }
    plan = _the_plan(request, patient)
    if plan is not None:
        context["check_in"] = next_check_in(plan, timezone.localdate())
    status = 200
    if posted is not None:
        try:
            stored = do_check_in(actor, patient, _check_in_answers(posted), now=timezone.now())
            return redirect("portal:check-in-saved", check_in_id=stored.pk)
        except CheckInRefused as refused:
            context |= _safety(refused.alerts) | {
                "error": refused.message,
                "asq": refused.next_step == AFTER_SELF_HARM,
            }
            status = refused.kind.status
        except ClinicalError as exc:
            context["error"] = exc.message
            status = exc.kind.status
    return render(request, "portal/check_in.html", context, status=status)


@require_GET
@patient_required
def check_in_saved(request: HttpRequest, check_in_id: int) -> HttpResponse:
    """A stored check-in of the patient's own, with what happens about its alerts."""
    patient = own_patient(request, "portal.check-in-view")
    found = check_ins_of(patient).filter(pk=check_in_id).first()
    if found is None:
        raise Http404("No such check-in.")
    context = {
        "check_in": found,
        "asq": found.self_harm_thoughts,
        **_safety(list(found.alerts.all())),
    }
    return render(request, "portal/check_in_saved.html", context)
