"""Writes of the population app: screening an uploaded dispensing file for a program,
and inviting a flagged person to an assessment (docs/population.md, "In the clinic").

Each action checks the actor's right and its input, then writes and records its audit
entry in one transaction; a refusal writes nothing but its audit entry. A screen runs
while the upload waits, through the population core's public API on DuckDB: the upload
is written to a folder of its own (``POPULATION_WORK_DIR``, else the system's temporary
folder), screened, and the folder is deleted as soon as the screen is done, whether it
succeeded or not. Only the file's name, size and SHA-256 and what the screen found are
kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from clonacare.accounts.models import Program, Role
from clonacare.audit.log import Actor, record
from clonacare.core.errors import ClinicalError
from clonacare.core.population import Period, load_definitions, result_to_dict

# The query engine (ibis on DuckDB): the one module of the core that imports them. It is
# loaded with this module, by the pages and the API that screen, once per process.
from clonacare.core.population.engine import run_screen
from clonacare.patients.models import CareTeamMember, Patient
from clonacare.population.access import may_screen
from clonacare.population.letters import invitation_letter
from clonacare.population.models import (
    DISPENSING_ID_MAX,
    FILE_NAME_MAX,
    Invitation,
    Screen,
)

NOT_ALLOWED = "Only the program's admin and its prescribers screen dispensing files."
NAME_MAX = 80
SUFFIXES = (".csv", ".parquet")
# Shown as the invited person's name when none is given: the dispensing file has none.
UNNAMED_GIVEN = "Dispensing ID"


def upload_limit_bytes() -> int:
    return int(settings.POPULATION_UPLOAD_MAX_MB) * 1024 * 1024


def _too_large(size: int) -> ClinicalError:
    limit = int(settings.POPULATION_UPLOAD_MAX_MB)
    return ClinicalError(
        "upload-too-large",
        f"The upload is {size / (1024 * 1024):.1f} MB; this site screens files of at most "
        f"{limit} MB (POPULATION_UPLOAD_MAX_MB). Split the file by period or by patient, "
        "or ask the site admin to raise the limit.",
    )


def check_upload_length(actor: Actor, program: Program, content_length: str | None) -> None:
    """Refuse (``upload-too-large``, 413) a request to screen for ``program`` whose
    declared length is over the limit, before its files are read; the refusal is audited
    as ``population.screen.refused``. A missing or unreadable length is let through: the
    files' own sizes are checked by ``do_screen``."""
    try:
        size = int(content_length or "")
    except ValueError:
        return
    # The multipart envelope adds a little to the files: allow a small margin for it.
    if size > upload_limit_bytes() + 64 * 1024:
        record(
            actor,
            "population.screen.refused",
            program_id=program.pk,
            detail={"content_length": size, "code": "upload-too-large"},
        )
        raise _too_large(size)


def parse_period(as_of: str | None, year: str | None) -> Period:
    """The period from a form's or a request's ``as_of`` (a date, the last of the 365
    days screened) or ``year`` (a calendar year): exactly one of them. Refused
    (``bad-period``) when neither or both are given, or either is malformed."""
    as_of_text = (as_of or "").strip()
    year_text = (year or "").strip()
    if bool(as_of_text) == bool(year_text):
        raise ClinicalError(
            "bad-period", "Give either the last day of the period (as of) or a calendar year."
        )
    if year_text:
        if not (year_text.isdigit() and len(year_text) == 4):
            raise ClinicalError(
                "bad-period", f"The year must be four digits, like 2026, not {year_text[:20]!r}."
            )
        return Period.calendar_year(int(year_text))
    try:
        day = dt.date.fromisoformat(as_of_text)
    except ValueError:
        raise ClinicalError(
            "bad-period",
            f"The 'as of' date must be a date like 2026-12-31, not {as_of_text[:20]!r}.",
        ) from None
    return Period.ending_on(day, load_definitions().period_days)


@dataclass(frozen=True)
class _Saved:
    name: str
    path: Path
    size: int
    sha256: str


def _file_name(upload: UploadedFile[Any]) -> str:
    return Path(upload.name or "").name[:FILE_NAME_MAX]


def _save(upload: UploadedFile[Any], what: str, folder: Path) -> _Saved:
    name = _file_name(upload)
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ClinicalError(
            "population-file",
            f"Cannot read the {what} file {name or '(no name)'}: it must be a .csv or "
            ".parquet file.",
        )
    path = folder / f"{what}{suffix}"
    digest = hashlib.sha256()
    size = 0
    with path.open("wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            size += len(chunk)
            if size > upload_limit_bytes():
                raise _too_large(size)
            out.write(chunk)
    if size == 0:
        raise ClinicalError("population-upload", f"The {what} file {name} is empty.")
    return _Saved(name, path, size, digest.hexdigest())


def _columns_by_name(names: list[str]) -> dict[str, str]:
    return {n.strip().lower(): n for n in names}


def _birth_dates(path: Path, wanted: set[str]) -> dict[str, str]:
    """The birth date of each ``wanted`` patient in the dispensing file: the one its
    fills give most often (the earliest of equals), as ``YYYY-MM-DD``. A flagged
    patient's fills passed the screen's checks, so each has one."""
    seen: dict[str, Counter[str]] = {}

    def count(patient: object, born: object) -> None:
        key = str(patient if patient is not None else "").strip()
        if key not in wanted or born is None:
            return
        text = str(born).strip()[:10]
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            return
        seen.setdefault(key, Counter())[text] += 1

    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8", errors="replace") as f:
            reader = csv.reader(f)
            header = _columns_by_name(next(reader, []))
            names = list(header.values())
            pid = names.index(header["patient_id"])
            born = names.index(header["birth_date"])
            for row in reader:
                if len(row) > max(pid, born):
                    count(row[pid], row[born])
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        file = pq.ParquetFile(path)
        header = _columns_by_name(file.schema_arrow.names)
        columns = [header["patient_id"], header["birth_date"]]
        for batch in file.iter_batches(columns=columns):
            ids = batch.column(0).cast(pa.string()).to_pylist()
            born_list = batch.column(1).cast(pa.string()).to_pylist()
            for patient, born_text in zip(ids, born_list, strict=True):
                count(patient, born_text)
    return {patient: min(days, key=lambda d: (-days[d], d)) for patient, days in seen.items()}


def _in_words(exc: ClinicalError, saved: list[_Saved], folder: Path) -> ClinicalError:
    """The engine's refusal naming the uploaded files as their sender named them, never
    the folder they were screened in."""
    message = exc.message
    for file in saved:
        message = message.replace(str(file.path), file.name)
    message = message.replace(str(folder), "the upload")
    return ClinicalError(exc.code, message, kind=exc.kind)


def do_screen(
    actor: Actor,
    program: Program,
    *,
    dispensing: UploadedFile[Any] | None,
    diagnoses: UploadedFile[Any] | None = None,
    period: Period,
    now: dt.datetime,
) -> Screen:
    """Screen ``dispensing`` (and ``diagnoses``) for ``program`` (read through
    ``access_screening_program``) over ``period``, on DuckDB, and store what it found.

    Refused (ClinicalError; nothing stored, the refusal audited as
    ``population.screen.refused``): anyone but the program's admin or a prescriber
    (``not-allowed``); no dispensing file or an empty one (``population-upload``); files
    over ``POPULATION_UPLOAD_MAX_MB`` together (``upload-too-large``, 413); a file that is
    not .csv or .parquet or cannot be read (``population-file``); a file without a column
    the screen needs (``population-columns``). Bad rows are counted, never refused.
    The uploaded files are deleted as soon as the screen is done, in every case.
    Audited as ``population.screen``.
    """
    user_id = actor.user_id
    if user_id is None or not may_screen(actor, program.pk):
        raise ClinicalError("not-allowed", NOT_ALLOWED)
    names = {
        "file_name": _file_name(dispensing) if dispensing is not None else "",
        "diagnoses_name": _file_name(diagnoses) if diagnoses is not None else "",
    }
    try:
        return _screen(actor, program, dispensing, diagnoses, period, now, user_id)
    except ClinicalError as exc:
        record(
            actor,
            "population.screen.refused",
            program_id=program.pk,
            detail={**names, "code": exc.code},
        )
        raise


def _screen(
    actor: Actor,
    program: Program,
    dispensing: UploadedFile[Any] | None,
    diagnoses: UploadedFile[Any] | None,
    period: Period,
    now: dt.datetime,
    user_id: int,
) -> Screen:
    if dispensing is None:
        raise ClinicalError("population-upload", "Choose a dispensing file to screen.")
    declared = (dispensing.size or 0) + (diagnoses.size or 0 if diagnoses is not None else 0)
    if declared > upload_limit_bytes():
        raise _too_large(declared)
    definitions = load_definitions()
    work_dir = str(settings.POPULATION_WORK_DIR) or None
    folder = Path(tempfile.mkdtemp(prefix="screen-", dir=work_dir))
    saved: list[_Saved] = []
    try:
        saved.append(_save(dispensing, "dispensing", folder))
        if diagnoses is not None:
            saved.append(_save(diagnoses, "diagnoses", folder))
        if sum(s.size for s in saved) > upload_limit_bytes():
            raise _too_large(sum(s.size for s in saved))
        try:
            result = run_screen(
                saved[0].path, saved[1].path if len(saved) > 1 else None, period, definitions
            )
        except ClinicalError as exc:
            raise _in_words(exc, saved, folder) from None
        flagged = {item.patient_id for item in result.items}
        birth_dates = _birth_dates(saved[0].path, flagged) if flagged else {}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    document = result_to_dict(result)
    main = saved[0]
    extra = saved[1] if len(saved) > 1 else None
    with transaction.atomic():
        screen = Screen.objects.create(
            program=program,
            screened_by_id=user_id,
            screened_at=now,
            file_name=main.name,
            file_size=main.size,
            file_sha256=main.sha256,
            diagnoses_name=extra.name if extra else "",
            diagnoses_size=extra.size if extra else None,
            diagnoses_sha256=extra.sha256 if extra else "",
            period_start=period.start,
            period_end=period.end,
            engine=result.engine,
            result=document,
            flagged_count=document["count"],
            rows_read=result.rows.read,
            rows_rejected=dict(result.rows.rejected),
            birth_dates=birth_dates,
        )
        record(
            actor,
            "population.screen",
            program_id=program.pk,
            target=screen,
            detail={
                "file_name": main.name,
                "file_size": main.size,
                "file_sha256": main.sha256,
                "diagnoses_name": extra.name if extra else "",
                "period": document["period"],
                "flagged": document["count"],
            },
        )
    return screen


def _name(text: str, what: str) -> str:
    cleaned = text.strip()
    if len(cleaned) > NAME_MAX:
        raise ClinicalError("too-long", f"The {what} is longer than {NAME_MAX} characters.")
    return cleaned


def do_invite(
    actor: Actor,
    screen: Screen,
    dispensing_patient_id: str,
    *,
    given_name: str = "",
    family_name: str = "",
    now: dt.datetime,
) -> Invitation:
    """Invite the person ``dispensing_patient_id`` that ``screen`` (read through its
    gate) flagged to an assessment: a patient record of the screen's program in the
    ``invited`` status, with the birth date the fills gave, and the letter to send. A
    prescriber who invites joins the new record's care team, so they can open it; the
    program admin sees every record of the program.

    Without names the record is named by the dispensing id (``Dispensing ID P0000123``)
    until the program learns the person's name. Refused (ClinicalError, nothing
    written): anyone but the program's admin or a prescriber (``not-allowed``); an id
    the screen did not flag (``not-flagged``); a person invited from this screen
    already (``already-invited``, 409); a person who asked, in answer to an invitation
    from any screen of the program, to hear no more (``opted-out``, 409); a name over
    80 characters (``too-long``). Audited as ``population.invite``.
    """
    user_id = actor.user_id
    if user_id is None or not may_screen(actor, screen.program_id):
        raise ClinicalError("not-allowed", NOT_ALLOWED)
    wanted = dispensing_patient_id.strip()[:DISPENSING_ID_MAX]
    flagged = {str(item["patient_id"]): item for item in screen.items}
    if wanted not in flagged or wanted not in screen.birth_dates:
        raise ClinicalError(
            "not-flagged",
            f"{wanted[:40]!r} is not one of the people this screen flagged; invite someone "
            "from its list.",
        )
    given = _name(given_name, "given name")
    family = _name(family_name, "family name")
    if not given and not family:
        given, family = UNNAMED_GIVEN, wanted[:NAME_MAX]
    already = (
        f"{wanted[:40]!r} was invited from this screen already; their record is in the "
        "screen's list of invitations."
    )
    if Invitation.objects.filter(screen=screen, dispensing_patient_id=wanted).exists():
        raise ClinicalError("already-invited", already)
    stop = opted_out(screen.program_id, [wanted]).get(wanted)
    if stop is not None:
        raise ClinicalError("opted-out", opted_out_message(stop))
    letter = invitation_letter(
        screen.program.name, f"{given} {family}" if given_name or family_name else ""
    )
    try:
        with transaction.atomic():
            patient = Patient.objects.create(
                program_id=screen.program_id,
                given_name=given,
                family_name=family,
                date_of_birth=dt.date.fromisoformat(screen.birth_dates[wanted]),
                status=Patient.Status.INVITED,
            )
            if actor.role == Role.PRESCRIBER:
                CareTeamMember.objects.create(patient=patient, user_id=user_id)
            invitation = Invitation.objects.create(
                screen=screen,
                dispensing_patient_id=wanted,
                patient=patient,
                invited_by_id=user_id,
                invited_at=now,
                letter=letter,
            )
            record(
                actor,
                "population.invite",
                patient=patient,
                target=invitation,
                detail={
                    "screen_id": screen.pk,
                    "dispensing_patient_id": wanted,
                    "flags": list(flagged[wanted]["flags"]),
                },
            )
    except IntegrityError:
        # Two invitations of the same person at once: the other one was first.
        raise ClinicalError("already-invited", already) from None
    return invitation


def opted_out(program_id: int, dispensing_ids: list[str]) -> dict[str, Invitation]:
    """Of ``dispensing_ids``, those who asked to hear no more in answer to an invitation
    from a screen of program ``program_id``: each id's earliest opt-out (one query).

    A person is known across screens by the dispensing file's ``patient_id`` only: a
    later file that gives the same person another id is not matched."""
    found: dict[str, Invitation] = {}
    rows = (
        Invitation.objects.filter(
            screen__program_id=program_id,
            dispensing_patient_id__in=dispensing_ids,
            answer=Invitation.Answer.OPTED_OUT,
        )
        .select_related("screen")
        .order_by("answered_at", "id")
    )
    for row in rows:
        found.setdefault(row.dispensing_patient_id, row)
    return found


def opted_out_message(stop: Invitation) -> str:
    """Why a person cannot be invited: when they asked to hear no more, and in answer
    to which screen's invitation."""
    answered = stop.answered_at or stop.invited_at
    return (
        f"{stop.dispensing_patient_id[:40]!r} asked on {answered:%d %b %Y} to hear no more "
        f"from the program (in answer to the invitation from the screen of "
        f"{stop.screen.file_name} on {stop.screen.screened_at:%d %b %Y}); no invitation "
        "was made."
    )


# Any answer may be recorded on an invitation not yet answered; after an answer, only
# an opt-out: asking to hear no more is never refused.
_MAY_FOLLOW = {
    Invitation.Answer.ACCEPTED: ("",),
    Invitation.Answer.DECLINED: ("",),
    Invitation.Answer.OPTED_OUT: ("", Invitation.Answer.ACCEPTED, Invitation.Answer.DECLINED),
}


def do_answer_invitation(
    actor: Actor, invitation: Invitation, answer: str, *, now: dt.datetime
) -> Invitation:
    """Record the invited person's ``answer`` to ``invitation`` (read through its gate),
    as staff heard it: ``accepted`` (they would like an assessment), ``declined``, or
    ``opted-out`` (they asked to hear no more: no later screen of the program can
    invite them again). The record's status is not changed: the care team sets it to
    ``assessment`` when the person comes.

    Refused (ClinicalError, nothing written): anyone but the program's admin or a
    prescriber (``not-allowed``); an answer that is not one of the three
    (``invitation-answer``); an invitation answered already (``invitation-answered``,
    409), except that an opt-out may follow an earlier answer. Audited as
    ``population.invitation.answer``.
    """
    user_id = actor.user_id
    if user_id is None or not may_screen(actor, invitation.screen.program_id):
        raise ClinicalError("not-allowed", NOT_ALLOWED)
    if answer not in Invitation.Answer.values:
        raise ClinicalError(
            "invitation-answer",
            f"The answer is accepted, declined or opted-out, not {answer[:40]!r}.",
        )
    chosen = Invitation.Answer(answer)
    with transaction.atomic():
        written = Invitation.objects.filter(
            pk=invitation.pk, answer__in=_MAY_FOLLOW[chosen]
        ).update(answer=chosen, answered_by_id=user_id, answered_at=now)
        if not written:
            invitation.refresh_from_db(fields=["answer"])
            raise ClinicalError(
                "invitation-answered",
                f"This invitation was answered already ({invitation.get_answer_display()}); "
                "only a request to hear no more can follow an answer.",
            )
        invitation.refresh_from_db()
        record(
            actor,
            "population.invitation.answer",
            patient=invitation.patient,
            target=invitation,
            detail={
                "answer": chosen.value,
                "dispensing_patient_id": invitation.dispensing_patient_id,
            },
        )
    return invitation
