import time
from datetime import timedelta

import pytest
from django.tasks import TaskResultStatus
from django.tasks.signals import task_finished, task_started
from django.utils import timezone

from tests.jobs import tasks
from tests.jobs.conftest import database_tasks_setting
from wendbaar.audit.models import AuditEvent
from wendbaar.common.errors import BusinessRuleError
from wendbaar.jobs import services
from wendbaar.jobs.exceptions import WorkerLostError
from wendbaar.jobs.models import Job

pytestmark = pytest.mark.django_db


def run_until_idle(worker_id: str = "w1", limit: int = 20) -> list[Job]:
    done = []
    while (job := services.job_run_next(worker_id=worker_id)) is not None:
        done.append(job)
        assert len(done) < limit, "the queue never ran dry"
    return done


def expire_lease(job: Job) -> None:
    Job.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))


@pytest.fixture
def signals():
    received = []

    def started(sender, task_result, **kwargs):
        received.append(("started", task_result.status, task_result.attempts))

    def finished(sender, task_result, **kwargs):
        received.append(("finished", task_result.status, task_result.attempts))

    task_started.connect(started)
    task_finished.connect(finished)
    yield received
    task_started.disconnect(started)
    task_finished.disconnect(finished)


def test_successful_job_records_return_value_and_sends_signals(backend, signals):
    result = tasks.add_task.enqueue(2, 3)

    job = services.job_run_next(worker_id="w1")

    assert str(job.pk) == result.id
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 5
    assert result.worker_ids == ["w1"] and result.attempts == 1
    assert result.started_at <= result.last_attempted_at <= result.finished_at
    job.refresh_from_db()
    assert job.lease_expires_at is None
    assert signals == [("started", "RUNNING", 1), ("finished", "SUCCESSFUL", 1)]


def test_claim_marks_the_job_running_with_a_lease(backend):
    tasks.add_task.enqueue(1, 1)
    before = timezone.now()

    job = services.job_claim(worker_id="w1")

    job.refresh_from_db()
    assert job.status == TaskResultStatus.RUNNING
    assert job.attempts == 1 and job.worker_ids == ["w1"]
    assert job.lease_expires_at >= before + timedelta(seconds=backend.lease_seconds)
    assert services.job_claim(worker_id="w2") is None


def test_higher_priority_runs_first_then_oldest_first(backend):
    low = tasks.add_task.using(priority=-5).enqueue(0, 1)
    first = tasks.add_task.enqueue(0, 2)
    second = tasks.add_task.enqueue(0, 3)
    high = tasks.add_task.using(priority=10).enqueue(0, 4)

    order = [str(job.pk) for job in run_until_idle()]

    assert order == [high.id, first.id, second.id, low.id]


def test_job_waits_until_run_after(backend):
    result = tasks.add_task.using(run_after=timezone.now() + timedelta(minutes=5)).enqueue(1, 2)

    assert services.job_run_next(worker_id="w1") is None

    Job.objects.filter(pk=result.id).update(run_after=timezone.now() - timedelta(seconds=1))
    assert str(services.job_run_next(worker_id="w1").pk) == result.id


def test_worker_takes_only_its_queues(backend):
    mail = tasks.mail_task.enqueue()
    tasks.add_task.enqueue(1, 2)

    job = services.job_run_next(worker_id="w1", queue_names=["mail"])

    assert str(job.pk) == mail.id
    assert services.job_run_next(worker_id="w1", queue_names=["mail"]) is None
    assert services.job_run_next(worker_id="w1", queue_names=["default"]) is not None


def test_task_failing_twice_then_succeeding_ends_successful(backend, signals):
    result = tasks.flaky_task.enqueue(failures=2)

    run_until_idle()

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 3
    assert result.attempts == 3 and Job.objects.get().attempts == 3
    assert [error.exception_class for error in result.errors] == [ValueError, ValueError]
    assert "failure on attempt 2" in result.errors[1].traceback
    # Retries are not "finished": receivers of task_finished see only the final outcome.
    assert signals == [
        ("started", "RUNNING", 1),
        ("started", "RUNNING", 2),
        ("started", "RUNNING", 3),
        ("finished", "SUCCESSFUL", 3),
    ]


def test_task_that_always_fails_ends_failed_after_max_attempts(backend, signals):
    result = tasks.always_fails_task.enqueue()

    run_until_idle()

    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    assert result.attempts == 3
    assert len(result.errors) == 3
    assert result.errors[-1].exception_class_path == "builtins.ValueError"
    assert result.finished_at is not None
    with pytest.raises(ValueError, match="Task failed"):
        result.return_value  # noqa: B018
    assert signals[-1] == ("finished", "FAILED", 3)


def test_failed_attempt_waits_for_the_backoff(settings):
    settings.TASKS = database_tasks_setting(retry_backoff_seconds=60)
    tasks.always_fails_task.enqueue()
    before = timezone.now()

    job = services.job_run_next(worker_id="w1")

    assert job.status == TaskResultStatus.READY
    assert job.run_after >= before + timedelta(seconds=60)
    assert services.job_run_next(worker_id="w1") is None


def test_return_value_that_is_not_json_fails_the_attempt(backend):
    tasks.returns_object_task.enqueue()

    run_until_idle()

    job = Job.objects.get()
    assert job.status == TaskResultStatus.FAILED
    assert "JSON serialisable" in job.errors[0]["traceback"]


def test_job_whose_task_no_longer_exists_fails_without_stopping_the_worker(backend):
    tasks.add_task.enqueue(1, 2)
    Job.objects.update(task_path="tests.jobs.tasks.removed_task")
    later = tasks.add_task.enqueue(3, 4)

    run_until_idle()

    assert Job.objects.get(task_path__endswith="removed_task").status == TaskResultStatus.FAILED
    assert Job.objects.get(pk=later.id).status == TaskResultStatus.SUCCESSFUL


def test_job_with_expired_lease_is_reclaimed_by_another_worker(backend):
    result = tasks.add_task.enqueue(1, 2)
    services.job_claim(worker_id="dead-worker")
    assert services.job_claim(worker_id="w2") is None  # the lease still holds

    expire_lease(Job.objects.get())
    job = services.job_claim(worker_id="w2")

    assert str(job.pk) == result.id
    assert job.attempts == 2
    assert job.worker_ids == ["dead-worker", "w2"]
    assert job.errors[0]["exception_class_path"] == "wendbaar.jobs.exceptions.WorkerLostError"
    assert "dead-worker" in job.errors[0]["traceback"]
    services.job_execute(job=job)
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.errors[0].exception_class is WorkerLostError


def test_lost_job_without_attempts_left_is_marked_failed(backend, signals):
    result = tasks.add_task.enqueue(1, 2)
    Job.objects.update(max_attempts=1)
    services.job_claim(worker_id="dead-worker")
    expire_lease(Job.objects.get())
    waiting = tasks.add_task.enqueue(5, 5)

    job = services.job_claim(worker_id="w2")

    assert str(job.pk) == waiting.id
    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    assert result.worker_ids == ["dead-worker"]
    assert "stopped renewing its lease" in result.errors[0].traceback
    assert ("finished", "FAILED", 1) in signals


def test_stalled_worker_cannot_overwrite_the_attempt_that_took_over(backend):
    tasks.add_task.enqueue(1, 2)
    stalled = services.job_claim(worker_id="slow-worker")
    expire_lease(stalled)
    services.job_claim(worker_id="w2")

    services.job_execute(job=stalled)

    job = Job.objects.get()
    assert job.status == TaskResultStatus.RUNNING
    assert job.attempts == 2 and job.worker_ids == ["slow-worker", "w2"]
    assert job.return_value is None


@pytest.mark.django_db(transaction=True)
def test_heartbeat_renews_the_lease_on_its_own_connection(backend):
    tasks.add_task.enqueue(1, 2)
    job = services.job_claim(worker_id="w1")
    Job.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now())

    heartbeat = services._Heartbeat(job=job, lease_seconds=1.5)
    heartbeat.start()
    try:
        time.sleep(0.8)
        renewed = Job.objects.get().lease_expires_at
    finally:
        heartbeat.stop()

    assert renewed > timezone.now() + timedelta(seconds=0.5)
    assert not heartbeat.is_alive()


def test_retry_puts_a_failed_job_back_with_fresh_attempts(backend):
    result = tasks.always_fails_task.enqueue()
    run_until_idle()

    job = services.job_retry(actor=None, job=Job.objects.get())

    assert job.status == TaskResultStatus.READY
    assert (job.attempts, job.max_attempts) == (3, 6)
    assert job.finished_at is None
    assert AuditEvent.objects.filter(action="job.retried", object_id=result.id).exists()
    run_until_idle()
    job.refresh_from_db()
    assert job.status == TaskResultStatus.FAILED and job.attempts == 6
    assert len(job.errors) == 6


def test_only_failed_jobs_can_be_retried(backend):
    tasks.add_task.enqueue(1, 2)

    with pytest.raises(BusinessRuleError):
        services.job_retry(actor=None, job=Job.objects.get())


def test_prune_deletes_only_finished_jobs_older_than_the_cutoff(backend):
    for _ in range(3):
        tasks.add_task.enqueue(1, 2)
    run_until_idle()
    old_success, old_failure, recent = Job.objects.order_by("enqueued_at")
    long_ago = timezone.now() - timedelta(days=31)
    Job.objects.filter(pk=old_success.pk).update(finished_at=long_ago)
    Job.objects.filter(pk=old_failure.pk).update(finished_at=long_ago, status="FAILED")
    waiting = tasks.add_task.using(run_after=timezone.now() + timedelta(days=1)).enqueue(1, 2)
    Job.objects.filter(pk=waiting.id).update(enqueued_at=long_ago)

    assert services.job_prune(older_than_days=30) == 2

    assert {str(pk) for pk in Job.objects.values_list("pk", flat=True)} == {
        str(recent.pk),
        waiting.id,
    }
    assert AuditEvent.objects.filter(action="job.pruned").count() == 1


def test_prune_refuses_negative_days(backend):
    with pytest.raises(BusinessRuleError):
        services.job_prune(older_than_days=-1)


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_never_claim_the_same_job(backend):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    for n in range(30):
        tasks.add_task.enqueue(n, n)

    def claim_all(worker_id: str) -> list[str]:
        claimed = []
        try:
            while (job := services.job_claim(worker_id=worker_id)) is not None:
                claimed.append(str(job.pk))
        finally:
            connections.close_all()
        return claimed

    with ThreadPoolExecutor(max_workers=4) as pool:
        claims = list(pool.map(claim_all, [f"w{n}" for n in range(4)]))

    claimed = [job_id for worker_claims in claims for job_id in worker_claims]
    assert len(claimed) == len(set(claimed)) == 30
    assert all(len(job.worker_ids) == 1 for job in Job.objects.all())
