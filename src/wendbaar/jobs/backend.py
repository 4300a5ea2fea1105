"""A task backend for `django.tasks` that keeps the queue in the database, for `wendbaar worker`."""

import json
from typing import Any

from django.apps import apps
from django.core import checks
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import Task, TaskResult
from django.tasks.exceptions import TaskResultDoesNotExist
from django.tasks.signals import task_enqueued
from django.utils import timezone
from django.utils.json import normalize_json

DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_LEASE_SECONDS = 120
DEFAULT_RETRY_BACKOFF_SECONDS = 2
DEFAULT_RETRY_BACKOFF_MAX_SECONDS = 300


def to_json(value: Any, *, what: str) -> Any:
    """Return `value` exactly as it will come back from the database's JSON column.

    Tuples become lists and dictionary keys become strings, as they would after a round trip; a
    value JSON cannot hold (a model instance, a date, NaN) is refused instead of being mangled.
    """
    try:
        return json.loads(json.dumps(normalize_json(value), allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} must be JSON serialisable (pass ids, not objects): {exc}") from exc


def _option(options: dict, key: str, default: float, *, minimum: float) -> float:
    value = options.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise ImproperlyConfigured(
            f"TASKS OPTIONS[{key!r}] must be a number of at least {minimum}, not {value!r}."
        )
    return value


class DatabaseBackend(BaseTaskBackend):
    """Stores each enqueued task as a `jobs.Job` row; `wendbaar worker` processes run them.

    OPTIONS: `max_attempts` (per job, including the first), `lease_seconds` (how long a worker may
    go without a heartbeat before its job is given to another worker), `retry_backoff_seconds` and
    `retry_backoff_max_seconds` (the delay before retry n is base * 2**(n-1), capped).
    """

    supports_defer = True
    supports_get_result = True
    supports_priority = True
    supports_async_task = False

    def __init__(self, alias, params):
        super().__init__(alias, params)
        self.max_attempts = int(
            _option(self.options, "max_attempts", DEFAULT_MAX_ATTEMPTS, minimum=1)
        )
        self.lease_seconds = _option(
            self.options, "lease_seconds", DEFAULT_LEASE_SECONDS, minimum=1
        )
        self.retry_backoff_seconds = _option(
            self.options, "retry_backoff_seconds", DEFAULT_RETRY_BACKOFF_SECONDS, minimum=0
        )
        self.retry_backoff_max_seconds = _option(
            self.options, "retry_backoff_max_seconds", DEFAULT_RETRY_BACKOFF_MAX_SECONDS, minimum=0
        )

    def retry_delay_seconds(self, attempts: int) -> float:
        """How long to wait before the next attempt, after `attempts` attempts have failed."""
        return min(
            self.retry_backoff_seconds * 2 ** max(attempts - 1, 0), self.retry_backoff_max_seconds
        )

    def enqueue(self, task: Task, args, kwargs) -> TaskResult:
        from wendbaar.jobs.models import Job

        self.validate_task(task)
        # No transaction of our own: the row is written in the caller's transaction, so a request
        # that rolls back leaves no job behind (and one that commits cannot lose it).
        job = Job.objects.create(
            task_path=task.module_path,
            args=to_json(list(args), what="Task arguments"),
            kwargs=to_json(dict(kwargs), what="Task keyword arguments"),
            backend_name=self.alias,
            queue_name=task.queue_name,
            priority=task.priority,
            run_after=task.run_after,
            enqueued_at=timezone.now(),
            max_attempts=self.max_attempts,
        )
        result = job.to_task_result()
        task_enqueued.send(type(self), task_result=result)
        return result

    def get_result(self, result_id) -> TaskResult:
        from wendbaar.jobs.models import Job

        try:
            job = Job.objects.get(pk=result_id, backend_name=self.alias)
        except (Job.DoesNotExist, ValidationError, ValueError):
            raise TaskResultDoesNotExist(result_id) from None
        return job.to_task_result()

    def check(self, **kwargs):
        if not apps.is_installed("wendbaar.jobs"):
            yield checks.Error(
                f"Task backend {self.alias!r} needs 'wendbaar.jobs' in INSTALLED_APPS.",
                id="jobs.E001",
            )
