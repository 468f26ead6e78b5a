"""A disclosure keeps whether SUD counselling notes went with it in its own field.

Until now the fact was appended to the information's description (" (with SUD
counselling notes)"), which could make it longer than its 300-character column. The
column keeps its name (``information``) and holds the consent's description only;
disclosures stored the old way get the flag, and the appended words are taken off.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

SUFFIX = " (with SUD counselling notes)"


def flag_counselling_notes(apps: Any, schema_editor: Any) -> None:
    Disclosure = apps.get_model("patients", "Disclosure")
    stored_the_old_way = Disclosure.objects.select_related("consent").filter(
        consent_information__endswith=SUFFIX
    )
    for disclosure in stored_the_old_way:
        # Only the words do_disclose appended: the consent's own text stays as written.
        if disclosure.consent_information == disclosure.consent.information + SUFFIX:
            disclosure.consent_information = disclosure.consent.information
            disclosure.includes_counselling_notes = True
            disclosure.save(update_fields=["consent_information", "includes_counselling_notes"])


def append_counselling_notes(apps: Any, schema_editor: Any) -> None:
    Disclosure = apps.get_model("patients", "Disclosure")
    for disclosure in Disclosure.objects.filter(includes_counselling_notes=True):
        disclosure.consent_information += SUFFIX
        disclosure.save(update_fields=["consent_information"])


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0002_medication_dates"),
    ]

    operations = [
        # The field's new name is the model's only; the column stays "information".
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameField(
                    model_name="disclosure",
                    old_name="information",
                    new_name="consent_information",
                ),
                migrations.AlterField(
                    model_name="disclosure",
                    name="consent_information",
                    field=models.CharField(db_column="information", max_length=300),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="disclosure",
            name="includes_counselling_notes",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(flag_counselling_notes, append_counselling_notes),
    ]
