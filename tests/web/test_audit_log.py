"""The audit log: append-only, written on every access, searchable and exportable by admins."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.test import Client

from clonacare.audit.log import Actor, record
from clonacare.audit.models import AppendOnlyError, AuditEvent
from tests.api_client import ApiClient
from tests.personas import World, signed_in


@pytest.fixture
def event(db: None) -> AuditEvent:
    return record(Actor(1, "someone", "nurse", 1, "10.0.0.1", "ua"), "patient.view")


def test_an_entry_cannot_be_changed_through_the_orm(event: AuditEvent) -> None:
    event.action = "nothing.happened"
    with pytest.raises(AppendOnlyError, match="append-only: entries cannot be changed"):
        event.save()
    with pytest.raises(AppendOnlyError, match="cannot be changed"):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")


def test_an_entry_cannot_be_removed_through_the_orm(event: AuditEvent) -> None:
    with pytest.raises(AppendOnlyError, match="append-only: entries cannot be removed"):
        event.delete()
    with pytest.raises(AppendOnlyError, match="cannot be removed"):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_an_update_below_the_orm(event: AuditEvent) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "patient.view"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite: the ORM refuses deletes")
def test_postgresql_refuses_a_delete_below_the_orm(event: AuditEvent) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])


def test_a_program_admin_sees_only_their_programs_events(client: Client, world: World) -> None:
    signed_in(client, "avery").get(f"/clinic/patients/{world.alex.pk}/")
    signed_in(client, "brook").get(f"/clinic/patients/{world.casey.pk}/")
    html = signed_in(client, "riverside_admin").get("/clinic/audit/").content.decode()
    assert "avery" in html
    assert "brook" not in html


def test_the_log_can_be_searched(client: Client, world: World) -> None:
    signed_in(client, "avery").get(f"/clinic/patients/{world.alex.pk}/")
    signed_in(client, "kim").get(f"/clinic/patients/{world.blair.pk}/")
    client = signed_in(client, "riverside_admin")
    html = client.get("/clinic/audit/", {"actor": "kim", "action": "patient.view"}).content.decode()
    assert f'<td>Blair Okafor <span class="small">id {world.blair.pk}</span></td>' in html
    assert "Opened a patient&#x27;s record" in html
    assert "<td>avery" not in html


def test_a_bad_filter_is_refused_with_a_message(client: Client, world: World) -> None:
    response = signed_in(client, "riverside_admin").get("/clinic/audit/", {"since": "yesterday"})
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "Correct the filters; nothing was searched. The From date must be a date, YYYY-MM-DD."
        in html
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"patient": "1", "since": "2026-13-01"}, "The From date must be a date, YYYY-MM-DD."),
        ({"patient": "1", "until": "someday"}, "The To date must be a date, YYYY-MM-DD."),
        ({"patient": "-1"}, "The patient id must be a whole number, 1 or more."),
        ({"patient": "one"}, "The patient id must be a whole number, 1 or more."),
        ({"patient": "99999999999999999999"}, "The patient id is larger than any record's id."),
        ({"action": "x" * 81}, "Choose the action from the list."),
        ({"action": "patient.veiw"}, "Choose the action from the list."),
    ],
)
def test_one_bad_filter_runs_no_search_at_all(
    client: Client, world: World, query: dict[str, str], message: str
) -> None:
    signed_in(client, "avery").get(f"/clinic/patients/{world.alex.pk}/")
    response = signed_in(client, "riverside_admin").get("/clinic/audit/", query)
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Correct the filters; nothing was searched. {message}" in html.replace("&#x27;", "'")
    assert "<td>avery" not in html  # no entry is listed, and no unfiltered search ran
    assert "Export CSV" not in html
    assert not AuditEvent.objects.filter(action="audit.search").exists()


def test_anyone_else_gets_no_such_page_even_with_bad_filters(client: Client, world: World) -> None:
    response = signed_in(client, "avery").get("/clinic/audit/", {"patient": "-1"})
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/clinic/audit/", "/clinic/audit/export.csv"])
def test_the_last_day_there_is_ends_no_search(client: Client, world: World, path: str) -> None:
    signed_in(client, "avery").get(f"/clinic/patients/{world.alex.pk}/")
    response = signed_in(client, "riverside_admin").get(
        path, {"since": "2000-01-01", "until": "9999-12-31"}
    )
    assert response.status_code == 200
    content = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode()
    assert "avery" in content
    nothing_after = client.get(path, {"since": "9999-12-31"})
    assert nothing_after.status_code == 200


def test_the_export_is_csv_with_every_column(client: Client, world: World) -> None:
    signed_in(client, "avery").get(f"/clinic/patients/{world.alex.pk}/", HTTP_USER_AGENT="=cmd()")
    response = signed_in(client, "riverside_admin").get("/clinic/audit/export.csv")
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "at",
        "actor",
        "role",
        "action",
        "program_id",
        "patient_id",
        "object_type",
        "object_id",
        "ip_address",
        "user_agent",
        "detail",
    ]
    views = [r for r in rows[1:] if r[3] == "patient.view"]
    assert views[0][1] == "avery"
    assert views[0][9] == "'=cmd()"  # a spreadsheet never runs it as a formula
    assert AuditEvent.objects.filter(
        action="audit.export", actor_username="riverside_admin"
    ).exists()


@pytest.mark.parametrize("username", ["avery", "kim", "lee", "alex"])
def test_only_admins_open_the_audit_log(client: Client, world: World, username: str) -> None:
    client = signed_in(client, username)
    assert client.get("/clinic/audit/").status_code == 404
    assert client.get("/clinic/audit/export.csv").status_code == 404


def test_failed_sign_ins_are_filed_under_the_accounts_program(client: Client, world: World) -> None:
    client.post("/accounts/login/", {"username": "alex", "password": "wrong"})
    client.post("/accounts/login/", {"username": "nobody-at-all", "password": "wrong"})
    failed = dict(
        AuditEvent.objects.filter(action="login.failed").values_list(
            "detail__username", "program_id"
        )
    )
    assert failed == {"alex": world.riverside.pk, "nobody-at-all": None}
    html = signed_in(client, "riverside_admin").get("/clinic/audit/").content.decode()
    assert "login.failed" in html


def test_signing_in_and_out_is_audited(client: Client, world: World) -> None:
    from tests.personas import PASSWORD

    client.post("/accounts/login/", {"username": "alex", "password": PASSWORD})
    client.post("/accounts/logout/")
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["login.success", "logout"]


class TestAttemptsOnAnotherProgramsPatients:
    """A refused attempt is filed under the actor's program, naming only what was asked
    for; the program whose patient was asked for sees it too, and finds it by patient."""

    @pytest.fixture
    def northgate_admin(self, world: World) -> User:
        from clonacare.accounts.models import Membership, Role

        admin = User.objects.create(username="northgate_admin")
        Membership.objects.create(user=admin, program=world.northgate, role=Role.PROGRAM_ADMIN)
        return admin

    @pytest.fixture
    def alexs_alert(self, world: World) -> int:
        answers = [1, 2, 0, 3, 1, 0, 2, 1, 2]  # PHQ-9 item 9 endorsed
        body = ApiClient(world.alex_user).post(
            f"/patients/{world.alex.pk}/assessments", {"instrument": "phq9", "answers": answers}
        )
        alert_id: int = body.json()["alerts"][0]["id"]
        return alert_id

    def test_the_patients_program_finds_the_attempt_by_patient_id(
        self, client: Client, world: World
    ) -> None:
        refused = signed_in(client, "brook").get(f"/clinic/patients/{world.alex.pk}/")
        assert refused.status_code == 404
        client = signed_in(client, "riverside_admin")
        html = client.get("/clinic/audit/", {"patient": world.alex.pk}).content.decode()
        assert "patient.view.denied" in html
        assert "brook" in html
        assert f"Patient {world.alex.pk}" in html
        event = AuditEvent.objects.get(action="patient.view.denied")
        assert (event.program_id, event.patient_id, event.detail) == (
            world.northgate.pk,
            None,
            {"patient_id": world.alex.pk},
        )

    def test_an_attempt_on_an_id_that_does_not_exist_stays_with_the_actors_program(
        self, world: World, northgate_admin: User
    ) -> None:
        ApiClient(world.brook).get("/patients/999999")
        riverside = ApiClient(world.riverside_admin).get("/audit", action="patient.view.denied")
        assert riverside.json()["count"] == 0
        northgate = ApiClient(northgate_admin).get("/audit", action="patient.view.denied")
        assert [e["object_id"] for e in northgate.json()["items"]] == ["999999"]

    def test_the_actors_program_cannot_tell_a_forbidden_alert_from_a_missing_one(
        self, world: World, northgate_admin: User, alexs_alert: int
    ) -> None:
        brook = ApiClient(world.brook)
        forbidden = brook.post(f"/alerts/{alexs_alert}/acknowledge", {"note": ""})
        missing = brook.post("/alerts/999999/acknowledge", {"note": ""})
        assert (forbidden.status_code, forbidden.content) == (404, missing.content)
        admin = ApiClient(northgate_admin)
        items = admin.get("/audit", action="alerts.write.denied").json()["items"]
        shown = [
            {k: v for k, v in e.items() if k not in ("id", "at", "object_id", "detail")}
            for e in items
        ]
        assert shown[0] == shown[1]
        assert shown[0]["patient_id"] is None
        assert [e["detail"] for e in items] == [{"alert_id": 999999}, {"alert_id": alexs_alert}]
        # Searching by Alex's id does not reveal which alert was Alex's.
        assert admin.get("/audit", patient=world.alex.pk).json()["count"] == 0

    def test_the_patients_program_finds_an_attempt_on_their_alert(
        self, world: World, alexs_alert: int
    ) -> None:
        brook = ApiClient(world.brook)
        brook.post(f"/alerts/{alexs_alert}/acknowledge", {"note": ""})
        brook.post("/alerts/999999/acknowledge", {"note": ""})
        admin = ApiClient(world.riverside_admin)
        found = admin.get("/audit", patient=world.alex.pk, action="alerts.write.denied").json()
        assert [(e["actor_username"], e["object_id"]) for e in found["items"]] == [
            ("brook", str(alexs_alert))
        ]

    def test_a_site_admin_finds_every_attempt_on_a_patient(
        self, world: World, alexs_alert: int
    ) -> None:
        ApiClient(world.brook).get(f"/patients/{world.alex.pk}")
        ApiClient(world.brook).post(f"/alerts/{alexs_alert}/acknowledge", {"note": ""})
        found = ApiClient(world.site_admin).get("/audit", patient=world.alex.pk).json()
        denied = [e["action"] for e in found["items"] if e["action"].endswith(".denied")]
        assert denied == ["alerts.write.denied", "patient.view.denied"]
