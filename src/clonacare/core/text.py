"""What text the records may hold: no NUL character and no lone surrogate.

A NUL (``\\u0000``) is refused by PostgreSQL in a text column and by Django's form
fields, and a lone surrogate (``\\ud800``: half of a UTF-16 pair, which a JSON string may
spell but no UTF-8 text can hold) cannot be written to either database. The API's input
parsing and the pages' form bodies both ask ``text_problem`` and refuse the request
with 400 before anything is read further, so neither database ever sees one.
"""

from __future__ import annotations

NUL = "\x00"


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored, as the end of a sentence (``"contains a NUL
    character (\\u0000)"``); None when it can."""
    if NUL in text:
        return "contains a NUL character (\\u0000), which text may not hold"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        half = text[exc.start]
        return (
            f"contains a lone surrogate (\\u{ord(half):04x}), half of a UTF-16 pair, "
            "which is not a character"
        )
    return None
