"""Reading uploaded files into text: PDF, DOCX, Markdown, HTML and plain text.

Every failure is a `ParseError` with a message a person understands (encrypted, corrupt, empty,
scanned without a text layer, too big, unsupported type); nothing half-read is returned.
"""

import io
import logging
import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import PurePath

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

EXTENSIONS = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".txt": "text/plain",
    ".text": "text/plain",
}
# A text layer with fewer letters than this per page is treated as a scan.
MIN_LETTERS_PER_PAGE = 20


class ParseError(Exception):
    """A file that cannot be read; `message` says why, `code` is for the API."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class ParsedFile:
    text: str
    media_type: str
    pages: int = 0
    title: str = ""
    note: str = ""


def max_bytes() -> int:
    return settings.KNOWLEDGE_MAX_FILE_BYTES


def max_chars() -> int:
    return settings.KNOWLEDGE_MAX_TEXT_CHARS


def is_supported(filename: str) -> bool:
    return PurePath(filename).suffix.lower() in EXTENSIONS


def _too_large(filename: str) -> ParseError:
    return ParseError(
        _("%(name)s: the file is larger than %(limit)s.")
        % {"name": filename, "limit": filesizeformat(max_bytes())},
        "too_large",
    )


def check_size(filename: str, size: int | None) -> None:
    """Refuse a file over the limit before it is read into memory (BusinessRuleError)."""
    from wendbaar.common.errors import BusinessRuleError

    if size is not None and size > max_bytes():
        error = _too_large(filename)
        raise BusinessRuleError(error.message, code=error.code, status_code=413)


def parse(filename: str, data: bytes) -> ParsedFile:
    """The text of a file, by its extension; raises ParseError with a clear message."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in EXTENSIONS:
        raise ParseError(
            _("%(name)s: this file type is not supported (use PDF, DOCX, Markdown, HTML or text).")
            % {"name": filename},
            "unsupported_type",
        )
    if len(data) > max_bytes():
        raise _too_large(filename)
    if not data.strip():
        raise ParseError(_("%(name)s: the file is empty.") % {"name": filename}, "empty")
    reader = {
        ".pdf": _read_pdf,
        ".docx": _read_docx,
        ".html": _read_html,
        ".htm": _read_html,
        ".md": _read_markdown,
        ".markdown": _read_markdown,
    }.get(suffix, _read_plain)
    parsed = reader(filename, data)
    parsed.media_type = EXTENSIONS[suffix]
    parsed.text = _clean(parsed.text)
    if not parsed.text.strip():
        raise ParseError(_("%(name)s: no text found in the file.") % {"name": filename}, "no_text")
    if len(parsed.text) > max_chars():
        parsed.text = parsed.text[: max_chars()]
        parsed.note = _(
            "Only the first %(count)s characters were kept; the rest of the file is not searchable."
        ) % {"count": f"{max_chars():,}".replace(",", ".")}
    return parsed


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    # Control characters other than newline and tab are noise from broken extraction.
    text = re.sub(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", " ", text)
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def decode(data: bytes, filename: str) -> str:
    """Text bytes as a string: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:4096]:
        raise ParseError(
            _("%(name)s: this looks like a binary file, not text.") % {"name": filename},
            "binary",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_plain(filename: str, data: bytes) -> ParsedFile:
    return ParsedFile(text=decode(data, filename), media_type="")


def _read_markdown(filename: str, data: bytes) -> ParsedFile:
    text = decode(data, filename)
    title = ""
    m = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
    if m:
        title = m.group(1).strip()
    # Keep the words, drop the markup that would otherwise be searched as text.
    text = re.sub(r"```.*?\n", "", text)
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^[ \t]{0,3}#{1,6}[ \t]*", "", text, flags=re.MULTILINE)
    text = re.sub(r"^\s*[-*+]\s+", "- ", text, flags=re.MULTILINE)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"^\s*\|?[-:| ]{3,}\|?\s*$", "", text, flags=re.MULTILINE)
    return ParsedFile(text=text, media_type="", title=title)


class _HtmlText(HTMLParser):
    BLOCKS = frozenset(
        [
            "p",
            "div",
            "br",
            "li",
            "tr",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "section",
            "article",
            "header",
            "footer",
            "table",
            "ul",
            "ol",
            "pre",
            "blockquote",
            "dd",
            "dt",
        ]
    )
    SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self._in_title = True
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n" if tag.startswith("h") or tag == "p" else "\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n" if tag.startswith("h") or tag == "p" else "\n")

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif not self.skipping:
            self.parts.append(data)


def _read_html(filename: str, data: bytes) -> ParsedFile:
    raw = decode(data, filename)
    parser = _HtmlText()
    try:
        parser.feed(raw)
        parser.close()
    except Exception as exc:  # the stdlib parser is lenient; this is a last resort
        logger.info("HTML parse failed for %s: %s", filename, exc)
        raise ParseError(
            _("%(name)s: the HTML could not be read.") % {"name": filename}, "corrupt"
        ) from exc
    text = "".join(parser.parts)  # the parser already turned entities into characters
    return ParsedFile(text=text, media_type="", title=" ".join(parser.title.split()))


def _read_docx(filename: str, data: bytes) -> ParsedFile:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if data[:4] == b"\xd0\xcf\x11\xe0":  # an OLE container: encrypted Office file or old .doc
        raise ParseError(
            _("%(name)s: the document is password-protected or in the old Word format.")
            % {"name": filename},
            "encrypted",
        )
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ParseError(
            _("%(name)s: the file is damaged or not a Word document.") % {"name": filename},
            "corrupt",
        ) from exc
    except Exception as exc:  # lxml errors inside a broken package
        raise ParseError(
            _("%(name)s: the file is damaged or not a Word document.") % {"name": filename},
            "corrupt",
        ) from exc
    parts, title = [], ""
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(t.text or "" for t in block.iter() if t.tag.endswith("}t"))
            style = block.find(".//{*}pStyle")
            style_name = style.get(next(iter(style.attrib))) if style is not None else ""
            if not title and text.strip() and style_name.lower().startswith(("title", "heading")):
                title = text.strip()
            parts.append(text + ("\n" if style_name.lower().startswith("heading") else ""))
        elif tag == "tbl":
            for row in block.iter():
                if row.tag.endswith("}tr"):
                    cells = [
                        "".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t")).strip()
                        for cell in row
                        if cell.tag.endswith("}tc")
                    ]
                    parts.append(" | ".join(c for c in cells if c))
    core_title = (document.core_properties.title or "").strip()
    return ParsedFile(text="\n\n".join(parts), media_type="", title=core_title or title)


def _read_pdf(filename: str, data: bytes) -> ParsedFile:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # Many PDFs are "encrypted" with an empty password only to restrict printing.
            try:
                opened = reader.decrypt("")
            except Exception:
                opened = 0
            if not opened:
                raise ParseError(
                    _("%(name)s: the PDF is password-protected.") % {"name": filename},
                    "encrypted",
                )
        pages = []
        for page in reader.pages:
            try:
                pages.append(page.extract_text() or "")
            except Exception as exc:
                logger.info("PDF page could not be read in %s: %s", filename, exc)
                pages.append("")
    except ParseError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ParseError(
            _("%(name)s: the PDF is damaged and cannot be read.") % {"name": filename}, "corrupt"
        ) from exc
    except Exception as exc:
        raise ParseError(
            _("%(name)s: the PDF is damaged and cannot be read.") % {"name": filename}, "corrupt"
        ) from exc
    letters = sum(sum(c.isalpha() for c in page) for page in pages)
    if pages and letters < MIN_LETTERS_PER_PAGE * len(pages) * 0.2 and letters < 200:
        raise ParseError(
            _(
                "%(name)s: the PDF has no text layer (a scan?). Run text recognition (OCR) on it "
                "first, then upload it again."
            )
            % {"name": filename},
            "scanned",
        )
    title = ""
    try:
        title = (reader.metadata.title or "").strip() if reader.metadata else ""
    except Exception:
        title = ""
    # A form feed between pages would be cleaned away; a blank line keeps pages apart.
    return ParsedFile(text="\n\n".join(pages), media_type="", pages=len(pages), title=title)
