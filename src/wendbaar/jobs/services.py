"""Claiming, running and finishing jobs for `wendbaar worker`, and the admin's retry and prune."""

import logging
import threading
from collections.abc import Collection
from datetime import timedelta
from traceback import format_exception
from typing import Any

from django.db import connections, transaction
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskContext, TaskResult, task_backends
from django.tasks.base import TaskResultStatus
from django.tasks.signals import task_finished, task_started
from django.utils import timezone
from django.utils.translation import gettext as _

from wendbaar.audit.services import audit_log
from wendbaar.common.errors import BusinessRuleError
from wendbaar.jobs.backend import DatabaseBackend, to_json
from wendbaar.jobs.exceptions import WorkerLostError
from wendbaar.jobs.models import Job

logger = logging.getLogger(__name__)

RUNNING = TaskResultStatus.RUNNING


def get_backend(alias: str = DEFAULT_TASK_BACKEND_ALIAS) -> DatabaseBackend:
    """The configured task backend `alias`, which must be a `DatabaseBackend`."""
    backend = task_backends[alias]
    if not isinstance(backend, DatabaseBackend):
        raise TypeError(
            f"Task backend {alias!r} is {type(backend).__name__}, not the DatabaseBackend "
            "(set TASKS_BACKEND=database to run a worker)."
        )
    return backend


def _refresh_connections() -> None:
    # What Django does around every request: drop connections that broke or outlived
    # CONN_MAX_AGE, so a long-running worker survives database restarts. A connection inside a
    # caller's transaction (a test case, say) belongs to that caller and is left alone.
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()


def _error(exc: BaseException) -> dict[str, str]:
    exc_type = type(exc)
    return {
        "exception_class_path": f"{exc_type.__module__}.{exc_type.__qualname__}",
        "traceback": "".join(format_exception(exc)),
    }


def _lost_worker_error(job: Job) -> dict[str, str]:
    worker = job.worker_ids[-1] if job.worker_ids else "?"
    return _error(
        WorkerLostError(
            f"Worker {worker} stopped renewing its lease on attempt {job.attempts} "
            f"(expired {job.lease_expires_at:%Y-%m-%d %H:%M:%S%z}); it crashed or was killed."
        )
    )


def _update_if(job: Job, *, expected: dict[str, Any], **fields: Any) -> bool:
    """Write `fields` only if the row still holds the `expected` values; mirror them on `job`."""
    updated = Job.objects.filter(pk=job.pk, **expected).update(**fields)
    if updated:
        for name, value in fields.items():
            setattr(job, name, value)
    return bool(updated)


def _update_running(job: Job, **fields: Any) -> bool:
    """Write `fields` only while `job` is still the attempt this process holds."""
    # The status and attempt number act as a fencing token: a worker whose lease was taken over
    # (it stalled past the lease) can no longer overwrite the new attempt's state.
    return _update_if(job, expected={"status": RUNNING, "attempts": job.attempts}, **fields)


def _task_result(job: Job) -> TaskResult | None:
    try:
        return job.to_task_result()
    except Exception:
        # The task's code is gone or broken; the job is still recorded, only the signal is lost.
        logger.exception("Cannot load task %s for job %s", job.task_path, job.pk)
        return None


def _send_finished(job: Job) -> None:
    result = _task_result(job)
    if result is not None:
        task_finished.send(DatabaseBackend, task_result=result)


def job_claim(
    *,
    worker_id: str,
    queue_names: Collection[str] | None = None,
    backend_alias: str = DEFAULT_TASK_BACKEND_ALIAS,
) -> Job | None:
    """Take the most urgent job that is due (or lost its worker) and lease it to `worker_id`."""
    backend = get_backend(backend_alias)
    while True:
        exhausted = None
        with transaction.atomic():
            # PostgreSQL: SKIP LOCKED lets many workers claim side by side without waiting on each
            # other. SQLite ignores it; there the IMMEDIATE transaction makes claims take turns.
            now = timezone.now()
            jobs = Job.objects.claimable(now=now).filter(backend_name=backend.alias)
            if queue_names:
                jobs = jobs.filter(queue_name__in=list(queue_names))
            job = jobs.select_for_update(skip_locked=True).first()
            if job is None:
                return None
            # Besides the row lock, the claim only lands if nobody changed the row since we read
            # it, so two workers can never both take the same attempt.
            expected = {
                "status": job.status,
                "attempts": job.attempts,
                "lease_expires_at": job.lease_expires_at,
            }
            errors = list(job.errors)
            if job.status == RUNNING:
                errors.append(_lost_worker_error(job))
            if job.status == RUNNING and job.attempts >= job.max_attempts:
                if _update_if(
                    job,
                    expected=expected,
                    status=TaskResultStatus.FAILED,
                    errors=errors,
                    finished_at=now,
                    lease_expires_at=None,
                ):
                    exhausted = job
            elif _update_if(
                job,
                expected=expected,
                status=RUNNING,
                attempts=job.attempts + 1,
                errors=errors,
                started_at=job.started_at or now,
                last_attempted_at=now,
                lease_expires_at=now + timedelta(seconds=backend.lease_seconds),
                worker_ids=[*job.worker_ids, worker_id],
            ):
                return job
        if exhausted is not None:
            logger.error("Job %s %s failed: its worker was lost", job.pk, job.task_path)
            _send_finished(exhausted)
        # Otherwise another worker changed this row first; look for the next one.


class _Heartbeat(threading.Thread):
    """Renews a running job's lease until stopped, on its own database connection."""

    def __init__(self, *, job: Job, lease_seconds: float):
        super().__init__(name=f"heartbeat-{job.pk}", daemon=True)
        self.job_id = job.pk
        self.attempt = job.attempts
        self.lease_seconds = lease_seconds
        # Three beats per lease: one slow or failed beat does not cost the job its lease.
        self.interval = lease_seconds / 3
        self._stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self._stopped.wait(self.interval):
                try:
                    renewed = Job.objects.filter(
                        pk=self.job_id, status=RUNNING, attempts=self.attempt
                    ).update(
                        lease_expires_at=timezone.now() + timedelta(seconds=self.lease_seconds)
                    )
                except Exception:
                    logger.exception("Heartbeat for job %s failed; retrying", self.job_id)
                    _refresh_connections()
                    continue
                if not renewed:
                    logger.warning("Job %s is no longer held by this worker", self.job_id)
                    return
        finally:
            # Connections are per thread: this one is ours alone and must not leak.
            connections.close_all()

    def stop(self) -> None:
        self._stopped.set()
        self.join()


def _record_success(*, job: Job, return_value: Any) -> None:
    if not _update_running(
        job,
        status=TaskResultStatus.SUCCESSFUL,
        return_value=return_value,
        finished_at=timezone.now(),
        lease_expires_at=None,
    ):
        logger.warning("Job %s succeeded after its lease was taken over; result dropped", job.pk)


def _record_failure(*, job: Job, exc: BaseException, backend: DatabaseBackend) -> None:
    now = timezone.now()
    errors = [*job.errors, _error(exc)]
    if job.attempts < job.max_attempts:
        delay = backend.retry_delay_seconds(job.attempts)
        fields = {"status": TaskResultStatus.READY, "run_after": now + timedelta(seconds=delay)}
    else:
        fields = {"status": TaskResultStatus.FAILED, "finished_at": now}
    if not _update_running(job, errors=errors, lease_expires_at=None, **fields):
        logger.warning("Job %s failed after its lease was taken over; error dropped", job.pk)


def job_execute(*, job: Job) -> Job:
    """Run a job claimed by `job_claim` and record the outcome: success, retry later, or failure."""
    backend = get_backend(job.backend_name)
    heartbeat = _Heartbeat(job=job, lease_seconds=backend.lease_seconds)
    heartbeat.start()
    try:
        try:
            result = job.to_task_result()
            task_started.send(DatabaseBackend, task_result=result)
            task = result.task
            if task.takes_context:
                raw_value = task.call(TaskContext(task_result=result), *job.args, **job.kwargs)
            else:
                raw_value = task.call(*job.args, **job.kwargs)
            return_value = to_json(raw_value, what="A task's return value")
        except BaseException as exc:
            # Everything a task raises is its own failure, never the worker's (KeyboardInterrupt
            # is recorded too, then passed on: it is how a second Ctrl-C stops the worker).
            heartbeat.stop()
            _refresh_connections()
            _record_failure(job=job, exc=exc, backend=backend)
            if job.status == TaskResultStatus.READY:
                logger.warning(
                    "Job %s %s failed on attempt %s of %s; retrying after %s",
                    job.pk,
                    job.task_path,
                    job.attempts,
                    job.max_attempts,
                    job.run_after,
                    exc_info=True,
                )
            elif job.status == TaskResultStatus.FAILED:
                # Sent inside the except block, so Django's logging receiver sees the traceback.
                _send_finished(job)
            if isinstance(exc, KeyboardInterrupt):
                raise
            return job
        heartbeat.stop()
        _refresh_connections()
        _record_success(job=job, return_value=return_value)
        if job.status == TaskResultStatus.SUCCESSFUL:
            _send_finished(job)
        return job
    finally:
        heartbeat.stop()


def job_run_next(
    *,
    worker_id: str,
    queue_names: Collection[str] | None = None,
    backend_alias: str = DEFAULT_TASK_BACKEND_ALIAS,
) -> Job | None:
    """Claim and run one job; None when no job is due."""
    _refresh_connections()
    try:
        job = job_claim(worker_id=worker_id, queue_names=queue_names, backend_alias=backend_alias)
        if job is None:
            return None
        return job_execute(job=job)
    finally:
        _refresh_connections()


def _attempts_per_round(job: Job) -> int:
    try:
        return get_backend(job.backend_name).max_attempts
    except Exception:
        # The backend is not (or no longer) a database backend here; allow one more attempt.
        return 1


@transaction.atomic
def job_retry(*, actor, job: Job) -> Job:
    """Put a failed job back in the queue, with a fresh set of attempts."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.status != TaskResultStatus.FAILED:
        raise BusinessRuleError(_("Only failed jobs can be retried."))
    # Attempts keep counting (they mirror the worker list); the allowance grows instead.
    job.max_attempts = job.attempts + _attempts_per_round(job)
    job.status = TaskResultStatus.READY
    job.run_after = None
    job.finished_at = None
    job.lease_expires_at = None
    job.return_value = None
    job.save(
        update_fields=[
            "max_attempts",
            "status",
            "run_after",
            "finished_at",
            "lease_expires_at",
            "return_value",
        ]
    )
    audit_log(actor=actor, action="job.retried", target=job, data={"task": job.task_path})
    return job


@transaction.atomic
def job_prune(*, actor=None, older_than_days: int) -> int:
    """Delete finished jobs (successful or failed) that finished more than `older_than_days` ago."""
    if older_than_days < 0:
        raise BusinessRuleError(_("The number of days cannot be negative."), status_code=400)
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _counts = Job.objects.finished().filter(finished_at__lt=cutoff).delete()
    if deleted:
        audit_log(
            actor=actor,
            action="job.pruned",
            data={"count": deleted, "older_than_days": older_than_days},
        )
    return deleted
