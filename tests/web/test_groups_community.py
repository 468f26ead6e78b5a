"""The community mutual-help options: each one says what it is, how to find a meeting
and where the description comes from; the list is marked as information, not a
referral, and gives no phone number or web address the reference cannot back."""

from __future__ import annotations

import re

from clonacare.therapy.mutual_help import mutual_help


def test_every_option_has_its_source_and_how_to_find_a_meeting() -> None:
    found = mutual_help()
    assert [o.name for o in found.options] == [
        "SMART Recovery",
        "Narcotics Anonymous",
        "Alcoholics Anonymous",
        "Online peer communities for tapering",
    ]
    assert all(o.what and o.find and o.source for o in found.options)
    assert found.notice.startswith("This is information, not a referral")
    assert found.status == "draft, awaiting clinical review"


def test_it_gives_no_phone_number_or_web_address() -> None:
    for option in mutual_help().options:
        text = f"{option.what} {option.find}"
        assert not re.search(r"\d{3}", text), option.name
        assert not re.search(r"https?://|www\.|\.org|\.com", text), option.name
