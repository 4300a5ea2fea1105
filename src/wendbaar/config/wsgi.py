"""WSGI entry point (granian, gunicorn or any WSGI server)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wendbaar.config.settings")
application = get_wsgi_application()

# The first question after a restart should not wait for the embedded models to load.
from wendbaar.ai.warmup import warm_up_in_background  # noqa: E402

warm_up_in_background()
