"""Issue 16: a clinician's review of an article or CBT module is recorded in the app: a
site admin grants the reviewer role on the command line, the reviewer signs off the
version they read, the public page shows "Reviewed by" while it is that version, and an
edit returns it to "awaiting clinical review"."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from django.test import Client
from django.test.utils import override_settings

from clonacare.audit.models import AuditEvent
from clonacare.cli import main
from clonacare.education.models import ClinicalReviewer, ContentReview
from tests.conftest import REPO
from tests.personas import World, signed_in

LIST = "/clinic/content-review/"
PAGE = "/clinic/content-review/article/withdrawal/"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the site's content, so a test can edit a file."""
    copy = tmp_path / "content"
    shutil.copytree(REPO / "content", copy)
    with override_settings(CONTENT_DIR=copy):
        yield copy


@pytest.fixture
def reviewer(world: World, capsys: pytest.CaptureFixture[str]) -> ClinicalReviewer:
    world.avery.first_name, world.avery.last_name = "Avery", "Stone"
    world.avery.save(update_fields=["first_name", "last_name"])
    assert main(["reviewer", "avery", "--credentials", "MD, addiction medicine"]) == 0
    assert capsys.readouterr().out == "avery reviews content as MD, addiction medicine.\n"
    return ClinicalReviewer.objects.get(user=world.avery)


def fingerprint_on(html: str) -> str:
    found = re.search(r'name="fingerprint" value="([0-9a-f]{64})"', html)
    assert found is not None
    return found.group(1)


@pytest.mark.django_db
def test_no_page_is_reviewed_until_a_clinician_signs_it_off(client: Client, content: Path) -> None:
    html = client.get("/learn/withdrawal/").content.decode()
    assert "Awaiting clinical review" in html
    assert "Clinically reviewed" not in html


def test_a_reviewer_signs_off_what_they_read_and_the_page_says_so(
    client: Client, world: World, content: Path, reviewer: ClinicalReviewer
) -> None:
    client = signed_in(client, "avery")
    listing = client.get(LIST).content.decode()
    assert "Clonazepam withdrawal and how to avoid it" in listing
    assert "Awaiting clinical review" in listing
    page = client.get(PAGE)
    assert page.status_code == 200
    fingerprint = fingerprint_on(page.content.decode())
    done = client.post(PAGE, {"fingerprint": fingerprint, "read": "yes"})
    assert done.status_code == 302
    review = ContentReview.objects.get()
    assert (review.kind, review.slug, review.fingerprint) == ("article", "withdrawal", fingerprint)
    assert (review.reviewer_name, review.credentials) == ("Avery Stone", "MD, addiction medicine")
    public = Client().get("/learn/withdrawal/").content.decode()
    assert "Clinically reviewed</span> by Avery Stone, MD, addiction medicine on" in public
    event = AuditEvent.objects.get(action="content.review")
    assert event.detail == {"kind": "article", "slug": "withdrawal", "fingerprint": fingerprint}


def test_an_edit_returns_the_page_to_awaiting_review(
    client: Client, world: World, content: Path, reviewer: ClinicalReviewer
) -> None:
    client = signed_in(client, "avery")
    fingerprint = fingerprint_on(client.get(PAGE).content.decode())
    client.post(PAGE, {"fingerprint": fingerprint, "read": "yes"})
    article = content / "articles" / "withdrawal.md"
    article.write_text(article.read_text() + "\nOne more sentence.\n")
    public = Client().get("/learn/withdrawal/").content.decode()
    assert "Clinically reviewed" not in public
    assert "This page has changed since a clinician reviewed it on" in public


def test_a_sign_off_of_a_version_that_changed_is_refused(
    client: Client, world: World, content: Path, reviewer: ClinicalReviewer
) -> None:
    client = signed_in(client, "avery")
    read = fingerprint_on(client.get(PAGE).content.decode())
    article = content / "articles" / "withdrawal.md"
    article.write_text(article.read_text() + "\nEdited after it was opened.\n")
    refused = client.post(PAGE, {"fingerprint": read, "read": "yes"})
    assert refused.status_code == 409
    html = refused.content.decode()
    assert (
        "This page has changed since you opened it. Read the current version, then sign it off."
        in html
    )
    assert fingerprint_on(html) == read  # signing again without reloading is refused again
    assert not ContentReview.objects.exists()


def test_the_box_must_be_ticked(
    client: Client, world: World, content: Path, reviewer: ClinicalReviewer
) -> None:
    client = signed_in(client, "avery")
    fingerprint = fingerprint_on(client.get(PAGE).content.decode())
    refused = client.post(PAGE, {"fingerprint": fingerprint})
    assert refused.status_code == 400
    assert "Tick the box to confirm you have read this version." in refused.content.decode()
    assert not ContentReview.objects.exists()


@pytest.mark.parametrize("who", ["kim", "riverside_admin", "alex"])
def test_anyone_without_the_role_finds_no_such_page(
    client: Client, world: World, content: Path, reviewer: ClinicalReviewer, who: str
) -> None:
    client = signed_in(client, who)
    assert client.get(LIST).status_code == 404
    assert client.post(PAGE, {"fingerprint": "0" * 64, "read": "yes"}).status_code == 404
    assert not ContentReview.objects.exists()


def test_a_cbt_module_is_reviewed_the_same_way(
    client: Client, world: World, content: Path, reviewer: ClinicalReviewer
) -> None:
    client = signed_in(client, "avery")
    page = client.get("/clinic/content-review/module/sleep/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sleep during the taper" in html
    client.post(
        "/clinic/content-review/module/sleep/",
        {"fingerprint": fingerprint_on(html), "read": "yes"},
    )
    assert ContentReview.objects.get().kind == "module"
    assert client.get("/clinic/content-review/module/no-such-module/").status_code == 404


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["reviewer", "nobody", "--credentials", "MD"], "There is no user 'nobody'."),
        (
            ["reviewer", "riverside_admin", "--credentials", "MD"],
            "riverside_admin is not a clinician (a prescriber, nurse or counsellor); only "
            "clinicians review content.",
        ),
        (
            ["reviewer", "kim", "--credentials", "  "],
            "Give the reviewer's credentials, e.g. 'MD, psychiatry'.",
        ),
        (["reviewer", "kim", "--remove"], "kim is not a reviewer."),
    ],
)
def test_the_command_refuses_with_one_line(
    world: World, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err == f"clonacare reviewer: {message}\n"
    assert not ClinicalReviewer.objects.exists()


def test_removing_the_role_keeps_past_reviews(
    client: Client, world: World, content: Path, reviewer: ClinicalReviewer
) -> None:
    client = signed_in(client, "avery")
    fingerprint = fingerprint_on(client.get(PAGE).content.decode())
    client.post(PAGE, {"fingerprint": fingerprint, "read": "yes"})
    assert main(["reviewer", "avery", "--remove"]) == 0
    assert client.get(LIST).status_code == 404
    assert ContentReview.objects.count() == 1
    assert list(
        AuditEvent.objects.filter(action__startswith="reviewer.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["reviewer.grant", "reviewer.revoke"]
