from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.accounts.factories import TeamFactory, UserFactory
from wendbaar.accounts import services
from wendbaar.accounts.models import ApiToken, Role, User
from wendbaar.audit.models import AuditEvent
from wendbaar.common.errors import BusinessRuleError

pytestmark = pytest.mark.django_db


def test_admin_adds_a_person_with_roles_and_teams_and_it_is_audited(admin_user):
    team = TeamFactory()
    sales = Role.objects.get(code="sales")
    person = services.person_create(
        actor=admin_user,
        email=" Nieuw@Example.NL ",
        full_name="Nieuwe Collega",
        roles=[sales],
        teams=[team],
    )
    assert person.email == "nieuw@example.nl"
    assert not person.has_usable_password()
    assert list(person.teams.all()) == [team]
    assert person.has_role("sales")
    event = AuditEvent.objects.get(action="person.created")
    assert event.actor_id == admin_user.pk and event.object_id == str(person.pk)


def test_member_cannot_add_people(alice):
    with pytest.raises(PermissionDenied):
        services.person_create(actor=alice, email="x@example.nl", full_name="X")
    assert not User.objects.filter(email="x@example.nl").exists()


def test_duplicate_email_is_refused_whatever_the_case(admin_user, alice):
    with pytest.raises(BusinessRuleError) as exc:
        services.person_create(actor=admin_user, email="ALICE@example.nl", full_name="Alice 2")
    assert exc.value.code == "duplicate_email"


def test_weak_password_is_refused_and_nothing_is_saved(admin_user):
    with pytest.raises(BusinessRuleError):
        services.person_create(
            actor=admin_user, email="new@example.nl", full_name="Nieuw", password="12345"
        )
    assert not User.objects.filter(email="new@example.nl").exists()


def test_admin_role_grants_django_admin_access_and_removing_it_takes_it_away(admin_user, alice):
    admin_role = Role.objects.get(code="admin")
    services.person_update(actor=admin_user, person=alice, roles=[admin_role])
    alice.refresh_from_db()
    assert alice.is_staff
    services.person_update(
        actor=admin_user, person=alice, roles=list(Role.objects.filter(code="member"))
    )
    alice.refresh_from_db()
    assert not alice.is_staff


def test_admin_cannot_remove_own_admin_role_or_deactivate_self(admin_user):
    with pytest.raises(BusinessRuleError):
        services.person_update(
            actor=admin_user, person=admin_user, roles=list(Role.objects.filter(code="member"))
        )
    with pytest.raises(BusinessRuleError):
        services.person_update(actor=admin_user, person=admin_user, is_active=False)
    admin_user.refresh_from_db()
    assert admin_user.is_active and admin_user.has_role("admin")


def test_team_membership_changes(admin_user, alice, team_b):
    services.team_set_member(actor=admin_user, team=team_b, person=alice, role="lead")
    assert alice.memberships.get(team=team_b).role == "lead"
    services.team_set_member(actor=admin_user, team=team_b, person=alice, role=None)
    assert not alice.memberships.filter(team=team_b).exists()


def test_builtin_roles_cannot_be_deleted_but_custom_ones_can(admin_user):
    with pytest.raises(BusinessRuleError):
        services.role_delete(actor=admin_user, role=Role.objects.get(code="hr"))
    custom = services.role_create(actor=admin_user, code="", name="Kwaliteitsmedewerker")
    assert custom.code == "kwaliteitsmedewerker"
    services.role_delete(actor=admin_user, role=custom)
    assert not Role.objects.filter(pk=custom.pk).exists()


class TestApiTokens:
    def test_token_is_stored_hashed_and_authenticates(self, alice):
        token, raw = services.api_token_create(actor=alice, name="mail", scopes=["drafts:read"])
        # The secret itself may hold "_" (URL-safe base64): split off only the two leading parts.
        assert raw.startswith("wb_") and raw.split("_", 2)[2] not in token.key_hash
        assert services.api_token_authenticate(raw) == token
        assert services.api_token_authenticate(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None
        assert services.api_token_authenticate("garbage") is None

    def test_revoked_expired_or_deactivated_tokens_stop_working(self, alice, admin_user):
        token, raw = services.api_token_create(actor=alice, name="a", scopes=["drafts:read"])
        services.api_token_revoke(actor=alice, token=token)
        assert services.api_token_authenticate(raw) is None

        token2, raw2 = services.api_token_create(
            actor=alice,
            name="b",
            scopes=["drafts:read"],
            expires_at=timezone.now() + timedelta(days=1),
        )
        ApiToken.objects.filter(pk=token2.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        assert services.api_token_authenticate(raw2) is None

        _token3, raw3 = services.api_token_create(actor=alice, name="c", scopes=["drafts:read"])
        services.person_update(actor=admin_user, person=alice, is_active=False)
        assert services.api_token_authenticate(raw3) is None

    def test_unknown_or_missing_scopes_are_refused(self, alice):
        with pytest.raises(BusinessRuleError):
            services.api_token_create(actor=alice, name="x", scopes=["everything"])
        with pytest.raises(BusinessRuleError):
            services.api_token_create(actor=alice, name="x", scopes=[])
        assert not ApiToken.objects.exists()

    def test_nobody_revokes_someone_elses_token(self, alice, bob):
        token, _raw = services.api_token_create(actor=alice, name="x", scopes=["drafts:read"])
        with pytest.raises(PermissionDenied):
            services.api_token_revoke(actor=bob, token=token)


def test_user_factory_users_can_sign_in(alice, password):
    assert alice.check_password(password)


def test_person_list_hides_inactive_people_from_non_admins(alice, admin_user):
    from wendbaar.accounts.selectors import person_list

    gone = UserFactory(is_active=False)
    assert gone not in person_list(user=alice, include_inactive=True)
    assert gone in person_list(user=admin_user, include_inactive=True)
