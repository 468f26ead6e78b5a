"""Community mutual-help options (SMART Recovery, Narcotics Anonymous and others), as
information shown beside the program's own groups (docs/groups.md). Loaded from
``therapy/data/mutual_help.toml``; each option carries its source, and the file its
review status and the notice that this is information, not a referral.

The words a patient reads may also be given in Spanish (``name_es``, ``what_es``,
``find_es`` on an option; ``notice_es``, ``status_es`` for the file), written as
original Spanish with the same facts. A ``name_es`` is only given where the
organisation has an established Spanish name, cited in ``name_es_source``; otherwise the
proper name is kept. A page in Spanish shows a field without its Spanish as the English,
marked as such (:meth:`MutualHelp.shown`)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from clonacare.core.errors import ClinicalError

DATA_FILE = Path(__file__).parent / "data" / "mutual_help.toml"
FIELDS = ("id", "name", "what", "find", "source")
# The fields a patient reads, and the languages they may also be written in.
TRANSLATED = ("name", "what", "find")
FILE_TRANSLATED = ("notice", "status")
LANGUAGES = ("es",)


@dataclass(frozen=True)
class Shown:
    """Words as a page shows them: ``text``, and ``language`` to mark them with (None:
    they are in the page's own language; ``"en"``: the English, as no words were given
    in the page's language)."""

    text: str
    language: str | None = None


def _shown(english: str, translations: dict[str, str], language: str) -> Shown:
    if language == "en":
        return Shown(english)
    if language in translations:
        return Shown(translations[language])
    return Shown(english, "en")


@dataclass(frozen=True)
class ShownOption:
    name: Shown
    what: Shown
    find: Shown


@dataclass(frozen=True)
class ShownList:
    notice: Shown
    status: Shown
    options: tuple[ShownOption, ...]


@dataclass(frozen=True)
class Option:
    """One community option: what it is (``what``), how to find a meeting (``find``).
    ``translations``: by field, by language (``{"what": {"es": ...}}``), only those
    given; ``name_sources``: where each translated name comes from, by language."""

    id: str
    name: str
    what: str
    find: str
    source: str
    translations: dict[str, dict[str, str]]
    name_sources: dict[str, str]

    def shown(self, language: str) -> ShownOption:
        """The option's words in ``language``, each marked English where none was given."""
        return ShownOption(
            *(
                _shown(getattr(self, field), self.translations.get(field, {}), language)
                for field in TRANSLATED
            )
        )


@dataclass(frozen=True)
class MutualHelp:
    notice: str
    status: str
    source: str
    options: tuple[Option, ...]
    translations: dict[str, dict[str, str]]

    def shown(self, language: str) -> ShownList:
        """The list's words in ``language`` (a page's language code), each field in
        that language where the file gives it, else the English marked ``"en"``."""
        return ShownList(
            notice=_shown(self.notice, self.translations.get("notice", {}), language),
            status=_shown(self.status, self.translations.get("status", {}), language),
            options=tuple(o.shown(language) for o in self.options),
        )


def _text(raw: dict[str, object], key: str, where: str, name: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ClinicalError("data-file", f"{name}: {where} needs a text '{key}'.")
    return value.strip()


def _translations(
    raw: dict[str, object], fields: tuple[str, ...], where: str, name: str
) -> dict[str, dict[str, str]]:
    """The translated fields present in ``raw``, by field and language; a present one
    must be text that is not empty."""
    found: dict[str, dict[str, str]] = {}
    for field in fields:
        for language in LANGUAGES:
            key = f"{field}_{language}"
            if key in raw:
                found.setdefault(field, {})[language] = _text(raw, key, where, name)
    return found


def load_mutual_help(path: Path) -> MutualHelp:
    """The options of the file at ``path``, in its order. Raises ClinicalError
    (``data-file``, naming the file and the field) for an option without one of its
    fields (a source included), a file without its notice, status or source, a
    Spanish field (``*_es``) that is present but empty or not text, or a ``name_es``
    without the ``name_es_source`` that cites it."""
    name = path.name
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    options = []
    for position, item in enumerate(raw.get("option", []), start=1):
        where = f"option {position}"
        translations = _translations(item, TRANSLATED, where, name)
        sources = {
            language: _text(item, f"name_{language}_source", where, name)
            for language in translations.get("name", {})
        }
        id_, english, what, find, source = (_text(item, key, where, name) for key in FIELDS)
        options.append(Option(id_, english, what, find, source, translations, sources))
    if not options:
        raise ClinicalError("data-file", f"{name}: no option.")
    return MutualHelp(
        notice=_text(raw, "notice", "the file", name),
        status=_text(raw, "status", "the file", name),
        source=_text(raw, "source", "the file", name),
        options=tuple(options),
        translations=_translations(raw, FILE_TRANSLATED, "the file", name),
    )


@cache
def mutual_help() -> MutualHelp:
    """The shipped file's options (``DATA_FILE``), loaded once; raises as
    :func:`load_mutual_help`."""
    return load_mutual_help(DATA_FILE)
