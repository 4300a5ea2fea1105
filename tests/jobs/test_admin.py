import pytest
from django.contrib.admin.sites import site
from django.contrib.messages.storage.fallback import FallbackStorage
from django.tasks import TaskResultStatus
from django.test import RequestFactory

from tests.jobs import tasks
from wendbaar.jobs import services
from wendbaar.jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_request(django_user_model):
    request = RequestFactory().post("/admin/jobs/job/")
    request.user = django_user_model.objects.create_superuser(
        email="admin@example.com", password="a-long-password", full_name="Admin"
    )
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_retry_action_requeues_failed_jobs_and_skips_others(backend, admin_request):
    tasks.always_fails_task.enqueue()
    while services.job_run_next(worker_id="w1"):
        pass
    tasks.add_task.enqueue(1, 2)
    model_admin = site._registry[Job]

    assert "retry_failed_jobs" in model_admin.get_actions(admin_request)
    model_admin.retry_failed_jobs(admin_request, Job.objects.all())

    assert sorted(Job.objects.values_list("status", flat=True)) == [
        TaskResultStatus.READY,
        TaskResultStatus.READY,
    ]
    messages = [str(message) for message in admin_request._messages]
    assert len(messages) == 2


def test_jobs_are_read_only_in_the_admin(admin_request):
    model_admin = site._registry[Job]

    assert not model_admin.has_add_permission(admin_request)
    assert not model_admin.has_change_permission(admin_request)
    assert model_admin.has_view_permission(admin_request)


@pytest.fixture
def admin_client_for_jobs(client, admin_request):
    client.force_login(admin_request.user)
    return client


def test_changelist_filters_and_searches_jobs(backend, admin_client_for_jobs):
    tasks.add_task.enqueue(1, 2)
    tasks.mail_task.enqueue()

    response = admin_client_for_jobs.get(
        "/admin/jobs/job/", {"status__exact": "READY", "queue_name": "mail", "q": "mail_task"}
    )

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert "tests.jobs.tasks.mail_task" in response.text


def test_job_detail_is_shown_read_only(backend, admin_client_for_jobs):
    result = tasks.always_fails_task.enqueue()
    services.job_run_next(worker_id="w1")

    response = admin_client_for_jobs.get(f"/admin/jobs/job/{result.id}/change/")

    assert response.status_code == 200
    assert "always fails" in response.text
    assert 'name="_save"' not in response.text


def test_retry_action_through_the_admin(backend, admin_client_for_jobs):
    result = tasks.always_fails_task.enqueue()
    while services.job_run_next(worker_id="w1"):
        pass

    response = admin_client_for_jobs.post(
        "/admin/jobs/job/",
        {"action": "retry_failed_jobs", "_selected_action": [result.id]},
        follow=True,
    )

    assert response.status_code == 200
    assert Job.objects.get(pk=result.id).status == TaskResultStatus.READY
