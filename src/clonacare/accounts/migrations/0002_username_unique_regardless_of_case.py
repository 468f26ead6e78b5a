"""Usernames are unique regardless of case, in the database as well as in the actions.

The actions check ``username__iexact`` before they create an account, but two requests
at the same moment could both pass the check; this index makes the database refuse the
second (the actions turn the refusal into their "is taken" message). The expression is
the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE UNIQUE INDEX accounts_user_username_ci ON auth_user (LOWER(username))",
            reverse_sql="DROP INDEX accounts_user_username_ci",
        ),
    ]
