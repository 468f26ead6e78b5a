"""Spanish search (issue 16): each search document has a language, and on SQLite the
Spanish articles have their own FTS5 table with an accent-folding tokenizer."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

# No Porter stemmer (it is English): unicode61 folds case and, with remove_diacritics 2,
# every accent, so "reducción" and "reduccion" are one word; the search prefix-matches.
CREATE_ES = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS education_fts_es USING fts5("
    "slug UNINDEXED, title, summary, body, tokenize = 'unicode61 remove_diacritics 2')"
)


def create_fts_es(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE_ES)


def drop_fts_es(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS education_fts_es")


class Migration(migrations.Migration):
    dependencies = [
        ("education", "0005_spanish_article_reviews"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="language",
            field=models.CharField(default="en", max_length=8),
        ),
        migrations.AlterField(
            model_name="searchdocument",
            name="slug",
            field=models.SlugField(max_length=100),
        ),
        migrations.AddConstraint(
            model_name="searchdocument",
            constraint=models.UniqueConstraint(
                fields=("language", "slug"), name="search_document_once"
            ),
        ),
        migrations.RunPython(create_fts_es, drop_fts_es),
    ]
