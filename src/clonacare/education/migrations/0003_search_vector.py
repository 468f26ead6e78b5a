"""A stored, GIN-indexed search vector for PostgreSQL's full-text search."""

from __future__ import annotations

from typing import Any

import django.contrib.postgres.search
from django.db import migrations


def create_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS education_searchdocument_vector "
            "ON education_searchdocument USING GIN (search_vector)"
        )


def drop_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS education_searchdocument_vector")


class Migration(migrations.Migration):
    dependencies = [("education", "0002_sqlite_fts5")]
    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create_index, drop_index),
    ]
