"""Support groups and counselling sessions were built side by side, each on the safety
plan's migration: this joins the two branches (no operations)."""

from __future__ import annotations

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("therapy", "0003_counselling_sessions"),
        ("therapy", "0003_support_groups"),
    ]

    operations = []
