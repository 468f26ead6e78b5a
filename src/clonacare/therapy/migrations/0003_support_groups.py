"""Support groups (docs/groups.md): the program's groups, enrolments with a waiting
list, the sessions held and who attended. Only these models; the counselling sessions
of the same issue have their own migration."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_program_alert_delivery"),
        ("patients", "0006_medication_drug"),
        ("therapy", "0002_safety_plan_versions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SupportGroup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=120)),
                ("description", models.TextField(blank=True)),
                (
                    "schedule",
                    models.CharField(help_text="When it meets, in words.", max_length=200),
                ),
                (
                    "weekday",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (0, "Monday"),
                            (1, "Tuesday"),
                            (2, "Wednesday"),
                            (3, "Thursday"),
                            (4, "Friday"),
                            (5, "Saturday"),
                            (6, "Sunday"),
                        ]
                    ),
                ),
                ("starts_at", models.TimeField()),
                ("place", models.CharField(blank=True, max_length=200)),
                ("video_link", models.URLField(blank=True, max_length=300)),
                (
                    "capacity",
                    models.PositiveIntegerField(help_text="Places; a form limit, not clinical."),
                ),
                ("active", models.BooleanField(default=True)),
                ("created_at", models.DateTimeField()),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "facilitator",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "program",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="support_groups",
                        to="accounts.program",
                    ),
                ),
            ],
            options={
                "ordering": ["weekday", "starts_at", "name", "id"],
            },
        ),
        migrations.CreateModel(
            name="GroupSession",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("date", models.DateField()),
                (
                    "status",
                    models.CharField(
                        choices=[("held", "Held"), ("cancelled", "Cancelled")], max_length=10
                    ),
                ),
                ("recorded_at", models.DateTimeField()),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "group",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sessions",
                        to="therapy.supportgroup",
                    ),
                ),
            ],
            options={
                "ordering": ["-date", "-id"],
            },
        ),
        migrations.CreateModel(
            name="GroupEnrolment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("enrolled", "Enrolled"),
                            ("waiting", "Waiting list"),
                            ("left", "Left"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "position",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="Place on the waiting list, 1 first; else empty.",
                        null=True,
                    ),
                ),
                (
                    "enrolled_at",
                    models.DateTimeField(help_text="When they joined the group or its list."),
                ),
                (
                    "placed_at",
                    models.DateTimeField(
                        blank=True, help_text="When they got a place in the group.", null=True
                    ),
                ),
                ("left_at", models.DateTimeField(blank=True, null=True)),
                (
                    "enrolled_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="group_enrolments",
                        to="patients.patient",
                    ),
                ),
                (
                    "group",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="enrolments",
                        to="therapy.supportgroup",
                    ),
                ),
            ],
            options={
                "ordering": ["enrolled_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="Attendance",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("attended", "Attended"),
                            ("absent", "Absent"),
                            ("excused", "Excused"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="group_attendance",
                        to="patients.patient",
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attendance",
                        to="therapy.groupsession",
                    ),
                ),
            ],
            options={
                "ordering": ["session", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("session", "patient"), name="attendance_once_per_session"
                    )
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="supportgroup",
            constraint=models.UniqueConstraint(
                fields=("program", "name"), name="support_group_name_once_per_program"
            ),
        ),
        migrations.AddConstraint(
            model_name="groupsession",
            constraint=models.UniqueConstraint(
                fields=("group", "date"), name="group_session_once_a_day"
            ),
        ),
        migrations.AddConstraint(
            model_name="groupenrolment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "left"), _negated=True),
                fields=("patient", "group"),
                name="group_enrolment_one_open_per_group",
            ),
        ),
    ]
