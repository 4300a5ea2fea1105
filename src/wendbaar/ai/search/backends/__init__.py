"""Which search backend serves a database: SQLite (embedded) or PostgreSQL (scale)."""

import hashlib
import threading
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from wendbaar.ai.search.backends.base import Filters, Hit, SearchBackend, fuse

__all__ = ["Filters", "Hit", "SearchBackend", "fuse", "get_backend", "reset_backends"]

_backends: dict[tuple[str, Path], SearchBackend] = {}
_lock = threading.Lock()


def index_dir_for(using: str = DEFAULT_DB_ALIAS) -> Path:
    """The matrix directory of a database: one per database, so two never share vectors."""
    config = connections[using].settings_dict
    identity = "|".join(str(config.get(part) or "") for part in ("ENGINE", "NAME", "HOST", "PORT"))
    digest = hashlib.sha256(identity.encode()).hexdigest()[:12]
    return Path(settings.SEARCH_INDEX_DIR) / f"{using}-{digest}"


def get_backend(using: str = DEFAULT_DB_ALIAS) -> SearchBackend:
    """The search backend for a database; one per process, shared by its threads."""
    index_dir = index_dir_for(using)
    key = (using, index_dir)
    backend = _backends.get(key)
    if backend is None:
        with _lock:
            backend = _backends.get(key)
            if backend is None:
                vendor = connections[using].vendor
                if vendor == "sqlite":
                    from wendbaar.ai.search.backends.sqlite import SqliteBackend as cls
                elif vendor == "postgresql":
                    from wendbaar.ai.search.backends.postgresql import PostgresBackend as cls
                else:
                    raise NotImplementedError(f"No search backend for {vendor} databases.")
                backend = _backends[key] = cls(using=using, index_dir=index_dir)
    return backend


def reset_backends() -> None:
    """Forget the backends of this process (tests that change SEARCH_INDEX_DIR or the schema)."""
    with _lock:
        _backends.clear()
