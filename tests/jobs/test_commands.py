from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.tasks import TaskResultStatus
from django.utils import timezone

from tests.jobs import tasks
from wendbaar.jobs.models import Job

pytestmark = pytest.mark.django_db


def run_worker(*args: str) -> str:
    out = StringIO()
    call_command("worker", "--worker-id", "test-worker", *args, stdout=out)
    return out.getvalue()


def test_batch_worker_runs_every_due_job_and_logs_one_line_each(backend):
    first = tasks.add_task.enqueue(1, 2)
    second = tasks.always_fails_task.enqueue()
    third = tasks.add_task.enqueue(3, 4)

    output = run_worker("--batch")

    job_lines = [line for line in output.splitlines() if line.startswith(tuple("0123456789abcdef"))]
    assert len(job_lines) == 5  # three jobs, one of them tried three times
    assert f"{first.id} tests.jobs.tasks.add_task queue=default attempt=1/3 SUCCESSFUL" in output
    assert "attempt=3/3 FAILED" in output
    assert "stopped after 5 job(s)" in output
    # A failing task does not stop the worker: the job after it still ran.
    assert [Job.objects.get(pk=r.id).status for r in (first, second, third)] == [
        "SUCCESSFUL",
        "FAILED",
        "SUCCESSFUL",
    ]


def test_worker_stops_after_max_jobs(backend):
    tasks.add_task.enqueue(1, 2)
    tasks.add_task.enqueue(3, 4)

    run_worker("--batch", "--max-jobs", "1")

    assert Job.objects.filter(status=TaskResultStatus.READY).count() == 1


def test_worker_only_takes_the_queues_asked_for(backend):
    tasks.add_task.enqueue(1, 2)
    mail = tasks.mail_task.enqueue()

    run_worker("--batch", "--queue", "mail", "--queue", "ai")

    assert Job.objects.get(pk=mail.id).status == TaskResultStatus.SUCCESSFUL
    assert Job.objects.get(task_path__endswith="add_task").status == TaskResultStatus.READY


def test_worker_refuses_unknown_queue(backend):
    with pytest.raises(CommandError, match="Unknown queue"):
        run_worker("--batch", "--queue", "nowhere")


def test_worker_refuses_to_run_without_the_database_backend():
    with pytest.raises(CommandError, match="not the DatabaseBackend"):
        run_worker("--batch")


def test_prune_jobs_command(backend):
    tasks.add_task.enqueue(1, 2)
    run_worker("--batch")
    Job.objects.update(finished_at=timezone.now() - timedelta(days=8))
    out = StringIO()

    call_command("prune_jobs", "--days", "7", stdout=out)

    assert "Deleted 1 finished job(s)" in out.getvalue()
    assert not Job.objects.exists()
