"""WSGI entry point (served by waitress in `clonacare serve`)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clonacare.web.settings")
application = get_wsgi_application()
