"""What the web benchmarks share: a Django set up on a scratch database (removed at exit,
unless CLONACARE_DATA_DIR names one) and the timing of a call."""

from __future__ import annotations

import atexit
import os
import shutil
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable


def setup_django() -> None:
    """Set Django up for a benchmark, on a scratch database unless one is named."""
    warnings.filterwarnings("ignore", message="No directory at")  # static files: unused here
    if "CLONACARE_DATA_DIR" not in os.environ:
        scratch = tempfile.mkdtemp(prefix="clonacare-bench-")
        atexit.register(shutil.rmtree, scratch, ignore_errors=True)
        os.environ["CLONACARE_DATA_DIR"] = scratch
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clonacare.web.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()


def timed(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and 95th percentile of ``repeat`` runs, in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(int(len(samples) * 0.95) - 1, 0)]
