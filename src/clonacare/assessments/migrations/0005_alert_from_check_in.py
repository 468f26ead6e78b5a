"""Mark the safety alerts a monitoring check-in raised, so their patient sees them; the
alerts stored before the mark existed are found by the trigger every check-in alert
carries ("check-in for 2026-12-03: ...")."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

CHECK_IN_TRIGGER = "check-in for "


def mark_check_in_alerts(apps: Any, schema_editor: Any) -> None:
    SafetyAlert = apps.get_model("assessments", "SafetyAlert")
    SafetyAlert.objects.filter(trigger__startswith=CHECK_IN_TRIGGER).update(from_check_in=True)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_alert_mail_queue_retries_and_unsaid_seizure_time"),
    ]

    operations = [
        migrations.AddField(
            model_name="safetyalert",
            name="from_check_in",
            field=models.BooleanField(
                default=False,
                help_text="Raised by a monitoring check-in's answer: the patient's own report.",
            ),
        ),
        migrations.RunPython(mark_check_in_alerts, migrations.RunPython.noop),
    ]
