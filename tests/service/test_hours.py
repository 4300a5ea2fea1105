"""Working hours: Dutch holidays computed in code and SLA deadlines counted in business hours."""

from datetime import date

from tests.service.conftest import at
from wendbaar.service import hours
from wendbaar.service.choices import LiberationDay

WEEKDAYS = {str(d): ["08:30", "17:00"] for d in range(5)}


def test_easter_and_the_holidays_that_follow_it():
    assert hours.easter_sunday(2026) == date(2026, 4, 5)
    assert hours.easter_sunday(2027) == date(2027, 3, 28)
    days = hours.dutch_holidays(2026)
    assert date(2026, 4, 6) in days  # Tweede Paasdag
    assert date(2026, 5, 14) in days  # Hemelvaart
    assert date(2026, 5, 25) in days  # Tweede Pinksterdag
    assert {date(2026, 1, 1), date(2026, 12, 25), date(2026, 12, 26)} <= set(days)


def test_kings_day_moves_to_saturday_when_it_falls_on_a_sunday():
    assert date(2025, 4, 26) in hours.dutch_holidays(2025)  # 27 April 2025 is a Sunday
    assert date(2025, 4, 27) not in hours.dutch_holidays(2025)
    assert date(2026, 4, 27) in hours.dutch_holidays(2026)


def test_liberation_day_is_configurable():
    assert date(2025, 5, 5) in hours.dutch_holidays(2025, LiberationDay.LUSTRUM)
    assert date(2026, 5, 5) not in hours.dutch_holidays(2026, LiberationDay.LUSTRUM)
    assert date(2026, 5, 5) in hours.dutch_holidays(2026, LiberationDay.ALWAYS)
    assert date(2025, 5, 5) not in hours.dutch_holidays(2025, LiberationDay.NEVER)


def test_deadline_skips_the_night_the_weekend_and_christmas():
    calendar = hours.Calendar(hours=WEEKDAYS)
    # Thursday 24 Dec 2026, 16:00; 4 working hours: 1 on Thursday, then Christmas (Fri 25,
    # Sat 26), Sunday, and Monday 28 from 08:30 another 3.
    due = calendar.add_working_hours(at(2026, 12, 24, 16, 0), 4)
    assert due == at(2026, 12, 28, 11, 30)
    # Arriving at night counts from opening time.
    assert calendar.add_working_hours(at(2026, 12, 7, 2, 0), 2) == at(2026, 12, 7, 10, 30)
    assert calendar.working_hours_between(at(2026, 12, 24, 16, 0), due) == 4


def test_a_calendar_without_opening_hours_has_no_deadline():
    assert hours.Calendar(hours={}).add_working_hours(at(2026, 12, 7, 9, 0), 4) is None
