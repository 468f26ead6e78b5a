"""What the web benchmarks share: a Django set up on a scratch database (removed at exit,
unless CLONACARE_DATA_DIR names one, or a database URL is given), the timing of a
call, a free loopback port and a positive-number option."""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import socket
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable


def setup_django(database_url: str | None = None) -> None:
    """Set Django up for a benchmark: on ``database_url`` when given (it wins over
    DATABASE_URL), else on DATABASE_URL, else on SQLite in a scratch folder (unless
    CLONACARE_DATA_DIR names one)."""
    warnings.filterwarnings("ignore", message="No directory at")  # static files: unused here
    if database_url is not None:
        os.environ["DATABASE_URL"] = database_url
    if "CLONACARE_DATA_DIR" not in os.environ:
        scratch = tempfile.mkdtemp(prefix="clonacare-bench-")
        atexit.register(shutil.rmtree, scratch, ignore_errors=True)
        os.environ["CLONACARE_DATA_DIR"] = scratch
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clonacare.web.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()


def samples_ms(run: Callable[[], object], repeat: int) -> list[float]:
    """The wall time of ``repeat`` runs, in milliseconds, sorted."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return samples


def median_p95(samples: list[float]) -> tuple[float, float]:
    """Median and 95th percentile (nearest rank, at least the second-slowest of 20) of
    sorted ``samples``."""
    return statistics.median(samples), samples[max(int(len(samples) * 0.95) - 1, 0)]


def timed(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and 95th percentile of ``repeat`` runs, in milliseconds."""
    return median_p95(samples_ms(run, repeat))


def positive(text: str) -> int:
    """An option that must be a whole number of 1 or more."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
