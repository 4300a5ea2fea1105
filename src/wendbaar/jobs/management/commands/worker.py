"""`wendbaar worker`: run queued background jobs until stopped."""

import logging
import os
import signal
import socket
import threading
import time

from django.core.management.base import BaseCommand, CommandError
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS
from django.tasks.base import TaskResultStatus

from wendbaar.jobs import periodic, services

logger = logging.getLogger("wendbaar.jobs.worker")
# How often a worker that stays up looks whether a periodic task is due.
SCHEDULE_CHECK_SECONDS = 15


def _positive_float(value: str) -> float:
    number = float(value)
    if number <= 0:
        raise ValueError(value)
    return number


def _positive_int(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Run background jobs from the database queue. Many workers, on many machines, may share "
        "one queue. SIGTERM or Ctrl-C finishes the current job, then exits; a second one stops "
        "at once (the job is retried)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue",
            action="append",
            dest="queues",
            metavar="NAME",
            help="Take jobs from this queue only; repeat for more (default: all queues).",
        )
        parser.add_argument(
            "--interval",
            type=_positive_float,
            default=1.0,
            help="Seconds to wait before looking again when no job is due (default 1).",
        )
        parser.add_argument("--batch", action="store_true", help="Exit as soon as no job is due.")
        parser.add_argument(
            "--worker-id",
            default=f"{socket.gethostname()}-{os.getpid()}",
            help="Name recorded on each job this worker runs (default: host name and process id).",
        )
        parser.add_argument(
            "--max-jobs",
            type=_positive_int,
            metavar="N",
            help="Exit after running N jobs.",
        )
        parser.add_argument(
            "--backend",
            default=DEFAULT_TASK_BACKEND_ALIAS,
            help="The task backend (a key of TASKS) to work for (default 'default').",
        )

    def handle(self, *args, **options):
        try:
            backend = services.get_backend(options["backend"])
        except Exception as exc:
            raise CommandError(str(exc)) from exc
        queues = options["queues"] or sorted(backend.queues)
        unknown = sorted(set(queues) - backend.queues) if backend.queues else []
        if unknown:
            configured = ", ".join(sorted(backend.queues))
            raise CommandError(f"Unknown queue(s) {', '.join(unknown)}; configured: {configured}.")
        worker_id = options["worker_id"]
        if not options["batch"]:
            from wendbaar.ai.warmup import warm_up_in_background

            # A worker that stays up drafts replies and answers: load its models now.
            warm_up_in_background()
        self.stopping = threading.Event()
        previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        self.stdout.write(
            f"Worker {worker_id} started on queue(s) {', '.join(queues) or 'all'} "
            f"(lease {backend.lease_seconds}s, at most {backend.max_attempts} attempts)."
        )
        processed = 0
        next_schedule = 0.0
        try:
            while not self.stopping.is_set():
                if not options["batch"] and time.monotonic() >= next_schedule:
                    # Periodic tasks (the service mailbox, expiring quotes) need no cron.
                    next_schedule = time.monotonic() + SCHEDULE_CHECK_SECONDS
                    try:
                        periodic.periodic_enqueue_due()
                    except Exception:
                        logger.exception("Worker %s could not check the schedule", worker_id)
                try:
                    started = time.monotonic()
                    job = services.job_run_next(
                        worker_id=worker_id, queue_names=queues, backend_alias=backend.alias
                    )
                except Exception as exc:
                    if options["batch"]:
                        raise CommandError(f"Could not process the queue: {exc}") from exc
                    # The database is away or a job could not be recorded; wait, then try again.
                    logger.exception("Worker %s could not process the queue", worker_id)
                    self.stopping.wait(max(options["interval"], 5))
                    continue
                if job is None:
                    if options["batch"]:
                        break
                    self.stopping.wait(options["interval"])
                    continue
                processed += 1
                self._report(job, seconds=time.monotonic() - started)
                if options["max_jobs"] and processed >= options["max_jobs"]:
                    break
        except KeyboardInterrupt:
            raise CommandError(
                f"Worker {worker_id} stopped at once after {processed} job(s); "
                "an interrupted job is retried.",
                returncode=130,
            ) from None
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write(f"Worker {worker_id} stopped after {processed} job(s).")

    def _on_signal(self, signum, frame):
        if self.stopping.is_set():
            # Asked twice: stop now. The running job records the interruption and is retried.
            raise KeyboardInterrupt
        self.stopping.set()
        # A raw write: the signal may arrive while the main thread is inside a buffered write.
        message = (
            f"Received {signal.Signals(signum).name}; finishing the current job, then stopping.\n"
        )
        os.write(2, message.encode())

    def _report(self, job, *, seconds: float) -> None:
        outcome = job.status
        if job.status == TaskResultStatus.READY:
            outcome = f"RETRY at {job.run_after:%Y-%m-%d %H:%M:%S%z}"
        self.stdout.write(
            f"{job.pk} {job.task_path} queue={job.queue_name} attempt={job.attempts}/"
            f"{job.max_attempts} {outcome} in {seconds:.2f}s"
        )
