"""On SQLite, the FTS5 table the search runs on; nothing on other databases."""

from __future__ import annotations

from typing import Any

from django.db import migrations

CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS education_fts USING fts5("
    "slug UNINDEXED, title, summary, body, tokenize = 'porter unicode61')"
)


def create_fts(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)


def drop_fts(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS education_fts")


class Migration(migrations.Migration):
    dependencies = [("education", "0001_initial")]
    operations = [migrations.RunPython(create_fts, drop_fts)]
