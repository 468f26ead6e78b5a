"""The ``<id:...>`` path converter of the pages: a record id the database can hold.

Django's ``<int:...>`` takes any run of digits, so ``/clinic/patients/99999999999999999999/``
reached the views and failed in the database, which cannot hold such a number, with a
500. Every primary key is a ``BigAutoField``, a signed 64-bit integer (settings'
``DEFAULT_AUTO_FIELD``): a larger number names no record, so a path carrying one
matches no page and gets the site's 404 page, the same page as a record that does not
exist. Importing this module registers the converter (once; the URL modules import it).
"""

from __future__ import annotations

from django.urls import register_converter

MAX_ID = 2**63 - 1  # the largest BigAutoField value (PostgreSQL bigint, SQLite integer)


class RecordIdConverter:
    """Digits naming a whole number from 0 to ``MAX_ID``."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            # Django reads a ValueError here as "this pattern does not match".
            raise ValueError(f"{value} is beyond the largest record id")
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(RecordIdConverter, "id")
