"""English and Spanish (issue 16): the language comes from the path, a switch remembers a
choice, staff pages and the API stay English."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client, override_settings

from clonacare.accounts.models import LanguagePreference
from clonacare.audit.models import AuditEvent
from clonacare.web.language import UNKNOWN_LANGUAGE
from tests.conftest import REPO
from tests.personas import PASSWORD, World, signed_in

pytestmark = pytest.mark.django_db


def _html_lang(body: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', body)
    assert found, "no <html lang>"
    return found.group(1)


def test_english_pages_keep_their_paths_and_name_their_spanish_twin(client: Client) -> None:
    response = client.get("/learn/withdrawal/")
    body = response.content.decode()
    assert response.status_code == 200
    assert _html_lang(body) == "en"
    assert response["Content-Language"] == "en"
    assert 'hreflang="es" href="http://testserver/es/learn/withdrawal/"' in body
    assert 'hreflang="en" href="http://testserver/learn/withdrawal/"' in body
    assert "Skip to main content" in body
    assert "not yet written in Spanish" not in body


@pytest.fixture
def faq_only_in_english(tmp_path: Path) -> Iterator[None]:
    """A copy of the site's content with no Spanish FAQ (every article is written in
    Spanish by now; a page that is not must still be shown, in English, saying so)."""
    copy = tmp_path / "content"
    shutil.copytree(REPO / "content", copy)
    (copy / "articles" / "es" / "faq.md").unlink(missing_ok=True)
    with override_settings(CONTENT_DIR=copy):
        yield


@pytest.mark.usefixtures("faq_only_in_english")
def test_a_spanish_page_is_spanish_around_text_not_yet_translated(client: Client) -> None:
    response = client.get("/es/learn/faq/")  # not written in Spanish in this copy
    body = response.content.decode()
    assert response.status_code == 200
    assert _html_lang(body) == "es"
    assert response["Content-Language"] == "es"
    assert "Saltar al contenido principal" in body
    assert "¿Necesita ayuda ahora?" in body
    # The article itself is still English: marked as such, and the page says so in Spanish.
    assert '<main id="main" class="wrap" tabindex="-1" lang="en">' in body
    assert "Esta página todavía no está escrita en español" in body
    assert 'hreflang="en" href="http://testserver/learn/faq/"' in body


def test_the_crisis_resources_read_in_spanish_with_the_same_numbers(client: Client) -> None:
    body = client.get("/es/").content.decode()
    assert "988 Línea de Prevención del Suicidio y Crisis" in body
    assert "Llame al 988 y oprima el 2" in body
    assert 'href="tel:988"' in body
    assert 'href="tel:911"' in body
    assert 'href="tel:+18006624357"' in body
    english = client.get("/").content.decode()
    assert "988 Suicide &amp; Crisis Lifeline" in english
    assert "oprima" not in english


def test_the_browser_language_does_not_choose_the_page(client: Client) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert _html_lang(response.content.decode()) == "en"


def test_staff_pages_and_the_api_have_no_spanish_twin(client: Client, world: World) -> None:
    signed_in(client, world.avery)
    page = client.get("/clinic/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'hreflang="es"' not in page
    assert "language-switch" not in page
    assert client.get("/es/clinic/").status_code == 404
    assert client.get("/es/api/v1/me").status_code == 404
    missing = Client().get("/api/v1/patients/999999", HTTP_ACCEPT_LANGUAGE="es")
    assert missing.status_code == 401
    assert missing.headers["Content-Language"] == "en"


def test_the_switch_goes_to_the_twin_and_the_choice_holds(client: Client) -> None:
    response = client.post("/language/", {"language": "es", "next": "/learn/withdrawal/?x=1"})
    assert response.status_code == 302
    assert response["Location"] == "/es/learn/withdrawal/?x=1"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    # An English link followed later leads to the Spanish twin...
    followed = client.get("/learn/treatment/")
    assert followed.status_code == 302
    assert followed["Location"] == "/es/learn/treatment/"
    # ...but never away from a page that has none, and never for a form's POST.
    assert client.get("/clinic/").status_code == 302  # to sign in, not to /es/
    assert client.get("/clinic/")["Location"].startswith("/accounts/login/")
    back = client.post("/language/", {"language": "en", "next": "/es/learn/treatment/"})
    assert back["Location"] == "/learn/treatment/"
    assert client.get("/learn/treatment/").status_code == 200


def test_the_switch_refuses_an_unknown_language_and_a_foreign_next(client: Client) -> None:
    refused = client.post("/language/", {"language": "fr", "next": "/"})
    assert refused.status_code == 400
    assert refused.content.decode() == UNKNOWN_LANGUAGE
    assert settings.LANGUAGE_COOKIE_NAME not in refused.cookies
    foreign = client.post("/language/", {"language": "es", "next": "https://evil.example/"})
    assert foreign["Location"] == "/es/"
    assert client.get("/language/").status_code == 405


def test_the_switch_needs_the_csrf_token() -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/language/", {"language": "es", "next": "/"})
    assert response.status_code == 403


def test_a_signed_in_choice_is_kept_in_the_account_and_comes_back_at_sign_in(
    client: Client, world: World
) -> None:
    signed_in(client, world.alex_user)
    client.post("/language/", {"language": "es", "next": "/portal/"})
    assert LanguagePreference.objects.get(user=world.alex_user).language == "es"
    event = AuditEvent.objects.filter(action="account.language").latest("pk")
    assert event.detail == {"language": "es"}
    # Another browser, no cookie: signing in brings the choice back.
    other = Client()
    other.post("/accounts/login/", {"username": "alex", "password": PASSWORD})
    response = other.get("/portal/")
    assert response.status_code == 302
    assert response["Location"] == "/es/portal/"
    assert other.get("/es/portal/").status_code == 200


def test_someone_who_never_chose_stays_in_english(client: Client, world: World) -> None:
    user = User.objects.get(username="alex")
    assert not LanguagePreference.objects.filter(user=user).exists()
    client.post("/accounts/login/", {"username": "alex", "password": PASSWORD})
    assert client.get("/portal/").status_code == 200
