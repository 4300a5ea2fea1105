"""Real `wendbaar worker` processes against the test database: crash recovery and clean shutdown."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone

from tests.jobs import tasks
from tests.jobs.conftest import database_tasks_setting
from wendbaar.jobs.models import Job

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

REPO_ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 2
WAIT_SECONDS = 30


def test_database_url() -> str:
    """A DATABASE_URL for the database this test run uses (not the one in the settings)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    if db["ENGINE"] == "django.db.backends.postgresql":
        credentials = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            credentials += ":" + quote(db["PASSWORD"], safe="")
        host = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
        return f"postgres://{credentials}@{host}/{quote(db['NAME'], safe='')}"
    pytest.skip(f"no worker test for {db['ENGINE']}")


test_database_url.__test__ = False  # a helper, not a test


class Workers:
    """Starts worker processes and makes sure none outlives the test."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.processes: list[tuple[str, subprocess.Popen]] = []

    def start(self, worker_id: str, *args: str) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "wendbaar.config.test_settings",
            "TASKS_BACKEND": "database",
            "TASKS_LEASE_SECONDS": str(LEASE_SECONDS),
            "TASKS_MAX_ATTEMPTS": "3",
            "DATABASE_URL": test_database_url(),
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])
            ),
            "PYTHONUNBUFFERED": "1",
        }
        command = [sys.executable, "-m", "wendbaar", "worker", "--skip-checks"]
        command += ["--worker-id", worker_id, "--interval", "0.1", *args]
        with (self.log_dir / f"{worker_id}.log").open("wb") as log:
            process = subprocess.Popen(
                command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        self.processes.append((worker_id, process))
        return process

    def log(self, worker_id: str) -> str:
        return (self.log_dir / f"{worker_id}.log").read_text(errors="replace")

    def logs(self) -> str:
        return "\n".join(f"--- {wid} ---\n{self.log(wid)}" for wid, _ in self.processes)

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = WAIT_SECONDS):
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                pytest.fail(f"Timed out waiting for {what}.\n{self.logs()}")
            time.sleep(0.05)

    def kill_all(self) -> None:
        for _, process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)


@pytest.fixture
def workers(tmp_path, settings) -> Iterator[Workers]:
    settings.TASKS = database_tasks_setting(lease_seconds=LEASE_SECONDS)
    workers = Workers(tmp_path)
    try:
        yield workers
    finally:
        workers.kill_all()


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def test_job_of_a_killed_worker_is_reclaimed_and_completed(workers, tmp_path):
    marker = tmp_path / "starts.txt"
    result = tasks.sleep_on_first_attempt_task.enqueue(str(marker), 60)

    first = workers.start("worker-a")
    workers.wait_for(lambda: lines(marker) == ["1 worker-a"], "worker-a to start the job")
    first.send_signal(signal.SIGKILL)
    assert first.wait(timeout=10) == -signal.SIGKILL
    killed_at = timezone.now()

    job = Job.objects.get()
    assert job.status == TaskResultStatus.RUNNING
    assert job.worker_ids == ["worker-a"]
    # The heartbeat kept the lease ahead of time, so nobody may take the job before it expires.
    lease = job.lease_expires_at
    assert lease > killed_at
    time.sleep((lease - timezone.now()).total_seconds() + 0.2)

    second = workers.start("worker-b", "--batch")
    workers.wait_for(lambda: second.poll() is not None, "worker-b to finish its batch")
    assert second.returncode == 0, workers.logs()

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL, workers.logs()
    assert result.return_value == 2
    assert result.attempts == 2
    assert result.worker_ids == ["worker-a", "worker-b"]
    assert [error.exception_class_path for error in result.errors] == [
        "wendbaar.jobs.exceptions.WorkerLostError"
    ]
    assert result.last_attempted_at >= lease
    assert lines(marker) == ["1 worker-a", "2 worker-b"]
    assert f"{result.id} tests.jobs.tasks.sleep_on_first_attempt_task" in workers.log("worker-b")


def test_sigterm_lets_the_worker_finish_the_current_job_then_exit(workers, tmp_path):
    marker = tmp_path / "sleep.txt"
    running = tasks.sleep_task.using(priority=10).enqueue(str(marker), LEASE_SECONDS + 1.5)
    waiting = tasks.add_task.enqueue(1, 2)

    worker = workers.start("worker-c")
    workers.wait_for(lambda: lines(marker) == ["started"], "worker-c to start the job")
    # Outlive the lease: only the heartbeat keeps the job from being taken over.
    time.sleep(LEASE_SECONDS + 0.5)
    job = Job.objects.get(pk=running.id)
    assert job.status == TaskResultStatus.RUNNING
    assert job.lease_expires_at > timezone.now() + timedelta(seconds=LEASE_SECONDS / 4)

    worker.send_signal(signal.SIGTERM)
    workers.wait_for(lambda: worker.poll() is not None, "worker-c to stop")

    assert worker.returncode == 0, workers.logs()
    assert lines(marker) == ["started", "finished"]
    running.refresh()
    assert running.status == TaskResultStatus.SUCCESSFUL
    assert running.return_value == "slept" and running.attempts == 1
    # It stopped after the current job instead of taking the next one.
    assert Job.objects.get(pk=waiting.id).status == TaskResultStatus.READY
    log = workers.log("worker-c")
    assert "Received SIGTERM" in log
    assert "stopped after 1 job(s)" in log


def test_second_sigterm_stops_at_once_and_the_job_is_retried(workers, tmp_path):
    marker = tmp_path / "sleep.txt"
    result = tasks.sleep_task.enqueue(str(marker), 60)

    worker = workers.start("worker-d")
    workers.wait_for(lambda: lines(marker) == ["started"], "worker-d to start the job")
    worker.send_signal(signal.SIGTERM)
    workers.wait_for(lambda: "Received SIGTERM" in workers.log("worker-d"), "the first SIGTERM")
    worker.send_signal(signal.SIGTERM)
    workers.wait_for(lambda: worker.poll() is not None, "worker-d to stop")

    assert worker.returncode == 130, workers.logs()
    result.refresh()
    assert result.status == TaskResultStatus.READY
    assert [error.exception_class_path for error in result.errors] == ["builtins.KeyboardInterrupt"]
    assert Job.objects.get().lease_expires_at is None
