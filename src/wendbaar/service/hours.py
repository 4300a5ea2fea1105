"""Working hours: Dutch public holidays and SLA deadlines counted in business hours."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from wendbaar.service.choices import LiberationDay


def easter_sunday(year: int) -> date:
    """Western Easter (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def dutch_holidays(year: int, liberation_day: str = LiberationDay.LUSTRUM) -> dict[date, str]:
    """The Dutch public holidays of a year that are days off."""
    easter = easter_sunday(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:  # on a Sunday, Koningsdag moves to Saturday the 26th
        kings_day = date(year, 4, 26)
    days = {
        date(year, 1, 1): str(_("New Year's Day")),
        easter: str(_("Easter Sunday")),
        easter + timedelta(days=1): str(_("Easter Monday")),
        kings_day: str(_("King's Day")),
        easter + timedelta(days=39): str(_("Ascension Day")),
        easter + timedelta(days=49): str(_("Whit Sunday")),
        easter + timedelta(days=50): str(_("Whit Monday")),
        date(year, 12, 25): str(_("Christmas Day")),
        date(year, 12, 26): str(_("Boxing Day")),
    }
    if liberation_day == LiberationDay.ALWAYS or (
        liberation_day == LiberationDay.LUSTRUM and year % 5 == 0
    ):
        days[date(year, 5, 5)] = str(_("Liberation Day"))
    return days


@dataclass
class Calendar:
    """Opening hours per weekday plus closed days, in one time zone."""

    time_zone: str = "Europe/Amsterdam"
    hours: dict = field(default_factory=dict)  # "0".."6" -> ["08:30", "17:00"]
    liberation_day: str = LiberationDay.LUSTRUM
    closed_days: set[date] = field(default_factory=set)

    def __post_init__(self):
        self._zone = ZoneInfo(self.time_zone)
        self._holidays: dict[int, dict[date, str]] = {}

    def is_closed(self, day: date) -> bool:
        if day in self.closed_days:
            return True
        if day.year not in self._holidays:
            self._holidays[day.year] = dutch_holidays(day.year, self.liberation_day)
        return day in self._holidays[day.year]

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The opening hours of a day as aware datetimes, or None when closed."""
        if self.is_closed(day):
            return None
        span = self.hours.get(str(day.weekday()))
        if not span or len(span) != 2:
            return None
        start, end = (time.fromisoformat(s) for s in span)
        if end <= start:
            return None
        return (
            datetime.combine(day, start, tzinfo=self._zone),
            datetime.combine(day, end, tzinfo=self._zone),
        )

    def add_working_hours(self, start: datetime, hours: float) -> datetime | None:
        """The moment `hours` working hours after `start`; None when the calendar has no hours."""
        remaining = timedelta(hours=hours)
        moment = start.astimezone(self._zone)
        day = moment.date()
        for _attempt in range(3 * 366):  # a calendar that is always closed ends the search
            window = self.window(day)
            if window is not None:
                opens, closes = window
                begin = max(moment, opens)
                if begin < closes:
                    available = closes - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
            day += timedelta(days=1)
        return None

    def working_hours_between(self, start: datetime, end: datetime) -> float:
        """Working hours from `start` to `end` (negative when `end` is earlier)."""
        if end < start:
            return -self.working_hours_between(end, start)
        total = timedelta()
        day = start.astimezone(self._zone).date()
        last = end.astimezone(self._zone).date()
        while day <= last:
            window = self.window(day)
            if window is not None:
                begin, finish = max(start, window[0]), min(end, window[1])
                if finish > begin:
                    total += finish - begin
            day += timedelta(days=1)
        return total.total_seconds() / 3600
