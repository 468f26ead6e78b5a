"""Issue 16: the community mutual-help list in Spanish on /es/portal/groups/. Each
option's description and how to find a meeting come from the data file's ``what_es`` and
``find_es``; a name in Spanish only where the organisation has an established one
(``name_es``, cited), else the proper name marked as English; the notice and the
list's review status in Spanish. The English page keeps its words."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.test import Client

from clonacare.therapy.mutual_help import mutual_help
from tests.personas import World, signed_in
from tests.web.test_portal_spanish import ENGLISH_ONLY, spanish_main

pytestmark = pytest.mark.django_db


def community(html: str) -> str:
    start = html.index('id="community-title"')
    return html[start : html.index("</section>", start)]


def test_the_community_list_reads_in_spanish(client: Client, world: World) -> None:
    html = signed_in(client, "alex").get("/es/portal/groups/").content.decode()
    found = mutual_help()
    part = community(html)
    for option in found.options:
        spanish = option.translations
        assert html_lib.escape(spanish["what"]["es"]) in part, option.id
        assert html_lib.escape(spanish["find"]["es"]) in part, option.id
        if "name" in spanish:
            assert f"<h3>{html_lib.escape(spanish['name']['es'])}</h3>" in part
        else:
            assert f'<h3 lang="en">{html_lib.escape(option.name)}</h3>' in part
        assert html_lib.escape(option.what) not in part
    assert "<h3>Narcóticos Anónimos</h3>" in part
    assert "<h3>Alcohólicos Anónimos</h3>" in part
    assert '<h3 lang="en">SMART Recovery</h3>' in part
    assert part.count("<strong>Cómo encontrar una reunión:</strong>") == len(found.options)
    assert html_lib.escape(found.translations["notice"]["es"]) in part
    assert "Estado de esta lista: borrador, pendiente de revisión clínica." in part
    # Only the proper name kept in English is marked so.
    assert re.findall(r'<(\w+) lang="en">', part) == ["h3"]
    assert sorted(set(spanish_main(html)) & ENGLISH_ONLY) == []


def test_the_english_page_keeps_its_words(client: Client, world: World) -> None:
    html = signed_in(client, "alex").get("/portal/groups/").content.decode()
    part = community(html)
    found = mutual_help()
    assert html_lib.escape(found.notice) in part
    for option in found.options:
        assert f"<h3>{html_lib.escape(option.name)}</h3>" in part
        assert html_lib.escape(option.what) in part
        assert f"<strong>Finding a meeting:</strong> {html_lib.escape(option.find)}" in part
    assert "This list is draft, awaiting clinical review." in part
    assert 'lang="en"' not in part
    assert "Narcóticos" not in part


def test_the_spanish_words_give_no_phone_number_or_web_address() -> None:
    for option in mutual_help().options:
        for field, languages in option.translations.items():
            text = languages["es"]
            assert not re.search(r"\d{3}", text), (option.id, field)
            assert not re.search(r"https?://|www\.|\.org|\.com", text), (option.id, field)
