"""Making input fit for the engine: decoded, free of control characters, repaired, not too long.

Each step that changes the text adds a note a reviewer can read, so a draft made from a cut or
repaired text says so.
"""

import re
import unicodedata

from django.utils.translation import gettext as _

from wendbaar.common.errors import BusinessRuleError

# Sequences that UTF-8 text read as Windows-1252 is full of ("CafÃ©", "â€™").
_MOJIBAKE = re.compile("[\u00c3\u00c2][\u0080-\u00bf\u2018-\u203a\u0152-\u017e]|\u00e2\u20ac")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# More control characters than this share of the text means it is not text at all.
BINARY_SHARE = 0.05


def binary_error() -> BusinessRuleError:
    return BusinessRuleError(
        _("This looks like a binary file, not text. Upload or paste text instead."),
        code="binary_input",
        status_code=400,
    )


_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(value: str | bytes | None) -> tuple[str, list[str]]:
    """Text fit for the engine and notes about what was done to it; raises for binary input."""
    notes: list[str] = []
    if value is None:
        return "", notes
    if isinstance(value, bytes | bytearray):
        value, decode_notes = _decode(bytes(value))
        notes += decode_notes
    text = str(value)
    if not text:
        return "", notes
    controls = len(_CONTROL.findall(text))
    if "\x00" in text or controls > max(2, len(text) * BINARY_SHARE):
        raise binary_error()
    text = _CONTROL.sub("", text)
    # Lone surrogates (possible in JSON input) cannot be encoded, hashed or sent: treat them as
    # unreadable characters.
    text = _SURROGATE.sub("\ufffd", text)
    if _MOJIBAKE.search(text):
        repaired = _repair(text)
        if repaired is not None:
            text = repaired
            notes.append(
                _("The text was mis-encoded (such as “Ã©” for “é”) and has been repaired.")
            )
    if "\ufffd" in text:
        text = text.replace("\ufffd", "")
        notes.append(_("Some characters could not be read and were left out."))
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text, notes


def _decode(data: bytes) -> tuple[str, list[str]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), []
    sample = data[:8192]
    if b"\x00" in sample:
        raise binary_error()
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text, [_("The text was not in UTF-8; it was read as Windows-1252 (Western European).")]


def _repair(text: str) -> str | None:
    """Undo UTF-8 read as Windows-1252 or Latin-1, if that makes the text cleaner."""
    for encoding in ("cp1252", "latin-1"):
        try:
            repaired = text.encode(encoding).decode("utf-8")
        except UnicodeError:
            continue
        if len(_MOJIBAKE.findall(repaired)) < len(_MOJIBAKE.findall(text)):
            return repaired
    return None


def cut(text: str, limit: int) -> tuple[str, bool]:
    """The text within `limit` characters, cut at a space near the end where there is one."""
    if len(text) <= limit:
        return text, False
    head = text[:limit]
    space = max(head.rfind(" "), head.rfind("\n"))
    return (head[:space] if space > limit - 200 else head), True


def cut_note(limit: int) -> str:
    return _(
        "The input was longer than %(limit)s characters; only the first %(limit)s were used."
    ) % {"limit": limit}
