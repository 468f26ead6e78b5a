"""Issue 16: the check-in's three 0–10 ratings (sleep, anxiety, craving) are Clonacare's
own words, not a validated instrument, so the Spanish check-in asks them in Spanish
(``*_es`` in monitoring/data/check-in.toml); the CIWA-B items stay English, marked
lang="en". The English page and the API keep the English words."""

from __future__ import annotations

import pytest
from django.test import Client

from clonacare.monitoring.questions import scales
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db


def test_the_spanish_check_in_asks_the_ratings_in_spanish(client: Client, world: World) -> None:
    html = signed_in(client, "alex").get("/es/portal/check-in/").content.decode()
    assert (
        '<div class="form-field">\n      <label for="scale-sleep">¿Qué tan mal durmió anoche? '
        "(0 = durmió bien, 10 = no pudo dormir nada)</label>"
    ) in html
    assert "¿Cuánta ansiedad ha sentido hoy? (0 = nada de ansiedad" in html
    assert "las ganas más fuertes que pueda imaginar)" in html
    assert "How troubled was your sleep" not in html


def test_the_english_check_in_keeps_its_words(client: Client, world: World) -> None:
    html = signed_in(client, "alex").get("/portal/check-in/").content.decode()
    assert (
        '<label for="scale-sleep">How troubled was your sleep last night? '
        "(0 = slept well, 10 = could not sleep at all)</label>"
    ) in html
    assert "durmió" not in html


def test_every_rating_has_its_spanish_words_and_the_same_range() -> None:
    for scale in scales():
        spanish = scale.in_language("es")
        assert spanish.question == scale.question_es != ""
        assert spanish.low_label == scale.low_label_es != ""
        assert spanish.high_label == scale.high_label_es != ""
        assert (spanish.id, spanish.low, spanish.high) == (scale.id, scale.low, scale.high)
        assert scale.in_language("en") == scale
