import csv
import io

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from wendbaar.audit import context
from wendbaar.audit.models import AuditEvent, ImmutableError
from wendbaar.audit.services import audit_log

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(alice):
    return audit_log(actor=alice, action="test.done", target=alice, data={"n": 1})


class TestAppendOnly:
    def test_events_cannot_be_changed_or_deleted_through_the_orm(self, event):
        event.action = "rewritten"
        with pytest.raises(ImmutableError):
            event.save()
        with pytest.raises(ImmutableError):
            event.delete()
        with pytest.raises(ImmutableError):
            AuditEvent.objects.filter(pk=event.pk).update(action="rewritten")
        with pytest.raises(ImmutableError):
            AuditEvent.objects.all().delete()
        assert AuditEvent.objects.get(pk=event.pk).action == "test.done"

    @pytest.mark.parametrize(
        "statement",
        [
            "UPDATE audit_auditevent SET action = 'rewritten'",
            "DELETE FROM audit_auditevent",
        ],
    )
    def test_the_database_refuses_raw_changes_too(self, event, statement):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
        assert AuditEvent.objects.get(pk=event.pk).action == "test.done"

    def test_events_outlive_the_people_they_mention(self, event, alice, admin_user):
        from wendbaar.accounts.models import User

        User.objects.filter(pk=alice.pk).delete()
        survivor = AuditEvent.objects.get(pk=event.pk)
        assert survivor.actor_label == "Alice de Vries" and survivor.actor_id is not None


def test_events_record_ip_and_token_of_the_request(alice, team_a, token_for):
    from tests.copilot.factories import DraftFactory

    draft = DraftFactory(owner=alice, assignee=alice, team=team_a)
    Client().post(
        f"/api/drafts/{draft.pk}/review",
        {"decision": "accepted"},
        content_type="application/json",
        HTTP_AUTHORIZATION=token_for(alice, ["drafts:write"]),
        REMOTE_ADDR="192.0.2.7",
    )
    event = AuditEvent.objects.get(action="draft.accepted")
    assert (
        event.ip == "192.0.2.7" and event.channel == "api" and event.token_label.startswith("test")
    )
    assert event.actor_id == alice.pk


def test_system_events_outside_requests_have_no_address(db):
    assert context.get().channel == "system"
    event = audit_log(actor=None, action="system.tick")
    assert event.ip is None and event.actor_label == ""


class TestReading:
    def test_only_administrators_see_the_log(self, alice, admin_user, event, client_for):
        assert client_for(alice).get(reverse("audit:event_list")).status_code == 403
        assert client_for(alice).get(reverse("audit:event_export")).status_code == 403
        page = client_for(admin_user).get(reverse("audit:event_list"), {"action": "test."})
        assert page.status_code == 200 and "test.done" in page.content.decode()

    def test_csv_export_is_complete_filtered_and_safe_for_spreadsheets(
        self, admin_user, alice, client_for
    ):
        audit_log(actor=alice, action="test.formula", data={"note": "x"})
        from wendbaar.accounts.models import User

        User.objects.filter(pk=alice.pk).update(full_name="=HYPERLINK(evil)")
        alice.refresh_from_db()
        audit_log(actor=alice, action="test.formula")
        response = client_for(admin_user).get(
            reverse("audit:event_export"), {"action": "test.formula"}
        )
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
        assert [r["action"] for r in rows] == ["test.formula", "test.formula"]
        assert rows[1]["actor_label"] == "'=HYPERLINK(evil)"
        assert AuditEvent.objects.filter(action="audit.exported", actor_id=admin_user.pk).exists()

    def test_api_lists_events_for_admins_only(self, alice, admin_user, event, token_for):
        api = Client()
        assert (
            api.get(
                "/api/audit/events", HTTP_AUTHORIZATION=token_for(alice, ["audit:read"])
            ).status_code
            == 403
        )
        response = api.get(
            "/api/audit/events",
            {"action": "test."},
            HTTP_AUTHORIZATION=token_for(admin_user, ["audit:read"]),
        )
        assert response.status_code == 200 and response.json()["items"][0]["action"] == "test.done"

    def test_django_admin_offers_no_add_change_or_delete(self, admin_user, event):
        client = Client()
        admin_user.is_superuser = True
        admin_user.save()
        client.force_login(admin_user)
        assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
        assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
        response = client.post(
            reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}
        )
        assert response.status_code == 403
        assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_sign_ins_sign_outs_and_failed_attempts_are_audited_without_passwords(alice, password):
    client = Client()
    client.post(
        reverse("accounts:login"), {"username": "alice@example.nl", "password": "fout-wachtwoord"}
    )
    client.post(reverse("accounts:login"), {"username": "alice@example.nl", "password": password})
    client.post(reverse("accounts:logout"))
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["auth.login_failed", "auth.login", "auth.logout"]
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.data == {"username": "alice@example.nl"}
    assert "fout-wachtwoord" not in str(failed.data)


def test_invalid_filters_never_fall_back_to_the_whole_log(admin_user, event, client_for):
    client = client_for(admin_user)
    page = client.get(reverse("audit:event_list"), {"since": "gisteren"})
    assert page.status_code == 400 and "test.done" not in page.content.decode()
    export = client.get(reverse("audit:event_export"), {"since": "gisteren"})
    assert export.status_code == 400
