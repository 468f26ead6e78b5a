"""Demo data for the Quick start: the education index now; accounts and patients later."""

from __future__ import annotations

from collections.abc import Iterator


def load_demo_data() -> Iterator[str]:
    """Load (or refresh) the demo data, yielding one line of progress per part."""
    from clonacare.education.index import rebuild_search_index

    count = rebuild_search_index()
    yield f"Education: {count} articles indexed for search."
