"""On PostgreSQL the app's connections run without JIT compilation (settings.py): the
worklist's query was costed above jit_above_cost and spent as long compiling as running
(docs/benchmarks.md, "Worklist")."""

from __future__ import annotations

import pytest
from django.db import connection


@pytest.mark.django_db
def test_postgresql_connections_do_not_compile_queries() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("JIT is a PostgreSQL setting; SQLite has none")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
