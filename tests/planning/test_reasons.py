"""Every reason code the planner gives reads as a sentence with names, never internal keys."""

import re

import pytest

from tests.accounts.factories import LocationFactory
from wendbaar.planning.reasons import reason_text, violation_text

pytestmark = pytest.mark.django_db

CODES = [
    {"code": "not_working"},
    {"code": "unavailable"},
    {"code": "no_location"},
    {"code": "fixed_day"},
    {"code": "team_rule", "team": "team1", "need": 3, "count": 4},
    {"code": "colleagues", "count": 2, "weight": 3, "location": "LOC"},
    {"code": "preferred_day"},
    {"code": "min_office_days", "count": 2},
    {"code": "max_office_days", "count": 3},
    {"code": "capacity_full", "locations": ["LOC"]},
    {"code": "other_location_full", "location": "LOC"},
    {"code": "home"},
    {"code": "colleagues_in_office", "count": 2, "weight": 2},
    {"code": "swapped_by_hand"},
]


@pytest.mark.parametrize("reason", CODES, ids=[r["code"] for r in CODES])
def test_each_reason_code_reads_as_a_sentence(reason):
    office = LocationFactory(name="Kantoor Utrecht")
    reason = {k: (f"loc{office.pk}" if v == "LOC" else v) for k, v in reason.items()}
    reason = {k: ([f"loc{office.pk}"] if v == ["LOC"] else v) for k, v in reason.items()}
    text = reason_text({**reason, "message": "internal p12 loc3"})
    assert text and not re.search(r"\bloc\d|p12", text)
    if "location" in reason or "locations" in reason:
        assert "Kantoor Utrecht" in text


def test_an_unknown_code_shows_nothing_internal():
    assert reason_text({"code": "new_code", "message": "p12 at loc3"}) == ""


def test_a_capacity_violation_names_the_location():
    office = LocationFactory(name="Hub Zwolle")
    text = violation_text({"code": "capacity", "location": f"loc{office.pk}", "day": "fri"})
    assert "Hub Zwolle" in text and "friday" in text
