"""`clonacare demo`: every demo staff account has an email address under the reserved
.example domain, each program an on-call address, so the demo's alerts show their mails
on the console."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core import mail

from clonacare.accounts.models import Program
from clonacare.web.demo import load_demo_data

pytestmark = pytest.mark.django_db


def test_demo_staff_and_programs_have_addresses(django_capture_on_commit_callbacks: object) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        lines = list(load_demo_data())
    staff = User.objects.exclude(membership__role="patient").order_by("username")
    assert {u.username: u.email for u in staff} == {
        "admin": "admin@clonacare.example",
        "admin.riverside": "admin.riverside@riverside.example",
        "counsel.lee": "counsel.lee@riverside.example",
        "dr.avery": "dr.avery@riverside.example",
        "dr.brook": "dr.brook@northgate.example",
        "dr.ellis": "dr.ellis@riverside.example",
        "nurse.kim": "nurse.kim@riverside.example",
    }
    patients = User.objects.filter(membership__role="patient").order_by("username")
    assert {u.username: u.email for u in patients} == {
        "pat.alex": "pat.alex@riverside.example",
        "pat.blair": "pat.blair@riverside.example",
        "pat.casey": "pat.casey@northgate.example",
    }
    assert dict(Program.objects.values_list("slug", "on_call_email")) == {
        "riverside": "on-call@riverside.example",
        "northgate": "on-call@northgate.example",
    }
    # Casey's PHQ-9 item 9 raised an alert: Casey's care team (dr.brook) was emailed.
    assert [m.to for m in mail.outbox] == [["dr.brook@northgate.example"]]
    assert any("on-call@riverside.example" in line for line in lines)
