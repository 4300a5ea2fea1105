"""Periodic tasks: a long-running worker enqueues them when due, never while one is waiting or
running, only when the setting they need is there; a batch worker leaves the schedule alone."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.tasks.base import TaskResultStatus
from django.utils import timezone

from wendbaar.jobs import periodic
from wendbaar.jobs.models import Job

pytestmark = pytest.mark.django_db

ADD = "tests.jobs.tasks.mail_task"


@pytest.fixture
def schedule(settings, backend):
    settings.JOBS_PERIODIC = [{"task": ADD, "every": 60}]
    return settings


def test_a_due_task_is_enqueued_once_until_it_has_run(schedule):
    assert periodic.periodic_enqueue_due() == [ADD]
    assert periodic.periodic_enqueue_due() == []  # one is waiting
    job = Job.objects.get(task_path=ADD)
    Job.objects.filter(pk=job.pk).update(status=TaskResultStatus.SUCCESSFUL)
    now = timezone.now()
    assert periodic.periodic_enqueue_due(now=now + timedelta(seconds=30)) == []  # not yet due
    assert periodic.periodic_enqueue_due(now=now + timedelta(seconds=61)) == [ADD]
    assert Job.objects.filter(task_path=ADD).count() == 2


def test_a_running_job_holds_the_next_one_back(schedule):
    periodic.periodic_enqueue_due()
    Job.objects.update(status=TaskResultStatus.RUNNING)
    later = timezone.now() + timedelta(hours=2)
    assert periodic.periodic_enqueue_due(now=later) == []


def test_a_task_that_needs_a_setting_waits_for_it(schedule, monkeypatch):
    schedule.JOBS_PERIODIC = [{"task": ADD, "every": 60, "enabled_by": "SERVICE_IMAP_URL"}]
    monkeypatch.delenv("SERVICE_IMAP_URL", raising=False)
    schedule.SERVICE_IMAP_URL = ""
    assert periodic.periodic_enqueue_due() == []
    schedule.SERVICE_IMAP_URL = "imap://u:p@127.0.0.1:1143/INBOX"
    assert periodic.periodic_enqueue_due() == [ADD]


def test_a_broken_entry_is_refused_or_skipped(schedule, caplog):
    schedule.JOBS_PERIODIC = [{"task": ADD, "every": 0}]
    with pytest.raises(ValueError, match="every >= 1 second"):
        periodic.periodic_tasks()
    schedule.JOBS_PERIODIC = [
        {"task": "tests.jobs.tasks.missing", "every": 60},
        {"task": ADD, "every": 60},
    ]
    assert periodic.periodic_enqueue_due() == [ADD]
    assert "Could not enqueue the periodic task tests.jobs.tasks.missing" in caplog.text


def test_the_worker_enqueues_and_runs_a_due_task_but_a_batch_worker_does_not(schedule):
    call_command("worker", "--worker-id", "w", "--batch", stdout=StringIO())
    assert not Job.objects.exists()
    call_command(
        "worker", "--worker-id", "w", "--max-jobs", "1", "--interval", "0.1", stdout=StringIO()
    )
    job = Job.objects.get(task_path=ADD)
    assert job.status == TaskResultStatus.SUCCESSFUL and job.return_value == "sent"


def test_the_shipped_schedule_polls_the_mailbox_and_expires_quotes():
    from django.conf import settings

    from wendbaar.config import settings as shipped

    assert settings.JOBS_PERIODIC == []  # tests run only what they enqueue
    tasks = {entry["task"]: entry for entry in shipped.JOBS_PERIODIC}
    assert tasks["wendbaar.service.tasks.mailbox_poll_task"]["enabled_by"] == "SERVICE_IMAP_URL"
    assert "wendbaar.quotes.tasks.quotes_expire_task" in tasks
    for entry in shipped.JOBS_PERIODIC:
        from django.utils.module_loading import import_string

        assert hasattr(import_string(entry["task"]), "enqueue")


def test_a_job_nobody_runs_is_reported_once_per_while(schedule, caplog, monkeypatch):
    monkeypatch.setattr(periodic, "_warned", {})
    periodic.periodic_enqueue_due()
    later = timezone.now() + timedelta(hours=2)
    assert periodic.periodic_enqueue_due(now=later) == []
    assert periodic.periodic_enqueue_due(now=later + timedelta(minutes=1)) == []
    warnings = [r for r in caplog.records if "does a worker serve its queue" in r.getMessage()]
    assert len(warnings) == 1 and ADD in warnings[0].getMessage()
