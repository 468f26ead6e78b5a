"""Hostile values sent to every form of the pages (issue 14, the second half of the fuzzing).

The forms are found, not listed: every page route of the URL configuration is opened
(GET, with the record ids of the access test's world) as each persona who may use it, and
every ``<form method="post">`` in the answer is read with its fields. Each form is then
sent hostile values (SQL and script fragments, a 100,000-character string, huge and
negative numbers, a NUL, a lone surrogate, bytes that are not UTF-8, deeply nested
brackets), one hostile field at a time with the others as the page filled them or a
plain valid value, and once with every field hostile. A sample, not the cross product:
each form gets every kind of value once, each time in another of its fields.

Every answer must be one of three (docs/architecture.md, "Hostile input on the pages"):

- a 400 page naming the problem, for text that cannot be stored (a NUL, a lone
  surrogate, bytes that are not UTF-8), refused before any view reads the form;
- the form shown again with an error message, with the refusal's status (400, 409,
  404), or a confirmation page shown again (200) when its confirmation was not sent;
- the form accepted (a redirect), when the hostile value is text the field may hold
  (never for a select, a radio button, a number or a date).

Never a 5xx; on a refusal nothing is written (the rows of every table are counted before
and after, and the audit log's new entries must be reads or refusals); a script fragment
never comes back unescaped, on the answer nor on the page a redirect leads to. Each try
runs in a savepoint rolled back afterwards, so every form meets the same world. The
safety forms (web/form_text.SAFETY_FORMS) are only held to "no 5xx" and the escaping:
they read bad text instead of refusing it (test_hostile_text_safety_answers.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from urllib.parse import quote_plus, urlsplit

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import get_resolver, resolve

from clonacare.audit.models import AuditEvent
from clonacare.therapy.group_models import GroupSession
from clonacare.web.form_text import SAFETY_FORMS
from tests.personas import PASSWORD, signed_in
from tests.web.test_access_under_attack import (
    ID_IN_PATH,
    RULES,
    Attack,
    _page_patterns,
    build_attack,
)
from tests.web.test_audit_names import _recorded_codes

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("hostile-form")</script>'
HOSTILE: dict[str, bytes] = {
    "sql": b"'; DROP TABLE patients_patient; -- 1 OR 1=1",
    "script": SCRIPT.encode() + b'"><img src=x onerror=alert(1)>',
    "long": b"A" * 100_000,
    "1e309": b"1e309",
    "10**40": str(10**40).encode(),
    "negative": b"-1",
    "nul": b"A\x00B",
    "surrogate": b"A\xed\xa0\x80B",  # U+D800 as UTF-8 would spell it: no valid text
    "not-utf8": b"A\xff\xfeB",
    "brackets": b"[" * 5_000 + b"{" * 5_000 + b"}" * 5_000 + b"]" * 5_000,
}
UNREADABLE = frozenset({"nul", "surrogate", "not-utf8"})
PERSONAS = ("avery", "kim", "lee", "riverside_admin", "site_admin", "alex")
FORM = "application/x-www-form-urlencoded"
SLUGS = {
    "<slug:instrument_id>": "gad7",
    "<slug:slug>": "thought-records",
    "<slug:kind>": "therapy",
    "<str:token>": "x",
}


@dataclass
class Field:
    name: str
    kind: str  # the input's type, "select" or "textarea"
    values: list[str] = field(default_factory=list)  # a select's or a radio group's options
    value: str | None = None  # what the page filled in (None: nothing)
    required: bool = False
    checked: bool = False


@dataclass
class Form:
    page: str
    action: str
    persona: str
    fields: dict[str, Field]
    button: tuple[str, str] | None = None
    reads: frozenset[str] = frozenset()  # the audit log's entries for opening its pages


class _FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: Field | None = None
        self.textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                action = a.get("action") or self.page
                self.current = Form(self.page, action, "", {})
            return
        form = self.current
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "image", "button", "reset"}:
                form.button = form.button or (name, a.get("value", ""))
                return
            old = form.fields.get(name)
            if kind in {"radio", "checkbox"} and old is not None:
                old.values.append(a.get("value", "on"))
                if "checked" in a:
                    old.value, old.checked = a.get("value", "on"), True
                return
            item = Field(name, kind, required="required" in a)
            if kind in {"radio", "checkbox"}:
                item.values.append(a.get("value", "on"))
                if "checked" in a:
                    item.value, item.checked = a.get("value", "on"), True
            elif "value" in a:
                item.value = a["value"]
            form.fields[name] = item
        elif tag == "button" and name:
            form.button = form.button or (name, a.get("value", ""))
        elif tag == "select" and name:
            self.select = Field(name, "select", required="required" in a)
            form.fields[name] = self.select
        elif tag == "option" and self.select is not None and "value" in a:
            self.select.values.append(a["value"])
            if "selected" in a:
                self.select.value = a["value"]
        elif tag == "textarea" and name:
            self.textarea = Field(name, "textarea", value="", required="required" in a)
            form.fields[name] = self.textarea

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea.value = (self.textarea.value or "") + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.current is not None:
            self.forms.append(self.current)
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def forms_on(page: str, html: str) -> list[Form]:
    parser = _FormParser(page)
    parser.feed(html)
    return parser.forms


def _fill(pattern: str, ids: dict[str, int]) -> str:
    for slug, value in SLUGS.items():
        pattern = pattern.replace(slug, value)
    return "/" + ID_IN_PATH.sub(lambda m: str(ids.get(m.group(1) or m.group(2), 0)), pattern)


AUDIENCE = {
    # Who opens a namespace's pages: the patient's portal is alex's; the clinic's pages
    # are its staff's (each role sees other forms); the rest anyone's.
    "portal": ("alex",),
    "clinic": ("avery", "kim", "lee", "riverside_admin"),
    "accounts": PERSONAS,
}


def page_paths(attack: Attack) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """Every page route outside the API: its name, its path with the world's records, and
    the personas to open it as (those of its namespace, less those its access rule keeps
    out)."""
    for name, pattern in _page_patterns(get_resolver()):
        if pattern.startswith("api/"):
            continue
        who = AUDIENCE.get(name.partition(":")[0], ("avery",))
        rule = RULES.get(f"GET {name}")
        if rule is not None:
            who = tuple(p for p in who if p in rule)
        yield name, _fill(pattern, attack.ids), who


def discover(attack: Attack) -> list[Form]:
    """Every form sent by POST on a page, once per view and set of fields (the same form
    for another record, or on another page, is sent once)."""
    found: dict[tuple[str, tuple[str, ...]], Form] = {}
    for _name, path, who in page_paths(attack):
        for persona in who:
            response = attack.pages[persona].get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for form in forms_on(path, response.content.decode()):
                form.persona = persona
                form.action = urlsplit(form.action).path or path
                key = (resolve(form.action).view_name, tuple(sorted(form.fields)))
                found.setdefault(key, form)
    for form in found.values():
        form.reads = reads_of(attack.pages[form.persona], {form.page, form.action})
    return list(found.values())


def reads_of(client: Client, paths: set[str]) -> frozenset[str]:
    """The audit log's actions written by opening ``paths`` (the reads a refused form's
    page may record again when it is shown with its error), rolled back."""
    with transaction.atomic():
        last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        for path in paths:
            client.get(path)
        actions = AuditEvent.objects.filter(id__gt=last).values_list("action", flat=True)
        found = frozenset(actions)
        transaction.set_rollback(True)
    return found


def valid_value(item: Field) -> str | None:
    """A plain value the field takes, or None to leave it out (an unchecked box)."""
    if item.kind in {"radio", "select"}:
        if item.value is not None:
            return item.value
        options = [v for v in item.values if v]
        return options[0] if options else None
    if item.kind == "checkbox":
        return item.value if item.checked else (item.values[0] if item.required else None)
    if item.value:
        return item.value
    today = dt.datetime.now(tz=dt.UTC).date()
    return {
        "number": "1",
        "date": today.isoformat(),
        "datetime-local": f"{today.isoformat()}T12:00",
        "time": "12:00",
        "email": "someone@example.org",
        "password": PASSWORD,
        "url": "https://example.org",
        "tel": "555-0100",
        "hidden": "",
        "file": None,
    }.get(item.kind, "Test")


def body(form: Form, hostile: dict[str, bytes]) -> bytes:
    pairs: list[tuple[bytes, bytes]] = []
    for name, item in form.fields.items():
        if name in hostile:
            pairs.append((name.encode(), hostile[name]))
            continue
        value = valid_value(item)
        if value is not None:
            pairs.append((name.encode(), value.encode()))
    if form.button is not None:
        pairs.append((form.button[0].encode(), form.button[1].encode()))
    return b"&".join(quote_plus(k).encode() + b"=" + quote_plus(v).encode() for k, v in pairs)


def row_counts() -> dict[str, int]:
    tables = [t for t in connection.introspection.table_names() if t != "django_session"]
    # The names come from the database's own list, quoted: nothing here is input.
    quoted = ", ".join(
        f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})"  # noqa: S608
        for t in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quoted}")
        row = cursor.fetchone()
    return dict(zip(tables, row, strict=True))


# Tables a refused form may still add to: the audit log's entries of the reads that
# showed the form again (checked to be reads, ``READ_ACTIONS``), and the sign-in lockout's
# count of a wrong password (a plan approval asks for it again).
MAY_GROW_ON_REFUSAL = frozenset({"audit_auditevent", "axes_accessattempt"})
# A refused attempt's own entry (audit/names.py): a gate's, a rule's, a wrong password's.
REFUSED = (".denied", ".refused", ".failed")
ERROR_SHOWN = re.compile(r'class="(?:errorlist|field-error|form-error)|role="alert"')


@dataclass
class Answer:
    status: int
    text: str
    written: list[str]
    audited: list[str]
    location: str
    landing: str  # the page a redirect leads to ("" when none)


def send(form: Form, hostile: dict[str, bytes]) -> Answer:
    """POST ``form`` with ``hostile`` in place of those fields, as its persona, inside a
    savepoint rolled back afterwards (every try meets the same world), with what it wrote."""
    client = signed_in(Client(), form.persona)
    with transaction.atomic():
        before = row_counts()
        last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = client.generic("POST", form.action, body(form, hostile), content_type=FORM)
        after = row_counts()
        audited = list(
            AuditEvent.objects.filter(id__gt=last).order_by("id").values_list("action", flat=True)
        )
        location = response.get("Location", "")
        landing = ""
        if response.status_code in (301, 302, 303) and location.startswith("/"):
            landing = client.get(location).content.decode("utf-8", "replace")
        transaction.set_rollback(True)
    return Answer(
        response.status_code,
        response.content.decode("utf-8", "replace"),
        [table for table in before if before[table] != after[table]],
        audited,
        location,
        landing,
    )


def tries(forms: list[Form]) -> Iterator[tuple[Form, str, dict[str, bytes]]]:
    """The sample: each form gets every kind of hostile value once, the kind's field moving
    along the form's fields from one kind to the next, then every field hostile at once."""
    kinds = list(HOSTILE)
    for i, form in enumerate(forms):
        names = [name for name in form.fields if name != "csrfmiddlewaretoken"]
        if not names:
            yield form, "none", {}
            continue
        for k, kind in enumerate(kinds):
            yield form, kind, {names[(i + k) % len(names)]: HOSTILE[kind]}
        kind = kinds[i % len(kinds)]
        yield form, f"{kind} everywhere", dict.fromkeys(names, HOSTILE[kind])


def judge(form: Form, kind: str, hostile: dict[str, bytes], answer: Answer) -> list[str]:
    """What is wrong with ``answer`` (nothing: an empty list)."""
    wrong = []
    if answer.status >= 500:
        return [f"answered {answer.status}"]
    for page in (answer.text, answer.landing):
        if SCRIPT in page:
            wrong.append("a script fragment came back unescaped")
    if SAFETY_FORMS.match(form.action):
        return wrong  # read, not refused, when unreadable (test_hostile_text_safety_answers)
    accepted = answer.status in (301, 302, 303)
    if kind.split()[0] in UNREADABLE:
        if answer.status != 400 or "so nothing was saved" not in answer.text or answer.written:
            wrong.append(f"unreadable text: {answer.status}, wrote {answer.written}")
        return wrong
    if accepted:
        for name in hostile:
            item = form.fields[name]
            if item.kind in {"select", "radio", "number", "date"}:
                wrong.append(f"accepted {kind} as the {item.kind} {name!r}")
        return wrong
    writes = [table for table in answer.written if table not in MAY_GROW_ON_REFUSAL]
    reads = [a for a in answer.audited if not _a_read(a, form)]
    if writes or reads:
        wrong.append(f"refused ({answer.status}) but wrote {writes} {reads}")
    shown_again = f'action="{form.action}"' in answer.text
    if answer.status == 200 and not (ERROR_SHOWN.search(answer.text) or shown_again):
        wrong.append("200 with no error and not the form again")
    if answer.status >= 400 and not (ERROR_SHOWN.search(answer.text) or "<h1" in answer.text):
        wrong.append(f"{answer.status} with no message")
    return wrong


@cache
def _gate_purposes() -> frozenset[str]:
    """The codes the access gates record for a read (and no action records as a write)."""
    actions, purposes = _recorded_codes()
    return frozenset(purposes - actions)


def _a_read(action: str, form: Form) -> bool:
    """Whether an audit entry a refused form wrote records a read or a refusal (the
    gate's entry for the record the form is about, the page shown again), not a write."""
    return (
        action in form.reads
        or action in _gate_purposes() | HELPER_PURPOSES
        or action.endswith(REFUSED)
    )


# Gate purposes a view hands to its own helper (``_patient(actor, id, "<purpose>")``),
# which the source scan of test_audit_names.py does not count as a gate's: reads too.
HELPER_PURPOSES = frozenset(
    {
        "record.disclose-form",
        "restriction.answer-form",
        "monitoring.follow-up",
        "clinic.group-edit",
        "clinic.group-close",
    }
)


def test_every_form_answers_hostile_values_cleanly() -> None:
    attack = build_attack()
    forms = discover(attack)
    views = {resolve(form.action).view_name for form in forms}
    # The enumeration reached the forms of every face (a sample of them named here).
    assert {"clinic:register", "clinic:plan-new", "portal:check-in", "accounts:login"} <= views
    assert len(forms) >= 40, f"only {len(forms)} forms found"
    wrong = []
    sent = 0
    for form, kind, hostile in tries(forms):
        answer = send(form, hostile)
        sent += 1
        for problem in judge(form, kind, hostile, answer):
            fields = ", ".join(sorted(hostile)[:3])
            wrong.append(f"{form.persona} POST {form.action} {kind} in {fields}: {problem}")
    assert not wrong, "\n".join(wrong)
    assert sent >= len(forms) * len(HOSTILE)


def test_a_register_with_neither_held_nor_cancelled_is_refused(client: Client) -> None:
    attack = build_attack()
    group_id = attack.ids["group_id"]
    sessions = GroupSession.objects.count()
    response = signed_in(client, "lee").post(
        f"/clinic/groups/{group_id}/", {"held": "<script>", "date": "2026-12-01"}
    )
    assert response.status_code == 400
    assert "Choose whether the session was held or cancelled." in response.content.decode()
    assert GroupSession.objects.count() == sessions


def test_the_language_switch_goes_home_when_next_is_no_path(client: Client) -> None:
    # "next=foo" reached redirect(), which took it for a view's name: a 500.
    for target in ("foo", "'; DROP TABLE x; --", "javascript:alert(1)", "//evil.example/"):
        response = client.post("/language/", {"language": "es", "next": target})
        assert response.status_code == 302
        assert response["Location"] == "/es/"
