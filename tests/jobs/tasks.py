"""Tasks for the job queue tests; module level so a worker subprocess can import them."""

import time
from pathlib import Path

from django.tasks import TaskContext, task


def _record(marker: str, line: str) -> None:
    with Path(marker).open("a") as file:
        file.write(line + "\n")


@task
def add_task(a: int, b: int) -> int:
    return a + b


@task(queue_name="mail")
def mail_task() -> str:
    return "sent"


@task(takes_context=True)
def flaky_task(context: TaskContext, failures: int) -> int:
    """Fails on the first `failures` attempts, then returns the attempt number."""
    if context.attempt <= failures:
        raise ValueError(f"failure on attempt {context.attempt}")
    return context.attempt


@task
def always_fails_task() -> None:
    raise ValueError("always fails")


@task
def returns_object_task() -> object:
    return object()


@task
def sleep_task(marker: str, seconds: float) -> str:
    _record(marker, "started")
    time.sleep(seconds)
    _record(marker, "finished")
    return "slept"


@task(takes_context=True)
def sleep_on_first_attempt_task(context: TaskContext, marker: str, seconds: float) -> int:
    """Records each start; the first attempt then blocks, so its worker can be killed mid-task."""
    _record(marker, f"{context.attempt} {context.task_result.worker_ids[-1]}")
    if context.attempt == 1:
        time.sleep(seconds)
    return context.attempt
