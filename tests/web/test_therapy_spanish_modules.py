"""Issue 16: a CBT module written in Spanish is its own file (content/therapy/es/<slug>.md),
shown in the portal under /es/ in Spanish (lang="es"), with hreflang to the English
page; its sections are the English module's, one for one, so what is marked done holds
in both languages; it has its own review (``module-es``); a module not yet written in
Spanish is shown in English there, marked lang="en"."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client, override_settings
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from clonacare.cli import main
from clonacare.education.models import ClinicalReviewer, ContentReview
from clonacare.education.review import pages
from clonacare.therapy.content import ModuleContentError, load_modules, load_translations
from clonacare.therapy.models import ModuleAssignment
from tests.conftest import REPO
from tests.personas import World, signed_in
from tests.web.therapy_world import plant_modules

SPANISH_THOUGHTS = """---
title: "Módulo de pensamientos"
summary: "Un resumen corto."
order: 20
exercises: [thought-record]
sources: ["ASAM 2025"]
reviewed_by: ""
reviewed_on: ""
---
Una línea de entrada.

## Primera parte

Un texto.

## Segunda parte

Más texto.
"""


@pytest.fixture
def planted(tmp_path: Path, settings: SettingsWrapper) -> Path:
    """The planted English modules (tests/web/therapy_world.py) and a Spanish
    ``thoughts``; ``coping`` and ``nights`` have no Spanish version."""
    folder = plant_modules(tmp_path, settings)
    (folder / "es").mkdir()
    (folder / "es" / "thoughts.md").write_text(SPANISH_THOUGHTS, encoding="utf-8")
    return folder


def assign(world: World, module: str) -> ModuleAssignment:
    return ModuleAssignment.objects.create(
        patient=world.alex, module=module, assigned_by=world.lee, assigned_at=timezone.now()
    )


def main_lang(html: str) -> str:
    found = re.search(r'<main id="main" class="wrap" tabindex="-1" lang="(\w+)">', html)
    assert found is not None
    return found.group(1)


# The shipped modules


def test_every_shipped_module_is_written_in_spanish_section_for_section() -> None:
    english = {m.slug: m for m in load_modules(REPO / "content" / "therapy")}
    spanish = load_translations("es", REPO / "content" / "therapy")
    assert sorted(spanish) == sorted(english)
    for slug, module in spanish.items():
        assert module.section_ids == english[slug].section_ids
        assert module.exercises == english[slug].exercises
        assert module.sources == english[slug].sources
        assert module.title != english[slug].title
        assert module.fingerprint != english[slug].fingerprint
        assert module.review_status == "Draft, awaiting clinical review"  # no reviewer invented


@pytest.mark.django_db
def test_each_spanish_module_is_its_own_page_to_review() -> None:
    spanish = [p for p in pages() if p.kind == ContentReview.Kind.MODULE_ES]
    assert [p.slug for p in spanish] == [m.slug for m in load_modules()]
    sleep = next(p for p in spanish if p.slug == "sleep")
    assert sleep.title == "Dormir durante la reducción"


# The loader's refusals


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_a_spanish_module_without_an_english_one_is_refused(planted: Path) -> None:
    write(planted / "es", "dreams.md", SPANISH_THOUGHTS)
    with pytest.raises(ModuleContentError) as refused:
        load_translations("es")
    assert str(refused.value) == (
        "es/dreams.md: there is no English module 'dreams.md' for it to translate."
    )


def test_a_spanish_module_with_other_sections_is_refused(planted: Path) -> None:
    write(planted / "es", "thoughts.md", SPANISH_THOUGHTS + "\n## Tercera parte\n\nY más.\n")
    with pytest.raises(ModuleContentError) as refused:
        load_translations("es")
    assert str(refused.value) == (
        "es/thoughts.md: it has 3 '## Section' headings and the English module 2; "
        "each section translates one, in order."
    )


def test_a_spanish_module_with_other_exercises_is_refused(planted: Path) -> None:
    text = SPANISH_THOUGHTS.replace("exercises: [thought-record]", "exercises: [sleep-diary]")
    write(planted / "es", "thoughts.md", text)
    with pytest.raises(ModuleContentError) as refused:
        load_translations("es")
    assert str(refused.value) == (
        "es/thoughts.md: 'exercises' must be the English module's: thought-record."
    )


def test_a_broken_spanish_module_stops_the_sites_check(planted: Path) -> None:
    (planted.parent / "articles").mkdir()
    write(planted / "es", "thoughts.md", SPANISH_THOUGHTS.replace('sources: ["ASAM 2025"]', ""))
    with pytest.raises(SystemCheckError) as stopped:
        call_command("check")
    assert "clonacare.E004" in str(stopped.value)
    assert (
        "A CBT module cannot be published: es/thoughts.md: missing front matter field(s): sources."
        in str(stopped.value)
    )


# The portal, in both languages


@pytest.mark.django_db
def test_the_spanish_page_shows_the_module_in_spanish(
    client: Client, world: World, planted: Path
) -> None:
    assign(world, "thoughts")
    response = signed_in(client, "alex").get("/es/portal/modules/thoughts/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="module-title" lang="es">Módulo de pensamientos</h1>' in html
    assert '<div lang="es"><p>Una línea de entrada.</p></div>' in html
    # The English section's id, the Spanish heading: a mark holds in both languages.
    assert '<h2 id="h-first-part" lang="es">Primera parte</h2>' in html
    assert 'name="section" value="first-part"' in html
    assert "Thoughts module" not in html
    assert '<li lang="en">ASAM 2025</li>' in html  # sources stay in English, marked so
    assert (
        '<link rel="alternate" hreflang="en" href="http://testserver/portal/modules/thoughts/">'
        in html
    )


@pytest.mark.django_db
def test_the_english_page_is_unchanged(client: Client, world: World, planted: Path) -> None:
    assign(world, "thoughts")
    html = signed_in(client, "alex").get("/portal/modules/thoughts/").content.decode()
    assert main_lang(html) == "en"
    assert '<h1 id="module-title">Thoughts module</h1>' in html
    assert '<h2 id="h-first-part">First part</h2>' in html
    assert "Módulo de pensamientos" not in html
    assert (
        '<link rel="alternate" hreflang="es" href="http://testserver/es/portal/modules/thoughts/">'
        in html
    )


@pytest.mark.django_db
def test_a_module_not_written_in_spanish_is_shown_in_english_marked_so(
    client: Client, world: World, planted: Path
) -> None:
    assign(world, "coping")
    html = signed_in(client, "alex").get("/es/portal/modules/coping/").content.decode()
    assert '<h1 id="module-title" lang="en">Coping module</h1>' in html
    assert '<h2 id="h-first-part" lang="en">First part</h2>' in html


@pytest.mark.django_db
def test_the_list_names_each_module_in_the_language_it_is_shown_in(
    client: Client, world: World, planted: Path
) -> None:
    assign(world, "thoughts")
    assign(world, "coping")
    html = signed_in(client, "alex").get("/es/portal/modules/").content.decode()
    assert '<a href="/es/portal/modules/thoughts/" lang="es">Módulo de pensamientos</a>' in html
    assert '<a href="/es/portal/modules/coping/" lang="en">Coping module</a>' in html
    english = signed_in(Client(), "alex").get("/portal/modules/").content.decode()
    assert '<a href="/portal/modules/thoughts/">Thoughts module</a>' in english


@pytest.mark.django_db
def test_a_section_marked_done_in_spanish_is_done_in_english(
    client: Client, world: World, planted: Path
) -> None:
    assignment = assign(world, "thoughts")
    client = signed_in(client, "alex")
    done = client.post(
        "/es/portal/modules/thoughts/", {"action": "section", "section": "first-part"}
    )
    assert done.status_code == 302
    assert done["Location"] == "/es/portal/modules/thoughts/#section-first-part"
    assignment.refresh_from_db()
    assert list(assignment.sections_done) == ["first-part"]
    english = client.get("/portal/modules/thoughts/").content.decode()
    assert "1 of 2 parts done" in english
    assert "Mark “First part” done" not in english
    spanish = client.get("/es/portal/modules/thoughts/").content.decode()
    assert 'value="first-part"' not in spanish
    assert 'value="second-part"' in spanish


@pytest.mark.django_db
def test_a_section_that_is_not_the_modules_is_refused_in_spanish_too(
    client: Client, world: World, planted: Path
) -> None:
    assign(world, "thoughts")
    refused = signed_in(client, "alex").post(
        "/es/portal/modules/thoughts/", {"action": "section", "section": "primera-parte"}
    )
    assert refused.status_code == 400
    assert "Módulo de pensamientos" in refused.content.decode()


# Its own review


@pytest.fixture
def content(tmp_path: Path) -> Iterator[Path]:
    copy = tmp_path / "content"
    shutil.copytree(REPO / "content", copy)
    with override_settings(CONTENT_DIR=copy):
        yield copy


@pytest.fixture
def reviewer(world: World, capsys: pytest.CaptureFixture[str]) -> ClinicalReviewer:
    world.avery.first_name, world.avery.last_name = "Avery", "Stone"
    world.avery.save(update_fields=["first_name", "last_name"])
    assert main(["reviewer", "avery", "--credentials", "MD, addiction medicine"]) == 0
    capsys.readouterr()
    return ClinicalReviewer.objects.get(user=world.avery)


def sign_off(client: Client, kind: str, slug: str) -> None:
    url = f"/clinic/content-review/{kind}/{slug}/"
    html = client.get(url).content.decode()
    found = re.search(r'name="fingerprint" value="([0-9a-f]{64})"', html)
    assert found is not None
    assert client.post(url, {"fingerprint": found.group(1), "read": "yes"}).status_code == 302


@pytest.mark.django_db
def test_the_spanish_module_is_reviewed_on_its_own(
    client: Client, world: World, content: Path, reviewer: ClinicalReviewer
) -> None:
    assign(world, "sleep")
    staff = signed_in(Client(), "avery")
    listing = staff.get("/clinic/content-review/").content.decode()
    assert (
        '<a href="/clinic/content-review/module-es/sleep/" lang="es">Dormir durante la '
        "reducción</a></th><td>CBT module in Spanish</td>"
    ) in listing
    page = staff.get("/clinic/content-review/module-es/sleep/").content.decode()
    assert '<h1 id="review-page-title" lang="es">Dormir durante la reducción</h1>' in page
    assert "<h2>La restricción del sueño se hace solo con un clínico</h2>" in page

    sign_off(staff, "module", "sleep")  # the English module's review does not carry over
    alex = signed_in(client, "alex")
    assert (
        "Reviewed</span> Reviewed by Avery Stone"
        in alex.get("/portal/modules/sleep/").content.decode()
    )
    spanish = alex.get("/es/portal/modules/sleep/").content.decode()
    assert "Revisado por" not in spanish
    assert "En espera de revisión clínica" in spanish

    sign_off(staff, "module-es", "sleep")
    review = ContentReview.objects.get(kind="module-es")
    assert (review.slug, review.reviewer_name) == ("sleep", "Avery Stone")
    spanish = alex.get("/es/portal/modules/sleep/").content.decode()
    assert "Revisado</span> Revisado por Avery Stone, MD, addiction medicine el" in spanish


@pytest.mark.django_db
def test_an_edit_to_the_spanish_module_returns_it_to_awaiting_review(
    client: Client, world: World, content: Path, reviewer: ClinicalReviewer
) -> None:
    assign(world, "sleep")
    sign_off(signed_in(Client(), "avery"), "module-es", "sleep")
    path = content / "therapy" / "es" / "sleep.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nUna línea más.\n", encoding="utf-8")
    spanish = signed_in(client, "alex").get("/es/portal/modules/sleep/").content.decode()
    assert "Revisado por" not in spanish
    assert "En espera de revisión clínica" in spanish


@pytest.mark.django_db
def test_a_remembered_choice_of_spanish_leads_to_the_spanish_module(
    client: Client, world: World, planted: Path
) -> None:
    assign(world, "thoughts")
    client = signed_in(client, "alex")
    client.cookies["clonacare_language"] = "es"
    response = client.get("/portal/modules/thoughts/")
    assert response.status_code == 302
    assert response["Location"] == "/es/portal/modules/thoughts/"
    html = client.get(response["Location"]).content.decode()
    assert '<h1 id="module-title" lang="es">Módulo de pensamientos</h1>' in html
