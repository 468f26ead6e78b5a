"""Issue 16: the clinic's audit page names actions, people and patients, and its action
filter offers choices instead of asking for an internal code; the API and the CSV keep
the codes."""

from __future__ import annotations

import ast
import re

from django.test import Client

from clonacare.audit.models import AuditEvent
from clonacare.audit.names import GATED, action_name
from tests.api_client import ApiClient
from tests.conftest import REPO
from tests.personas import World, signed_in

CODE = re.compile(r"^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$")


def _is_gate(name: str) -> bool:
    return (
        name == "own_patient"
        or name.startswith(("access_", "list_", "search_"))
        or (name.endswith("_visible_to"))
    )


def _code(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.match(node.value):
        return node.value
    return None


def _recorded_codes() -> tuple[set[str], set[str]]:
    """Across the source: every action code written as a literal to ``record(actor,
    "<code>")`` (or in a conditional there), and every access gate's purpose (a literal
    given to an ``access_*``, ``list_*``, ``search_*``, ``*_visible_to`` or
    ``own_patient`` call, a ``purpose=`` keyword, or a ``purpose`` parameter's default)."""
    actions: set[str] = set()
    purposes: set[str] = set()
    for path in (REPO / "src" / "clonacare").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None) or ""
                given = list(node.args)
                given += [
                    a
                    for arg in node.args
                    if isinstance(arg, ast.IfExp)
                    for a in (arg.body, arg.orelse)
                ]
                codes = {c for c in map(_code, given) if c}
                if name == "record":
                    actions |= codes
                elif _is_gate(name):
                    purposes |= codes
                purposes |= {
                    c for k in node.keywords if k.arg == "purpose" and (c := _code(k.value))
                }
            elif isinstance(node, ast.FunctionDef):
                arguments = node.args.args + node.args.kwonlyargs
                padding: list[ast.expr | None] = [None] * (
                    len(node.args.args) - len(node.args.defaults)
                )
                defaults = padding + list(node.args.defaults) + list(node.args.kw_defaults)
                purposes |= {
                    c
                    for a, d in zip(arguments, defaults, strict=True)
                    if a.arg == "purpose" and (c := _code(d))
                }
            elif (
                isinstance(node, ast.Assign)
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id.endswith("_ACTION")
                and (c := _code(node.value))
            ):
                actions.add(c)
    return actions, purposes


def test_every_action_the_code_records_has_a_name() -> None:
    actions, purposes = _recorded_codes()
    assert len(actions) > 70  # the scan found the code base
    assert len(purposes) > 80
    assert sorted(a for a in actions | purposes if action_name(a) == a) == []
    assert sorted(purposes ^ GATED) == []


def test_a_name_for_a_refusal_and_the_code_for_what_has_none() -> None:
    assert action_name("patient.view") == "Opened a patient's record"
    assert action_name("patient.view.denied") == "Refused: Opened a patient's record"
    assert action_name("something.new") == "something.new"


def test_the_page_names_who_did_what_to_whom(client: Client, world: World) -> None:
    world.kim.first_name, world.kim.last_name = "Kim", "Reyes"
    world.kim.save(update_fields=["first_name", "last_name"])
    signed_in(client, "kim").get(f"/clinic/patients/{world.blair.pk}/")
    html = signed_in(client, "riverside_admin").get("/clinic/audit/").content.decode()
    row = next(r for r in re.findall(r"<tr>.*?</tr>", html, re.S) if "Kim Reyes" in r)
    assert '<td>Kim Reyes <span class="small">kim, nurse</span></td>' in row
    assert '<td>Opened a patient&#x27;s record <span class="small">patient.view</span></td>' in row
    assert f'<td>Blair Okafor <span class="small">id {world.blair.pk}</span></td>' in row


def test_the_action_filter_is_a_list_of_names(client: Client, world: World) -> None:
    html = signed_in(client, "riverside_admin").get("/clinic/audit/").content.decode()
    select = re.search(r'<select name="action".*?</select>', html, re.S)
    assert select is not None
    options = select.group(0)
    assert '<option value="" selected>Any action</option>' in options
    assert '<optgroup label="Actions">' in options
    assert '<option value="plan.approve">Approved a taper plan</option>' in options
    assert '<optgroup label="Refused attempts">' in options
    assert '<option value="patient.view.denied">Opened a patient&#x27;s record</option>' in options
    assert "plan.approve.denied" not in options  # approving is refused by a rule, not a gate


def test_a_refused_attempt_is_found_by_its_choice(client: Client, world: World) -> None:
    signed_in(client, "brook").get(f"/clinic/patients/{world.alex.pk}/")  # another program's
    response = signed_in(client, "riverside_admin").get(
        "/clinic/audit/", {"action": "patient.view.denied"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Refused: Opened a patient&#x27;s record" in html
    assert AuditEvent.objects.filter(action="patient.view.denied").count() == 1


def test_the_api_keeps_the_codes(client: Client, world: World) -> None:
    signed_in(client, "kim").get(f"/clinic/patients/{world.blair.pk}/")
    items = ApiClient(world.riverside_admin).get("/audit", action="patient.view").json()["items"]
    assert items
    assert {item["action"] for item in items} == {"patient.view"}
