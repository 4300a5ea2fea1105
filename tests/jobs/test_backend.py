from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from django.tasks import TaskResultStatus, task_backends
from django.tasks.exceptions import InvalidTask, TaskResultDoesNotExist, TaskResultMismatch
from django.tasks.signals import task_enqueued
from django.utils import timezone

from tests.jobs import tasks
from tests.jobs.conftest import database_tasks_setting
from wendbaar.jobs.models import Job

pytestmark = pytest.mark.django_db


def test_enqueue_writes_a_ready_job_and_get_result_round_trips(backend):
    result = tasks.add_task.enqueue(2, b=3)

    job = Job.objects.get()
    assert str(job.pk) == result.id
    assert job.status == TaskResultStatus.READY
    assert job.task_path == "tests.jobs.tasks.add_task"
    assert (job.args, job.kwargs) == ([2], {"b": 3})
    assert (job.queue_name, job.priority, job.max_attempts) == ("default", 0, 3)
    assert job.enqueued_at is not None
    assert result.status == TaskResultStatus.READY
    assert result.backend == "default"

    fetched = tasks.add_task.get_result(result.id)
    assert fetched.id == result.id
    assert fetched.task.func is tasks.add_task.func
    assert (fetched.args, fetched.kwargs) == ([2], {"b": 3})
    assert fetched.enqueued_at == job.enqueued_at
    assert fetched.errors == [] and fetched.worker_ids == []


def test_enqueue_sends_task_enqueued(backend):
    received = []

    def receiver(sender, task_result, **kwargs):
        received.append(task_result)

    task_enqueued.connect(receiver)
    try:
        result = tasks.add_task.enqueue(1, 1)
    finally:
        task_enqueued.disconnect(receiver)
    assert [r.id for r in received] == [result.id]


def test_rolled_back_transaction_leaves_no_job(backend):
    with pytest.raises(RuntimeError), transaction.atomic():
        tasks.add_task.enqueue(1, 2)
        raise RuntimeError("the request failed")

    assert not Job.objects.exists()


def test_tuples_become_lists_and_keys_become_strings(backend):
    result = tasks.add_task.enqueue((1, 2), b={1: "one"})

    assert result.args == [[1, 2]]
    assert Job.objects.get().kwargs == {"b": {"1": "one"}}


@pytest.mark.parametrize("bad", [object(), datetime(2026, 1, 1, tzinfo=UTC), float("nan")])
def test_non_json_arguments_are_refused(backend, bad):
    with pytest.raises(TypeError, match="JSON serialisable"):
        tasks.add_task.enqueue(bad, 1)
    assert not Job.objects.exists()


def test_enqueue_validates_the_task_like_django(backend):
    with pytest.raises(InvalidTask, match="Queue 'nowhere' is not valid"):
        tasks.add_task.using(queue_name="nowhere")
    with pytest.raises(InvalidTask, match="aware datetime"):
        tasks.add_task.using(run_after=datetime(2030, 1, 1))
    with pytest.raises(InvalidTask, match="priority"):
        tasks.add_task.using(priority=101)


def test_priority_and_run_after_are_stored(backend):
    later = timezone.now() + timedelta(hours=1)
    result = tasks.add_task.using(priority=7, run_after=later, queue_name="ai").enqueue(1, 2)

    job = Job.objects.get()
    assert (job.priority, job.run_after, job.queue_name) == (7, later, "ai")
    fetched = backend.get_result(result.id)
    assert (fetched.task.priority, fetched.task.run_after) == (7, later)


@pytest.mark.parametrize("result_id", ["00000000-0000-0000-0000-000000000000", "not-a-uuid"])
def test_unknown_result_raises_does_not_exist(backend, result_id):
    with pytest.raises(TaskResultDoesNotExist):
        backend.get_result(result_id)


def test_result_of_another_task_is_a_mismatch(backend):
    result = tasks.mail_task.enqueue()

    with pytest.raises(TaskResultMismatch):
        tasks.add_task.get_result(result.id)


def test_backend_declares_what_it_supports(backend):
    assert backend.supports_defer and backend.supports_get_result and backend.supports_priority
    assert not backend.supports_async_task
    assert list(backend.check()) == []


def test_retry_delay_grows_exponentially_up_to_the_cap(settings):
    settings.TASKS = database_tasks_setting(retry_backoff_seconds=2, retry_backoff_max_seconds=300)
    backend = task_backends["default"]

    assert [backend.retry_delay_seconds(n) for n in (1, 2, 3, 8, 9, 20)] == [2, 4, 8, 256, 300, 300]


def test_invalid_options_are_refused(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.TASKS = database_tasks_setting(lease_seconds=0)
    with pytest.raises(ImproperlyConfigured, match="lease_seconds"):
        task_backends["default"]
