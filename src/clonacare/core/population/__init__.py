"""The population screen: find people whose dispensing records show risky benzodiazepine
use, with the reason and source of every flag (docs/population.md).

Public API::

    definitions = load_definitions()                 # or a site's flags file
    period = Period.ending_on(date(2026, 12, 31), definitions.period_days)
    # the query engine (ibis on DuckDB) is its own module, imported only to screen:
    from clonacare.core.population.engine import run_screen
    result = run_screen(Path("fills.parquet"), None, period, definitions)
    result_to_dict(result)                           # the JSON document
    generate_population(1000, 1, period, definitions)   # synthetic data, planted cases

Nothing here imports ibis or duckdb: only ``engine`` does, and only the code that runs a
screen imports ``engine`` (the CLI inside its command, so ``clonacare --version`` and the
other commands never load it).
"""

from __future__ import annotations

from clonacare.core.population.definitions import (
    FLAG_CODES,
    Definitions,
    Flag,
    load_definitions,
)
from clonacare.core.population.generate import (
    GeneratedPopulation,
    generate_population,
    write_population,
)
from clonacare.core.population.model import (
    DIAGNOSIS_REJECT_REASONS,
    ENGINES,
    REJECT_REASONS,
    Period,
    RowCounts,
    ScreenItem,
    ScreenResult,
    result_to_dict,
)

__all__ = [
    "DIAGNOSIS_REJECT_REASONS",
    "ENGINES",
    "FLAG_CODES",
    "REJECT_REASONS",
    "Definitions",
    "Flag",
    "GeneratedPopulation",
    "Period",
    "RowCounts",
    "ScreenItem",
    "ScreenResult",
    "generate_population",
    "load_definitions",
    "result_to_dict",
    "write_population",
]
