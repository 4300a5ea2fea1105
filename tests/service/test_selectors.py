"""Who sees which ticket: the queue's team, the assignee; nobody else (no admin bypass)."""

import pytest
from django.http import Http404
from django.test import Client

from tests.accounts.factories import UserFactory
from wendbaar.service import selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def storing(receive):
    return receive("De ketel geeft een storing.", subject="Storing ketel").ticket


def test_only_the_queue_team_sees_a_ticket(alice, bob, storing):
    assert storing.team.name == "Service & Onderhoud"
    assert list(selectors.ticket_list(user=alice)) == [storing]
    assert list(selectors.ticket_list(user=bob)) == []
    with pytest.raises(Http404):
        selectors.ticket_get(user=bob, pk=storing.pk)


def test_an_administrator_of_another_team_does_not_see_it(storing, team_b):
    admin = UserFactory(teams=[team_b], role_codes=["admin"])
    assert list(selectors.ticket_list(user=admin)) == []


def test_the_assignee_sees_the_ticket(alice, storing, team_a):
    colleague = UserFactory(teams=[team_a])
    services.ticket_assign(actor=alice, ticket=storing, assignee=colleague)
    colleague.memberships.all().delete()  # left the team, still has the ticket
    assert list(selectors.ticket_list(user=colleague)) == [storing]


def test_assigning_outside_the_team_is_refused(alice, bob, storing):
    from wendbaar.common.errors import BusinessRuleError

    with pytest.raises(BusinessRuleError, match="not in the team"):
        services.ticket_assign(actor=alice, ticket=storing, assignee=bob)
    with pytest.raises(BusinessRuleError, match="does not exist"):
        services.ticket_assign(actor=bob, ticket=storing, assignee=bob)


def test_api_lists_only_visible_tickets(alice, bob, storing, token_for):
    client = Client()
    mine = client.get("/api/service/tickets", HTTP_AUTHORIZATION=token_for(alice, ["service:read"]))
    theirs = client.get("/api/service/tickets", HTTP_AUTHORIZATION=token_for(bob, ["service:read"]))
    assert [t["id"] for t in mine.json()["items"]] == [storing.pk]
    assert theirs.json()["items"] == []
    detail = client.get(
        f"/api/service/tickets/{storing.pk}", HTTP_AUTHORIZATION=token_for(bob, ["service:read"])
    )
    assert detail.status_code == 404
