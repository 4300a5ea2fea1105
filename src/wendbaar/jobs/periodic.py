"""Tasks a long-running worker enqueues on a schedule, so no cron is needed for them.

`settings.JOBS_PERIODIC` lists them: `{"task": dotted path of a task, "every": seconds,
"enabled_by": name of a setting or environment variable that must be set (optional)}`. A task is
enqueued when none of its jobs is waiting or running and the last one was enqueued at least
`every` seconds ago. The job table is the schedule, so several workers share it; two workers that
decide at the same moment enqueue it twice at most, which is why only idempotent tasks (polling a
mailbox by UID, expiring quotes) belong here.
"""

import logging
import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django.utils.module_loading import import_string

from wendbaar.jobs.models import Job

logger = logging.getLogger("wendbaar.jobs.periodic")


@dataclass(frozen=True)
class Periodic:
    task: str
    every: float
    enabled_by: str = ""

    def enabled(self) -> bool:
        if not self.enabled_by:
            return True
        value = getattr(settings, self.enabled_by, None)
        if value is None:
            value = os.environ.get(self.enabled_by, "")
        return bool(str(value).strip())


def periodic_tasks() -> list[Periodic]:
    """The configured schedule; an entry without a task or with `every` below 1 s is refused."""
    entries = []
    for entry in getattr(settings, "JOBS_PERIODIC", []):
        every = float(entry.get("every", 0))
        if not entry.get("task") or every < 1:
            raise ValueError(f"JOBS_PERIODIC entry needs a task and every >= 1 second: {entry!r}")
        entries.append(
            Periodic(task=entry["task"], every=every, enabled_by=entry.get("enabled_by", ""))
        )
    return entries


# A periodic job still waiting after this many periods (at least an hour) is reported: most
# likely no worker serves its queue.
STUCK_PERIODS = 10
_warned: dict[str, datetime] = {}


def _warn_if_stuck(entry: Periodic, enqueued_at: datetime, now: datetime) -> None:
    limit = timedelta(seconds=max(STUCK_PERIODS * entry.every, 3600))
    last = _warned.get(entry.task)
    if now - enqueued_at > limit and (last is None or now - last > limit):
        _warned[entry.task] = now
        logger.warning(
            "The periodic task %s has waited since %s; does a worker serve its queue?",
            entry.task,
            enqueued_at.isoformat(timespec="seconds"),
        )


def periodic_enqueue_due(*, now: datetime | None = None) -> list[str]:
    """Enqueue each periodic task that is due; returns the paths enqueued."""
    now = now or timezone.now()
    enqueued = []
    for entry in periodic_tasks():
        if not entry.enabled():
            continue
        jobs = Job.objects.filter(task_path=entry.task)
        waiting = (
            jobs.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
            .order_by("enqueued_at")
            .values_list("enqueued_at", flat=True)
            .first()
        )
        if waiting is not None:
            _warn_if_stuck(entry, waiting, now)
            continue
        last = jobs.order_by("-enqueued_at").values_list("enqueued_at", flat=True).first()
        if last is not None and now - last < timedelta(seconds=entry.every):
            continue
        try:
            import_string(entry.task).enqueue()
        except Exception:  # one broken entry must not stop the worker or the other entries
            logger.exception("Could not enqueue the periodic task %s", entry.task)
            continue
        enqueued.append(entry.task)
    return enqueued
