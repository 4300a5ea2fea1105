"""A person edits their own work pattern (preferred and unavailable office days, core hours,
reachable hours per channel) within the administrator's rules; a bad value gets a clear message
and nothing is saved; no one edits someone else's."""

from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tests.planning.factories import WorkPatternFactory
from wendbaar.planning import services
from wendbaar.planning.models import WorkPattern

pytestmark = pytest.mark.django_db


@pytest.fixture
def pattern(alice):
    return WorkPatternFactory(
        person=alice,
        contract_days=["mon", "tue", "wed", "thu"],
        min_office_days=2,
        max_office_days=3,
        fixed_office_days=["tue"],
    )


def test_i_set_my_days_and_hours_and_the_admins_part_stays(alice, pattern):
    services.work_pattern_update_own(
        actor=alice,
        preferred_office_days=["thu"],
        unavailable_office_days=["mon"],
        core_start=time(10),
        core_end=time(15),
        reachable_hours={"chat": ["08:30", "17:00"], "phone": ["09:00", "12:00"]},
    )
    pattern.refresh_from_db()
    assert pattern.preferred_office_days == ["thu"] and pattern.unavailable_office_days == ["mon"]
    assert pattern.reachable_hours["phone"] == ["09:00", "12:00"]
    assert (pattern.min_office_days, pattern.max_office_days) == (2, 3)
    assert pattern.fixed_office_days == ["tue"]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"unavailable_office_days": ["tue"]}, "unavailable_office_days", "fixed office day"),
        (
            {"unavailable_office_days": ["mon", "wed", "thu"]},
            "unavailable_office_days",
            "fewer than the minimum of 2",
        ),
        ({"preferred_office_days": ["fri"]}, "preferred_office_days", "working day"),
        (
            {"preferred_office_days": ["mon"], "unavailable_office_days": ["mon"]},
            "unavailable_office_days",
            "both preferred and unavailable",
        ),
        ({"core_start": time(15), "core_end": time(10)}, "core_end", "start before"),
    ],
)
def test_outside_the_rules_is_refused_with_a_message_and_nothing_saved(
    alice, pattern, change, field, words
):
    values = {"preferred_office_days": [], "unavailable_office_days": [], **change}
    with pytest.raises(ValidationError) as exc:
        services.work_pattern_update_own(actor=alice, **values)
    assert words in " ".join(exc.value.message_dict[field])
    pattern.refresh_from_db()
    assert pattern.unavailable_office_days == [] and pattern.core_start is None


def test_the_form_page_saves_and_explains(alice, pattern, client_for):
    client = client_for(alice)
    page = client.get("/planning/pattern/").content.decode()
    assert 'data-testid="work-pattern-form"' in page and 'value="fri"' not in page
    form = {
        "preferred_office_days": ["wed"],
        "unavailable_office_days": ["mon"],
        "core_start": "10:00",
        "core_end": "15:00",
        "reach_chat_start": "08:30",
        "reach_chat_end": "17:00",
    }
    assert client.post("/planning/pattern/", form).status_code == 302
    pattern.refresh_from_db()
    assert pattern.reachable_hours == {"chat": ["08:30", "17:00"]}
    bad = client.post(
        "/planning/pattern/", {**form, "reach_phone_start": "12:00", "reach_phone_end": "09:00"}
    )
    assert bad.status_code == 200
    assert "het einde moet na het begin liggen" in bad.content.decode()  # the page is Dutch
    bad = client.post("/planning/pattern/", {**form, "unavailable_office_days": ["tue"]})
    assert "vaste kantoordag die je beheerder heeft ingesteld" in bad.content.decode()
    pattern.refresh_from_db()
    assert pattern.unavailable_office_days == ["mon"] and "phone" not in pattern.reachable_hours


def test_my_pattern_over_the_api_is_mine_only(alice, bob, pattern, token_for):
    api = Client()
    auth = token_for(bob, ["planning:read", "planning:write"])
    response = api.put(
        "/api/planning/me/pattern",
        {"preferred_office_days": ["mon"], "reachable_hours": {"chat": ["09:00", "17:00"]}},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert response.status_code == 200
    assert WorkPattern.objects.get(person=bob).preferred_office_days == ["mon"]
    pattern.refresh_from_db()
    assert pattern.preferred_office_days == []  # Alice's is untouched
    alices = token_for(alice, ["planning:read", "planning:write"])
    response = api.put(
        "/api/planning/me/pattern",
        {"unavailable_office_days": ["tue"]},
        content_type="application/json",
        HTTP_AUTHORIZATION=alices,
    )
    assert response.status_code == 400 and "vaste kantoordag" in response.json()["error"]["message"]
    mine = api.get("/api/planning/me/pattern", HTTP_AUTHORIZATION=alices).json()
    assert mine["fixed_office_days"] == ["tue"] and mine["min_office_days"] == 2
