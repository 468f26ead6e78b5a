"""Fill the change days of the plans approved before they were stored (an older demo
database, or a site upgrading): the same reading as ``do_approve_plan``
(``plans.change_days``) on the plan in force, its newest revision or else the plan as
drafted. Draft and superseded plans keep no rows. Reversing removes nothing that the
schema migration before it does not."""

from typing import Any

from django.db import migrations

from clonacare.plans.change_days import change_days


def fill_plans(apps: Any) -> int:
    """Write the change days of every approved plan that has none; returns how many
    plans were filled."""
    plan_model = apps.get_model("plans", "Plan")
    revision_model = apps.get_model("plans", "PlanRevision")
    change_day_model = apps.get_model("plans", "PlanChangeDay")
    filled = 0
    for plan in plan_model.objects.filter(status="approved").order_by("pk"):
        if change_day_model.objects.filter(plan=plan).exists():
            continue
        newest = revision_model.objects.filter(plan=plan).order_by("-number").first()
        in_force = newest.plan_json if newest is not None else plan.plan_json
        change_day_model.objects.bulk_create(
            change_day_model(plan=plan, patient_id=plan.patient_id, on=day)
            for day in change_days(in_force)
        )
        filled += 1
    return filled


def fill_change_days(apps: Any, schema_editor: Any) -> None:
    fill_plans(apps)


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_plan_change_days")]

    operations = [migrations.RunPython(fill_change_days, migrations.RunPython.noop)]
