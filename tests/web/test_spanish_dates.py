"""Issue 16: dates on the portal's Spanish pages are written the Spanish way ("4 de
diciembre de 2026, 10:03"), through ``portal.words.patient_date`` (the ``patient_date``
filter); the same page in English keeps "4 December 2026, 10:03"."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import get_format
from django.utils.translation import gettext

from clonacare.assessments.models import SeizureReport
from clonacare.education.models import ContentReview
from clonacare.education.review import pages
from tests.personas import World, signed_in
from tests.web.test_portal_check_in import form as calm_check_in

pytestmark = pytest.mark.django_db

MONTHS_ES = [
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
    "septiembre", "octubre", "noviembre", "diciembre",
]  # fmt: skip
ENGLISH_MONTHS = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November"
    r"|December)\b"
)


def test_the_seizure_report_says_when_in_spanish_and_in_english(
    client: Client, world: World
) -> None:
    response = signed_in(client, "alex").post("/es/portal/seizure/", {"when": "now"})
    assert response.status_code == 302
    spanish = client.get(response["Location"]).content.decode()
    reported = timezone.localtime(SeizureReport.objects.get().reported_at)
    month = MONTHS_ES[reported.month - 1]
    assert (
        f"<dd>{reported.day} de {month} de {reported.year}, {reported:%H:%M} UTC</dd>"
    ) in spanish
    main = spanish.split("<main", 1)[1].split("</main>", 1)[0]
    assert not ENGLISH_MONTHS.search(main)
    english = client.get(response["Location"].removeprefix("/es")).content.decode()
    assert f"<dd>{reported.day} {reported:%B %Y, %H:%M} UTC</dd>" in english


def test_a_saved_check_in_gives_its_day_in_spanish(client: Client, world: World) -> None:
    response = signed_in(client, "alex").post("/es/portal/check-in/", calm_check_in())
    assert response.status_code == 302
    spanish = client.get(response["Location"]).content.decode()
    today = timezone.localdate()
    assert f"<dd>{today.day} de {MONTHS_ES[today.month - 1]} de {today.year}</dd>" in spanish
    english = client.get(response["Location"].removeprefix("/es")).content.decode()
    assert f"<dd>{today.day} {today:%B %Y}</dd>" in english


def test_the_portal_home_gives_the_medicines_start_in_spanish(client: Client, world: World) -> None:
    spanish = signed_in(client, "alex").get("/es/portal/").content.decode()
    assert "mg al día desde el 1 de marzo de 2024" in spanish  # the persona's since date
    main = spanish.split("<main", 1)[1].split("</main>", 1)[0]
    assert not ENGLISH_MONTHS.search(main)
    assert "mg a day since 1 March 2024" in client.get("/portal/").content.decode()


def test_a_reviewed_spanish_article_gives_the_review_day_in_spanish(client: Client) -> None:
    reviewed_at = timezone.now()
    ContentReview.objects.create(
        kind=ContentReview.Kind.ARTICLE_ES,
        slug="withdrawal",
        fingerprint=next(
            p.fingerprint for p in pages() if p.kind == "article-es" and p.slug == "withdrawal"
        ),
        reviewer=User.objects.create_user("reviewer"),
        reviewer_name="A Clinician",
        credentials="MD",
        reviewed_at=reviewed_at,
    )
    day = timezone.localdate(reviewed_at)
    spanish = client.get("/es/learn/withdrawal/").content.decode()
    assert f">{day.day} de {MONTHS_ES[day.month - 1]} de {day.year}</time>" in spanish
    # The format comes from the catalogue: it is Django's Spanish DATE_FORMAT.
    with translation.override("es"):
        assert gettext("j F Y") == get_format("DATE_FORMAT", "es")
