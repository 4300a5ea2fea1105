"""Writing planning data: calendars in, office-day plans out, swaps, approval and desk bookings."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wendbaar.accounts.selectors import organisation_get
from wendbaar.audit.services import audit_log
from wendbaar.common.errors import BusinessRuleError
from wendbaar.planning import calendars
from wendbaar.planning.choices import FetchStatus, SourceKind
from wendbaar.planning.models import CalendarEvent, CalendarSource

# -- calendars ---------------------------------------------------------------------------------


@dataclass
class CalendarImportResult:
    """What importing one calendar did, for a per-file line in the UI or on the command line."""

    name: str
    ok: bool
    message: str
    events: int = 0
    notes: list[str] = field(default_factory=list)
    source: CalendarSource | None = None


def calendar_window() -> calendars.Window:
    """8 weeks back and 26 ahead, in the organisation's time zone."""
    return calendars.Window.around(timezone.now(), zone=organisation_get().time_zone)


def _read(connector, window) -> tuple[calendars.CalendarRead | None, str]:
    try:
        return connector.read(window), ""
    except calendars.CalendarError as exc:
        return None, exc.message
    except Exception as exc:  # a connector must never take the import down with it
        return None, _("The calendar could not be read (%(error)s).") % {
            "error": type(exc).__name__
        }


def calendar_import(
    *,
    actor,
    person,
    connector,
    kind: str = SourceKind.FILE,
    url: str = "",
    window: calendars.Window | None = None,
    dry_run: bool = False,
) -> CalendarImportResult:
    """Read one calendar and replace the events of the person's source of that name with it.

    The calendar is read before anything is written; the events are replaced in one
    transaction, so a re-import never duplicates and a failed read leaves the old events in
    place (an existing source records the failure; a new one is not created)."""
    if actor is not None and actor.pk != person.pk:
        raise BusinessRuleError(
            _("You can only import calendars into your own planning."), status_code=403
        )
    name = (connector.name or url or "agenda")[:255]
    read, error = _read(connector, window or calendar_window())
    if dry_run:
        return CalendarImportResult(
            name=name,
            ok=read is not None,
            message=error or _("%(n)s events read.") % {"n": len(read.occurrences)},
            events=len(read.occurrences) if read else 0,
            notes=read.notes if read else [],
        )
    now = timezone.now()
    with transaction.atomic():
        source = CalendarSource.objects.select_for_update().filter(person=person, name=name).first()
        if read is None:
            if source is not None:
                source.status = FetchStatus.FAILED
                source.message = error
                source.last_fetched_at = now
                source.save(update_fields=["status", "message", "last_fetched_at"])
                audit_log(
                    actor=actor,
                    action="planning.calendar_failed",
                    target=source,
                    data={"error": error[:300]},
                )
            return CalendarImportResult(name=name, ok=False, message=error, source=source)
        if source is None:
            source = CalendarSource.objects.create(person=person, name=name, kind=kind, url=url)
        elif url and source.url != url:
            source.url = url
        source.events.all().delete()
        CalendarEvent.objects.bulk_create(
            CalendarEvent(
                source=source,
                person=person,
                uid=o.uid,
                summary=o.summary,
                location=o.location,
                start=o.start,
                end=o.end,
                all_day=o.all_day,
                recurring=o.recurring,
                busy=o.busy,
                attendee_count=o.attendee_count,
            )
            for o in read.occurrences
        )
        message = _("%(n)s events read.") % {"n": len(read.occurrences)}
        source.status = FetchStatus.OK
        source.message = "\n".join([message, *read.notes])
        source.event_count = len(read.occurrences)
        source.last_fetched_at = now
        source.save()
        audit_log(
            actor=actor,
            action="planning.calendar_imported",
            target=source,
            data={"events": len(read.occurrences), "kind": kind},
        )
    return CalendarImportResult(
        name=name,
        ok=True,
        message=message,
        events=len(read.occurrences),
        notes=read.notes,
        source=source,
    )


def calendar_import_file(*, actor, person, name: str, data: bytes, **kwargs):
    """An uploaded or local iCalendar file."""
    return calendar_import(
        actor=actor,
        person=person,
        connector=calendars.IcsFile(name=name, data=data),
        kind=SourceKind.FILE,
        **kwargs,
    )


def calendar_subscribe(*, actor, person, url: str, name: str = "", **kwargs):
    """An ICS subscription URL; the address is checked before anything is fetched."""
    try:
        url = calendars.normalise_url(url)
    except calendars.CalendarError as exc:
        return CalendarImportResult(name=name or url[:80], ok=False, message=exc.message)
    name = name.strip() or calendars.display_url(url)
    return calendar_import(
        actor=actor,
        person=person,
        connector=calendars.IcsSubscription(name=name, url=url),
        kind=SourceKind.URL,
        url=url,
        **kwargs,
    )


def calendar_refresh(*, actor, source: CalendarSource) -> CalendarImportResult:
    """Fetch a subscription again (files are refreshed by uploading them again)."""
    if source.kind != SourceKind.URL:
        raise BusinessRuleError(_("Upload the file again to refresh it."), status_code=400)
    return calendar_import(
        actor=actor,
        person=source.person,
        connector=calendars.IcsSubscription(name=source.name, url=source.url),
        kind=SourceKind.URL,
        url=source.url,
    )


@transaction.atomic
def calendar_remove(*, actor, source: CalendarSource) -> None:
    """Remove a calendar and its events."""
    if actor is not None and actor.pk != source.person_id:
        raise BusinessRuleError(_("This is not your calendar."), status_code=403)
    audit_log(actor=actor, action="planning.calendar_removed", target=source)
    source.delete()
