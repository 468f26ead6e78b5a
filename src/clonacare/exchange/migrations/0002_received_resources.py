import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0001_outside_plans"),
        ("patients", "0010_restriction_covers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ReceivedResource",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("resource_type", models.CharField(max_length=40)),
                ("resource", models.JSONField(help_text="The resource as received.")),
                (
                    "sender_patient_id",
                    models.CharField(
                        help_text="The Patient's id in the Bundle it came in.", max_length=64
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
                        related_name="received_resources",
                        to="patients.patient",
                    ),
                ),
            ],
            options={
                "ordering": ["imported_at", "id"],
            },
        ),
    ]
