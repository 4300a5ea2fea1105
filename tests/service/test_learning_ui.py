"""Triage learning for managers: retraining after corrections in the background (once per batch,
never two queued at once), the model history with accuracy before and after, and a retrain that
does worse keeping the old model in use."""

import pytest
from django.tasks import task_backends
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.service.test_learning import _history
from wendbaar.audit.models import AuditEvent
from wendbaar.service import importer, learning, services, triage
from wendbaar.service.models import Ticket, TriageCorrection, TriageModel

pytestmark = pytest.mark.django_db

DUMMY = {
    "default": {
        "BACKEND": "django.tasks.backends.dummy.DummyBackend",
        "QUEUES": ["default", "ai", "mail"],
    }
}


@pytest.fixture
def manager(team_a):
    return UserFactory(
        teams=[team_a], role_codes=["manager"], full_name="Mona Manager", language="en"
    )


@pytest.fixture
def history(alice, queues):
    report = importer.tickets_import(actor=alice, data=_history(5))
    assert report.imported == 20, report.messages
    return list(Ticket.objects.filter(external_ref__startswith="H").order_by("pk"))


def _queued() -> list:
    return [r for r in task_backends["default"].results if r.task.name == "triage_retrain_task"]


def _correct(actor, tickets, values):
    for ticket, value in zip(tickets, values, strict=True):
        services.triage_correct(actor=actor, ticket=ticket, field_name="priority", value=value)


def test_the_correction_threshold_queues_exactly_one_retrain(
    settings, alice, history, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY
    settings.SERVICE_RETRAIN_EVERY = 3
    storingen = [t for t in history if t.queue and t.queue.slug == "storingen"]
    with django_capture_on_commit_callbacks(execute=True):
        _correct(alice, storingen[:2], ["low", "low"])
    assert _queued() == []  # two corrections: not yet
    with django_capture_on_commit_callbacks(execute=True):
        _correct(alice, storingen[2:3], ["low"])
    assert len(_queued()) == 1
    assert _queued()[0].kwargs == {"actor_id": alice.pk}
    # More corrections while that retrain waits queue nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        _correct(alice, storingen[3:6], ["low", "low", "low"])
    assert len(_queued()) == 1
    assert AuditEvent.objects.filter(action=learning.QUEUED).count() == 1
    # When it has run, the next batch of corrections queues the next one.
    learning.retrain_finished(organisation=history[0].organisation, result={"model": None})
    with django_capture_on_commit_callbacks(execute=True):
        _correct(alice, storingen[6:7], ["low"])
    assert len(_queued()) == 2


def test_a_correction_batch_retrains_in_the_background(
    settings, alice, history, django_capture_on_commit_callbacks
):
    settings.SERVICE_RETRAIN_EVERY = 2  # the test settings run tasks at once
    storingen = [t for t in history if t.queue and t.queue.slug == "storingen"]
    with django_capture_on_commit_callbacks(execute=True):
        _correct(alice, storingen[:2], ["low", "low"])
    model = TriageModel.objects.get()
    assert model.examples == 20 and model.corrections == 2
    assert set(model.accuracy_before) == set(model.accuracy_after) == set(triage.FIELDS)
    assert not TriageCorrection.objects.filter(consumed_at__isnull=True).exists()
    finished = AuditEvent.objects.get(action=learning.FINISHED)
    assert finished.data["model"] == model.pk
    assert learning.retrain_pending(organisation=model.organisation) is None


def _worse_fit(monkeypatch):
    real_fit = triage.Triage.fit

    def fit(self, examples, **kwargs):
        report = real_fit(self, examples, **kwargs)
        for field in report.fields:
            if field.accuracy_before is not None:
                field.accuracy_before = 0.9
                field.accuracy_after = 0.5
        return report

    monkeypatch.setattr(triage.Triage, "fit", fit)


def test_a_retrain_that_does_worse_keeps_the_old_model(monkeypatch, manager, history, client_for):
    organisation = history[0].organisation
    first = learning.triage_retrain(organisation=organisation)
    assert first.is_active
    engine_before = learning.engine_for(organisation)
    _worse_fit(monkeypatch)
    second = learning.triage_retrain(organisation=organisation, actor=manager)
    assert not second.is_active and learning.is_worse(second.accuracy_before, second.accuracy_after)
    first.refresh_from_db()
    assert first.is_active
    assert learning.engine_for(organisation) is engine_before  # still the old model
    event = AuditEvent.objects.filter(action="service.triage_retrained").latest("id")
    assert event.data["activated"] is False
    page = client_for(manager).get(reverse("service:triage_learning"))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="model-worse"' in html
    assert "so the earlier model stayed in use" in html
    rows = page.context["models"]
    assert [r.pk for r in rows] == [second.pk, first.pk]
    assert rows[0].per_field[0]["before"] == 0.9 and rows[0].per_field[0]["after"] == 0.5
    assert "90% → 50%" in html
    # The manager may still choose the new model; that is audited.
    response = client_for(manager).post(reverse("service:triage_activate", args=[second.pk]))
    assert response.status_code == 302
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.is_active and not first.is_active
    assert AuditEvent.objects.filter(action="service.triage_model_activated").exists()


def test_retrain_now_queues_once_and_the_page_says_so(settings, manager, history, client_for):
    settings.TASKS = DUMMY
    client = client_for(manager)
    page = client.get(reverse("service:triage_learning"))
    assert page.status_code == 200
    assert "Triage has not been retrained yet." in page.content.decode()
    assert "triage reads the descriptions of 2 active queues" in page.content.decode()
    with_callbacks = client.post(reverse("service:triage_retrain"), follow=True)
    assert "Retraining is queued" in with_callbacks.content.decode()
    assert 'data-testid="retrain-pending"' in with_callbacks.content.decode()
    again = client.post(reverse("service:triage_retrain"), follow=True)
    assert "already queued or running" in again.content.decode()
    assert AuditEvent.objects.filter(action=learning.QUEUED).count() == 1


def test_an_agent_who_is_not_a_manager_cannot_see_or_retrain(
    settings, alice, history, client_for, client, token_for
):
    settings.TASKS = DUMMY
    model = learning.triage_retrain(organisation=history[0].organisation)
    web = client_for(alice)
    assert web.get(reverse("service:triage_learning")).status_code == 403
    assert web.post(reverse("service:triage_retrain")).status_code == 403
    assert web.post(reverse("service:triage_activate", args=[model.pk])).status_code == 403
    auth = token_for(alice, ["service:read", "service:write"])
    assert client.get("/api/service/triage/models", HTTP_AUTHORIZATION=auth).status_code == 403
    assert client.post("/api/service/triage/retrain", HTTP_AUTHORIZATION=auth).status_code == 403
    assert not AuditEvent.objects.filter(action=learning.QUEUED).exists()


def test_model_history_and_retrain_over_the_api(settings, manager, history, client, token_for):
    settings.TASKS = DUMMY
    model = learning.triage_retrain(organisation=history[0].organisation)
    auth = token_for(manager, ["service:read", "service:write"])
    state = client.get("/api/service/triage/models", HTTP_AUTHORIZATION=auth).json()
    assert state["active_model_id"] == model.pk and state["retrain_queued"] is False
    assert state["models"][0]["examples"] == 20 and state["models"][0]["worse"] is False
    assert set(state["models"][0]["accuracy_after"]) == set(triage.FIELDS)
    queued = client.post("/api/service/triage/retrain", HTTP_AUTHORIZATION=auth)
    assert queued.status_code == 202 and queued.json()["retrain_queued"] is True
    assert client.post("/api/service/triage/retrain", HTTP_AUTHORIZATION=auth).status_code == 202
    assert AuditEvent.objects.filter(action=learning.QUEUED).count() == 1


def test_rules_over_the_api(manager, alice, receive, client, token_for):
    import json

    auth = token_for(manager, ["service:read", "service:write"])
    receive("Er is een lekkage.", subject="Lekkage")
    hits = client.post(
        "/api/service/rules/dry-run",
        json.dumps({"conditions": {"words": ["lekkage"]}}),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert hits.status_code == 200  # the manager sees only tickets of their teams
    body = {
        "name": "Lekkage",
        "conditions": {"words": ["lekkage"]},
        "actions": [{"action": "tag", "tag": "lekkage"}],
    }
    created = client.post(
        "/api/service/rules",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert created.status_code == 201, created.content
    rule_id = created.json()["id"]
    bad = client.put(
        f"/api/service/rules/{rule_id}",
        json.dumps(body | {"conditions": {"colour": ["red"]}}),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert bad.status_code == 400 and "Unknown condition" in bad.json()["error"]["message"]
    listed = client.get("/api/service/rules", HTTP_AUTHORIZATION=auth).json()
    assert listed[0]["conditions"] == {"words": ["lekkage"]}
    agent = token_for(alice, ["service:read", "service:write"])
    assert client.get("/api/service/rules", HTTP_AUTHORIZATION=agent).status_code == 403
    assert (
        client.post(
            "/api/service/rules",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=agent,
        ).status_code
        == 403
    )


def test_a_retrain_with_too_few_tickets_says_why_on_the_page(
    manager, queues, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager).post(reverse("service:triage_retrain"))
    assert response.status_code == 302
    assert not TriageModel.objects.exists()
    page = client_for(manager).get(reverse("service:triage_learning")).content.decode()
    assert 'data-testid="retrain-error"' in page
    assert "Triage needs at least 8 labelled tickets to learn from (found 0)." in page
    assert 'data-testid="retrain-pending"' not in page


def test_an_agent_cannot_switch_the_triage_model(alice, history, client_for, token_for):
    model = learning.triage_retrain(organisation=history[0].organisation)
    model.is_active = False
    model.save(update_fields=["is_active"])
    response = client_for(alice).post(reverse("service:triage_activate", args=[model.pk]))
    assert response.status_code in (403, 404)
    api = client_for(alice).post(
        f"/api/service/triage/models/{model.pk}/activate",
        HTTP_AUTHORIZATION=token_for(alice, ["service:write", "service:read"]),
    )
    assert api.status_code in (403, 404)
    model.refresh_from_db()
    assert not model.is_active
