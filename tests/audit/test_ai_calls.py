"""The AI-call log: one row per engine call, append-only like the audit log, read-only in admin."""

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from wendbaar.audit import context
from wendbaar.audit.models import AiCall, ImmutableError
from wendbaar.audit.services import log_ai_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(alice):
    return log_ai_call(
        actor=alice,
        capability="service.reply",
        operation="generate",
        purpose="reply draft",
        provider="openai",
        model_name="mistral-small",
        prompt_version="json-1+abcdef12",
        input_chars=1234,
        masked_counts={"email": 2, "person": 1, "iban": 0},
        source_ids=["doc:1#p1", "ticket:9"],
        tokens_in=900,
        tokens_out=300,
        cost=0.0042,
        duration_ms=1500,
        outcome="ok",
    )


def test_a_call_records_who_what_where_masked_sources_and_cost(call, alice):
    row = AiCall.objects.get(pk=call.pk)
    assert (row.actor_id, row.actor_label) == (alice.pk, "Alice de Vries")
    assert (row.capability, row.operation, row.purpose) == (
        "service.reply",
        "generate",
        "reply draft",
    )
    assert (row.provider, row.model_name, row.prompt_version) == (
        "openai",
        "mistral-small",
        "json-1+abcdef12",
    )
    assert row.masked_counts == {"email": 2, "person": 1}  # Kinds with nothing masked are left out.
    assert row.source_ids == ["doc:1#p1", "ticket:9"]
    assert (row.tokens_in, row.tokens_out, row.cost) == (900, 300, Decimal("0.004200"))
    assert (row.input_chars, row.duration_ms, row.outcome, row.error) == (1234, 1500, "ok", "")
    assert row.channel == context.get().channel


def test_an_unknown_outcome_is_a_programming_error(alice):
    with pytest.raises(ValueError):
        log_ai_call(
            actor=alice, capability="x", operation="embed", provider="embedded", outcome="meh"
        )


class TestAppendOnly:
    def test_calls_cannot_be_changed_or_deleted_through_the_orm(self, call):
        call.outcome = "error"
        with pytest.raises(ImmutableError):
            call.save()
        with pytest.raises(ImmutableError):
            call.delete()
        with pytest.raises(ImmutableError):
            AiCall.objects.filter(pk=call.pk).update(outcome="error")
        with pytest.raises(ImmutableError):
            AiCall.objects.all().delete()
        assert AiCall.objects.get(pk=call.pk).outcome == "ok"

    @pytest.mark.parametrize(
        "statement", ["UPDATE audit_aicall SET outcome = 'error'", "DELETE FROM audit_aicall"]
    )
    def test_the_database_refuses_raw_changes_too(self, call, statement):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
        assert AiCall.objects.get(pk=call.pk).outcome == "ok"

    def test_calls_outlive_the_people_who_made_them(self, call, alice):
        from wendbaar.accounts.models import User

        User.objects.filter(pk=alice.pk).delete()
        assert AiCall.objects.get(pk=call.pk).actor_label == "Alice de Vries"


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_can_still_be_flushed_with_the_guard_on(alice):
    # A transactional test: the suite must still be able to empty the table afterwards.
    log_ai_call(actor=alice, capability="x", operation="embed", provider="embedded", outcome="ok")
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_aicall")


class TestAdmin:
    def test_administrators_read_the_log_but_cannot_change_it(self, call, admin_user, client_for):
        client = client_for(admin_user)
        assert client.get(reverse("admin:audit_aicall_changelist")).status_code == 200
        detail = client.get(reverse("admin:audit_aicall_change", args=[call.pk]))
        assert detail.status_code == 200 and b"mistral-small" in detail.content
        assert client.get(reverse("admin:audit_aicall_add")).status_code == 403
        response = client.post(
            reverse("admin:audit_aicall_delete", args=[call.pk]), {"post": "yes"}
        )
        assert response.status_code == 403
        assert AiCall.objects.filter(pk=call.pk).exists()

    def test_members_cannot_see_it(self, call, alice, client_for):
        response = client_for(alice).get(reverse("admin:audit_aicall_changelist"))
        assert response.status_code == 302
