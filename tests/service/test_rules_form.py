"""The rule editor as a form: condition and action rows (added, changed and removed with HTMX or
the plain buttons) make the structure `rules.py` evaluates; a dry run is shown before saving."""

import json
import re

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.service.conftest import at
from wendbaar.audit.models import AuditEvent
from wendbaar.service import rules
from wendbaar.service.models import Rule, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(team_a):
    return UserFactory(
        teams=[team_a], role_codes=["manager"], full_name="Mona Manager", language="en"
    )


def _rule(**extra) -> dict:
    data = {
        "name": "Lekkage spoed",
        "position": "10",
        "is_active": "on",
        "cond-a1-kind": "words",
        "cond-a1-value": "lekkage, lekt",
        "cond-a2-kind": "priority",
        "cond-a2-value": ["high", "urgent"],
        "cond-a3-kind": "customer",
        "cond-a3-value": "vve.nl, Jan@Example.nl",
        "cond-a4-kind": "outside_hours",
        "cond-a4-value": "1",
        "cond-a5-kind": "weekdays",
        "cond-a5-value": ["5", "6"],
        "act-b1-kind": "assign",
        "act-b1-value": "alice@example.nl",
        "act-b2-kind": "tag",
        "act-b2-value": "lekkage",
        "act-b3-kind": "priority",
        "act-b3-value": "urgent",
        "act-b4-kind": "notify",
        "act-b4-value": "service@warmtewerk.test",
        "act-b5-kind": "reply",
        "act-b5-value": "We komen eraan.",
    }
    data.update(extra)
    return data


def test_rows_make_the_stored_structure_after_a_dry_run(manager, alice, client_for):
    client = client_for(manager)
    assert client.get(reverse("service:rule_create")).status_code == 200
    # Saving straight away shows the dry run first and saves nothing.
    first = client.post(reverse("service:rule_create"), _rule(save="1"))
    assert first.status_code == 200 and not Rule.objects.exists()
    assert first.context["dry_run"] == []
    assert "Check which recent questions this rule would hit" in first.content.decode()
    checksum = first.context["checksum"]
    saved = client.post(reverse("service:rule_create"), _rule(save="1", checked=checksum))
    assert saved.status_code == 302
    rule = Rule.objects.get()
    assert rule.conditions == {
        "words": ["lekkage", "lekt"],
        "priority": ["high", "urgent"],
        "customer": ["@vve.nl", "jan@example.nl"],
        "outside_hours": True,
        "weekdays": [5, 6],
    }
    assert rule.actions == [
        {"action": "assign", "email": "alice@example.nl"},
        {"action": "tag", "tag": "lekkage"},
        {"action": "priority", "value": "urgent"},
        {"action": "notify", "email": "service@warmtewerk.test"},
        {"action": "reply", "text": "We komen eraan."},
    ]
    assert rule.position == 10 and rule.is_active and not rule.stop_processing
    assert rules.rule_validate(conditions=rule.conditions, actions=rule.actions)
    assert AuditEvent.objects.filter(action="service.rule_saved").count() == 1


def test_a_rule_changed_after_the_dry_run_is_tried_again_before_saving(manager, alice, client_for):
    client = client_for(manager)
    checksum = client.post(reverse("service:rule_create"), _rule(preview="1")).context["checksum"]
    changed = client.post(
        reverse("service:rule_create"),
        _rule(**{"cond-a1-value": "water", "save": "1", "checked": checksum}),
    )
    assert changed.status_code == 200 and not Rule.objects.exists()
    assert "changed since the last try" in changed.content.decode()


def test_the_edit_page_shows_the_stored_rule_as_rows_and_read_only_json(manager, client_for, alice):
    rule = rules.rule_save(
        actor=manager,
        name="Facturen",
        conditions={"queue": ["facturen"], "words": ["factuur"], "outside_hours": False},
        actions=[{"action": "tag", "tag": "factuur"}],
    )
    page = client_for(manager).get(reverse("service:rule_edit", args=[rule.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="factuur"' in html and "during business hours" in html
    assert re.search(r'<option value="outside_hours" selected>', html)
    assert page.context["stored_json"] and json.loads(page.context["stored_json"])["actions"]
    # Saving the edit (after its dry run) changes the same rule.
    data = {
        "name": "Facturen",
        "position": "100",
        "is_active": "on",
        "cond-x1-kind": "words",
        "cond-x1-value": "factuur, incasso",
        "act-y1-kind": "tag",
        "act-y1-value": "factuur",
    }
    client = client_for(manager)
    url = reverse("service:rule_edit", args=[rule.pk])
    checksum = client.post(url, data | {"preview": "1"}).context["checksum"]
    assert client.post(url, data | {"save": "1", "checked": checksum}).status_code == 302
    rule.refresh_from_db()
    assert rule.conditions == {"words": ["factuur", "incasso"]}
    assert Rule.objects.count() == 1


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"cond-a2-value": []}, "Condition 2: choose at least one value."),
        ({"cond-a3-value": "geen domein"}, "Condition 3: geen domein is not an e-mail address"),
        ({"cond-a5-kind": "words"}, "Condition 5: Subject or text contains one of the words is"),
        ({"act-b1-value": "nobody@x.nl"}, "Action 1: no active person"),
        ({"act-b5-value": " "}, "Action 5: a template reply needs a text."),
        ({"name": " "}, "A rule needs a name."),
    ],
)
def test_a_bad_rule_in_the_form_is_refused_clearly_and_nothing_saved(
    manager, alice, client_for, extra, message
):
    response = client_for(manager).post(
        reverse("service:rule_create"), _rule(**extra, save="1", checked="x")
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Rule.objects.exists()


def test_a_rule_needs_an_action(manager, client_for):
    data = {k: v for k, v in _rule(preview="1").items() if not k.startswith("act-")}
    response = client_for(manager).post(reverse("service:rule_create"), data)
    assert response.status_code == 400
    assert "A rule needs at least one action." in response.content.decode()


def test_rows_are_added_changed_and_removed(manager, client_for):
    client = client_for(manager)
    headers = {"HTTP_HX_REQUEST": "true"}
    added = client.get(reverse("service:rule_row"), {"part": "condition"}, **headers)
    assert added.status_code == 200 and 'data-testid="condition-row"' in added.content.decode()
    assert "<html" not in added.content.decode()
    changed = client.get(
        reverse("service:rule_row"),
        {"part": "condition", "id": "abc1", "cond-abc1-kind": "priority"},
        **headers,
    )
    html = changed.content.decode()
    assert 'name="cond-abc1-value" value="urgent"' in html and 'type="checkbox"' in html
    action = client.get(
        reverse("service:rule_row"),
        {"part": "action", "id": "abc2", "act-abc2-kind": "reply"},
        **headers,
    )
    assert '<textarea name="act-abc2-value"' in action.content.decode()
    removed = client.get(
        reverse("service:rule_row"), {"part": "action", "id": "abc2", "remove": "1"}, **headers
    )
    assert removed.status_code == 200 and removed.content == b""
    bad = client.get(reverse("service:rule_row"), {"part": "other", "id": "<x>"}, **headers)
    assert bad.status_code == 400
    # Without JavaScript the same buttons post the form back with a row more or less.
    more = client.post(reverse("service:rule_create"), _rule(add="action"))
    assert len(more.context["builder"].action_rows) == 6 and not Rule.objects.exists()
    fewer = client.post(reverse("service:rule_create"), _rule(remove="a1"))
    assert [r["id"] for r in fewer.context["builder"].condition_rows] == [
        "a2",
        "a3",
        "a4",
        "a5",
    ]


def test_dry_run_shows_which_recent_tickets_a_rule_would_hit(
    manager, bob, receive, client_for, team_a
):
    leak = receive("Er is een lekkage in de keuken.", subject="Lekkage").ticket
    Ticket.objects.filter(pk=leak.pk).update(team=team_a, visibility="team")
    receive("Vraag over mijn factuur", subject="Factuur", email="f@k.nl")
    old = receive("Lekkage van vorig jaar", subject="Lekkage", email="o@k.nl").ticket
    Ticket.objects.filter(pk=old.pk).update(received_at=at(2025, 1, 1, 10, 0))
    response = client_for(manager).post(
        reverse("service:rule_create"),
        {
            "name": "Lekkage",
            "cond-c1-kind": "words",
            "cond-c1-value": "lekkage",
            "act-d1-kind": "tag",
            "act-d1-value": "lekkage",
            "preview": "1",
        },
    )
    hits = response.context["dry_run"]
    assert [h["ticket"].pk for h in hits] == [leak.pk]
    assert "words: lekkage" in hits[0]["reasons"]
    assert f"#{leak.pk} Lekkage" in response.content.decode()
    assert not Rule.objects.exists()  # a dry run saves nothing
    # Only tickets the person may see are shown.
    assert leak.pk not in [
        h["ticket"].pk for h in rules.rule_dry_run(user=bob, conditions={"words": ["lekkage"]})
    ]


def test_an_agent_who_is_not_a_manager_cannot_open_or_post_the_editor(manager, alice, client_for):
    rule = rules.rule_save(
        actor=manager, name="R", conditions={}, actions=[{"action": "tag", "tag": "x"}]
    )
    client = client_for(alice)
    assert client.get(reverse("service:rules")).status_code == 403
    assert client.get(reverse("service:rule_create")).status_code == 403
    assert client.get(reverse("service:rule_edit", args=[rule.pk])).status_code == 403
    assert client.get(reverse("service:rule_row"), {"part": "condition"}).status_code == 403
    assert client.post(reverse("service:rule_create"), _rule(save="1")).status_code == 403
    assert client.post(reverse("service:rule_toggle", args=[rule.pk])).status_code == 403
    assert Rule.objects.count() == 1 and Rule.objects.get().is_active


def test_the_rule_list_describes_rules_in_words(manager, client_for):
    rules.rule_save(
        actor=manager,
        name="Weekend",
        conditions={"weekdays": [5, 6], "priority": ["urgent"]},
        actions=[{"action": "priority", "value": "high"}],
    )
    html = client_for(manager).get(reverse("service:rules")).content.decode()
    assert "Received on: Saturday, Sunday" in html
    assert "Priority is: Urgent" in html and "Set priority: High" in html


def test_a_route_to_queue_row_offers_the_queues_and_is_stored(manager, queues, client_for):
    client = client_for(manager)
    page = client.get(reverse("service:rule_create")).content.decode()
    assert "Route to queue" in page
    data = {
        "name": "Facturen naar Projecten",
        "position": "5",
        "is_active": "on",
        "cond-a1-kind": "words",
        "cond-a1-value": "factuur",
        "act-b1-kind": "queue",
        "act-b1-value": "facturen",
    }
    checksum = client.post(reverse("service:rule_create"), {**data, "preview": "1"}).context[
        "checksum"
    ]
    saved = client.post(reverse("service:rule_create"), {**data, "save": "1", "checked": checksum})
    assert saved.status_code == 302
    assert Rule.objects.get().actions == [{"action": "queue", "queue": "facturen"}]
    listed = client.get(reverse("service:rules")).content.decode()
    assert "Route to queue: Facturen" in listed
    unknown = client.post(
        reverse("service:rule_create"),
        {**data, "act-b1-value": "bestaat-niet", "save": "1", "checked": checksum},
    )
    assert unknown.status_code == 400 and Rule.objects.count() == 1
    assert "no active queue with the code bestaat-niet" in unknown.content.decode()
