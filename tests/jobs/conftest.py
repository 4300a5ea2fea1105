import pytest
from django.tasks import task_backends

from wendbaar.jobs.backend import DatabaseBackend


def database_tasks_setting(**options) -> dict:
    return {
        "default": {
            "BACKEND": "wendbaar.jobs.backend.DatabaseBackend",
            "QUEUES": ["default", "ai", "mail"],
            "OPTIONS": {
                "max_attempts": 3,
                "lease_seconds": 120,
                "retry_backoff_seconds": 0,
                **options,
            },
        }
    }


@pytest.fixture
def backend(settings) -> DatabaseBackend:
    """Switch the task framework to the database backend (it drops its cached backends itself)."""
    settings.TASKS = database_tasks_setting()
    backend = task_backends["default"]
    assert isinstance(backend, DatabaseBackend)
    return backend
