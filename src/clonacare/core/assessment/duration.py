"""How long benzodiazepines have been taken without a break, from the recorded uses.

A dose change ends one recorded use the day before the next begins (the record's history
is never edited); a switch to another drug does the same. Neither is a break: ASAM Table 2
asks how long benzodiazepines have been taken, whatever the dose.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

ONE_DAY = dt.timedelta(days=1)


def continuous_use_since(
    uses: Iterable[tuple[dt.date, dt.date | None]], today: dt.date
) -> dt.date | None:
    """The first day of the unbroken benzodiazepine use that is current on ``today``.

    ``uses`` are ``(since, ended_on)`` pairs of every recorded use, of any drug;
    ``ended_on`` is None for a use that goes on. A use that ends on the day before another
    begins, or later, joins it. Returns None when no use is current on ``today``.
    """
    spans = list(uses)
    current = [
        since for since, ended in spans if since <= today and (ended is None or ended >= today)
    ]
    if not current:
        return None
    start = min(current)
    while True:
        earlier = [
            since
            for since, ended in spans
            if since < start and (ended is None or ended >= start - ONE_DAY)
        ]
        if not earlier:
            return start
        start = min(earlier)
