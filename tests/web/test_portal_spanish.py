"""Issue 16: the portal in Spanish. Signed in as patient alex, the key /es/portal/ pages
read in Spanish (main lang="es"), and what is left in English is only what is marked
lang="en": the questionnaires, which have no validated Spanish version the app may ship,
and what the record itself holds. The English pages are unchanged."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

# Words that are English and never Spanish: one of them in a page's own Spanish text
# is a string nobody marked for translation.
ENGLISH_ONLY = {
    "the", "your", "you", "and", "what", "how", "with", "my", "this", "has", "have",
    "been", "for", "please", "save", "send", "back", "today", "dose", "check", "record",
    "care", "team", "questions", "answer", "answers", "who", "which", "yes", "next",
}  # fmt: skip
VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "area", "col"}


class _SpanishText(HTMLParser):
    """The text of <main>, leaving out what is marked lang="en" (and scripts)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # inside <main>
        self.skipping: list[str] = []  # tags opened inside an English or script element
        self.words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        if tag == "main":
            self.depth += 1
        if self.skipping or dict(attrs).get("lang") == "en" or tag in ("script", "style"):
            self.skipping.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if self.skipping:
            self.skipping.pop()
        if tag == "main":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skipping:
            self.words.extend(re.findall(r"[^\W\d_]+", data.lower()))


def spanish_main(html: str) -> list[str]:
    """The words of the page's own text in <main>; asserts <main> is lang="es"."""
    assert '<main id="main" class="wrap" tabindex="-1" lang="es">' in html
    parser = _SpanishText()
    parser.feed(html)
    assert parser.words
    return parser.words


PAGES = {
    "/es/portal/": ["Hola", "Su equipo de atención", "Cuestionarios", "solo en inglés"],
    "/es/portal/check-in/": ["¿Ha tenido una convulsión desde su último control?", "Elija…"],
    "/es/portal/doses/": ["Anotar una dosis", "¿Cómo fue?", "Tomada tarde"],
    "/es/portal/seizure/": ["Avisar de una convulsión", "Sí, está ocurriendo ahora"],
    "/es/portal/safety-plan/": ["Mi plan de seguridad", "Si está en peligro ahora"],
    "/es/portal/questionnaires/phq9/": ["Este cuestionario está solo en inglés"],
    "/es/portal/plan/": ["Mi plan de reducción"],
    "/es/portal/check-ins/": ["Mis controles"],
    "/es/portal/sessions/": ["Mis sesiones de consejería"],
    "/es/portal/safety-plan/edit/": ["Añadir a mi plan de seguridad"],
    "/es/portal/recovery/": ["Mi recuperación", "Sus metas"],
    "/es/portal/groups/": ["Grupos de apoyo", "Grupos en la comunidad"],
    "/es/portal/disclosures/": ["Quién ha recibido su expediente", "Enviar la petición"],
}


@pytest.mark.parametrize("path", list(PAGES))
def test_a_key_portal_page_reads_in_spanish(client: Client, world: World, path: str) -> None:
    response = signed_in(client, "alex").get(path)
    assert response.status_code == 200
    html = response.content.decode()
    for words in PAGES[path]:
        assert words in html, words
    english = sorted(set(spanish_main(html)) & ENGLISH_ONLY)
    assert english == [], f"{path}: English words outside lang=en: {english}"


def test_the_questionnaire_itself_stays_in_english_and_is_marked_so(
    client: Client, world: World
) -> None:
    html = signed_in(client, "alex").get("/es/portal/questionnaires/phq9/").content.decode()
    assert '<div lang="en">' in html  # the items, as their source wrote them
    assert "Enviar mis respuestas" in html


def test_a_refused_seizure_form_says_what_to_do_in_spanish(client: Client, world: World) -> None:
    response = signed_in(client, "alex").post("/es/portal/seizure/", {"note": "x" * 5})
    assert response.status_code == 400
    assert "Diga si la convulsión está ocurriendo ahora o si ya terminó." in (
        response.content.decode()
    )


def test_the_english_portal_keeps_its_words(client: Client, world: World) -> None:
    html = signed_in(client, "alex").get("/portal/").content.decode()
    main = '<main id="main" class="wrap" tabindex="-1" lang="en">'
    assert main in html
    assert "Hello, Alex" in html
    assert "Your care team" in html
    assert "solo en inglés" not in html
    assert 'lang="en"' not in html.split(main, 1)[1]  # nothing marked apart


def test_the_parser_finds_an_english_sentence_left_untranslated() -> None:
    html = (
        '<main id="main" class="wrap" tabindex="-1" lang="es"><p>Hola</p>'
        '<p lang="en">The questionnaire</p><p>Send your answers</p></main>'
    )
    assert spanish_main(html) == ["hola", "send", "your", "answers"]


def test_the_crisis_box_says_whom_to_call_in_spanish(client: Client, world: World) -> None:
    response = signed_in(client, "alex").post("/es/portal/seizure/", {"when": "now"})
    html = client.get(response["Location"]).content.decode()
    assert "Por favor, pida apoyo ahora" in html
    assert "<strong>Si una convulsión está ocurriendo ahora, llame ya al 911.</strong>" in html
    assert "<strong>Si está en peligro ahora, llame al 988 o 911.</strong>" in html
    english = client.get(response["Location"].removeprefix("/es")).content.decode()
    assert "<strong>If you are in danger now, call 988 or 911.</strong>" in english
