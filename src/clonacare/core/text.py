"""What text the records may hold: no NUL character and no lone surrogate.

A NUL (``\\u0000``) is refused by PostgreSQL in a text column and by Django's form
fields, and a lone surrogate (``\\ud800``: half of a UTF-16 pair, which a JSON string may
spell but no UTF-8 text can hold) cannot be written to either database. The API's input
parsing and the pages' form bodies both ask ``text_problem`` and refuse the request
with 400 before anything is read further, so neither database ever sees one; except
where a form carries safety answers (questionnaires, check-ins, seizure reports,
level-of-care records), whose text is made ``readable`` instead, so that its suicide and
seizure answers still raise their alerts (the clinical safety rule).
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

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


def url_encoded_texts(raw: bytes) -> list[tuple[str, str]] | None:
    """The names and values of a URL-encoded form body or query string (``a=1&b=%C3%A9``),
    each decoded as UTF-8 strictly; None when any is not valid UTF-8 (which the usual
    decoders would silently replace with U+FFFD)."""
    pairs: list[tuple[str, str]] = []
    for pair in raw.split(b"&"):
        if not pair:
            continue
        name, _, value = pair.partition(b"=")
        try:
            pairs.append((_unquoted(name), _unquoted(value)))
        except UnicodeDecodeError:
            return None
    return pairs


def _unquoted(part: bytes) -> str:
    return unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")


REPLACEMENT = "\ufffd"


def readable(text: str) -> str:
    """``text`` with each NUL and lone surrogate replaced by U+FFFD, the character that
    stands for what could not be read: for the forms that carry safety answers, which
    are read rather than refused so that their alerts are raised (an answer so replaced
    is not one of its question's options: the form is still refused, after the alerts)."""
    cleaned = text.replace(NUL, REPLACEMENT)
    if text_problem(cleaned) is None:
        return cleaned
    return "".join(REPLACEMENT if 0xD800 <= ord(char) <= 0xDFFF else char for char in cleaned)
