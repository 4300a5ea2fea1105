"""Reading the audit log: only administrators may, and the filters are shared by page, CSV and API."""

import csv
from collections.abc import Iterator
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from wendbaar.audit.models import AuditEvent
from wendbaar.common.spreadsheet import csv_cell

EXPORT_COLUMNS = [
    "at", "actor_id", "actor_label", "token_label", "ip", "channel", "action",
    "object_type", "object_id", "object_label", "data",
]  # fmt: skip


def audit_event_list(
    *,
    user,
    action: str = "",
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEvent]:
    """Audit events matching the filters; raises PermissionDenied for anyone but an administrator."""
    if not (user.is_authenticated and user.is_org_admin):
        raise PermissionDenied
    events = AuditEvent.objects.all()
    if action:
        events = events.filter(action__startswith=action)
    if actor:
        events = events.filter(Q(actor_label__icontains=actor) | Q(token_label__icontains=actor))
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if since:
        events = events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__date__lte=until)
    return events


class _Echo:
    def write(self, value):
        return value


def audit_event_csv_rows(events: QuerySet[AuditEvent]) -> Iterator[str]:
    """The events as CSV lines, streamed so a large export never sits in memory."""
    import json

    writer = csv.writer(_Echo())
    yield writer.writerow(EXPORT_COLUMNS)
    for event in events.iterator(chunk_size=2000):
        row = []
        for column in EXPORT_COLUMNS:
            value = getattr(event, column)
            if column == "at":
                value = value.isoformat()
            elif column == "data":
                value = json.dumps(value, ensure_ascii=False, sort_keys=True)
            row.append(csv_cell(value))
        yield writer.writerow(row)
