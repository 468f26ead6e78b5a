"""Issue 16: the FAQ in Spanish is a questions page like the English one: every ``##``
question is in its schema.org FAQPage JSON-LD, in Spanish, as many as the English page
has."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def faq_of(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_the_spanish_faq_carries_its_questions_in_spanish(client: Client) -> None:
    spanish = faq_of(client.get("/es/learn/faq/").content.decode())
    english = faq_of(client.get("/learn/faq/").content.decode())
    assert spanish["name"] == "Preguntas frecuentes"
    questions = [item["name"] for item in spanish["mainEntity"]]
    assert len(questions) == len(english["mainEntity"])
    assert all(q.startswith("¿") and q.endswith("?") for q in questions)
    assert "¿Qué hago si olvido una dosis?" in questions
