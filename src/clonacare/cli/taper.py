"""``clonacare taper plan`` and ``clonacare taper adjust``: the taper engine on the
command line. Bad input exits 2 with one line; a refused plan names the rule and how to
override it."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from clonacare.cli import COMMANDS
from clonacare.core.drugs import load_formulary
from clonacare.core.errors import ClinicalError
from clonacare.core.taper import (
    DOSE_TIMES,
    FORMATS,
    METHODS,
    Adjustment,
    CustomStep,
    PatientFactors,
    Pause,
    SlowInterval,
    SlowStep,
    StepBack,
    TaperPlan,
    TaperRequest,
    adjust_plan,
    plan_from_dict,
    plan_taper,
    render,
    request_formulary,
    with_capitals,
)
from clonacare.core.taper.render import BINARY_FORMATS, render_pdf

# The engine's messages name clinical terms (core/taper/terms.py); the command line
# words each as the flag, or the flag and its value, that sets it.
FLAG_NAMES: dict[str, str] = with_capitals(
    {
        "a_later_switch": "--switch-at MG",
        "a_switch_to_diazepam": "--switch-to diazepam",
        "age": "--age",
        "an_end_dose": "an --end-dose",
        "an_equivalent_dose": "--equivalent-mg MG",
        "an_override_reason": "--override-reason TEXT",
        "another_adjustment_date": "--on",
        "another_pause": "another --pause",
        "band_cut": "--band-cut",
        "bands_method": "--method bands",
        "confirming_prescriber": "--confirmed-by NAME",
        "crossover_days": "--crossover-days",
        "crossover_order": "--crossover-order",
        "current_dose": "--dose",
        "custom_method": "--method custom",
        "custom_steps": "--steps",
        "discontinuation_dose": "--discontinuation-dose",
        "discontinuation_dose_of": "--discontinuation-dose",
        "discontinuation_set": "set by --discontinuation-dose",
        "dose_at_each_time": "--dose TIME=MG",
        "end_dose": "--end-dose",
        "equivalent_dose": "--equivalent-mg",
        "final_hold": "--final-hold",
        "fixed_method": "--method fixed",
        "interval": "--interval",
        "interval_length": "--interval",
        "new_plan_command": " (clonacare taper plan)",
        "pause": "--pause",
        "pause_length": "--pause",
        "percent_method": "--method percent",
        "percent_or_bands": "--method percent or bands",
        "percent_or_fixed": "--method percent or fixed",
        "reduce_first": "--reduce-first",
        "site_formulary_file": " (--formulary FILE)",
        "slow_interval": "--slow-interval",
        "slow_interval_length": "--slow-interval",
        "slow_step": "--slow-step",
        "slow_step_size": "--slow-step",
        "start_date": "--start",
        "step": "--step",
        "step_size": "--step",
        "switch_point": "--switch-at",
        "switch_point_at": "MG",
        "switch_point_de": "MG mg diazepam-equivalent",
        "switch_to": "--switch-to",
        "the_adjustment_date": "--on",
    }
)


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}")
    return value


def _days(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of days, got {text!r}") from None


def _years(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of years, got {text!r}"
        ) from None


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def _times(text: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in text.split(",") if t.strip())


def register(subparsers: Any) -> None:
    taper = subparsers.add_parser(
        "taper",
        help=COMMANDS["taper"].help,
        description="Plan or adjust a supervised benzodiazepine taper.",
    )
    actions = taper.add_subparsers(dest="taper_command", metavar="ACTION")
    taper.set_defaults(handler=lambda args: _usage(taper))

    plan = actions.add_parser("plan", help="plan a taper", description="Plan a taper.")
    plan.add_argument("--drug", required=True, help="the benzodiazepine taken now")
    plan.add_argument(
        "--dose",
        action="append",
        default=[],
        metavar="TIME=MG",
        help=f"current dose at a dose time ({', '.join(DOSE_TIMES)}); repeat per dose time",
    )
    plan.add_argument("--method", required=True, choices=METHODS)
    plan.add_argument("--step", type=_decimal, help="percent (percent) or mg (fixed)")
    plan.add_argument("--interval", type=_days, help="days between cuts (default 14)")
    plan.add_argument("--start", type=_date, help="first day of the plan (default today)")
    plan.add_argument("--switch-to", choices=["diazepam"], help="switch to diazepam first")
    plan.add_argument(
        "--switch-at",
        type=_decimal,
        metavar="MG",
        help="switch to diazepam only once the daily dose is at or below MG "
        "(diazepam-equivalent); implies --switch-to diazepam",
    )
    plan.add_argument(
        "--band-cut",
        choices=["low", "high"],
        help="bands: cut the low or the high end of each band's range (default high)",
    )
    plan.add_argument(
        "--crossover-order",
        type=_times,
        metavar="TIMES",
        help="dose times to switch, in order (default night first)",
    )
    plan.add_argument(
        "--crossover-days", type=_days, metavar="DAYS", help="days per crossover step (default 7)"
    )
    plan.add_argument(
        "--reduce-first",
        type=_times,
        metavar="TIMES",
        help="dose times each cut comes off, in order (default morning first)",
    )
    plan.add_argument("--equivalence", choices=["ashton", "vadod"], default="ashton")
    plan.add_argument(
        "--equivalent-mg",
        type=_decimal,
        metavar="MG",
        help="amount equal to diazepam 10 mg, for a drug given as a range",
    )
    plan.add_argument("--formulary", metavar="FILE", help="a site formulary (TOML)")
    plan.add_argument(
        "--end-dose", type=_decimal, metavar="MG", help="hold this daily dose instead of stopping"
    )
    plan.add_argument("--final-hold", type=_days, metavar="DAYS", help="days to hold the last dose")
    plan.add_argument(
        "--discontinuation-dose",
        type=_decimal,
        metavar="MG",
        help="diazepam-equivalent at or below which the plan stops the drug "
        "(Clonacare default 0.5)",
    )
    plan.add_argument(
        "--override-reason",
        metavar="TEXT",
        help="plan despite a rate limit or a stop from above the discontinuation dose, "
        "recording why",
    )
    plan.add_argument("--age", type=_years, metavar="YEARS", help="the patient's age in years")
    plan.add_argument("--indication", metavar="TEXT")
    plan.add_argument("--pregnant", action="store_true")
    plan.add_argument("--opioid-use", action="store_true")
    plan.add_argument("--history-withdrawal-seizure", action="store_true")
    plan.add_argument("--history-withdrawal-delirium", action="store_true")
    plan.add_argument(
        "--confirmed-by",
        metavar="TEXT",
        help="the clinician who confirmed the blocking warnings (for a dose above the label "
        "maximum, the prescriber)",
    )
    plan.add_argument(
        "--steps",
        metavar="STEPS",
        help='custom steps: "DATE:time=mg,...;DATE:stop" (method custom)',
    )
    plan.add_argument("--format", required=True, choices=FORMATS)
    plan.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write here instead of stdout (required for pdf, a binary file)",
    )
    _add_pdf_names(plan)
    plan.set_defaults(handler=plan_command, flag_names=FLAG_NAMES)

    adjust = actions.add_parser(
        "adjust",
        help="adjust a running plan",
        description="Read a plan (JSON) and print its next revision.",
    )
    adjust.add_argument("plan", metavar="PLAN.json")
    adjust.add_argument("--on", type=_date, required=True, metavar="DATE")
    change = adjust.add_mutually_exclusive_group(required=True)
    change.add_argument("--pause", type=_days, metavar="DAYS")
    change.add_argument("--slow-interval", type=_days, metavar="DAYS")
    change.add_argument("--slow-step", type=_decimal, metavar="N")
    change.add_argument("--step-back", action="store_true")
    adjust.add_argument("--reason", default="", metavar="TEXT")
    adjust.add_argument(
        "--override-reason",
        metavar="TEXT",
        help="adjust despite a limit the revision breaks, recording why (replaces the "
        "stored plan's)",
    )
    adjust.add_argument(
        "--confirmed-by",
        metavar="TEXT",
        help="the clinician who confirmed the blocking warnings (for a dose above the label "
        "maximum, the prescriber); replaces the stored plan's",
    )
    adjust.add_argument(
        "--formulary", metavar="FILE", help="formulary to use (default: the plan's own)"
    )
    adjust.add_argument("--format", required=True, choices=FORMATS)
    adjust.add_argument(
        "--output", "-o", metavar="FILE", help="write here instead of stdout (required for pdf)"
    )
    _add_pdf_names(adjust)
    adjust.set_defaults(handler=adjust_command, flag_names=FLAG_NAMES)


def _add_pdf_names(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--patient", metavar="NAME", help="the patient's name, printed on the pdf")
    parser.add_argument(
        "--prescriber", metavar="NAME", help="the prescriber's name, printed on the pdf"
    )


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def parse_doses(values: list[str]) -> tuple[tuple[str, Decimal], ...]:
    doses = []
    for value in values:
        time, sep, mg = value.partition("=")
        if not sep or not time.strip():
            raise ClinicalError(
                "bad-dose", f"--dose: expected TIME=MG (for example night=1), got {value!r}."
            )
        doses.append((time.strip(), _mg(mg, f"--dose {value}")))
    return tuple(doses)


def _mg(text: str, where: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ClinicalError("bad-dose", f"{where}: the dose must be a number of mg.") from None
    if not value.is_finite():
        raise ClinicalError("bad-dose", f"{where}: the dose must be a number of mg.")
    return value


def parse_steps(text: str) -> tuple[CustomStep, ...]:
    """``"2027-01-18:morning=0.25,night=1;2027-02-01:stop"`` → custom steps."""
    steps = []
    for number, part in enumerate((p.strip() for p in text.split(";") if p.strip()), start=1):
        when, sep, rest = part.partition(":")
        try:
            start = date.fromisoformat(when.strip())
        except ValueError:
            raise ClinicalError(
                "bad-option",
                f"--steps: step {number} must start with a date as YYYY-MM-DD, got {when!r}.",
            ) from None
        rest = rest.strip()
        doses: list[tuple[str, Decimal]] = []
        if rest and rest.lower() != "stop":
            for item in rest.split(","):
                time, eq, mg = item.partition("=")
                if not eq:
                    raise ClinicalError(
                        "bad-option",
                        f"--steps: step {number}: expected time=mg, got {item.strip()!r}.",
                    )
                doses.append((time.strip(), _mg(mg, f"--steps step {number} {time.strip()}")))
        steps.append(CustomStep(start=start, doses=tuple(doses)))
        del sep
    return tuple(steps)


def _today() -> date:
    return datetime.now().astimezone().date()


def build_request(args: argparse.Namespace) -> TaperRequest:
    return TaperRequest(
        drug=args.drug.strip().lower(),
        doses=parse_doses(args.dose),
        start=args.start or _today(),
        method=args.method,
        step=args.step,
        interval_days=args.interval,
        switch_to=args.switch_to or ("diazepam" if args.switch_at is not None else None),
        switch_at_de_mg=args.switch_at,
        band_cut=args.band_cut,
        crossover_order=args.crossover_order,
        crossover_days=args.crossover_days,
        reduce_first=args.reduce_first,
        equivalence=args.equivalence,
        equivalent_mg=args.equivalent_mg,
        formulary_path=args.formulary,
        end_dose_mg=args.end_dose,
        final_hold_days=args.final_hold,
        discontinuation_de_mg=args.discontinuation_dose,
        override_reason=args.override_reason,
        patient=PatientFactors(
            age=args.age,
            indication=args.indication,
            pregnant=args.pregnant,
            opioid_use=args.opioid_use,
            history_withdrawal_seizure=args.history_withdrawal_seizure,
            history_withdrawal_delirium=args.history_withdrawal_delirium,
            confirmed_by=args.confirmed_by,
        ),
        custom_steps=parse_steps(args.steps) if args.steps else (),
    )


def _emit(text: str, output: str | None) -> int:
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ClinicalError("output", f"Cannot write {output}: {exc.strerror}.") from None
    else:
        sys.stdout.write(text)
    return 0


def _check_output(args: argparse.Namespace) -> None:
    """Refuse, before any planning, an output the format cannot go to: a PDF is a binary
    file and is written only to the file named by --output, never to the terminal or a
    pipe; the names printed on a PDF belong to no other format."""
    if args.format == "pdf" and not args.output:
        raise ClinicalError(
            "usage", "--format pdf writes a binary file: name it with --output FILE."
        )
    named = [
        flag
        for flag, value in (("--patient", args.patient), ("--prescriber", args.prescriber))
        if value
    ]
    if named and args.format != "pdf":
        raise ClinicalError(
            "usage",
            f"{' and '.join(named)} {'is' if len(named) == 1 else 'are'} printed only on the pdf: "
            "add --format pdf, or leave them out.",
        )


def _emit_plan(plan: TaperPlan, args: argparse.Namespace) -> int:
    stamp = datetime.now(UTC)
    if args.format not in BINARY_FORMATS:
        return _emit(render(plan, args.format, stamp, FLAG_NAMES), args.output)
    # Imported here: only a PDF needs the site's crisis resources (and WeasyPrint, which
    # render_pdf imports when it runs).
    from clonacare.cli.score import crisis_resources

    # The PDF is for the pharmacy: its warnings keep the clinical words, not the flags.
    data = render_pdf(
        plan, stamp, patient=args.patient, prescriber=args.prescriber, crisis=crisis_resources()
    )
    try:
        Path(args.output).write_bytes(data)
    except OSError as exc:
        raise ClinicalError("output", f"Cannot write {args.output}: {exc.strerror}.") from None
    return 0


def plan_command(args: argparse.Namespace) -> int:
    _check_output(args)
    request = build_request(args)
    # The core plans with loaded data: the formulary file named is read here, once. The
    # request keeps its path, so that the plan's JSON says which formulary it used.
    plan = plan_taper(request, request_formulary(request))
    return _emit_plan(plan, args)


def adjust_command(args: argparse.Namespace) -> int:
    _check_output(args)
    path = Path(args.plan)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ClinicalError("bad-plan", f"Cannot read {path}: {exc.strerror}.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ClinicalError("bad-plan", f"{path} is not valid JSON: {exc}.") from None
    plan = plan_from_dict(data, str(path))
    action: Adjustment
    if args.pause is not None:
        action = Pause(days=args.pause)
    elif args.slow_interval is not None:
        action = SlowInterval(days=args.slow_interval)
    elif args.slow_step is not None:
        action = SlowStep(step=args.slow_step)
    else:
        action = StepBack()
    # The formulary named, else the stored plan's own, read here and given as an object.
    formulary = (
        load_formulary(args.formulary) if args.formulary else request_formulary(plan.request)
    )
    revised = adjust_plan(
        plan,
        args.on,
        action,
        reason=args.reason,
        formulary=formulary,
        override_reason=args.override_reason,
        confirmed_by=args.confirmed_by,
    )
    return _emit_plan(revised, args)
