"""Published minutes as files: Markdown, DOCX and PDF, and the action items as iCalendar to-dos.

The documents follow the reviewed minutes text: its first line is the title, the known section
labels become headings, "- " lines bullets and "1. " lines numbered items. Headings added here
are in the meeting's language, like the minutes themselves."""

import io
import re
import textwrap
import zlib
from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from wendbaar.meetings.models import ActionTask, Meeting

# The section labels the minutes engine writes, in both languages.
SECTION_LABELS = {
    "samenvatting",
    "onderwerpen",
    "besluiten",
    "actiepunten",
    "open vragen",
    "summary",
    "topics",
    "decisions",
    "action items",
    "open questions",
}
_BULLET = re.compile(r"^[-*•]\s+(.*)$")
_NUMBERED = re.compile(r"^(\d+)[.)]\s+(.*)$")

CONTENT_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "ics": "text/calendar; charset=utf-8",
}


def _language(meeting: Meeting) -> str:
    return meeting.language if meeting.language in ("nl", "en") else settings.LANGUAGE_CODE


def filename(meeting: Meeting, extension: str) -> str:
    with translation.override(_language(meeting)):
        stem = _("minutes") if extension != "ics" else _("action-items")
    name = slugify(meeting.title)[:60] or "meeting"
    return f"{stem}-{name}-{meeting.date.isoformat()}.{extension}"


def blocks(meeting: Meeting) -> tuple[str, list[tuple[str, str]]]:
    """The title and the blocks of the published minutes: (kind, text) with kind one of
    heading, bullet, subbullet (a point under a numbered topic), numbered (text keeps its
    number) or paragraph."""
    lines = [line.strip() for line in meeting.published_text.splitlines()]
    lines = [line for line in lines if line]
    with translation.override(_language(meeting)):
        title = _("Minutes: %(title)s") % {"title": meeting.title}
        if lines and meeting.title.casefold() in lines[0].casefold():
            title = lines.pop(0)
        people = [
            str(row.person or row.name)
            for row in meeting.participant_rows.select_related("person").order_by("name", "pk")
        ]
        out: list[tuple[str, str]] = []
        if people:
            out.append(("paragraph", _("Participants: %(names)s") % {"names": ", ".join(people)}))
    for line in lines:
        if line.casefold().rstrip(":") in SECTION_LABELS:
            out.append(("heading", line.rstrip(":")))
        elif match := _BULLET.match(line):
            under = out and out[-1][0] in ("numbered", "subbullet")
            out.append(("subbullet" if under else "bullet", match.group(1)))
        elif _NUMBERED.match(line):
            out.append(("numbered", line))
        else:
            out.append(("paragraph", line))
    return title, out


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)


def markdown(meeting: Meeting) -> str:
    title, parts = blocks(meeting)
    out = [f"# {_md_escape(title)}", ""]
    previous = ""
    for kind, text in parts:
        if kind == "heading":
            out += ["", f"## {_md_escape(text)}", ""]
        elif kind == "bullet":
            out.append(f"- {_md_escape(text)}")
        elif kind == "subbullet":
            out.append(f"   - {_md_escape(text)}")
        elif kind == "numbered":
            number, rest = _NUMBERED.match(text).groups()
            out.append(f"{number}. {_md_escape(rest)}")
        else:
            if previous in ("bullet", "subbullet", "numbered"):
                out.append("")
            out += [_md_escape(text), ""]
        previous = kind
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"


def docx(meeting: Meeting) -> bytes:
    import docx as python_docx

    title, parts = blocks(meeting)
    document = python_docx.Document()
    document.core_properties.title = title
    document.core_properties.language = _language(meeting)
    document.add_heading(title, level=0)
    for kind, text in parts:
        if kind == "heading":
            document.add_heading(text, level=1)
        elif kind == "bullet":
            document.add_paragraph(text, style="List Bullet")
        elif kind == "subbullet":
            document.add_paragraph(text, style="List Bullet 2")
        else:
            document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _pdf_text(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def pdf(meeting: Meeting) -> bytes:
    """A small text PDF written by hand (pypdf reads but does not write): Helvetica in
    Windows-1252, wrapped lines, A4 pages, the title in the document information."""
    title, parts = blocks(meeting)
    lines: list[tuple[str, int, int]] = [(title, 16, 0), ("", 11, 0)]  # text, size, indent
    for kind, text in parts:
        if kind == "heading":
            lines += [("", 11, 0), (text, 13, 0)]
            continue
        first, rest, indent = {
            "bullet": ("• ", "  ", 12),
            "subbullet": ("• ", "  ", 28),
        }.get(kind, ("", "", 0))
        wrapped = textwrap.wrap(text, 86) or [""]
        lines += [
            ((first if i == 0 else rest) + part, 11, indent) for i, part in enumerate(wrapped)
        ]
    per_page = 48
    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)]
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")
    tree = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for page_lines in pages:
        ops = [b"BT", b"15 TL", b"56 790 Td"]
        size = indent = None
        for text, font_size, offset in page_lines:
            if font_size != size:
                ops.append(b"/F1 %d Tf" % font_size)
                size = font_size
            if offset != (indent or 0):
                ops.append(b"%d 0 Td" % (offset - (indent or 0)))
            indent = offset
            ops += [_pdf_text(text) + b" Tj", b"T*"]
        ops.append(b"ET")
        stream = zlib.compress(b"\n".join(ops))
        content = add(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
            + stream
            + b"\nendstream"
        )
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] "
                b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                % (tree, font, content)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    info = add(b"<< /Title <%s> /Producer (Wendbaar) >>" % title.encode("utf-16").hex().encode())
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        info,
        xref,
    )
    return bytes(out)


# iCalendar (RFC 5545) -------------------------------------------------------------------------


def ics_escape(text: str) -> str:
    """TEXT values: backslash, semicolon and comma escaped, line breaks as \\n."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def ics_fold(line: str) -> str:
    """Content lines longer than 75 octets continue on the next line after a space, never
    splitting a UTF-8 character."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        if size + width > (75 if not parts else 74):
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def ics(meeting: Meeting, tasks=None, *, base_url: str = "") -> str:
    """The action items of a meeting as VTODOs: a stable UID per task, DUE as a DATE."""
    tasks = list(
        tasks
        if tasks is not None
        else ActionTask.objects.filter(meeting=meeting).select_related("owner", "meeting")
    )
    return ics_calendar(tasks, base_url=base_url)


def ics_calendar(tasks: list[ActionTask], *, base_url: str = "") -> str:
    from django.urls import reverse

    now = _stamp(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Wendbaar//Meetings//NL",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    for task in tasks:
        meeting = task.meeting
        with translation.override(_language(meeting)):
            about = _("From the meeting “%(title)s” of %(date)s.") % {
                "title": meeting.title,
                "date": meeting.date.isoformat(),
            }
            if task.owner_name:
                about += "\n" + _("Owner: %(name)s") % {"name": task.owner_name}
            if task.lines:
                about += "\n" + _("Transcript lines: %(lines)s") % {
                    "lines": ", ".join(str(n) for n in task.lines)
                }
        lines += [
            "BEGIN:VTODO",
            f"UID:meeting-{meeting.pk}-task-{task.pk}@wendbaar",
            f"DTSTAMP:{now}",
            f"CREATED:{_stamp(task.created_at)}",
            f"SUMMARY:{ics_escape(task.task)}",
            f"DESCRIPTION:{ics_escape(about)}",
        ]
        if task.due:
            lines.append(f"DUE;VALUE=DATE:{task.due.strftime('%Y%m%d')}")
        if task.is_done:
            lines.append("STATUS:COMPLETED")
            if task.done_at:
                lines.append(f"COMPLETED:{_stamp(task.done_at)}")
        else:
            lines.append("STATUS:NEEDS-ACTION")
        if base_url:
            link = base_url.rstrip("/") + reverse("meetings:detail", args=[meeting.pk])
            if task.first_line:
                link += f"#line-{task.first_line}"
            lines.append(f"URL:{link}")
        lines.append("END:VTODO")
    lines.append("END:VCALENDAR")
    return "\r\n".join(ics_fold(line) for line in lines) + "\r\n"
