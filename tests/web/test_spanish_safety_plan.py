"""Issue 16: the safety plan in Spanish (/es/portal/safety-plan/, its form and its print
page). The sections' titles and help are Clonacare's own words (the parts of the
Stanley-Brown model, docs/safety-plan.md), read from the catalogue when the page is
shown; what the patient typed stays as typed; the form's refusals say what to do in
Spanish by the action's code. The English pages, the API and the stored content keep
the English titles."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.test import Client
from django.utils import translation

from clonacare.core.errors import ClinicalError
from clonacare.portal.safety_plan_views import SAFETY_PLAN_REFUSALS, safety_plan_refusal
from clonacare.therapy.models import SafetyPlanVersion
from clonacare.therapy.safety_plan import SECTIONS
from tests.api_client import ApiClient
from tests.personas import World, signed_in
from tests.web.test_portal_spanish import ENGLISH_ONLY, spanish_main

pytestmark = pytest.mark.django_db

# What the patient wrote, in Spanish here so the page's own words can be checked for
# English without the patient's text in the way (it is shown as typed, in any language).
TYPED = "Me quedo despierta dándole vueltas a lo mismo"


def written_with_lee(world: World) -> None:
    """Lee writes alex's plan on the clinic page, as at an appointment."""
    response = signed_in(Client(), "lee").post(
        f"/clinic/patients/{world.alex.pk}/safety-plan/",
        {
            "based_on": "0",
            "warning-signs-0": TYPED,
            "people-to-ask-0-name": "Mi hermana Jo",
            "people-to-ask-0-reach": "555-0101",
        },
    )
    assert response.status_code == 302


def spanish(text: str) -> str:
    with translation.override("es"):
        return translation.gettext(text)


def main_of(html: str, language: str) -> str:
    """What is inside the page's <main>, which is in ``language``."""
    start = f'<main id="main" class="wrap" tabindex="-1" lang="{language}">'
    return html.split(start, 1)[1].split("</main>", 1)[0]


def page(client: Client, world: World, path: str) -> str:
    response = signed_in(client, world.alex_user).get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_every_section_has_its_own_spanish_title_and_help() -> None:
    for s in SECTIONS:
        with translation.override("es"):
            title, prompt = s.page_title, s.page_prompt
        assert title != s.title, s.id
        assert prompt != s.prompt, s.id
        assert sorted(set(title.lower().split()) & ENGLISH_ONLY) == [], s.id
    with translation.override("es"):
        assert SECTIONS[0].page_title == "Señales de que empieza un mal momento"
    with translation.override("en"):
        assert [s.page_title for s in SECTIONS] == [s.title for s in SECTIONS]


@pytest.mark.parametrize("path", ["/es/portal/safety-plan/", "/es/portal/safety-plan/print/"])
def test_the_plan_and_its_print_page_read_in_spanish(
    client: Client, world: World, path: str
) -> None:
    written_with_lee(world)
    html = page(client, world, path)
    for s in SECTIONS:
        assert f"<h2>{html_lib.escape(spanish(s.title))}</h2>" in html, s.id
        assert f">{s.title}<" not in html
    assert TYPED in html  # as the patient wrote it
    assert "<strong>Mi hermana Jo</strong>: 555-0101" in html
    assert "Líneas de crisis, siempre disponibles:" in html
    assert sorted(set(spanish_main(html)) & ENGLISH_ONLY) == []
    assert 'lang="en"' not in main_of(html, "es")


def test_the_form_reads_in_spanish(client: Client, world: World) -> None:
    written_with_lee(world)
    html = page(client, world, "/es/portal/safety-plan/edit/")
    for s in SECTIONS:
        assert f"<legend>{html_lib.escape(spanish(s.title))}</legend>" in html, s.id
        assert f'<p class="hint">{html_lib.escape(spanish(s.prompt))}</p>' in html, s.id
    assert '<span class="visually-hidden">Personas a las que puedo pedir ayuda, </span>' in html
    assert f'value="{TYPED}"' in html
    assert sorted(set(spanish_main(html)) & ENGLISH_ONLY) == []
    assert 'lang="en"' not in main_of(html, "es")


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/portal/safety-plan/", "<h2>Signs that a hard time is starting</h2>"),
        ("/portal/safety-plan/print/", "<h2>Making where I am safer</h2>"),
        ("/portal/safety-plan/edit/", "<legend>People I can ask for help</legend>"),
    ],
)
def test_the_english_pages_keep_their_words(
    client: Client, world: World, path: str, heading: str
) -> None:
    written_with_lee(world)
    html = page(client, world, path)
    assert heading in html
    main = main_of(html, "en")
    assert 'lang="en"' not in main
    assert "Señales" not in main


def test_the_api_and_the_stored_plan_keep_the_section_ids_and_english_titles(
    client: Client, world: World
) -> None:
    written_with_lee(world)
    signed_in(client, world.alex_user).post(
        "/es/portal/safety-plan/edit/",
        {"based_on": "1", "warning-signs-0": TYPED, "distraction-0": "El parque"},
    )
    stored = SafetyPlanVersion.objects.get(number=2).content
    assert sorted(stored) == sorted(s.id for s in SECTIONS)  # jsonb keeps no order
    assert stored["distraction"] == ["El parque"]
    body = ApiClient(world.lee).get(f"/patients/{world.alex.pk}/safety-plan").content.decode()
    assert "Signs that a hard time is starting" in body
    assert "Señales" not in body


@pytest.mark.parametrize(
    ("fields", "status", "english", "spanish_words"),
    [
        (
            {"based_on": "1", "warning-signs-0": "x" * 201},
            400,
            "entry 1: the entry is at most 200 characters; got 201.",
            "Revise lo que escribió: una línea admite como máximo 200 caracteres, un nombre "
            "100 y la forma de contactar a alguien 100; junto a la forma de contacto, "
            "escriba de quién se trata.",
        ),
        (
            {"based_on": "1", "people-to-ask-0-reach": "555-0101"},
            400,
            "entry 1: write who this is.",
            "Revise lo que escribió: una línea admite como máximo 200 caracteres",
        ),
        (
            {"based_on": "1", **{f"distraction-{n}": f"Sitio {n}" for n in range(11)}},
            400,
            "takes at most 10 entries; got 11.",
            "Una parte del plan tiene demasiadas líneas: cada parte admite 10 como máximo.",
        ),
        (
            {"based_on": "1"},
            400,
            "Write at least one entry in one part of the safety plan.",
            "Escriba al menos una línea en alguna parte del plan.",
        ),
        (
            {
                "based_on": "1",
                "warning-signs-0": TYPED,
                "people-to-ask-0-name": "Mi hermana Jo",
                "people-to-ask-0-reach": "555-0101",
            },
            400,
            "Nothing was changed in the safety plan.",
            "No cambió nada en su plan. Añada o cambie una línea y luego guarde.",
        ),
        (
            {"based_on": "0", "warning-signs-0": "Otra cosa"},
            409,
            "The safety plan was saved again (version 1) after this one was opened",
            "Otra persona guardó su plan después de que usted abriera esta página, así que "
            "no se guardó nada.",
        ),
    ],
)
def test_a_refused_form_says_what_to_do_in_spanish(
    client: Client,
    world: World,
    fields: dict[str, str],
    status: int,
    english: str,
    spanish_words: str,
) -> None:
    written_with_lee(world)
    response = signed_in(client, world.alex_user).post("/es/portal/safety-plan/edit/", fields)
    assert response.status_code == status
    html = response.content.decode()
    assert '<p class="form-error" role="alert">' + spanish_words in html
    assert english not in html
    assert sorted(set(spanish_main(html)) & ENGLISH_ONLY) == []
    again = client.post("/portal/safety-plan/edit/", fields)
    assert again.status_code == status
    assert english in html_lib.unescape(again.content.decode())
    assert spanish_words not in again.content.decode()
    assert SafetyPlanVersion.objects.count() == 1


def test_before_a_plan_exists_the_refusal_is_in_spanish_too(client: Client, world: World) -> None:
    response = signed_in(client, world.alex_user).post(
        "/es/portal/safety-plan/edit/", {"warning-signs-0": "Cansada"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert (
        '<p class="form-error" role="alert">Su plan de seguridad se escribe primero con alguien '
        "de su equipo de atención; después podrá añadirle cosas aquí.</p>" in html
    )
    assert sorted(set(spanish_main(html)) & ENGLISH_ONLY) == []
    assert not SafetyPlanVersion.objects.exists()


def test_a_refusal_without_spanish_words_is_shown_as_written_and_marked_english() -> None:
    refused = ClinicalError("not-allowed", "Only the patient writes this.")
    with translation.override("es"):
        assert safety_plan_refusal(refused) == ("Only the patient writes this.", "en")
        for code in SAFETY_PLAN_REFUSALS:
            shown, language = safety_plan_refusal(ClinicalError(code, "English."))
            assert language is None, code
            assert shown != "English.", code
            assert sorted(set(re.findall(r"[a-z]+", shown.lower())) & ENGLISH_ONLY) == [], code
    with translation.override("en"):
        assert safety_plan_refusal(refused) == ("Only the patient writes this.", None)
