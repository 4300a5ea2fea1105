"""ASGI entry point (granian --interface asgi, uvicorn)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wendbaar.config.settings")
application = get_asgi_application()
