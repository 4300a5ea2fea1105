"""Calendar import: recurring events keep their wall-clock time across DST, exceptions and ends of
series hold, all-day and floating times land in the organisation's zone, broken files are refused
with a clear message, a re-import replaces instead of duplicating, and subscriptions come over
real HTTP (from a server on 127.0.0.1)."""

import contextlib
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from wendbaar.planning import calendars, services
from wendbaar.planning.choices import FetchStatus, SourceKind
from wendbaar.planning.models import CalendarEvent, CalendarSource

AMS = ZoneInfo("Europe/Amsterdam")
WINDOW = calendars.Window(
    start=datetime(2026, 1, 1, tzinfo=UTC), end=datetime(2027, 1, 1, tzinfo=UTC), zone=AMS
)


def ics(*events: str, extra: str = "") -> bytes:
    body = "\r\n".join(e.strip().replace("\n", "\r\n") for e in events)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//NL\r\n"
        f"{extra}{body}\r\nEND:VCALENDAR\r\n"
    ).encode()


STANDUP_ACROSS_MARCH = """
BEGIN:VEVENT
UID:standup@test
SUMMARY:Stand-up
DTSTART;TZID=Europe/Amsterdam:20260323T091500
DTEND;TZID=Europe/Amsterdam:20260323T093000
RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3
END:VEVENT
"""

# A weekly call in October; EXDATE drops the middle one, UNTIL ends the series after 3 weeks.
OVERLEG_ACROSS_OCTOBER = """
BEGIN:VEVENT
UID:overleg@test
SUMMARY:Teamoverleg
DTSTART;TZID=Europe/Amsterdam:20261014T140000
DTEND;TZID=Europe/Amsterdam:20261014T150000
RRULE:FREQ=WEEKLY;UNTIL=20261104T130000Z
EXDATE;TZID=Europe/Amsterdam:20261021T140000
END:VEVENT
"""


def _local(o):
    return o.start.astimezone(AMS)


def test_a_weekly_meeting_keeps_its_time_across_the_march_dst_change():
    found = calendars.parse_ics(ics(STANDUP_ACROSS_MARCH), window=WINDOW).occurrences
    assert [(_local(o).day, _local(o).hour, _local(o).minute) for o in found] == [
        (23, 9, 15),
        (30, 9, 15),
        (6, 9, 15),
    ]
    # In UTC the clock moved: 08:15 in winter, 07:15 in summer.
    assert [o.start.astimezone(UTC).hour for o in found] == [8, 7, 7]
    assert all(o.recurring and o.busy for o in found)
    assert all((o.end - o.start).total_seconds() == 900 for o in found)


def test_exdate_and_until_hold_across_the_october_dst_change():
    found = calendars.parse_ics(ics(OVERLEG_ACROSS_OCTOBER), window=WINDOW).occurrences
    assert [_local(o).date().isoformat() for o in found] == [
        "2026-10-14",
        "2026-10-28",
        "2026-11-04",
    ]
    assert {_local(o).hour for o in found} == {14}
    assert [o.start.astimezone(UTC).hour for o in found] == [12, 13, 13]


def test_count_limits_a_daily_series_and_a_moved_occurrence_replaces_its_original():
    data = ics(
        """
BEGIN:VEVENT
UID:daily@test
SUMMARY:Check-in
DTSTART:20260601T070000Z
DTEND:20260601T071500Z
RRULE:FREQ=DAILY;COUNT=4
END:VEVENT
BEGIN:VEVENT
UID:daily@test
RECURRENCE-ID:20260602T070000Z
SUMMARY:Check-in (later)
DTSTART:20260602T090000Z
DTEND:20260602T091500Z
END:VEVENT
"""
    )
    found = calendars.parse_ics(data, window=WINDOW).occurrences
    assert [(o.start.day, o.start.hour) for o in found] == [(1, 7), (2, 9), (3, 7), (4, 7)]
    assert found[1].summary == "Check-in (later)"


def test_all_day_and_floating_events_are_in_the_organisation_zone():
    data = ics(
        """
BEGIN:VEVENT
UID:koningsdag@test
SUMMARY:Koningsdag
DTSTART;VALUE=DATE:20260427
DTEND;VALUE=DATE:20260428
TRANSP:TRANSPARENT
END:VEVENT
BEGIN:VEVENT
UID:floating@test
SUMMARY:Lunch
DTSTART:20260715T123000
DTEND:20260715T131500
END:VEVENT
BEGIN:VEVENT
UID:cancelled@test
SUMMARY:Vervallen
STATUS:CANCELLED
DTSTART:20260716T123000Z
END:VEVENT
"""
    )
    day, lunch = calendars.parse_ics(data, window=WINDOW).occurrences
    assert day.all_day and not day.busy
    assert day.start == datetime(2026, 4, 27, tzinfo=AMS)
    assert (day.end - day.start).days == 1
    assert lunch.start == datetime(2026, 7, 15, 12, 30, tzinfo=AMS)
    assert not lunch.all_day


def test_tzid_and_utc_times_of_the_same_moment_agree():
    data = ics(
        """
BEGIN:VEVENT
UID:a@test
DTSTART;TZID=America/New_York:20260910T090000
DTEND;TZID=America/New_York:20260910T100000
END:VEVENT
BEGIN:VEVENT
UID:b@test
DTSTART:20260910T130000Z
DTEND:20260910T140000Z
END:VEVENT
"""
    )
    a, b = calendars.parse_ics(data, window=WINDOW).occurrences
    assert a.start == b.start == datetime(2026, 9, 10, 13, tzinfo=UTC)


def test_events_outside_the_window_are_left_out():
    early = calendars.Window(
        start=datetime(2026, 3, 1, tzinfo=UTC), end=datetime(2026, 3, 25, tzinfo=UTC), zone=AMS
    )
    assert len(calendars.parse_ics(ics(STANDUP_ACROSS_MARCH), window=early).occurrences) == 1


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        (b"Dit is een boodschappenlijst\nmelk\nbrood\n", "not_ics", "not an iCalendar"),
        (b"", "empty", "empty"),
        (ics(STANDUP_ACROSS_MARCH)[:-40], "truncated", "END:VCALENDAR"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary", "binary"),
        (
            ics("BEGIN:VEVENT\nUID:x@test\nDTSTART:20261332T250000Z\nEND:VEVENT"),
            "bad_date",
            "DTSTART",
        ),
        (
            ics(
                "BEGIN:VEVENT\nUID:y@test\nDTSTART:20260101T090000Z\nRRULE:FREQ=SOMETIMES\nEND:VEVENT"
            ),
            "bad_date",
            "RRULE",
        ),
        (
            ics(
                "BEGIN:VTIMEZONE\nTZID:Nergens\nBEGIN:STANDARD\nDTSTART:19700101T000000\n"
                "TZOFFSETFROM:+5744\nTZOFFSETTO:+0100\nEND:STANDARD\nEND:VTIMEZONE"
            ),
            "unreadable",
            "",
        ),
    ],
)
def test_a_broken_calendar_is_refused_with_a_message(data, code, words):
    with pytest.raises(calendars.CalendarError) as info:
        calendars.parse_ics(data, window=WINDOW)
    assert info.value.code == code
    assert words in info.value.message


def test_a_huge_calendar_is_refused_before_it_is_parsed(settings):
    settings.PLANNING_CALENDAR_MAX_BYTES = 1000
    with pytest.raises(calendars.CalendarError) as info:
        calendars.parse_ics(ics(STANDUP_ACROSS_MARCH) + b" " * 2000, window=WINDOW)
    assert info.value.code == "too_large"


def test_one_broken_event_is_skipped_with_a_note_and_the_rest_is_read():
    data = ics(
        STANDUP_ACROSS_MARCH,
        "BEGIN:VEVENT\nUID:kapot@test\nDTSTART:2026-99-99\nEND:VEVENT",
    )
    read = calendars.parse_ics(data, window=WINDOW)
    assert len(read.occurrences) == 3
    assert any("kapot@test" in note for note in read.notes)


def test_a_bare_event_without_a_calendar_around_it_is_read():
    bare = STANDUP_ACROSS_MARCH.strip().encode()
    read = calendars.parse_ics(bare, window=WINDOW)
    assert len(read.occurrences) == 3 and read.notes


# -- storing ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reimport_replaces_the_events_without_duplicates(alice):
    first = services.calendar_import_file(
        actor=alice, person=alice, name="werk.ics", data=ics(STANDUP_ACROSS_MARCH), window=WINDOW
    )
    assert first.ok and first.events == 3
    again = services.calendar_import_file(
        actor=alice,
        person=alice,
        name="werk.ics",
        data=ics(STANDUP_ACROSS_MARCH, OVERLEG_ACROSS_OCTOBER),
        window=WINDOW,
    )
    assert again.ok and again.events == 6
    assert CalendarSource.objects.filter(person=alice).count() == 1
    assert CalendarEvent.objects.filter(person=alice).count() == 6


@pytest.mark.django_db
def test_a_broken_reimport_keeps_the_old_events_and_says_why(alice):
    services.calendar_import_file(
        actor=alice, person=alice, name="werk.ics", data=ics(STANDUP_ACROSS_MARCH), window=WINDOW
    )
    result = services.calendar_import_file(
        actor=alice, person=alice, name="werk.ics", data=b"geen agenda", window=WINDOW
    )
    assert not result.ok and "iCalendar" in result.message
    source = CalendarSource.objects.get(person=alice)
    assert source.status == FetchStatus.FAILED and "iCalendar" in source.message
    assert CalendarEvent.objects.filter(person=alice).count() == 3


@pytest.mark.django_db
def test_a_broken_new_calendar_saves_nothing(alice):
    result = services.calendar_import_file(
        actor=alice, person=alice, name="kapot.ics", data=b"\x00\x01\x02", window=WINDOW
    )
    assert not result.ok and result.source is None
    assert not CalendarSource.objects.exists() and not CalendarEvent.objects.exists()


@pytest.mark.django_db
def test_nobody_imports_into_someone_elses_planning(alice, bob):
    from wendbaar.common.errors import BusinessRuleError

    with pytest.raises(BusinessRuleError):
        services.calendar_import_file(
            actor=bob, person=alice, name="x.ics", data=ics(STANDUP_ACROSS_MARCH)
        )


# -- subscriptions over HTTP --------------------------------------------------------------------


@pytest.fixture
def ics_server():
    """A real HTTP server on 127.0.0.1 serving calendars by path."""
    pages: dict[str, tuple[int, bytes, dict]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            status, body, headers = pages.get(self.path, (404, b"not found", {}))
            if headers.get("sleep"):
                import time

                time.sleep(float(headers["sleep"]))
            self.send_response(status)
            self.send_header("Content-Type", "text/calendar")
            if "Location" in headers:
                self.send_header("Location", headers["Location"])
            if not headers.get("no_length"):
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    yield base, pages
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_a_subscription_is_fetched_over_http_and_refreshed(alice, ics_server):
    base, pages = ics_server
    pages["/feed.ics?key=geheim"] = (200, ics(STANDUP_ACROSS_MARCH), {})
    result = services.calendar_subscribe(
        actor=alice, person=alice, url=f"{base}/feed.ics?key=geheim", name="Outlook", window=WINDOW
    )
    assert result.ok and result.events == 3, result.message
    source = CalendarSource.objects.get(person=alice)
    assert source.kind == SourceKind.URL and source.status == FetchStatus.OK
    pages["/feed.ics?key=geheim"] = (200, ics(STANDUP_ACROSS_MARCH, OVERLEG_ACROSS_OCTOBER), {})
    services.calendar_import(
        actor=alice,
        person=alice,
        connector=calendars.IcsSubscription(name="Outlook", url=source.url),
        kind=SourceKind.URL,
        url=source.url,
        window=WINDOW,
    )
    assert CalendarEvent.objects.filter(person=alice).count() == 6


@pytest.mark.django_db
def test_a_subscription_follows_a_redirect(alice, ics_server):
    base, pages = ics_server
    pages["/old"] = (301, b"", {"Location": f"{base}/new.ics"})
    pages["/new.ics"] = (200, ics(STANDUP_ACROSS_MARCH), {})
    assert services.calendar_subscribe(
        actor=alice, person=alice, url=f"{base}/old", window=WINDOW
    ).ok


def test_http_errors_give_clear_messages(ics_server, settings):
    base, pages = ics_server
    with pytest.raises(calendars.CalendarError) as info:
        calendars.fetch(f"{base}/missing.ics?token=geheim")
    assert "404" in info.value.message and "geheim" not in info.value.message
    pages["/big.ics"] = (200, b"B" * 5000, {})
    with pytest.raises(calendars.CalendarError) as info:
        calendars.fetch(f"{base}/big.ics", limit=1000)
    assert info.value.code == "too_large"
    pages["/big-unannounced.ics"] = (200, b"B" * 5000, {"no_length": True})
    with pytest.raises(calendars.CalendarError) as info:
        calendars.fetch(f"{base}/big-unannounced.ics", limit=1000)
    assert info.value.code == "too_large"
    pages["/slow.ics"] = (200, ics(STANDUP_ACROSS_MARCH), {"sleep": "1.5"})
    with pytest.raises(calendars.CalendarError) as info:
        calendars.fetch(f"{base}/slow.ics", timeout=0.5)
    assert info.value.code == "timeout"


def test_nothing_listens_gives_a_message():
    from tests.conftest import free_port

    with pytest.raises(calendars.CalendarError) as info:
        calendars.fetch(f"http://127.0.0.1:{free_port()}/x.ics")
    assert info.value.code == "unreachable"


@pytest.mark.parametrize(
    "url", ["ftp://example.nl/a.ics", "file:///etc/passwd", "javascript:alert(1)", "http://"]
)
def test_only_http_addresses_are_fetched(url):
    with pytest.raises(calendars.CalendarError) as info:
        calendars.normalise_url(url)
    assert info.value.code == "bad_url"


def test_webcal_means_https():
    assert calendars.normalise_url("webcal://agenda.example.nl/feed.ics") == (
        "https://agenda.example.nl/feed.ics"
    )


# -- the command --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_walks_a_folder_and_reports_each_file(alice, tmp_path, capsys):
    folder = tmp_path / "agenda"
    (folder / "sub").mkdir(parents=True)
    (folder / "werk.ics").write_bytes(ics(STANDUP_ACROSS_MARCH))
    (folder / "sub" / "kapot.ics").write_bytes(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n")
    (folder / "notities.txt").write_text("geen agenda")
    call_command("import_calendar", str(folder), "--person", alice.email)
    out = capsys.readouterr().out
    assert "OK      agenda/werk.ics" in out
    assert "FAILED  agenda/sub/kapot.ics" in out and "END:VCALENDAR" in out
    assert "1 calendar(s) read, 1 rejected, 0 crashed." in out
    assert CalendarSource.objects.filter(person=alice).count() == 1


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_person(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_calendar", str(tmp_path), "--person", "niemand@example.nl")


@pytest.mark.django_db
def test_refreshing_all_subscriptions_keeps_old_events_of_a_failing_feed(
    alice, ics_server, capsys, monkeypatch
):
    monkeypatch.setattr(services, "calendar_window", lambda: WINDOW)
    base, pages = ics_server
    pages["/a.ics"] = (200, ics(STANDUP_ACROSS_MARCH), {})
    services.calendar_subscribe(actor=alice, person=alice, url=f"{base}/a.ics", name="A")
    before = CalendarEvent.objects.filter(person=alice).count()
    assert before == 3
    pages["/a.ics"] = (500, b"kapot", {})
    call_command("refresh_calendars")
    out = capsys.readouterr().out
    assert "0 refreshed, 1 failed." in out and "500" in out
    assert CalendarEvent.objects.filter(person=alice).count() == before
    assert CalendarSource.objects.get(person=alice).status == FetchStatus.FAILED
