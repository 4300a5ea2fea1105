"""CSV import of historic tickets: each row checked on its own, with a message per bad row.

Columns (header row, names in English or Dutch): id/nummer, email/e-mail, name/naam,
subject/onderwerp, text/tekst/body, received_at/ontvangen (ISO date or datetime; DD-MM-YYYY too),
status, priority/prioriteit, queue/wachtrij, type, closed_at/gesloten.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from wendbaar.common.errors import BusinessRuleError
from wendbaar.service import services

MAX_BYTES = 50 * 1024 * 1024
ALIASES = {
    "id": "id",
    "nummer": "id",
    "ticket": "id",
    "email": "email",
    "e-mail": "email",
    "name": "name",
    "naam": "name",
    "subject": "subject",
    "onderwerp": "subject",
    "text": "text",
    "tekst": "text",
    "body": "text",
    "bericht": "text",
    "received_at": "received_at",
    "ontvangen": "received_at",
    "datum": "received_at",
    "date": "received_at",
    "status": "status",
    "priority": "priority",
    "prioriteit": "priority",
    "queue": "queue",
    "wachtrij": "queue",
    "type": "type",
    "closed_at": "closed_at",
    "gesloten": "closed_at",
}
PRIORITY_WORDS = {
    "laag": "low",
    "normaal": "medium",
    "middel": "medium",
    "hoog": "high",
    "spoed": "urgent",
}


@dataclass
class ImportReport:
    imported: int = 0
    skipped: int = 0
    messages: list[str] = field(default_factory=list)


def _parse_when(value: str) -> datetime:
    value = value.strip()
    for parse in (
        datetime.fromisoformat,
        lambda v: datetime.strptime(v, "%d-%m-%Y %H:%M"),
        lambda v: datetime.strptime(v, "%d-%m-%Y"),
    ):
        try:
            moment = parse(value)
            break
        except ValueError:
            continue
    else:
        raise BusinessRuleError(
            _("%(value)s is not a date (use YYYY-MM-DD or DD-MM-YYYY).") % {"value": value or "''"},
            code="bad_date",
            status_code=400,
        )
    if isinstance(moment, datetime) and moment.tzinfo is None:
        moment = timezone.make_aware(moment)
    return moment


def _dialect(text: str):
    """The CSV dialect; the header line decides the delimiter when sniffing is unsure (a long
    first ticket can fill the whole sample the sniffer reads)."""
    header = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    if dialect.delimiter not in header:
        counts = {d: header.count(d) for d in ",;\t"}
        best = max(counts, key=counts.get)
        if counts[best]:
            dialect = type("HeaderDialect", (csv.excel,), {"delimiter": best})
    return dialect


def _rows(reader, report: "ImportReport"):
    """(row number, row) for each readable row, the header being row 1; an unreadable row is
    reported and skipped."""
    number = 1
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            report.skipped += 1
            report.messages.append(
                _("Row %(row)s: %(message)s")
                % {"row": number, "message": _("not readable as CSV (%(error)s)") % {"error": exc}}
            )
            continue
        yield number, row


def tickets_import(*, actor, data: bytes) -> ImportReport:
    """Import historic tickets from CSV bytes; a bad row is reported and skipped, nothing of it
    is kept, and the good rows are imported."""
    from wendbaar.accounts.selectors import organisation_get

    if len(data) > MAX_BYTES:
        raise BusinessRuleError(_("The file is larger than 50 MB."), code="too_large")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    # NUL characters never belong in a ticket (and PostgreSQL text refuses them).
    text = text.replace("\x00", "")
    # A historic ticket may hold a whole mail thread: allow a field as large as the file.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES))
    dialect = _dialect(text)
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise BusinessRuleError(
            _("The header cannot be read as CSV (%(error)s).") % {"error": exc},
            code="bad_header",
            status_code=400,
        ) from exc
    if not header:
        raise BusinessRuleError(_("The file is empty."), code="empty", status_code=400)
    columns = [ALIASES.get(h.strip().lower()) for h in header]
    missing = {"email", "received_at"} - set(columns)
    if missing or not ({"subject", "text"} & set(columns)):
        raise BusinessRuleError(
            _(
                "The header must name at least: email, received_at and subject or text (found: %(found)s)."
            )
            % {"found": ", ".join(h.strip() for h in header)},
            code="bad_header",
            status_code=400,
        )
    organisation = organisation_get()
    report = ImportReport()
    for number, row in _rows(reader, report):
        if not any(cell.strip() for cell in row):
            continue
        values = {c: (row[i].strip() if i < len(row) else "") for i, c in enumerate(columns) if c}
        try:
            priority = values.get("priority", "").lower()
            services.ticket_import(
                actor=actor,
                organisation=organisation,
                external_ref=values.get("id", ""),
                email=values.get("email", ""),
                name=values.get("name", ""),
                subject=values.get("subject", ""),
                text=values.get("text", ""),
                received_at=_parse_when(values.get("received_at", "")),
                status=values.get("status", "").lower(),
                priority=PRIORITY_WORDS.get(priority, priority),
                queue_slug=values.get("queue", ""),
                ticket_type=values.get("type", "").lower(),
                closed_at=_parse_when(values["closed_at"]) if values.get("closed_at") else None,
            )
        except BusinessRuleError as exc:
            report.skipped += 1
            report.messages.append(
                _("Row %(row)s: %(message)s") % {"row": number, "message": exc.message}
            )
        else:
            report.imported += 1
    return report
