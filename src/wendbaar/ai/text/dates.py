"""Dates in Dutch and English text, resolved against a reference date (usually the meeting's day).

Each phrase ("volgende week vrijdag", "eind maart", "in two weeks", "15-03") becomes a date with the
text it came from and a confidence: high for a written-out date, lower where people differ in what
they mean ("volgende vrijdag", "next Friday", "begin maart"). Deadlines ("voor vrijdag", "by the end
of the month", "uiterlijk 15 maart") are marked with relation "before".
"""

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta

from wendbaar.ai.types import DateMatch

WEEKDAYS = {
    "maandag": 0, "dinsdag": 1, "woensdag": 2, "donderdag": 3, "vrijdag": 4, "zaterdag": 5,
    "zondag": 6, "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
    "saturday": 5, "sunday": 6,
}  # fmt: skip
MONTHS = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8,
    "october": 10, "jan": 1, "feb": 2, "mrt": 3, "mar": 3, "apr": 4, "jun": 6, "jul": 7,
    "aug": 8, "sep": 9, "sept": 9, "okt": 10, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
NUMBERS = {
    "een": 1, "één": 1, "eén": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6,
    "zeven": 7, "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13,
    "veertien": 14, "vijftien": 15, "twintig": 20, "dertig": 30, "a": 1, "an": 1, "one": 1,
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "twenty": 20, "thirty": 30,
}  # fmt: skip
UNITS = {
    "dag": "day", "dagen": "day", "werkdag": "workday", "werkdagen": "workday", "week": "week",
    "weken": "week", "maand": "month", "maanden": "month", "jaar": "year", "jaren": "year",
    "day": "day", "days": "day", "business day": "workday", "business days": "workday",
    "working day": "workday", "working days": "workday", "workday": "workday",
    "workdays": "workday", "weeks": "week", "fortnight": "fortnight", "month": "month",
    "months": "month", "year": "year", "years": "year",
}  # fmt: skip
RELATIVE_DAYS = {
    "vandaag": 0, "vanochtend": 0, "vanmorgen": 0, "vanmiddag": 0, "vanavond": 0, "morgen": 1,
    "morgenochtend": 1, "morgenmiddag": 1, "morgenavond": 1, "overmorgen": 2, "gisteren": -1,
    "eergisteren": -2, "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0,
    "this evening": 0, "tomorrow": 1, "tomorrow morning": 1, "tomorrow afternoon": 1,
    "the day after tomorrow": 2, "yesterday": -1, "the day before yesterday": -2,
}  # fmt: skip


def _alternatives(words) -> str:
    # Longest first, so "overmorgen" is tried before "morgen" and "sept" before "sep".
    return "|".join(
        re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True)
    )


# Abbreviated month names may carry a dot ("15 mrt."); after a full name a dot ends the sentence.
_ABBREVIATED_MONTHS = [
    "jan", "feb", "mrt", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "oct", "nov", "dec",
]  # fmt: skip
_ABBREVIATION_DOT = "(?:{})\\.".format("|".join(f"(?<={a})" for a in _ABBREVIATED_MONTHS))
_WD = rf"(?P<wd>{_alternatives(WEEKDAYS)})(?:ochtend|morgen|middag|avond)?"
_MONTH = rf"(?P<month>{_alternatives(MONTHS)})(?:{_ABBREVIATION_DOT})?"
_NUM = rf"(?P<n>\d{{1,3}}|{_alternatives(NUMBERS)})"
_UNIT = rf"(?P<unit>{_alternatives(UNITS)})"
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"
_DAY = r"(?P<day>\d{1,2})(?:e|ste|de|st|nd|rd|th)?"
_OPT_WD = rf"(?:(?:{_alternatives(WEEKDAYS)}),?\s+)?"
_DEADLINE = re.compile(
    r"(?:uiterlijk(?:\s+op)?|ten\s+laatste|niet\s+later\s+dan|vóór|voor|before|by|"
    r"no\s+later\s+than|not\s+later\s+than)\s+(?:on\s+|op\s+)?$",
    re.IGNORECASE,
)
_NOT_A_DATE_AFTER = (
    r"(?!\s*(?:%|x\b|€|euro|min|minuten|minutes|uur|hours?|dagen|days|weken|weeks|maanden|"
    r"months|jaar|years|keer|times|personen|people|mensen|stuks|pieces))"
)


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _next_weekday(ref: date, weekday: int) -> date:
    return ref + timedelta(days=(weekday - ref.weekday()) % 7 or 7)


def _previous_weekday(ref: date, weekday: int) -> date:
    return ref - timedelta(days=(ref.weekday() - weekday) % 7 or 7)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _add_workdays(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def _infer_year(ref: date, month: int, day: int) -> date:
    """A day and month without a year: this year, unless that was long ago, then next year."""
    candidate = date(ref.year, month, day)
    # Two months back is still "recently" (minutes about last month); further back means next year.
    if candidate < ref - timedelta(days=60):
        candidate = date(ref.year + 1, month, day)
    return candidate


def _month_year(ref: date, month: int, year: str | None) -> int:
    if year:
        return int(year)
    return ref.year + 1 if month < ref.month else ref.year


def _number(value: str) -> int:
    value = value.lower()
    return int(value) if value.isdigit() else NUMBERS[value]


def _weekday(m: re.Match) -> int:
    return WEEKDAYS[m.group("wd").lower()]


def _month(m: re.Match) -> int:
    return MONTHS[m.group("month").lower().rstrip(".")]


# Each handler turns a match into (date, confidence, relation), or None when it is no date after all.
Handler = Callable[[re.Match, date], tuple[date, float, str] | None]


def _iso(m, ref):
    return date(int(m["y"]), int(m["m"]), int(m["d"])), 0.95, "on"


def _numeric(m, ref):
    year = int(m["y"]) if m["y"] else None
    if year is not None and year < 100:
        year += 2000
    first, second = int(m["a"]), int(m["b"])
    # Day first, as in Dutch and British English; 03/15/2026 can only be month first.
    for day, month in ((first, second), (second, first)):
        if 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year or 2000, month)[1]:
            if year is not None:
                return date(year, month, day), 0.9, "on"
            confidence = 0.7 if len(m["a"]) == 2 and len(m["b"]) == 2 else 0.5
            return _infer_year(ref, month, day), confidence, "on"
    return None


def _day_month(m, ref):
    month, day = _month(m), int(m["day"])
    if m["year"]:
        return date(int(m["year"]), month, day), 0.95, "on"
    return _infer_year(ref, month, day), 0.9, "on"


def _relative_day(m, ref):
    return ref + timedelta(days=RELATIVE_DAYS[re.sub(r"\s+", " ", m["rel"].lower())]), 0.95, "on"


def _weekday_next_week(m, ref):
    return _week_start(ref) + timedelta(days=7 + _weekday(m)), 0.9, "on"


def _weekday_this_week(m, ref):
    return _week_start(ref) + timedelta(days=_weekday(m)), 0.85, "on"


def _weekday_coming(m, ref):
    return _next_weekday(ref, _weekday(m)), 0.85, "on"


def _weekday_next(m, ref):
    # "volgende vrijdag" / "next Friday": people differ; we take the one in next week.
    return _week_start(ref) + timedelta(days=7 + _weekday(m)), 0.6, "on"


def _weekday_previous_week(m, ref):
    return _week_start(ref) - timedelta(days=7 - _weekday(m)), 0.9, "on"


def _weekday_last(m, ref):
    return _previous_weekday(ref, _weekday(m)), 0.8, "on"


def _weekday_bare(m, ref):
    return _next_weekday(ref, _weekday(m)), 0.7, "on"


def _fixed(offset: Callable[[date], date], confidence: float, relation: str = "on") -> Handler:
    return lambda m, ref: (offset(ref), confidence, relation)


def _month_part(m, ref):
    month = _month(m)
    year = _month_year(ref, month, m["year"])
    part = re.sub(r"\s+", " ", m["part"].lower())
    if part in ("eind", "einde", "end of", "the end of", "late"):
        return _month_end(year, month), 0.8, "before"
    if part in ("medio", "half", "midden", "mid", "mid-", "the middle of", "middle of"):
        return date(year, month, 15), 0.7, "on"
    return date(year, month, 1), 0.6, "on"


def _next_month_end(ref: date) -> date:
    following = _add_months(ref.replace(day=1), 1)
    return _month_end(following.year, following.month)


def _duration(m, ref):
    count, unit = _number(m["n"]), UNITS[re.sub(r"\s+", " ", m["unit"].lower())]
    pre = (m.groupdict().get("pre") or "").lower()
    relation = "before" if pre in ("binnen", "within") else "on"
    if unit == "day":
        return ref + timedelta(days=count), 0.85, relation
    if unit == "workday":
        return _add_workdays(ref, count), 0.85, relation
    if unit == "week":
        return ref + timedelta(weeks=count), 0.85, relation
    if unit == "fortnight":
        return ref + timedelta(weeks=2 * count), 0.85, relation
    if unit == "month":
        return _add_months(ref, count), 0.8, relation
    return _add_months(ref, 12 * count), 0.8, relation


_I = re.IGNORECASE
_RULES: list[tuple[re.Pattern, Handler]] = [
    (re.compile(r"(?<![\d-])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?![\d-])"), _iso),
    (
        re.compile(
            r"(?<![\d./-])(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
            r"(?![\d/-]|\.\d)"
        ),
        _numeric,
    ),
    (
        re.compile(
            rf"(?<![\d./-])(?P<a>\d{{1,2}})[-/](?P<b>\d{{1,2}})(?P<y>)(?![\d/-]|\.\d){_NOT_A_DATE_AFTER}"
        ),
        _numeric,
    ),
    (
        re.compile(
            rf"(?<!\w){_OPT_WD}(?:de\s+|the\s+)?{_DAY}(?:\s+of)?\s+{_MONTH}{_YEAR}(?!\w)", _I
        ),
        _day_month,
    ),
    (re.compile(rf"(?<!\w){_OPT_WD}{_MONTH}\s+{_DAY}{_YEAR}(?!\w)", _I), _day_month),
    (
        re.compile(rf"(?<!\w)(?<!'s\s)(?P<rel>{_alternatives(RELATIVE_DAYS)})(?!\w)", _I),
        _relative_day,
    ),
    (re.compile(rf"(?<!\w)volgende\s+week\s+{_WD}(?!\w)", _I), _weekday_next_week),
    (
        re.compile(rf"(?<!\w){_WD}\s+(?:van\s+)?(?:volgende|next)\s+week(?!\w)", _I),
        _weekday_next_week,
    ),
    (re.compile(rf"(?<!\w)next\s+week\s+(?:on\s+)?{_WD}(?!\w)", _I), _weekday_next_week),
    (re.compile(rf"(?<!\w)(?:vorige|last)\s+week\s+{_WD}(?!\w)", _I), _weekday_previous_week),
    (
        re.compile(rf"(?<!\w){_WD}\s+(?:van\s+)?(?:vorige|last)\s+week(?!\w)", _I),
        _weekday_previous_week,
    ),
    (re.compile(rf"(?<!\w)deze\s+week\s+{_WD}(?!\w)", _I), _weekday_this_week),
    (re.compile(rf"(?<!\w){_WD}\s+(?:deze|this)\s+week(?!\w)", _I), _weekday_this_week),
    (
        re.compile(rf"(?<!\w)(?:aanstaande|komende|this\s+coming|this|coming)\s+{_WD}(?!\w)", _I),
        _weekday_coming,
    ),
    (re.compile(rf"(?<!\w){_WD}\s+(?:aanstaande|a\.s\.|as)(?!\w)", _I), _weekday_coming),
    (re.compile(rf"(?<!\w)(?:volgende|next)\s+{_WD}(?!\w)", _I), _weekday_next),
    (re.compile(rf"(?<!\w)(?:vorige|afgelopen|last|past)\s+{_WD}(?!\w)", _I), _weekday_last),
    (re.compile(rf"(?<!\w){_WD}(?!\w)", _I), _weekday_bare),
    (
        re.compile(
            r"(?<!\w)(?:(?:aan\s+het\s+)?eind(?:e)?\s+(?:van\s+)?(?:de|deze)\s+week|"
            r"(?:at\s+)?(?:the\s+)?end\s+of\s+(?:the|this)\s+week)(?!\w)",
            _I,
        ),
        _fixed(lambda ref: _week_start(ref) + timedelta(days=4), 0.8, "before"),
    ),
    (
        re.compile(
            r"(?<!\w)(?:(?:aan\s+het\s+)?eind(?:e)?\s+(?:van\s+)?volgende\s+week|"
            r"(?:at\s+)?(?:the\s+)?end\s+of\s+next\s+week)(?!\w)",
            _I,
        ),
        _fixed(lambda ref: _week_start(ref) + timedelta(days=11), 0.8, "before"),
    ),
    (
        re.compile(
            r"(?<!\w)(?:begin\s+(?:van\s+)?volgende\s+week|early\s+next\s+week|"
            r"(?:at\s+)?(?:the\s+)?(?:beginning|start)\s+of\s+next\s+week)(?!\w)",
            _I,
        ),
        _fixed(lambda ref: _week_start(ref) + timedelta(days=7), 0.7),
    ),
    (
        re.compile(r"(?<!\w)(?:deze|this)\s+week(?!\w)", _I),
        _fixed(lambda ref: _week_start(ref) + timedelta(days=4), 0.6, "before"),
    ),
    (
        re.compile(r"(?<!\w)(?:volgende|next)\s+week(?!\w)", _I),
        _fixed(lambda ref: _week_start(ref) + timedelta(days=11), 0.6, "before"),
    ),
    (
        re.compile(
            r"(?<!\w)(?:(?:aan\s+het\s+)?eind(?:e)?\s+(?:van\s+)?(?:de|deze)\s+maand|"
            r"(?:at\s+)?(?:the\s+)?end\s+of\s+(?:the|this)\s+month)(?!\w)",
            _I,
        ),
        _fixed(lambda ref: _month_end(ref.year, ref.month), 0.85, "before"),
    ),
    (
        re.compile(
            r"(?<!\w)(?:(?:aan\s+het\s+)?eind(?:e)?\s+(?:van\s+)?volgende\s+maand|"
            r"(?:at\s+)?(?:the\s+)?end\s+of\s+next\s+month)(?!\w)",
            _I,
        ),
        _fixed(_next_month_end, 0.85, "before"),
    ),
    (
        re.compile(
            r"(?<!\w)(?:begin\s+(?:van\s+)?volgende\s+maand|early\s+next\s+month|"
            r"(?:at\s+)?(?:the\s+)?(?:beginning|start)\s+of\s+next\s+month)(?!\w)",
            _I,
        ),
        _fixed(lambda ref: _add_months(ref.replace(day=1), 1), 0.75),
    ),
    (
        re.compile(r"(?<!\w)(?:deze\s+maand|this\s+month)(?!\w)", _I),
        _fixed(lambda ref: _month_end(ref.year, ref.month), 0.6, "before"),
    ),
    (
        re.compile(r"(?<!\w)(?:volgende|next)\s+(?:maand|month)(?!\w)", _I),
        _fixed(lambda ref: _add_months(ref.replace(day=1), 1), 0.5),
    ),
    (
        re.compile(
            r"(?<!\w)(?:(?:aan\s+het\s+)?eind(?:e)?\s+(?:van\s+)?(?:dit|het)\s+jaar|"
            r"(?:at\s+)?(?:the\s+)?end\s+of\s+(?:the|this)\s+year)(?!\w)",
            _I,
        ),
        _fixed(lambda ref: date(ref.year, 12, 31), 0.85, "before"),
    ),
    (
        re.compile(
            rf"(?<!\w)(?P<part>begin|eind|einde|medio|half|midden|early|late|mid-|mid|"
            rf"(?:the\s+)?(?:end|beginning|start|middle)\s+of)\s*{_MONTH}{_YEAR}(?!\w)",
            _I,
        ),
        _month_part,
    ),
    (re.compile(rf"(?<!\w)(?P<pre>over|binnen|in|within)\s+{_NUM}\s+{_UNIT}(?!\w)", _I), _duration),
    (re.compile(rf"(?<!\w){_NUM}\s+{_UNIT}\s+from\s+now(?!\w)", _I), _duration),
]


def parse_dates(text: str, *, reference_date: date, language: str = "") -> list[DateMatch]:
    """Every date phrase in `text`, in order, resolved against `reference_date`.

    Dutch and English phrases are both recognised whatever `language` says, because notes mix them.
    Where phrases overlap the longest wins ("volgende week vrijdag" over "vrijdag").
    """
    del language
    if not text:
        return []
    found: list[tuple[int, int, date, float, str]] = []
    for pattern, handler in _RULES:
        for match in pattern.finditer(text):
            try:
                resolved = handler(match, reference_date)
            except (ValueError, OverflowError, KeyError):
                resolved = None
            if resolved is not None:
                found.append((match.start(), match.end(), *resolved))
    chosen: list[tuple[int, int, date, float, str]] = []
    for item in sorted(found, key=lambda f: (-(f[1] - f[0]), f[0])):
        if all(item[1] <= other[0] or item[0] >= other[1] for other in chosen):
            chosen.append(item)
    matches = []
    for start, end, day, confidence, relation in sorted(chosen):
        deadline = _DEADLINE.search(text, max(0, start - 30), start)
        if deadline is not None:
            start, relation = deadline.start(), "before"
        matches.append(
            DateMatch(
                date=day,
                text=text[start:end],
                start=start,
                end=end,
                confidence=confidence,
                relation=relation,
            )
        )
    return matches
