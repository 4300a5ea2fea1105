import pytest
from django.urls import reverse

from wendbaar.audit.models import AuditEvent
from wendbaar.privacy import selectors

pytestmark = pytest.mark.django_db


def test_members_may_not_see_the_policy_page(client_for, alice):
    assert client_for(alice).get(reverse("privacy:policy_list")).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("privacy:policy_list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_admin_sees_every_capability_with_its_policy(client_for, admin_user):
    response = client_for(admin_user).get(reverse("privacy:policy_list"))
    assert response.status_code == 200
    page = response.content.decode()
    for code in ("knowledge", "meetings", "service", "quotes"):
        assert f'data-testid="policy-{code}"' in page


def test_admin_saves_a_policy_and_the_change_is_audited(client_for, admin_user):
    response = client_for(admin_user).post(
        reverse("privacy:policy_list"),
        {"capability": "meetings", "mask_personal_data": "on", "mask_types": ["PERSON", "PHONE"]},
    )
    assert response.status_code == 302
    decision = selectors.ai_policy_for("meetings")
    assert decision.allowed_providers == ("embedded",)
    assert decision.mask_types == ("PERSON", "PHONE")
    assert AuditEvent.objects.filter(action="ai_policy.updated", actor_id=admin_user.pk).exists()


def test_a_refused_policy_shows_the_reason_and_saves_nothing(client_for, admin_user):
    response = client_for(admin_user).post(
        reverse("privacy:policy_list"),
        {"capability": "meetings", "allow_external": "on", "mask_personal_data": "on"},
    )
    assert response.status_code == 200
    assert selectors.ai_policy_for("meetings").is_default
    assert not AuditEvent.objects.filter(action="ai_policy.updated").exists()


def test_members_cannot_post_a_policy_either(client_for, alice):
    response = client_for(alice).post(
        reverse("privacy:policy_list"), {"capability": "meetings", "allow_external": "on"}
    )
    assert response.status_code == 403
    assert selectors.ai_policy_for("meetings").is_default


def test_admin_checks_a_text_and_sees_what_would_be_masked(client_for, admin_user):
    response = client_for(admin_user).post(
        reverse("privacy:policy_list"),
        {"action": "check", "text": "Bel Jan Jansen op 06-12345678."},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bel [PERSON_1] op [PHONE_1]." in page
    assert "06-12345678" in page  # in the table of what was found


def test_the_policy_is_in_the_django_admin_for_administrators(client_for, admin_user):
    response = client_for(admin_user).get(reverse("admin:privacy_aipolicy_changelist"))
    assert response.status_code == 200
