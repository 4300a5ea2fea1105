"""One row per enqueued task: the queue that `wendbaar worker` processes, and its results."""

import uuid
from datetime import datetime

from django.db import models
from django.db.models.functions import Coalesce
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django.tasks.base import DEFAULT_TASK_PRIORITY, Task, TaskError, TaskResult, TaskResultStatus
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

FINISHED_STATUSES = (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)


class JobQuerySet(models.QuerySet):
    def ready(self, *, now: datetime) -> "JobQuerySet":
        """Jobs waiting to run whose `run_after` (if any) has passed."""
        return self.filter(
            models.Q(run_after__isnull=True) | models.Q(run_after__lte=now),
            status=TaskResultStatus.READY,
        )

    def lease_expired(self, *, now: datetime) -> "JobQuerySet":
        """Running jobs whose worker stopped renewing the lease: it died and the job is orphaned."""
        return self.filter(status=TaskResultStatus.RUNNING, lease_expires_at__lt=now)

    def claimable(self, *, now: datetime) -> "JobQuerySet":
        """Jobs a worker may take now, most urgent first."""
        return (self.ready(now=now) | self.lease_expired(now=now)).order_by(
            "-priority", Coalesce("run_after", "enqueued_at"), "enqueued_at"
        )

    def finished(self) -> "JobQuerySet":
        return self.filter(status__in=FINISHED_STATUSES)


class Job(models.Model):
    """A task enqueued through `DatabaseBackend`, with its attempts, errors and return value."""

    id = models.UUIDField(_("id"), primary_key=True, default=uuid.uuid4, editable=False)
    task_path = models.CharField(_("task"), max_length=255)
    args = models.JSONField(_("positional arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    backend_name = models.CharField(
        _("task backend"), max_length=100, default=DEFAULT_TASK_BACKEND_ALIAS
    )
    queue_name = models.CharField(_("queue"), max_length=100, default=DEFAULT_TASK_QUEUE_NAME)
    priority = models.SmallIntegerField(_("priority"), default=DEFAULT_TASK_PRIORITY)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=TaskResultStatus.choices,
        default=TaskResultStatus.READY,
    )
    run_after = models.DateTimeField(_("run after"), null=True, blank=True)
    enqueued_at = models.DateTimeField(_("enqueued at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    last_attempted_at = models.DateTimeField(_("last attempted at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveIntegerField(_("maximum attempts"), default=1)
    # A running job belongs to its worker only until this moment; the worker's heartbeat keeps
    # moving it forward, so a job past its lease has lost its worker and may be claimed again.
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True)
    worker_ids = models.JSONField(_("workers"), default=list, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    return_value = models.JSONField(_("return value"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-enqueued_at"]
        indexes = [
            # Partial indexes keep the claim query fast however many finished jobs are kept.
            models.Index(
                fields=["-priority", "enqueued_at"],
                condition=models.Q(status=TaskResultStatus.READY),
                name="jobs_job_ready_idx",
            ),
            models.Index(
                fields=["lease_expires_at"],
                condition=models.Q(status=TaskResultStatus.RUNNING),
                name="jobs_job_lease_idx",
            ),
            models.Index(fields=["status", "finished_at"], name="jobs_job_finished_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task_path} ({self.id})"

    @property
    def task(self) -> Task:
        """The task this job runs, with the options it was enqueued with."""
        task = import_string(self.task_path)
        # The path comes from our own table, but only ever run real tasks, never any callable.
        if not isinstance(task, Task):
            raise TypeError(f"{self.task_path!r} is not a task.")
        return task.using(
            priority=self.priority,
            queue_name=self.queue_name,
            run_after=self.run_after,
            backend=self.backend_name,
        )

    def to_task_result(self) -> TaskResult:
        """This job as the `TaskResult` that Django's task framework hands out."""
        result = TaskResult(
            task=self.task,
            id=str(self.id),
            status=TaskResultStatus(self.status),
            enqueued_at=self.enqueued_at,
            started_at=self.started_at,
            finished_at=self.finished_at,
            last_attempted_at=self.last_attempted_at,
            args=self.args,
            kwargs=self.kwargs,
            backend=self.backend_name,
            errors=[TaskError(**error) for error in self.errors],
            worker_ids=list(self.worker_ids),
        )
        if self.status == TaskResultStatus.SUCCESSFUL:
            object.__setattr__(result, "_return_value", self.return_value)
        return result
