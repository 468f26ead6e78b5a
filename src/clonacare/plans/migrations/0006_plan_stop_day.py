"""The plan's stop day (the first day without the drug, for a plan in force that stops
it), stored with the change days at approval and at each revision; filled here for the
plans approved before it was stored, from the plan in force (its newest revision, else
the plan as drafted), as ``plans.actions`` does. Drafts keep none."""

from typing import Any

from django.db import migrations, models


def fill_plans(apps: Any) -> int:
    """Write the stop day of every approved or superseded plan that stops the drug;
    returns how many were written."""
    plan_model = apps.get_model("plans", "Plan")
    revision_model = apps.get_model("plans", "PlanRevision")
    filled = 0
    for plan in plan_model.objects.exclude(status="draft").order_by("pk"):
        newest = revision_model.objects.filter(plan=plan).order_by("-number").first()
        in_force = newest.plan_json if newest is not None else plan.plan_json
        if in_force.get("outcome") == "discontinued" and in_force.get("end_date"):
            plan.stop_day = in_force["end_date"]
            plan.save(update_fields=["stop_day"])
            filled += 1
    return filled


def fill_stop_days(apps: Any, schema_editor: Any) -> None:
    fill_plans(apps)


class Migration(migrations.Migration):
    dependencies = [("plans", "0005_plan_approved_at_index")]

    operations = [
        migrations.AddField(
            model_name="plan",
            name="stop_day",
            field=models.DateField(
                blank=True,
                help_text="The first day without the drug when the plan in force stops it; "
                "empty for a draft or a plan that ends on a dose kept on. Stored with the "
                "change days at approval and at each revision, so the worklist reads it "
                "without the JSON.",
                null=True,
            ),
        ),
        migrations.RunPython(fill_stop_days, migrations.RunPython.noop),
    ]
