"""The privacy tests share one name-recognition engine, loaded once per test session.

It uses the cache that `wendbaar privacy prepare` fills at install time (under the project's
`var/`), so the roughly one-minute first build happens at most once per machine, not per run.
"""

from pathlib import Path

import pytest
from django.conf import settings

from wendbaar.privacy import engine


@pytest.fixture(scope="session", autouse=True)
def privacy_engine():
    cache_dir = Path(settings.BASE_DIR) / "var" / "cache" / "privacy"
    if engine._engine is None:
        engine.prepare(cache_dir=cache_dir)
    return engine.get_engine()
