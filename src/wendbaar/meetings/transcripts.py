"""Reading meeting transcripts into speaker turns: WebVTT, SRT, Teams DOCX and plain text.

`parse_transcript(filename, data)` returns a `Transcript` (lines with speaker, text and timestamps
where known, the format, a language guess, the duration and notes about what was repaired) or
raises `ParseError` with a message a person understands and a `code` for the API. Nothing
half-read is returned: a file is read whole or refused.

Layouts understood:

- WebVTT as Teams, Zoom and Meet export it: cue identifiers, NOTE/STYLE/REGION blocks, `<v Naam>`
  voice tags, `Naam: tekst` prefixes, multi-line cues, markup such as `<c>` and `<i>` removed and
  entities unescaped once.
- SRT: numbered cues, comma milliseconds, speaker prefixes.
- DOCX as Microsoft Teams exports it, both layouts: the older one with `0:00:03.120 --> 0:00:07.450`
  then the speaker then the text, and the newer one with `Naam   0:03` headers followed by text.
- Plain text: `Naam: tekst`, `[00:01:23] Naam: tekst`, `Naam   0:03` headers, timestamp lines
  (Google Meet), and lines without a speaker that continue the previous turn.

Out-of-order cues are sorted, overlaps and duplicates are noted; consecutive cues of one speaker are
merged into one turn only when they follow each other in time without a gap.
"""

import html
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

FORMATS = ("vtt", "srt", "docx", "text")
EXTENSIONS = {
    ".vtt": "vtt",
    ".webvtt": "vtt",
    ".srt": "srt",
    ".docx": "docx",
    ".txt": "text",
    ".text": "text",
}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_LINES = 200_000
# Cues of one speaker at most this far apart (seconds) are one turn.
MERGE_GAP_SECONDS = 1.5
# Cues that overlap by less than this (seconds) are rounding, not overlap.
OVERLAP_TOLERANCE = 0.05
# A DOCX whose text part unpacks to more than this is refused (a "zip bomb").
MAX_DOCX_XML_BYTES = 200 * 1024 * 1024


class ParseError(Exception):
    """A transcript that cannot be read; `message` says why, `code` is for the API."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class Line:
    """One turn: `index` is its position in `Transcript.lines` (0-based)."""

    index: int
    speaker: str
    text: str
    start_seconds: float | None = None
    end_seconds: float | None = None


@dataclass
class Transcript:
    lines: list[Line]
    format: str
    language: str
    duration_seconds: float | None
    notes: list[str] = field(default_factory=list)

    @property
    def speakers(self) -> list[str]:
        """Named speakers in order of first appearance."""
        seen: dict[str, None] = {}
        for line in self.lines:
            if line.speaker:
                seen.setdefault(line.speaker, None)
        return list(seen)

    @property
    def text(self) -> str:
        return "\n".join(f"{ln.speaker}: {ln.text}" if ln.speaker else ln.text for ln in self.lines)


def max_bytes() -> int:
    return getattr(settings, "MEETINGS_TRANSCRIPT_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_lines() -> int:
    return getattr(settings, "MEETINGS_TRANSCRIPT_MAX_LINES", DEFAULT_MAX_LINES)


def is_supported(filename: str) -> bool:
    return PurePath(filename).suffix.lower() in EXTENSIONS


def format_timestamp(seconds: float | None) -> str:
    """`0:03:15` for 195 seconds; empty when unknown."""
    if seconds is None:
        return ""
    total = int(seconds)
    return f"{total // 3600}:{total % 3600 // 60:02d}:{total % 60:02d}"


# -- entry point -----------------------------------------------------------------------------------


def parse_transcript(filename: str, data: bytes) -> Transcript:
    """The turns of a transcript file; raises ParseError with a clear message naming the file."""
    suffix = PurePath(filename).suffix.lower()
    family = EXTENSIONS.get(suffix)
    if family is None:
        raise ParseError(
            _(
                "%(name)s: this transcript format is not supported (use WebVTT, SRT, "
                "a Teams DOCX transcript or text)."
            )
            % {"name": filename},
            "unsupported_type",
        )
    if len(data) > max_bytes():
        raise ParseError(
            _("%(name)s: the transcript is larger than %(limit)s.")
            % {"name": filename, "limit": filesizeformat(max_bytes())},
            "too_large",
        )
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ParseError(_("%(name)s: the file is empty.") % {"name": filename}, "empty")

    notes: list[str] = []
    if family == "docx":
        lines = _docx_lines(filename, data)
        fmt = "docx"
    else:
        text = _decode(filename, data, notes)
        lines = text.split("\n")
        fmt = family
    if len(lines) > max_lines():
        raise ParseError(
            _("%(name)s: the transcript has more than %(count)s lines.")
            % {"name": filename, "count": f"{max_lines():,}".replace(",", ".")},
            "too_large",
        )
    if not any(line.strip() for line in lines):
        raise ParseError(_("%(name)s: the file is empty.") % {"name": filename}, "empty")

    header_language = ""
    webvtt = fmt != "docx" and lines[0].startswith("WEBVTT")
    timed = [line for line in lines if "-->" in line]
    if webvtt or timed:
        if fmt != "docx":
            fmt = "vtt" if webvtt or (fmt == "text" and "," not in timed[0]) else fmt
            fmt = "srt" if fmt == "text" else fmt
        entries, header_language = _parse_cues(lines, notes, docx=fmt == "docx")
        if not entries:
            raise ParseError(
                _(
                    "%(name)s: no cues with readable timestamps were found "
                    "(expected lines like “00:00:03.120 --> 00:00:07.450” followed by text)."
                )
                % {"name": filename},
                "no_turns",
            )
    else:
        if fmt != "docx":
            fmt = "text"
        entries = _parse_turns(lines, notes)
        if not entries:
            raise ParseError(
                _(
                    "%(name)s: no speaker turns were recognised (expected lines like "
                    "“Naam: tekst”, “[00:01:23] Naam: tekst” or a Teams transcript)."
                )
                % {"name": filename},
                "no_turns",
            )

    result = _finish(entries, notes)
    language = header_language or guess_language(" ".join(ln.text for ln in result))
    ends = [t for ln in result for t in (ln.start_seconds, ln.end_seconds) if t is not None]
    return Transcript(
        lines=result,
        format=fmt,
        language=language,
        duration_seconds=max(ends) if ends else None,
        notes=notes,
    )


# -- bytes to text ---------------------------------------------------------------------------------

_MAGIC = (
    b"%PDF",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"ID3",
    b"RIFF",
    b"OggS",
    b"fLaC",
    b"\x1f\x8b",
    b"\x7fELF",
    b"MZ",
)
_MOJIBAKE = re.compile("[ÃÂ][\u0080-\u00bf\u0152-\u2122]|â€")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _binary(filename: str) -> ParseError:
    return ParseError(
        _("%(name)s: this looks like a binary file, not text.") % {"name": filename}, "binary"
    )


def _mis_encoded(filename: str) -> ParseError:
    return ParseError(
        _(
            "%(name)s: the text cannot be read in a supported encoding (UTF-8, UTF-16 or "
            "Windows-1252). Save the transcript as UTF-8 and upload it again."
        )
        % {"name": filename},
        "mis_encoded",
    )


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark: every other byte is zero."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    for zeros, other, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.9 * len(zeros) and other.count(0) <= 0.05 * len(other):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def _undo_double_encoding(text: str) -> str | None:
    """UTF-8 that was read as Windows-1252 and saved as UTF-8 again (`CafÃ©`); None if it is not."""
    raw = bytearray()
    for char in text:
        try:
            raw += char.encode("cp1252")
        except UnicodeEncodeError:
            if ord(char) > 0xFF:
                return None
            raw.append(ord(char))  # the five bytes Windows-1252 leaves undefined
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _decode(filename: str, data: bytes, notes: list[str]) -> str:
    """UTF-8 (BOM ok), UTF-16 with BOM, else Windows-1252; refuses binary and garbage."""
    text = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _mis_encoded(filename) from exc
    elif data.startswith(_MAGIC):
        raise _binary(filename)
    elif b"\x00" in data[:4096]:
        text = _utf16_without_bom(data)
        if text is None:
            raise _binary(filename)
        notes.append(_("The file was read as UTF-16 (it had no byte-order mark)."))
    if text is None:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
            visible = [c for c in text if not c.isspace()]
            odd = sum(1 for c in visible if ord(c) > 0x7F and not c.isalpha())
            foreign = sum(1 for c in visible if ord(c) > 0x7F)
            if visible and (odd > 0.1 * len(visible) or foreign > 0.3 * len(visible)):
                raise _mis_encoded(filename) from None
            notes.append(_("The file was not UTF-8; it was read as Windows-1252."))
        else:
            if len(_MOJIBAKE.findall(text)) >= 2:
                repaired = _undo_double_encoding(text)
                if repaired is not None:
                    text = repaired
                    notes.append(_("Characters saved in the wrong encoding were repaired."))
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    sample = text[:20000]
    if "\ufffd" in sample and sample.count("\ufffd") > max(3, 0.01 * len(sample)):
        raise _mis_encoded(filename)
    if len(_CONTROL.findall(sample)) > max(3, 0.01 * len(sample)):
        raise _binary(filename)
    return _CONTROL.sub(" ", text)


def _docx_lines(filename: str, data: bytes) -> list[str]:
    """The paragraphs (and table cells) of a Word document as lines, line breaks kept."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise ParseError(
            _("%(name)s: the document is password-protected or in the old Word format.")
            % {"name": filename},
            "encrypted",
        )
    corrupt = ParseError(
        _("%(name)s: the file is damaged or not a Word document.") % {"name": filename}, "corrupt"
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            unpacked = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise corrupt from exc
    if unpacked > MAX_DOCX_XML_BYTES:
        raise ParseError(
            _("%(name)s: the transcript is larger than %(limit)s.")
            % {"name": filename, "limit": filesizeformat(max_bytes())},
            "too_large",
        )
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise corrupt from exc
    except Exception as exc:  # lxml errors inside a broken package
        raise corrupt from exc

    lines: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.extend(_docx_paragraph_text(block).split("\n"))
            if len(lines) > max_lines():
                break
        elif tag == "tbl":
            for paragraph in block.iter("{*}p"):
                lines.extend(_docx_paragraph_text(paragraph).split("\n"))
            lines.append("")
    if not any(line.strip() for line in lines):
        raise ParseError(_("%(name)s: no text found in the file.") % {"name": filename}, "empty")
    return lines


def _docx_paragraph_text(paragraph) -> str:
    parts = []
    for node in paragraph.iter():
        name = node.tag.rsplit("}", 1)[-1]
        if name == "t":
            parts.append(node.text or "")
        elif name == "tab":
            parts.append("\t")
        elif name in ("br", "cr"):
            parts.append("\n")
    return "".join(parts)


# -- shared pieces ---------------------------------------------------------------------------------

_TS = r"\d{1,3}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?"
_TIMING = re.compile(rf"^\s*({_TS})\s*-->\s*({_TS})(?:\s.*)?$")
# One whitespace character before the annotation: `\s+[^<>]*` would backtrack on long lines.
_VOICE = re.compile(r"<v(?:\.[^\s<>]*)?(?:\s([^<>]*))?>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>|<\d+(?::\d+)+(?:\.\d+)?>")
_SPEAKER_COLON = re.compile(r"^([^:\s][^:]{0,59}?)\s{0,3}:(?:\s+(.*)|$)")
_PARTICLES_WORDS = """
    van de der den het 't ter ten te la le du da di von vd v.d. dos del
"""
_PARTICLES = frozenset(_PARTICLES_WORDS.split())
# Words that look like a name before a colon but head a note, not a turn.
_LABELS_WORDS = """
    actie actiepunt actiepunten besluit besluiten action actions decision decisions note
    notes nb n.b. ps tip vraag vragen question questions opmerking remark samenvatting
    summary agenda datum date tijd time locatie location aanwezig aanwezigen afwezig present
    attendees onderwerp subject titel title deadline conclusie conclusion update status todo
    to-do oké ok okay ja nee yes no dus so van aan from to cc bcc verzonden sent re fw fwd
    edit link url transcript transcriptie meeting vergadering notulen minutes webvtt kind
    language warning waarschuwing voorbeeld example stap step
"""
_LABELS = frozenset(_LABELS_WORDS.split())
_TRANSCRIPTION_EVENT = re.compile(
    r"^.{1,80}?\s(?:(?:started|stopped) transcription|heeft (?:de )?transcriptie "
    r"(?:gestart|gestopt|beëindigd)|is gestart met transcriberen|is gestopt met transcriberen)\.?$",
    re.IGNORECASE,
)
_MAX_NAME_CHARS = 60
_NAME_TOKEN = re.compile(r"^(?:[^\W\d_][\w'\u2019.-]*|[A-Z]+_\d+),?$")


def _seconds(stamp: str) -> float | None:
    """`0:03:15.120`, `00:03:15,120`, `3:15` or `0:0:3.51` as seconds; None when impossible."""
    stamp = stamp.replace(",", ".")
    whole, _dot, fraction = stamp.partition(".")
    parts = [int(p) for p in whole.split(":")]
    if len(parts) == 3:
        hours, minutes, secs = parts
        if minutes >= 60:
            return None
    else:
        hours, (minutes, secs) = 0, parts
    if secs >= 60:
        return None
    return hours * 3600 + minutes * 60 + secs + (float("0." + fraction) if fraction else 0.0)


def _is_name(candidate: str) -> bool:
    """A speaker's name as exports write it: `Jan de Vries`, `Jansen, Jan (Gast)`, `Spreker 2`."""
    if len(candidate) > _MAX_NAME_CHARS * 2:
        return False
    name = re.sub(r"\s*\([^()]{1,40}\)$", "", candidate.strip())
    if not name or len(name) > _MAX_NAME_CHARS or name[-1] in ".?!;" or name.lower() in _LABELS:
        return False
    if "://" in name or "@" in name:
        return False
    tokens = name.split()
    if len(tokens) > 6:
        return False
    capitalised = False
    for position, token in enumerate(tokens):
        bare = token.rstrip(",")
        if bare.isdigit():
            if position != len(tokens) - 1 or position == 0:
                return False
            continue
        if bare.lower() in _PARTICLES:
            continue
        if not _NAME_TOKEN.match(token) or not bare[0].isupper():
            return False
        capitalised = True
    return capitalised


def _clean_cue_text(text: str) -> str:
    """Markup removed, then entities unescaped exactly once, whitespace collapsed."""
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def _speaker_prefix(line: str) -> tuple[str, str] | None:
    """(`Naam`, `tekst`) for a `Naam: tekst` line; None when the part before the colon is no name."""
    line = line.strip()
    if line.startswith((">>", "- ")):  # caption markers for a change of speaker
        line = line[2:].lstrip()
    match = _SPEAKER_COLON.match(line)
    if not match:
        return None
    name = match.group(1).strip()
    if not _is_name(name):
        return None
    return name, (match.group(2) or "").strip()


@dataclass
class _Entry:
    speaker: str
    text: str
    start: float | None
    end: float | None
    cue: int
    order: int = 0
    sort_key: float = 0.0


# -- WebVTT and SRT (and the older Teams DOCX layout) ----------------------------------------------

_IDENTIFIER = re.compile(r"^(?:\d+|[0-9a-fA-F-]{8,}/\d+-\d+)$")


def _parse_cues(lines: list[str], notes: list[str], docx: bool = False) -> tuple[list[_Entry], str]:
    """Cues from WebVTT/SRT-like lines; returns the entries and a `Language:` header value."""
    language = ""
    blocks: list[list[str]] = []
    current: list[str] = []
    for raw in lines:
        line = raw.strip()
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)

    cues: list[tuple[float | None, float | None, list[str]]] = []
    unreadable = stray = 0
    for number, block in enumerate(blocks):
        first = block[0].lstrip("\ufeff")
        if number == 0 and first.startswith("WEBVTT"):
            for meta in block[1:]:
                key, _colon, value = meta.partition(":")
                if key.strip().lower() == "language" and value.strip()[:2].lower() in ("nl", "en"):
                    language = value.strip()[:2].lower()
            continue
        if re.match(r"^(NOTE|STYLE|REGION)(\s|$)", first):
            continue
        timings = [i for i, line in enumerate(block) if "-->" in line]
        if not timings:
            stray += 1
            continue
        for position, index in enumerate(timings):
            following = timings[position + 1] if position + 1 < len(timings) else len(block)
            payload = block[index + 1 : following]
            # Cues written without a blank line between them: the next cue's identifier.
            if position + 1 < len(timings) and payload and _IDENTIFIER.match(payload[-1]):
                payload = payload[:-1]
            match = _TIMING.match(block[index])
            start = _seconds(match.group(1)) if match else None
            end = _seconds(match.group(2)) if match else None
            if start is None or end is None:
                unreadable += 1
                continue
            cues.append((start, end, payload))

    if unreadable:
        notes.append(
            ngettext(
                "%(count)d cue with an unreadable timestamp was skipped.",
                "%(count)d cues with unreadable timestamps were skipped.",
                unreadable,
            )
            % {"count": unreadable}
        )
    if stray and cues:
        notes.append(
            ngettext(
                "%(count)d block of text without a timestamp was skipped.",
                "%(count)d blocks of text without a timestamp were skipped.",
                stray,
            )
            % {"count": stray}
        )

    speaker_lines = _first_line_is_speaker(cues, docx)
    entries: list[_Entry] = []
    for cue_number, (start, end, payload) in enumerate(cues):
        for speaker, text in _cue_segments(payload, speaker_lines):
            if text:
                entries.append(_Entry(speaker, text, start, end, cue_number))
    return entries, language


def _first_line_is_speaker(cues, docx: bool) -> bool:
    """Whether cues carry the speaker on a line of its own (the older Teams DOCX layout).

    Decided for the whole file, so a caption that happens to start with a capitalised word is not
    taken for a name: most multi-line cues must start with a name, and outside a Word document
    (where this is the Teams layout) names must also repeat.
    """
    multi = names = 0
    seen: set[str] = set()
    repeated = False
    for _start, _end, payload in cues:
        if len(payload) < 2 or _VOICE.search(payload[0]) or _speaker_prefix(payload[0]):
            continue
        multi += 1
        if _is_name(payload[0]):
            names += 1
            repeated = repeated or payload[0] in seen
            seen.add(payload[0])
    if docx:
        return names >= 1 and names >= 0.8 * multi
    return names >= 2 and names >= 0.8 * multi and repeated


def _cue_segments(payload: list[str], speaker_lines: bool) -> list[tuple[str, str]]:
    """(speaker, text) pieces of one cue: voice tags, `Naam:` prefixes or a speaker line."""
    if not payload:
        return []
    joined = "\n".join(payload)
    if _VOICE.search(joined):
        pieces = _VOICE.split(joined)
        segments = []
        if _clean_cue_text(pieces[0]):
            segments.append(("", _clean_cue_text(pieces[0])))
        for speaker, text in zip(pieces[1::2], pieces[2::2], strict=True):
            name = " ".join(html.unescape(speaker or "").split())
            segments.append((name, _clean_cue_text(text)))
        return _join_same(segments)
    if speaker_lines and len(payload) >= 2 and _is_name(payload[0]):
        return [(payload[0], _clean_cue_text(" ".join(payload[1:])))]
    segments: list[tuple[str, str]] = []
    for raw in payload:
        line = _clean_cue_text(raw)
        prefix = _speaker_prefix(line)
        if prefix:
            segments.append(prefix)
        elif segments:
            segments[-1] = (segments[-1][0], f"{segments[-1][1]} {line}".strip())
        else:
            segments.append(("", line))
    return _join_same(segments)


def _join_same(segments: list[tuple[str, str]]) -> list[tuple[str, str]]:
    joined: list[tuple[str, str]] = []
    for speaker, text in segments:
        if joined and joined[-1][0] == speaker:
            joined[-1] = (speaker, f"{joined[-1][1]} {text}".strip())
        elif text:
            joined.append((speaker, text))
    return [(s, t) for s, t in joined if t]


# -- plain text and the newer Teams DOCX layout ----------------------------------------------------

_LEADING_STAMP = re.compile(rf"^[\[(]\s*({_TS})\s*[\])]\s*[-\u2013:]?\s*(.*)$")
_BARE_STAMP_PREFIX = re.compile(rf"^({_TS})\s+[-\u2013]?\s*(.+)$")
_STAMP_ONLY = re.compile(rf"^[\[(]?\s*({_TS})\s*[\])]?$")
_NAME_THEN_STAMP = re.compile(rf"^\[?(.+?)\]?[\s\t]*[\s\t\[(]\s*({_TS})\s*[\])]?$")
_STAMP_THEN_NAME = re.compile(rf"^[\[(]?({_TS})[\])]?\s+(?:[-\u2013]\s+)?(.+)$")
_NAME_STAMP_COLON = re.compile(rf"^(.{{1,60}}?)\s*[\[(]\s*({_TS})\s*[\])]\s*:\s*(.*)$")
_VOICE_LINE = re.compile(r"^<v(?:\.[^\s<>]*)?\s([^<>]+)>(.*?)(?:</v>)?$", re.IGNORECASE)
# Headers are short; longer lines are never tried against them (and cannot make a regex slow).
_MAX_HEADER_CHARS = 120


def _parse_turns(lines: list[str], notes: list[str]) -> list[_Entry]:
    """Turns from `Naam: tekst` lines, `Naam   0:03` headers and continuation lines."""
    stripped = [line.strip() for line in lines]
    entries: list[_Entry] = []
    current: _Entry | None = None
    pending_start: float | None = None
    skipped = 0
    nonempty = 0

    def next_text(position: int) -> str:
        for candidate in stripped[position + 1 :]:
            if candidate:
                return candidate
        return ""

    def start_turn(speaker: str, text: str, start: float | None) -> _Entry:
        nonlocal pending_start
        if start is None:
            start, pending_start = pending_start, None
        else:
            pending_start = None
        entry = _Entry(speaker, text, start, None, len(entries))
        entries.append(entry)
        return entry

    for position, line in enumerate(stripped):
        if not line:
            continue
        nonempty += 1
        if _TRANSCRIPTION_EVENT.match(line) or line == "WEBVTT":
            continue

        voice = _VOICE_LINE.match(line)
        if voice:
            current = start_turn(
                " ".join(voice.group(1).split()), _clean_cue_text(voice.group(2)), None
            )
            continue

        # A timestamp on its own: a header's second line, or a time mark (Google Meet).
        only = _STAMP_ONLY.match(line)
        if only:
            seconds = _seconds(only.group(1))
            if seconds is not None:
                if current is not None and not current.text and current.start is None:
                    current.start = seconds
                else:
                    pending_start = seconds
                continue

        # "Naam   0:03" (newer Teams), "[Naam] 0:03", "0:03 Naam".
        short = len(line) <= _MAX_HEADER_CHARS
        header = _NAME_THEN_STAMP.match(line) if short else None
        if header and _is_name(header.group(1)) and _seconds(header.group(2)) is not None:
            current = start_turn(header.group(1).strip(), "", _seconds(header.group(2)))
            continue
        header = _STAMP_THEN_NAME.match(line) if short else None
        if (
            header
            and len(header.group(2).split()) >= 2
            and _is_name(header.group(2))
            and _seconds(header.group(1)) is not None
            and not _speaker_prefix(header.group(2))
        ):
            current = start_turn(header.group(2).strip(), "", _seconds(header.group(1)))
            continue

        # "[00:01:23] Naam: tekst", "00:01:23 Naam: tekst", "[00:01:23] tekst".
        start = None
        rest = line
        stamped = _LEADING_STAMP.match(line)
        if stamped and _seconds(stamped.group(1)) is not None:
            start, rest = _seconds(stamped.group(1)), stamped.group(2)
        else:
            bare = _BARE_STAMP_PREFIX.match(line)
            if bare and _seconds(bare.group(1)) is not None and _speaker_prefix(bare.group(2)):
                start, rest = _seconds(bare.group(1)), bare.group(2)

        inline = _NAME_STAMP_COLON.match(rest) if short else None
        if inline and _is_name(inline.group(1)) and _seconds(inline.group(2)) is not None:
            current = start_turn(
                inline.group(1), inline.group(3).strip(), _seconds(inline.group(2))
            )
            continue
        prefix = _speaker_prefix(rest)
        if prefix:
            current = start_turn(prefix[0], prefix[1], start)
            continue

        # A name alone on a line with its timestamp on the next line.
        if _is_name(line) and _STAMP_ONLY.match(next_text(position)):
            current = start_turn(line, "", None)
            continue

        if start is not None:
            current = start_turn("", rest, start)
        elif current is not None:
            current.text = f"{current.text} {rest}".strip()
        else:
            skipped += 1

    entries = [entry for entry in entries if entry.text]
    marked = sum(1 for entry in entries if entry.speaker or entry.start is not None)
    if not marked or (nonempty > 50 and marked * 100 < nonempty):
        return []
    if skipped:
        notes.append(
            ngettext(
                "%(count)d line before the first speaker was skipped.",
                "%(count)d lines before the first speaker were skipped.",
                skipped,
            )
            % {"count": skipped}
        )
    return entries


# -- order, overlap, merging -----------------------------------------------------------------------


def _finish(entries: list[_Entry], notes: list[str]) -> list[Line]:
    """Sort by time (noting it), drop duplicates, note overlaps, merge contiguous turns."""
    backwards = 0
    for entry in entries:
        if entry.start is not None and entry.end is not None and entry.end < entry.start:
            entry.end = entry.start
            backwards += 1
    if backwards:
        notes.append(
            ngettext(
                "%(count)d cue ended before it started; its end was set to its start.",
                "%(count)d cues ended before they started; their ends were set to their starts.",
                backwards,
            )
            % {"count": backwards}
        )

    # Lines without a timestamp keep their place after the last timed line before them.
    out_of_order = 0
    latest: float | None = None
    key = 0.0
    for order, entry in enumerate(entries):
        entry.order = order
        if entry.start is not None:
            if latest is not None and entry.start < latest - OVERLAP_TOLERANCE:
                out_of_order += 1
            latest = entry.start if latest is None else max(latest, entry.start)
            key = entry.start
        entry.sort_key = key
    if out_of_order:
        entries = sorted(entries, key=lambda e: (e.sort_key, e.order))
        notes.append(
            ngettext(
                "Timestamps were out of order; %(count)d cue was moved to its place in time.",
                "Timestamps were out of order; %(count)d cues were moved to their place in time.",
                out_of_order,
            )
            % {"count": out_of_order}
        )

    unique: list[_Entry] = []
    seen: set[tuple] = set()
    duplicates = 0
    for entry in entries:
        signature = (entry.start, entry.end, entry.speaker, entry.text)
        if entry.start is not None and signature in seen:
            duplicates += 1
            continue
        seen.add(signature)
        unique.append(entry)
    if duplicates:
        notes.append(
            ngettext(
                "%(count)d duplicate cue was removed.",
                "%(count)d duplicate cues were removed.",
                duplicates,
            )
            % {"count": duplicates}
        )

    overlaps = 0
    previous: _Entry | None = None
    for entry in unique:
        if (
            previous is not None
            and previous.cue != entry.cue
            and previous.end is not None
            and entry.start is not None
            and entry.start < previous.end - OVERLAP_TOLERANCE
        ):
            overlaps += 1
        if entry.start is not None:
            previous = entry
    if overlaps:
        notes.append(
            ngettext(
                "%(count)d cue overlaps in time with the one before it; both were kept.",
                "%(count)d cues overlap in time with the one before them; all were kept.",
                overlaps,
            )
            % {"count": overlaps}
        )

    merged: list[_Entry] = []
    for entry in unique:
        last = merged[-1] if merged else None
        if (
            last is not None
            and entry.speaker
            and entry.speaker == last.speaker
            and last.end is not None
            and entry.start is not None
            and -OVERLAP_TOLERANCE <= entry.start - last.end <= MERGE_GAP_SECONDS
        ):
            last.text = f"{last.text} {entry.text}"
            last.end = max(last.end, entry.end if entry.end is not None else entry.start)
            continue
        merged.append(
            _Entry(entry.speaker, entry.text, entry.start, entry.end, entry.cue, entry.order)
        )
    return [
        Line(
            index=index,
            speaker=entry.speaker,
            text=entry.text,
            start_seconds=entry.start,
            end_seconds=entry.end,
        )
        for index, entry in enumerate(merged)
    ]


# -- language --------------------------------------------------------------------------------------

_DUTCH_WORDS = """
    de het een en van ik je jij we wij dat die niet op voor met zijn er maar ook nog wel dan
    naar hebben heb heeft kunnen kan moet moeten gaan gaat dit wat om aan bij als jullie zo
    even goed dus nu hoe waar wie zullen zal graag volgende vrijdag nee ja oké afspraak
    klant
"""
_DUTCH = frozenset(_DUTCH_WORDS.split())
_ENGLISH_WORDS = """
    the a an and of to that it you i for on with be this not are have has will can so what
    just but they do does okay yes no next friday should would could there their our my
    about we're i'll let's customer meeting
"""
_ENGLISH = frozenset(_ENGLISH_WORDS.split())


def guess_language(text: str) -> str:
    """'nl' or 'en' by counting common words; Dutch when undecided."""
    words = re.findall(r"[a-zà-ÿ']+", text[:200_000].lower())
    dutch = sum(1 for w in words if w in _DUTCH)
    english = sum(1 for w in words if w in _ENGLISH)
    return "en" if english > dutch else "nl"
