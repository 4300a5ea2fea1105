"""The permission model every capability relies on: who sees which record, checked exhaustively."""

import itertools

import pytest

from tests.accounts.factories import RoleFactory, TeamFactory, UserFactory
from tests.copilot.factories import DraftFactory
from wendbaar.accounts.choices import Visibility
from wendbaar.accounts.selectors import can_view, user_principals, visible_to
from wendbaar.copilot.models import Draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Three teams, a custom role, people in various combinations, and records of every visibility."""
    teams = [TeamFactory(slug=f"t{i}", name=f"T{i}") for i in range(3)]
    role = RoleFactory(code="quality", name="Kwaliteit")
    people = [
        UserFactory(teams=[teams[0]]),
        UserFactory(teams=[teams[1]]),
        UserFactory(teams=[teams[0], teams[2]]),
        UserFactory(teams=[], role_codes=["quality"]),
        UserFactory(teams=[teams[2]], role_codes=["admin"]),
    ]
    inactive = UserFactory(teams=[teams[0]], is_active=False)
    records = []
    for owner, team, visibility in itertools.product(people[:3], [None, *teams], Visibility.values):
        draft = DraftFactory(owner=owner, team=team, visibility=visibility)
        if visibility == Visibility.NAMED:
            draft.shared_with_teams.set([teams[1]] if team != teams[1] else [teams[2]])
            draft.shared_with_roles.set([role])
        records.append(draft)
    return {
        "teams": teams,
        "people": people,
        "inactive": inactive,
        "records": records,
        "role": role,
    }


def expected_visible(user, draft) -> bool:
    team_ids = set(user.memberships.values_list("team_id", flat=True))
    role_ids = set(user.roles.values_list("id", flat=True))
    if draft.owner_id == user.pk or draft.visibility == Visibility.ORGANISATION:
        return True
    in_team = draft.team_id in team_ids
    if draft.visibility == Visibility.TEAM:
        return in_team
    if draft.visibility == Visibility.NAMED:
        shared_teams = set(draft.shared_with_teams.values_list("id", flat=True))
        shared_roles = set(draft.shared_with_roles.values_list("id", flat=True))
        return in_team or bool(shared_teams & team_ids) or bool(shared_roles & role_ids)
    return False


def test_every_person_sees_exactly_what_the_rules_allow(world):
    for user in world["people"]:
        visible = set(visible_to(Draft.objects.all(), user).values_list("pk", flat=True))
        expected = {d.pk for d in world["records"] if expected_visible(user, d)}
        assert visible == expected, user.email


def test_visible_queryset_has_no_duplicates_so_counts_are_honest(world):
    member_of_two_teams = world["people"][2]
    qs = visible_to(Draft.objects.all(), member_of_two_teams)
    assert qs.count() == len(set(qs.values_list("pk", flat=True)))


def test_index_principals_agree_with_the_query_rule(world):
    """A search index filters by principal keys; they must give the same answer as the database query."""
    for user in world["people"]:
        keys = set(user_principals(user))
        for draft in world["records"]:
            by_keys = bool(keys & set(draft.principals()))
            assert by_keys == can_view(user, draft), (user.email, draft.visibility, draft.team_id)


def test_private_records_stay_private_even_for_administrators(world):
    admin = world["people"][4]
    private_of_others = [
        d for d in world["records"] if d.visibility == Visibility.PRIVATE and d.owner_id != admin.pk
    ]
    assert private_of_others
    assert not visible_to(
        Draft.objects.filter(pk__in=[d.pk for d in private_of_others]), admin
    ).exists()


def test_inactive_and_anonymous_people_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not visible_to(Draft.objects.all(), world["inactive"]).exists()
    assert not visible_to(Draft.objects.all(), AnonymousUser()).exists()
    assert user_principals(world["inactive"]) == []


def test_named_role_share_reaches_role_holders_outside_the_team(world):
    quality = world["people"][3]
    named = [d for d in world["records"] if d.visibility == Visibility.NAMED]
    assert all(can_view(quality, d) for d in named)
    team_only = [
        d for d in world["records"] if d.visibility == Visibility.TEAM and d.owner_id != quality.pk
    ]
    assert not any(can_view(quality, d) for d in team_only)
