"""Reading calendars: iCalendar files and subscription URLs, expanded into occurrences in a window.

A calendar comes from a *connector*: anything with a `name` and `read(window)` that returns the
occurrences in the window or raises `CalendarError` with a message a person understands. Files
(`IcsFile`) and ICS subscriptions over HTTP (`IcsSubscription`) are built in; CalDAV, Microsoft
365 or Google connectors plug in by implementing the same two members.

Times: recurring events are expanded with `recurring-ical-events` in their own time zone (so a
09:00 stand-up stays at 09:00 across the DST change); floating times are read in the
organisation's zone; all-day events span whole days in that zone. Everything is stored in UTC.
"""

import hashlib
import re
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

UTC = ZoneInfo("UTC")
# Properties that decide when an event happens: one of these broken and the event is not trusted.
TIME_PROPERTIES = ("DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID")


def max_bytes() -> int:
    return getattr(settings, "PLANNING_CALENDAR_MAX_BYTES", 10 * 1024 * 1024)


def fetch_timeout() -> float:
    return getattr(settings, "PLANNING_CALENDAR_TIMEOUT_SECONDS", 15.0)


class CalendarError(Exception):
    """A calendar could not be read; `message` says why, for the person who added it."""

    def __init__(self, message: str, *, code: str = "unreadable"):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Window:
    """The stretch of time to read events for, and the zone floating and all-day times are in."""

    start: datetime
    end: datetime
    zone: ZoneInfo

    @classmethod
    def around(
        cls, moment: datetime, *, zone: str = "Europe/Amsterdam", weeks_back=8, weeks_ahead=26
    ):
        return cls(
            start=moment - timedelta(weeks=weeks_back),
            end=moment + timedelta(weeks=weeks_ahead),
            zone=ZoneInfo(zone),
        )


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of an event, in UTC."""

    uid: str
    start: datetime
    end: datetime
    summary: str = ""
    location: str = ""
    all_day: bool = False
    recurring: bool = False
    busy: bool = True
    attendee_count: int = 0
    has_agenda: bool = False


# Lines of an invitation that are not an agenda: join links and the video tool's boilerplate.
_BOILERPLATE = re.compile(
    r"https?://|teams|zoom|google meet|meet\.google|join|deelnemen|vergadering-id|meeting id|"
    r"passcode|wachtwoord|toegangscode|^[-_=*~. ]*$",
    re.IGNORECASE,
)


def _has_agenda(description: str) -> bool:
    """Whether an invitation's description holds an agenda, not only a join link."""
    lines = [line.strip() for line in description.splitlines()]
    return len(" ".join(line for line in lines if line and not _BOILERPLATE.search(line))) >= 15


@dataclass
class CalendarRead:
    """What a connector found: the occurrences in the window and notes on what it skipped."""

    occurrences: list[Occurrence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    events_seen: int = 0


class Connector(Protocol):
    name: str

    def read(self, window: Window) -> CalendarRead: ...


# -- iCalendar ---------------------------------------------------------------------------------


def _text(data: bytes) -> str:
    """The calendar as text; binary data is refused before the parser sees it."""
    if b"\x00" in data[:65536]:
        raise CalendarError(_("This is a binary file, not an iCalendar file."), code="binary")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CalendarError(_("The file is not readable text."), code="binary")  # pragma: no cover


def _aware(value, zone: ZoneInfo) -> tuple[datetime, bool]:
    """A DTSTART/DTEND value as an aware datetime, and whether it was a whole day."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=zone)), False
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=zone), True
    raise CalendarError(_("An event has a start that is not a date or time."), code="bad_date")


def _end(event, start: datetime, all_day: bool, zone: ZoneInfo) -> datetime:
    dtend = event.get("DTEND")
    if dtend is not None:
        end, _whole = _aware(dtend.dt, zone)
        return max(end, start)
    duration = event.get("DURATION")
    if duration is not None and isinstance(duration.dt, timedelta):
        return start + max(duration.dt, timedelta())
    # RFC 5545 3.6.1: without an end, a day event lasts the day and a timed event is a moment.
    return start + timedelta(days=1) if all_day else start


def _uid(event, start: datetime, summary: str) -> str:
    uid = str(event.get("UID") or "").strip()
    if uid:
        return uid[:500]
    digest = hashlib.sha1(f"{start.isoformat()}|{summary}".encode(), usedforsecurity=False)
    return f"no-uid-{digest.hexdigest()[:16]}"


def _is_broken(component) -> str:
    """The first broken time property of an event, as text for a note, or ''."""
    for name, problem in getattr(component, "errors", []) or []:
        if str(name).upper() in TIME_PROPERTIES:
            return f"{name}: {problem}"
    return ""


COMPONENTS = ("VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE", "VALARM", "VAVAILABILITY")


def _as_calendar_text(text: str) -> tuple[str, list[str]]:
    """Check the outline of the text: it starts with BEGIN:VCALENDAR (a single bare component
    such as a VEVENT is wrapped in one) and ends with the END of what it began (else cut off)."""
    stripped = text.strip()
    if not stripped:
        raise CalendarError(_("The file is empty."), code="empty")
    first = stripped.split("\n", 1)[0].strip().upper()
    if not first.startswith("BEGIN:V"):
        raise CalendarError(
            _("This is not an iCalendar file: it does not start with BEGIN:VCALENDAR."),
            code="not_ics",
        )
    name = first.removeprefix("BEGIN:")
    lines = stripped.splitlines()
    ends = [n for n, line in enumerate(lines) if line.strip().upper() == f"END:{name}"]
    if not ends:
        raise CalendarError(
            _("The calendar is incomplete: END:%(name)s is missing at the end (cut off?).")
            % {"name": name[:40]},
            code="truncated",
        )
    notes = []
    if ends[-1] < len(lines) - 1:
        # Some feeds append a comment after the calendar; what follows the end is not read.
        notes.append(_("Text after END:%(name)s was ignored.") % {"name": name})
        stripped = "\r\n".join(lines[: ends[-1] + 1])
        text = stripped
    if name == "VCALENDAR":
        return text, notes
    if name not in COMPONENTS:
        raise CalendarError(
            _("This is not an iCalendar file: it starts with %(name)s, not VCALENDAR.")
            % {"name": name[:40]},
            code="not_ics",
        )
    wrapped = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Wendbaar//import//EN\r\n"
    wrapped += stripped + "\r\nEND:VCALENDAR\r\n"
    notes.append(
        _("A single %(name)s without a VCALENDAR around it; read as a calendar.") % {"name": name}
    )
    return wrapped, notes


def parse_ics(data: bytes, *, window: Window, name: str = "") -> CalendarRead:
    """The events of an iCalendar file in the window (see `_parse`); the parser's warnings (a
    guessed time zone, say) become notes instead of noise on the console."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = _parse(data, window=window)
    for message in dict.fromkeys(str(w.message).split(". ")[0] for w in caught):
        if len(result.notes) < 10:
            result.notes.append(message[:300])
    return result


def _parse(data: bytes, *, window: Window) -> CalendarRead:
    """The events of an iCalendar file in the window, recurring ones expanded.

    Raises CalendarError for anything that is not a readable calendar; events with a broken start,
    end or recurrence are skipped with a note (a calendar with only broken events is refused)."""
    import icalendar

    if len(data) > max_bytes():
        raise CalendarError(
            _("The calendar is larger than %(limit)s.") % {"limit": filesizeformat(max_bytes())},
            code="too_large",
        )
    text, notes = _as_calendar_text(_text(data))
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # the parser raises many kinds; each means "not readable"
        raise CalendarError(
            _("The calendar could not be read: %(error)s") % {"error": str(exc)[:300]},
            code="unreadable",
        ) from exc
    if not calendars:
        raise CalendarError(_("The file holds no calendar."), code="not_ics")
    result = CalendarRead(notes=notes)
    broken: list[str] = []
    undated = 0
    for calendar in calendars:
        if calendar.name != "VCALENDAR":
            raise CalendarError(
                _("This is not an iCalendar file: it holds a %(name)s, not a VCALENDAR.")
                % {"name": calendar.name},
                code="not_ics",
            )
        kept = []
        for component in calendar.subcomponents:
            if component.name == "VEVENT":
                result.events_seen += 1
                problem = _is_broken(component)
                if problem:
                    broken.append(
                        _("Skipped the event %(uid)s: %(problem)s")
                        % {"uid": str(component.get("UID") or "?")[:80], "problem": problem}
                    )
                    continue
                if component.get("DTSTART") is None:
                    # Allowed in scheduling messages (METHOD), but there is nothing to plan with.
                    undated += 1
                    continue
            kept.append(component)
        calendar.subcomponents = kept
        result.occurrences.extend(_expand(calendar, window, result.notes))
    if broken and len(broken) == result.events_seen:
        raise CalendarError(
            _("No event in this calendar has valid dates. %(first)s") % {"first": broken[0]},
            code="bad_date",
        )
    if undated:
        result.notes.append(_("%(n)s event(s) without a start (DTSTART) skipped.") % {"n": undated})
    result.notes.extend(broken[:5])
    if len(broken) > 5:
        result.notes.append(_("%(n)s events skipped in all.") % {"n": len(broken)})
    # A recurrence override and the series can both land on one start: keep one of each.
    unique = {(o.uid, o.start): o for o in result.occurrences}
    result.occurrences = sorted(unique.values(), key=lambda o: (o.start, o.uid))
    return result


def _expand(calendar, window: Window, notes: list[str]) -> list[Occurrence]:
    """All occurrences in the window. If the calendar as a whole cannot be expanded, each series
    (events sharing a UID) is expanded on its own and the ones that fail are skipped with a note."""
    try:
        return _expand_all(calendar, window)
    except Exception:  # noqa: S110 - retried series by series below, to find the culprit
        pass
    import icalendar

    zones = [c for c in calendar.subcomponents if c.name == "VTIMEZONE"]
    series: dict[str, list] = {}
    for component in calendar.subcomponents:
        if component.name == "VEVENT":
            series.setdefault(str(component.get("UID") or "?"), []).append(component)
    found = []
    for uid, components in series.items():
        single = icalendar.Calendar()
        single.subcomponents = [*zones, *components]
        try:
            found.extend(_expand_all(single, window))
        except Exception as exc:
            if len(notes) < 10:
                notes.append(
                    _("Skipped the event %(uid)s: its dates cannot be worked out (%(error)s).")
                    % {"uid": uid[:80], "error": str(exc)[:120]}
                )
    return found


def _expand_all(calendar, window: Window) -> list[Occurrence]:
    import recurring_ical_events

    events = recurring_ical_events.of(calendar, components=["VEVENT"]).between(
        window.start, window.end
    )
    return [o for o in (_occurrence(event, window.zone) for event in events) if o is not None]


def _occurrence(event, zone: ZoneInfo) -> Occurrence | None:
    status = str(event.get("STATUS") or "").upper()
    if status == "CANCELLED":
        return None
    start, all_day = _aware(event["DTSTART"].dt, zone)
    end = _end(event, start, all_day, zone)
    summary = str(event.get("SUMMARY") or "")[:500]
    attendees = event.get("ATTENDEE") or []
    if not isinstance(attendees, list):
        attendees = [attendees]
    return Occurrence(
        uid=_uid(event, start, summary),
        start=start.astimezone(UTC),
        end=end.astimezone(UTC),
        summary=summary,
        location=str(event.get("LOCATION") or "")[:500],
        all_day=all_day,
        recurring=event.get("RECURRENCE-ID") is not None,
        busy=str(event.get("TRANSP") or "OPAQUE").upper() != "TRANSPARENT",
        attendee_count=len(attendees),
        has_agenda=_has_agenda(str(event.get("DESCRIPTION") or "")[:5000]),
    )


@dataclass
class IcsFile:
    """An iCalendar file someone uploaded or pointed the command at."""

    name: str
    data: bytes

    def read(self, window: Window) -> CalendarRead:
        return parse_ics(self.data, window=window, name=self.name)


# -- subscriptions over HTTP -------------------------------------------------------------------


def normalise_url(url: str) -> str:
    """The address to fetch: http or https only (webcal:// is https), no credentials in it."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise CalendarError(_("This is not a valid address."), code="bad_url") from exc
    scheme = parts.scheme.lower()
    if scheme in ("webcal", "webcals"):
        scheme = "https"
    if scheme not in ("http", "https"):
        raise CalendarError(
            _("Only http, https and webcal addresses can be subscribed to."), code="bad_url"
        )
    if not parts.hostname:
        raise CalendarError(_("The address has no host name."), code="bad_url")
    return urlunsplit((scheme, parts.netloc, parts.path or "/", parts.query, ""))


def display_url(url: str) -> str:
    """The address without its query and credentials, for messages (the query is often a key)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def fetch(url: str, *, limit: int | None = None, timeout: float | None = None) -> bytes:
    """The body of an ICS subscription, read up to `limit` bytes with a timeout."""
    import httpx

    url = normalise_url(url)
    limit = limit or max_bytes()
    timeout = timeout or fetch_timeout()
    shown = display_url(url)
    try:
        with (
            httpx.Client(
                timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
                follow_redirects=True,
                max_redirects=5,
                headers={"User-Agent": "Wendbaar calendar import", "Accept": "text/calendar,*/*"},
            ) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code != 200:
                raise CalendarError(
                    _("%(url)s answered %(status)s %(reason)s.")
                    % {
                        "url": shown,
                        "status": response.status_code,
                        "reason": response.reason_phrase,
                    },
                    code="http_status",
                )
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                raise CalendarError(_too_large(limit), code="too_large")
            body = bytearray()
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > limit:
                    raise CalendarError(_too_large(limit), code="too_large")
            return bytes(body)
    except httpx.TimeoutException as exc:
        raise CalendarError(
            _("%(url)s did not answer within %(seconds)s seconds.")
            % {"url": shown, "seconds": int(timeout)},
            code="timeout",
        ) from exc
    except httpx.TooManyRedirects as exc:
        raise CalendarError(
            _("%(url)s redirects too often.") % {"url": shown}, code="redirects"
        ) from exc
    except httpx.HTTPError as exc:
        raise CalendarError(
            _("%(url)s could not be reached: %(error)s")
            % {"url": shown, "error": type(exc).__name__},
            code="unreachable",
        ) from exc


def _too_large(limit: int) -> str:
    return _("The calendar is larger than %(limit)s.") % {"limit": filesizeformat(limit)}


@dataclass
class IcsSubscription:
    """An ICS feed over HTTP(S), as Outlook, Google and most calendars publish one."""

    name: str
    url: str

    def read(self, window: Window) -> CalendarRead:
        return parse_ics(fetch(self.url), window=window, name=self.name)
