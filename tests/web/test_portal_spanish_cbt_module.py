"""Issue 16: the portal's CBT module pages under /es/ in Spanish: their own words
(status, parts done, review status, buttons, the exercise forms' labels and help from
the exercise data's Spanish words), no "not yet written in Spanish" notice on a module
that is written in Spanish, the notice on one that is not; a refusal's message (shared
with the API) stays English, marked lang="en". The English pages keep their words."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from clonacare.therapy.exercises import exercise, exercise_kinds
from clonacare.therapy.models import ModuleAssignment
from tests.conftest import REPO
from tests.personas import World, signed_in
from tests.web.test_portal_spanish import ENGLISH_ONLY, spanish_main

pytestmark = pytest.mark.django_db

NOTICE = "Esta página todavía no está escrita en español"
DIARY = {
    "action": "exercise",
    "kind": "sleep-diary",
    "date": "",
    "bed_time": "22:30",
    "sleep_attempt_time": "23:00",
    "minutes_to_fall_asleep": "30",
    "wakings": "1",
    "minutes_awake": "30",
    "final_waking_time": "06:30",
    "out_of_bed_time": "07:00",
    "sleep_quality": "3",
    "nap_minutes": "0",
    "notes": "",
}


def _assign(world: World, slug: str = "sleep") -> None:
    ModuleAssignment.objects.create(
        patient=world.alex, module=slug, assigned_by=world.lee, assigned_at=timezone.now()
    )


def test_it_shows_the_module_list_in_spanish(client: Client, world: World) -> None:
    _assign(world)
    html = signed_in(client, "alex").get("/es/portal/modules/").content.decode()
    for words in ("Mis módulos de TCC", "Asignado", "0 de 5 partes hechas", "Asignado por"):
        assert words in html, words
    assert NOTICE not in html
    assert sorted(set(spanish_main(html)) & ENGLISH_ONLY) == []


def test_it_shows_a_module_written_in_spanish_without_the_notice(
    client: Client, world: World
) -> None:
    _assign(world)
    html = signed_in(client, "alex").get("/es/portal/modules/sleep/").content.decode()
    assert NOTICE not in html
    for words in (
        "Borrador",
        "En espera de revisión clínica",
        "Marcar «Por qué cambia el sueño» como hecha",
        "Ejercicio: Diario de sueño",
        "La tarde en que empezó la noche",
        "Déjelo vacío si es hoy.",
        "Hora en que se acostó",
        "En reloj de 24 horas, por ejemplo 22:45.",
        "Notas (opcional)",
        "Guardar: Diario de sueño",
        "Todavía no hay nada guardado.",
    ):
        assert words in html, words
    assert sorted(set(spanish_main(html)) & ENGLISH_ONLY) == []


def test_a_saved_diary_reads_in_spanish(client: Client, world: World) -> None:
    _assign(world)
    signed_in(client, "alex")
    response = client.post("/es/portal/modules/sleep/", DIARY)
    assert response.status_code == 302
    assert response["Location"] == "/es/portal/modules/sleep/?saved=sleep-diary#entries"
    html = client.get(response["Location"]).content.decode()
    assert "Guardado. Su equipo de atención lo puede ver; está más abajo." in html
    assert "<dt>Hora en que se acostó</dt><dd>22:30</dd>" in html
    assert "<dt>Tiempo en la cama</dt><dd>510 minutos</dd>" in html
    assert "<dt>Sueño total</dt><dd>390 minutos</dd>" in html
    assert "<dd>76% del tiempo en la cama dormido</dd>" in html
    assert sorted(set(spanish_main(html)) & ENGLISH_ONLY) == []


def test_a_refusal_keeps_its_english_message_marked_as_english(
    client: Client, world: World
) -> None:
    _assign(world)
    response = signed_in(client, "alex").post(
        "/es/portal/modules/sleep/", {**DIARY, "bed_time": ""}
    )
    assert response.status_code == 400
    assert (
        '<p class="form-error" role="alert" lang="en">Fill in &#x27;Time you went to bed&#x27;.</p>'
        in response.content.decode()
    )


def test_a_module_not_written_in_spanish_says_so(
    client: Client, world: World, settings: SettingsWrapper, tmp_path: Path
) -> None:
    copy = tmp_path / "content"
    shutil.copytree(REPO / "content", copy)
    (copy / "therapy" / "es" / "sleep.md").unlink()
    settings.CONTENT_DIR = copy
    _assign(world)
    html = signed_in(client, "alex").get("/es/portal/modules/sleep/").content.decode()
    assert NOTICE in html
    assert '<h1 id="module-title" lang="en">Sleep during the taper</h1>' in html
    assert 'Marcar como hecha: <span lang="en">Why sleep changes</span>' in html


def test_the_english_module_page_keeps_its_words(client: Client, world: World) -> None:
    _assign(world)
    signed_in(client, "alex")
    html = client.get("/portal/modules/sleep/").content.decode()
    for words in (
        "Assigned · 0 of 5 parts done",
        "Mark “Why sleep changes” done",
        "Exercise: Sleep diary",
        "Time you went to bed",
        "Notes (optional)",
        "Save sleep diary",
    ):
        assert words in html, words
    assert 'lang="es"' not in html.split('<main id="main"', 1)[1]
    assert NOTICE not in html


def test_every_exercise_has_its_words_in_spanish() -> None:
    for kind in exercise_kinds():
        spec = exercise(kind)
        assert spec.title_es, kind
        assert spec.intro_es, kind
        assert all(f.label_es and f.help_es for f in spec.fields), kind
        spanish = spec.in_language("es")
        assert [f.name for f in spanish.fields] == [f.name for f in spec.fields]
        assert spanish.title == spec.title_es
    assert exercise("sleep-diary").in_language("en") == exercise("sleep-diary")
