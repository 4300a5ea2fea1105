"""Reading files into text: every supported format from real bytes, and every way a file can fail
with a message that names the file."""

import io
import zipfile

import docx
import pytest
from pypdf import PdfReader, PdfWriter

from wendbaar.knowledge.parsing import EXTENSIONS, ParseError, parse

TEXT = "De zonnepaneelgarantie geldt tien jaar na de installatie."


# -- building real files -------------------------------------------------------------------------


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def make_pdf(pages: list[list[str]], *, title: str = "") -> bytes:
    """A minimal valid PDF written by hand: one Helvetica text stream per page (a page with no
    lines has an empty stream), a cross-reference table with exact offsets, optional /Title."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in once the page tree's number is known
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    pages_id = len(objects) + 1 + 2 * len(pages)
    kids = []
    for lines in pages:
        ops = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
        for line in lines:
            ops += [f"{_pdf_string(line)} Tj", "T*"]
        ops.append("ET")
        stream = "\n".join(ops).encode("cp1252") if lines else b""
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] "
                b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages_id, font, content)
            )
        )
    assert (
        add(
            b"<< /Type /Pages /Kids [%s] /Count %d >>"
            % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
        )
        == pages_id
    )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    info = add(b"<< /Title %s >>" % _pdf_string(title).encode("cp1252")) if title else None

    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objects) + 1, catalog)
    if info:
        trailer += b" /Info %d 0 R" % info
    out.write(b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def encrypt_pdf(data: bytes, *, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(data))
    writer.encrypt(user_password=user_password, owner_password="eigenaar", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx(*, title: str = "") -> bytes:
    document = docx.Document()
    document.add_heading("Onderhoudsplan zonnepanelen", level=1)
    document.add_paragraph("De installateur controleert de omvormer elk voorjaar.")
    document.add_paragraph("Bij storing belt de klant het servicenummer.")
    table = document.add_table(rows=2, cols=2)
    for row, (left, right) in zip(
        table.rows, [("Onderdeel", "Termijn"), ("Omvormer", "10 jaar")], strict=True
    ):
        row.cells[0].text, row.cells[1].text = left, right
    document.add_paragraph("Na de tabel volgt de afsluiting.")
    if title:
        document.core_properties.title = title
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def parse_error(filename: str, data: bytes) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse(filename, data)
    error = info.value
    assert filename in error.message, error.message
    assert str(error) == error.message
    return error


# -- plain text and its encodings ------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoded",
    [
        pytest.param("Café — “garantie” € 5\nTweede regel".encode(), id="utf-8"),
        pytest.param(
            b"\xef\xbb\xbf" + "Café — “garantie” € 5\nTweede regel".encode(), id="utf-8-bom"
        ),
        pytest.param("Café — “garantie” € 5\nTweede regel".encode("cp1252"), id="windows-1252"),
        pytest.param("Café — “garantie” € 5\nTweede regel".encode("utf-16"), id="utf-16-bom"),
        pytest.param(
            b"\xfe\xff" + "Café — “garantie” € 5\nTweede regel".encode("utf-16-be"),
            id="utf-16-be-bom",
        ),
    ],
)
def test_text_in_every_supported_encoding_reads_the_same(encoded):
    parsed = parse("notitie.txt", encoded)
    assert parsed.text == "Café — “garantie” € 5\nTweede regel"
    assert parsed.media_type == "text/plain"
    assert parsed.pages == 0 and parsed.title == "" and parsed.note == ""


def test_windows_line_endings_and_runs_of_blank_lines_are_tidied():
    parsed = parse("NOTITIE.TXT", b"Een  \t regel\r\n\r\n\r\n\r\nTwee\rDrie\x07!")
    assert parsed.text == "Een regel\n\nTwee\nDrie !"


# -- Markdown and HTML -----------------------------------------------------------------------------


def test_markdown_loses_its_markup_and_takes_the_first_heading_as_title():
    source = (
        "Inleiding zonder kop.\n\n"
        "# Garantievoorwaarden\n\n"
        "## Termijnen\n\n"
        "De **zonnepaneelgarantie** geldt __tien__ jaar, zie [de voorwaarden](https://x.nl/v).\n\n"
        "![Schema van de omvormer](img/schema.png)\n\n"
        "* eerste punt\n"
        "+ tweede punt\n\n"
        "```python\nprint('code blijft leesbaar')\n```\n\n"
        "| Onderdeel | Termijn |\n"
        "|-----------|:-------:|\n"
        "| Omvormer  | 10 jaar |\n"
    )
    parsed = parse("voorwaarden.md", source.encode())
    assert parsed.title == "Garantievoorwaarden"
    assert parsed.media_type == "text/markdown"
    text = parsed.text
    for markup in ("#", "**", "__", "](", "https://x.nl", "img/schema.png", "```", "---", "* "):
        assert markup not in text, markup
    assert "De zonnepaneelgarantie geldt tien jaar, zie de voorwaarden." in text
    assert "Schema van de omvormer" in text
    assert "- eerste punt\n- tweede punt" in text
    assert "print('code blijft leesbaar')" in text
    assert "Inleiding zonder kop.\n\nGarantievoorwaarden\n\nTermijnen\n\nDe" in text
    assert "| Omvormer | 10 jaar |" in text


def test_markdown_without_a_heading_has_no_title():
    parsed = parse("los.markdown", b"Alleen **tekst**, geen kop.")
    assert parsed.title == "" and parsed.text == "Alleen tekst, geen kop."


def test_html_drops_scripts_and_styles_unescapes_entities_and_uses_the_title():
    source = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        "<title>  Handleiding\n omvormer </title>"
        "<style>.geheim { color: red }</style><script>var stijlcode = 1;</script></head>"
        "<body><h1>Onderhoud</h1><p>Caf&eacute; &amp; winkel &euro;&nbsp;5 &#8211; klaar</p>"
        "<script>alert('scriptcode')</script><noscript>noscripttekst</noscript>"
        "<ul><li>Een</li><li>Twee</li></ul><template>sjabloontekst</template>"
        "<svg><text>svgtekst</text></svg><div>Slot</div></body></html>"
    )
    parsed = parse("handleiding.html", source.encode())
    assert parsed.title == "Handleiding omvormer"
    assert parsed.media_type == "text/html"
    text = parsed.text
    for hidden in ("stijlcode", "geheim", "scriptcode", "noscripttekst", "sjabloontekst"):
        assert hidden not in text, hidden
    assert "svgtekst" not in text and "Handleiding" not in text
    assert "Café & winkel € 5 \u2013 klaar" in text
    assert text.startswith("Onderhoud\n\nCafé")
    assert "\nEen\n\nTwee\n" in text and text.endswith("Slot")
    assert "<" not in text and "&" not in text.replace("Café & winkel", "")


def test_htm_in_windows_1252_is_read_too():
    parsed = parse("oud.htm", "<p>Beëindiging van het contract</p>".encode("cp1252"))
    assert parsed.text == "Beëindiging van het contract" and parsed.title == ""


def test_html_entities_are_unescaped_exactly_once():
    parsed = parse("tips.html", b"<p>Schrijf &amp;lt;br&amp;gt; voor een nieuwe regel.</p>")
    assert parsed.text == "Schrijf &lt;br&gt; voor een nieuwe regel."


# -- DOCX ------------------------------------------------------------------------------------------


def test_docx_reads_paragraphs_heading_and_table_and_prefers_the_core_title():
    parsed = parse("plan.docx", make_docx(title="Onderhoudsplan 2025"))
    assert parsed.title == "Onderhoudsplan 2025"
    assert parsed.media_type == EXTENSIONS[".docx"]
    assert parsed.text.split("\n\n") == [
        "Onderhoudsplan zonnepanelen",
        "De installateur controleert de omvormer elk voorjaar.",
        "Bij storing belt de klant het servicenummer.",
        "Onderdeel | Termijn",
        "Omvormer | 10 jaar",
        "Na de tabel volgt de afsluiting.",
    ]


def test_docx_without_a_core_title_takes_its_first_heading():
    parsed = parse("plan.docx", make_docx())
    assert parsed.title == "Onderhoudsplan zonnepanelen"


# -- PDF -------------------------------------------------------------------------------------------


def test_the_hand_built_pdf_is_valid():
    reader = PdfReader(io.BytesIO(make_pdf([["Een"], ["Twee"]], title="T")), strict=True)
    assert len(reader.pages) == 2 and reader.metadata.title == "T"


def test_text_pdf_gives_its_text_per_page_the_page_count_and_title():
    data = make_pdf(
        [
            [TEXT, "Defecte omvormers worden kosteloos vervangen (binnen vijf werkdagen)."],
            ["Tweede pagina: de klant meldt een storing via het servicenummer."],
            ["Derde pagina met een korte afsluiting van het garantiebewijs."],
        ],
        title="Garantiebewijs",
    )
    parsed = parse("garantie.pdf", data)
    assert parsed.pages == 3
    assert parsed.title == "Garantiebewijs"
    assert parsed.media_type == "application/pdf"
    assert TEXT in parsed.text
    assert "kosteloos vervangen (binnen vijf werkdagen)." in parsed.text
    first, second, third = parsed.text.split("\n\n")
    assert first.startswith("De zonnepaneelgarantie") and second.startswith("Tweede pagina")
    assert third.startswith("Derde pagina")


def test_pdf_without_metadata_has_no_title():
    parsed = parse("zonder.pdf", make_pdf([[TEXT]]))
    assert parsed.title == "" and parsed.pages == 1


def test_pdf_with_a_user_password_is_refused_as_encrypted():
    data = encrypt_pdf(make_pdf([[TEXT]]), user_password="geheim")
    assert PdfReader(io.BytesIO(data)).is_encrypted
    error = parse_error("beveiligd.pdf", data)
    assert error.code == "encrypted"
    assert "password-protected" in error.message


def test_pdf_encrypted_with_an_empty_user_password_is_read():
    """Such PDFs only restrict printing or copying; anyone can open them."""
    parsed = parse("alleen-lezen.pdf", encrypt_pdf(make_pdf([[TEXT]]), user_password=""))
    assert TEXT in parsed.text and parsed.pages == 1


@pytest.mark.parametrize(
    "pages",
    [
        pytest.param([[]], id="one-empty-page"),
        pytest.param([[], [], []], id="three-empty-pages"),
        pytest.param([["12"], ["-"]], id="page-numbers-only"),
    ],
)
def test_pdf_without_a_text_layer_is_reported_as_a_scan(pages):
    error = parse_error("scan.pdf", make_pdf(pages))
    assert error.code == "scanned"
    assert "OCR" in error.message


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"%PDF-1.4\nthis is not really a pdf", id="garbage"),
        pytest.param(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", id="truncated-header"),
        pytest.param(b"\x00\x01\x02\x03" * 100, id="binary-noise"),
    ],
)
def test_corrupt_pdf(data):
    error = parse_error("kapot.pdf", data)
    assert error.code == "corrupt"
    assert "damaged" in error.message


def test_pdf_cut_off_halfway_is_corrupt_or_read_but_never_half_read_silently():
    whole = make_pdf([[TEXT]])
    cut = whole[: whole.index(b"xref")]  # the objects are there, the table and trailer are not
    try:
        parsed = parse("afgebroken.pdf", cut)
    except ParseError as exc:
        assert exc.code == "corrupt" and "afgebroken.pdf" in exc.message
    else:  # pypdf can rebuild the table from the objects; then the whole text must be there
        assert TEXT in parsed.text and parsed.pages == 1


# -- DOCX failures ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"this is plain text, not a zip", id="not-a-zip"),
        pytest.param(b"PK\x03\x04" + b"\x00garbage" * 20, id="broken-zip"),
        pytest.param(make_docx()[:500], id="truncated"),
    ],
)
def test_corrupt_docx(data):
    error = parse_error("kapot.docx", data)
    assert error.code == "corrupt"
    assert "damaged" in error.message


def test_zip_that_is_not_a_word_document_is_corrupt():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "geen word")
    error = parse_error("archief.docx", out.getvalue())
    assert error.code == "corrupt"


def test_docx_in_an_ole_container_is_reported_as_protected_or_old_format():
    error = parse_error("beveiligd.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    assert error.code == "encrypted"


# -- general failures ------------------------------------------------------------------------------


@pytest.mark.parametrize("filename", ["leeg.txt", "leeg.pdf", "leeg.docx", "leeg.md", "leeg.html"])
@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n "], ids=["zero-bytes", "whitespace"])
def test_empty_file(filename, data):
    error = parse_error(filename, data)
    assert error.code == "empty"
    assert "empty" in error.message


@pytest.mark.parametrize("filename", ["afbeelding.txt", "afbeelding.md", "afbeelding.html"])
def test_binary_data_in_a_text_file(filename):
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    error = parse_error(filename, data)
    assert error.code == "binary"
    assert "binary" in error.message


def test_text_with_only_markup_has_no_text():
    error = parse_error("leeg.html", b"<html><head><title>Alleen titel</title></head></html>")
    assert error.code == "no_text"


@pytest.mark.parametrize("filename", ["tabel.xlsx", "oud.doc", "foto.jpg", "zonder-extensie"])
def test_unsupported_type(filename):
    error = parse_error(filename, b"wat dan ook")
    assert error.code == "unsupported_type"
    assert "not supported" in error.message


def test_extension_is_matched_without_regard_to_case():
    assert parse("NOTITIE.MD", b"# Kop\n\ntekst").title == "Kop"


def test_file_over_the_size_limit(settings):
    settings.KNOWLEDGE_MAX_FILE_BYTES = 100
    assert parse("precies.txt", b"a" * 100).text == "a" * 100
    error = parse_error("groot.txt", b"a" * 101)
    assert error.code == "too_large"
    assert "larger than" in error.message


def test_size_limit_is_checked_before_the_file_is_read(settings):
    settings.KNOWLEDGE_MAX_FILE_BYTES = 10
    # Corrupt as well as too large: the size is what the person hears about.
    assert parse_error("groot.pdf", b"%PDF-1.4 garbage").code == "too_large"


def test_unsupported_type_is_checked_before_size(settings):
    settings.KNOWLEDGE_MAX_FILE_BYTES = 10
    assert parse_error("groot.exe", b"x" * 100).code == "unsupported_type"


def test_text_over_the_character_limit_is_cut_and_the_note_says_so(settings):
    settings.KNOWLEDGE_MAX_TEXT_CHARS = 1500
    parsed = parse("lang.txt", ("woord " * 1000).encode())
    assert len(parsed.text) == 1500
    assert parsed.text == ("woord " * 1000)[:1500]
    assert "1.500" in parsed.note and "not searchable" in parsed.note


def test_text_at_the_character_limit_is_kept_whole(settings):
    settings.KNOWLEDGE_MAX_TEXT_CHARS = 20
    parsed = parse("kort.txt", b"x" * 20)
    assert parsed.text == "x" * 20 and parsed.note == ""


def test_long_pdf_is_cut_too(settings):
    settings.KNOWLEDGE_MAX_TEXT_CHARS = 100
    parsed = parse("lang.pdf", make_pdf([[TEXT] * 5, [TEXT] * 5]))
    assert len(parsed.text) == 100 and parsed.pages == 2 and parsed.note
