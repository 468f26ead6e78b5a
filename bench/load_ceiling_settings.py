"""The ceiling of the load benchmark (bench/bench_load.py): Clonacare's settings, its
middleware included, with a URL configuration that holds one bare view. Set through
DJANGO_SETTINGS_MODULE for `clonacare serve`, with bench/ on PYTHONPATH; never shipped."""

from __future__ import annotations

from clonacare.web.settings import *  # noqa: F403  (every setting, only the URLs differ)

ROOT_URLCONF = "load_ceiling_urls"
