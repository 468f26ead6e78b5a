"""At most one current (not ended) use of each benzodiazepine per patient.

Two dose changes recorded at the same moment could each end the current use and start
a new one, leaving two current uses of one drug. The constraint makes the database
refuse the second. A record that already holds two current uses of a drug cannot be
mended by a migration (which one is right is a clinician's call), so the migration
stops and names them instead of failing on the constraint.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


def refuse_two_current_uses(apps: Any, schema_editor: Any) -> None:
    BenzodiazepineUse = apps.get_model("patients", "BenzodiazepineUse")
    doubled = (
        BenzodiazepineUse.objects.filter(ended_on__isnull=True)
        .values("patient_id", "drug")
        .annotate(current=models.Count("id"))
        .filter(current__gt=1)
        .order_by("patient_id", "drug")
    )
    if doubled:
        found = "; ".join(f"patient {d['patient_id']}: {d['drug']}" for d in doubled)
        raise RuntimeError(
            "These patients have more than one current use of a benzodiazepine (no end "
            f"date): {found}. Give all but one of them an end date, then migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0003_disclosure_counselling_notes"),
    ]

    operations = [
        migrations.RunPython(refuse_two_current_uses, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="benzodiazepineuse",
            constraint=models.UniqueConstraint(
                condition=models.Q(("ended_on__isnull", True)),
                fields=("patient", "drug"),
                name="benzo_use_one_current_per_drug",
            ),
        ),
    ]
