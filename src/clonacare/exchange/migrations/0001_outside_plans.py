import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("patients", "0006_medication_drug"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="OutsidePlan",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "received_from",
                    models.CharField(
                        help_text="The sending program, as its Organization names it.",
                        max_length=200,
                    ),
                ),
                (
                    "source_bundle",
                    models.CharField(
                        help_text="The identifier (or id) of the Bundle it came in.",
                        max_length=200,
                    ),
                ),
                ("care_plan", models.JSONField(help_text="The CarePlan as received.")),
                (
                    "medication_requests",
                    models.JSONField(
                        default=list, help_text="The CarePlan's MedicationRequests as received."
                    ),
                ),
                (
                    "provenance",
                    models.JSONField(
                        default=list, help_text="The Provenance resources that came with them."
                    ),
                ),
                ("imported_at", models.DateTimeField()),
                (
                    "imported_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="outside_plans",
                        to="patients.patient",
                    ),
                ),
            ],
            options={"ordering": ["imported_at", "id"]},
        ),
    ]
