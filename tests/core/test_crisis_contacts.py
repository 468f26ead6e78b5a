"""The numbers behind "988 or 911" and "911", for a page that joins them in its own
language (issue 16: the Spanish crisis box says "988 o 911")."""

from __future__ import annotations

from clonacare.core.crisis import load_crisis_resources


def test_the_contacts_are_the_numbers_the_english_sentence_names() -> None:
    crisis = load_crisis_resources()
    assert crisis.danger_now_contacts == ("988", "911")
    assert " or ".join(crisis.danger_now_contacts) == crisis.danger_now
    assert crisis.emergency_contacts == ("911",)
    assert crisis.in_language("es").danger_now_contacts == ("988", "911")
