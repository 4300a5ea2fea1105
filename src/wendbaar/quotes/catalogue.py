"""Catalogue import and export: CSV and XLSX from common accounting exports.

An import is read completely first and shown as a preview (new, changed, unchanged, errors per
row). Applying it is all-or-nothing: one transaction, a price-history row for every new price and
an audit event; a file with any error changes nothing.

Columns are matched by name, in English or Dutch (case, dots and brackets ignored): sku/artikelcode,
name/omschrijving, description/toelichting, unit/eenheid, price/prijs (excl. btw), vat/btw,
cost price/inkoopprijs, stock/voorraad, lead time/levertijd, category/categorie, active/actief.
Prices may use a decimal comma ("1.234,50", "€ 12,50").
"""

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from wendbaar.accounts.selectors import organisation_get
from wendbaar.audit.services import audit_log
from wendbaar.common.errors import BusinessRuleError
from wendbaar.common.spreadsheet import csv_cell
from wendbaar.quotes import services
from wendbaar.quotes.choices import PriceSource, VatRate
from wendbaar.quotes.models import CatalogueItem

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000

ALIASES = {
    "sku": [
        "sku",
        "artikelcode",
        "artikelnummer",
        "artikelnr",
        "artikel",
        "code",
        "item code",
        "itemcode",
        "product code",
        "productcode",
        "item",
        "nummer",
    ],
    "name": [
        "name",
        "naam",
        "omschrijving",
        "artikelomschrijving",
        "product",
        "productnaam",
        "item name",
        "title",
    ],
    "description": [
        "description",
        "toelichting",
        "lange omschrijving",
        "extra omschrijving",
        "details",
        "long description",
    ],
    "unit": ["unit", "eenheid", "verkoopeenheid", "uom", "unit of measure"],
    "price": [
        "price",
        "prijs",
        "prijs excl btw",
        "verkoopprijs",
        "verkoopprijs excl btw",
        "price excl vat",
        "sales price",
        "unit price",
        "stukprijs",
        "prijs ex btw",
        "prijs excl",
        "tarief",
    ],
    "vat": [
        "vat",
        "btw",
        "btw tarief",
        "btw percentage",
        "btw code",
        "vat rate",
        "vat code",
        "btw perc",
        "btw%",
        "vat%",
    ],
    "cost_price": ["cost price", "cost", "inkoopprijs", "kostprijs", "inkoop"],
    "stock": ["stock", "voorraad", "on hand"],
    "lead_time_days": ["lead time", "lead time days", "levertijd", "levertijd dagen"],
    "category": ["category", "categorie", "groep", "artikelgroep", "productgroep", "group"],
    "active": ["active", "actief", "is active"],
}
_HEADER_INDEX = {alias: key for key, names in ALIASES.items() for alias in names}
VAT_WORDS = {
    "21": VatRate.HIGH,
    "hoog": VatRate.HIGH,
    "high": VatRate.HIGH,
    "standard": VatRate.HIGH,
    "9": VatRate.LOW,
    "laag": VatRate.LOW,
    "low": VatRate.LOW,
    "reduced": VatRate.LOW,
    "0": VatRate.ZERO,
    "nul": VatRate.ZERO,
    "zero": VatRate.ZERO,
    "vrijgesteld": VatRate.ZERO,
    "exempt": VatRate.ZERO,
    "geen": VatRate.ZERO,
    "verlegd": VatRate.REVERSE_CHARGED,
    "btw verlegd": VatRate.REVERSE_CHARGED,
    "reverse": VatRate.REVERSE_CHARGED,
    "reverse charge": VatRate.REVERSE_CHARGED,
    "reverse charged": VatRate.REVERSE_CHARGED,
    "shifted": VatRate.REVERSE_CHARGED,
}
TRUE_WORDS = {"1", "ja", "yes", "true", "waar", "j", "y", "actief", "active"}
FALSE_WORDS = {"0", "nee", "no", "false", "onwaar", "n", "inactief", "inactive"}
EXPORT_COLUMNS = [
    "sku",
    "name",
    "description",
    "unit",
    "price",
    "vat",
    "cost_price",
    "stock",
    "lead_time_days",
    "category",
    "active",
]


class RowStatus:
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass
class PreviewRow:
    line: int  # row number in the file (header is row 1)
    sku: str
    name: str = ""
    status: str = RowStatus.UNCHANGED
    price: Decimal | None = None
    old_price: Decimal | None = None
    changes: dict = field(default_factory=dict)  # field -> [old, new] as text
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)

    @property
    def price_changed(self) -> bool:
        return self.status == RowStatus.CHANGED and "price" in self.changes


@dataclass
class Preview:
    rows: list[PreviewRow] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    applied: bool = False

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def counts(self) -> dict[str, int]:
        statuses = (RowStatus.NEW, RowStatus.CHANGED, RowStatus.UNCHANGED, RowStatus.ERROR)
        return {status: self.count(status) for status in statuses}

    @property
    def price_changes(self) -> int:
        return sum(1 for row in self.rows if row.price_changed)

    @property
    def can_apply(self) -> bool:
        return not self.count(RowStatus.ERROR) and bool(
            self.count(RowStatus.NEW) + self.count(RowStatus.CHANGED)
        )


def _refuse(message: str, code: str = "bad_file") -> BusinessRuleError:
    return BusinessRuleError(message, code=code, status_code=400)


def _normal_header(value) -> str:
    text = str(value or "").strip().lower().replace("%", " % ")
    text = re.sub(r"\(.*?\)", " ", text) if "(" in text and ")" in text else text
    text = re.sub(r"[^a-z0-9%]+", " ", text).strip()
    text = text.replace(" % ", "%").replace(" %", "%")
    return text


def _header_key(value) -> str | None:
    text = _normal_header(value)
    if text in _HEADER_INDEX:
        return _HEADER_INDEX[text]
    # "prijs excl. btw (EUR)" and similar: drop a trailing currency word.
    for suffix in (" eur", " euro", " in euro"):
        if text.endswith(suffix) and text[: -len(suffix)] in _HEADER_INDEX:
            return _HEADER_INDEX[text[: -len(suffix)]]
    return None


def parse_amount(value) -> Decimal:
    """A price as accounting exports write it: "1.234,50", "1234.5", "€ 12,50", 12.5 (Excel)."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value or "").strip().replace("€", "").replace("EUR", "").replace(" ", "")
    text = text.replace("\u00a0", "")
    if not text:
        raise ValueError("empty")
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        if text.count(",") > 1:
            raise ValueError(text)
        text = text.replace(",", ".")
    if not re.fullmatch(r"[-+]?\d+(\.\d+)?", text):
        raise ValueError(text)
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(text) from exc


def parse_vat(value) -> str | None:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if number in (Decimal("0.21"), Decimal("0.09")):  # Excel percentage cells
            number *= 100
        text = format(number.normalize(), "f")
    else:
        text = re.sub(r"[%\s]+", " ", str(value or "")).strip().lower()
        text = re.sub(r"\b(btw|vat|tarief|rate)\b", " ", text).replace(",", ".").strip()
        if re.fullmatch(r"\d+(\.0+)?", text):
            text = str(int(Decimal(text)))
        elif text in ("0.21", "0.09"):
            text = str(int(Decimal(text) * 100))
    return VAT_WORDS.get(text.strip())


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding or "utf-8-sig")
    except (UnicodeDecodeError, LookupError) as exc:
        raise _refuse(
            _(
                "The file is not in the %(encoding)s character encoding. Save it as CSV UTF-8, "
                "or say which encoding it uses (e.g. cp1252 for older Windows exports)."
            )
            % {"encoding": encoding or "UTF-8"},
            code="bad_encoding",
        ) from exc


def _read_csv(data: bytes, encoding: str) -> list[list]:
    text = _decode(data, encoding)
    if "\x00" in text:
        raise _refuse(_("The file is not a readable CSV file."))
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample.splitlines() else ""
        delimiter = max(";,\t", key=first.count)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise _refuse(_("The CSV file is broken: %(error)s") % {"error": str(exc)}) from exc


def _read_xlsx(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl's own InvalidFileException
        raise _refuse(_("The Excel file is broken or not an .xlsx file.")) from exc
    try:
        sheet = workbook.worksheets[0]
        return [
            ["" if cell is None else cell for cell in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    finally:
        workbook.close()


def read_rows(data: bytes, *, filename: str = "", encoding: str = "") -> list[list]:
    """The file's rows as lists of cells; a broken file is refused as a whole."""
    if not data:
        raise _refuse(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise _refuse(_("The file is larger than 20 MB."))
    is_xlsx = data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm"))
    if is_xlsx:
        return _read_xlsx(data)
    if filename.lower().endswith(".xls") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _refuse(_("Old .xls files cannot be read; save the sheet as .xlsx or CSV."))
    return _read_csv(data, encoding)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    # An apostrophe before =, +, -, @, a tab or a return is the guard our CSV export (and a
    # spreadsheet) puts in front of text that would otherwise run as a formula: the text itself
    # starts after it.
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        return text[1:]
    return text


def _row_values(cells: dict, row: PreviewRow) -> dict:
    """Check one row's cells and turn them into field values; problems go to `row.errors`."""
    values = {}
    if "name" in cells:
        values["name"] = _cell(cells["name"])[:250]
    for key in ("description", "unit", "category"):
        if key in cells:
            values[key] = _cell(cells[key])
    if "unit" in values:
        values["unit"] = values["unit"][:20]
    if "category" in values:
        values["category"] = values["category"][:120]
    raw_price = cells.get("price", "")
    try:
        price = parse_amount(raw_price)
    except ValueError:
        row.errors.append(
            _("The price %(value)s is not an amount.") % {"value": _cell(raw_price) or "''"}
        )
    else:
        if price <= 0:
            row.errors.append(
                _("The price must be more than zero (found %(value)s).") % {"value": price}
            )
        elif price != price.quantize(Decimal("0.01")):
            row.errors.append(
                _("The price %(value)s has more than two decimals.") % {"value": price}
            )
        elif price >= Decimal("1e12"):
            row.errors.append(_("The price %(value)s is too large.") % {"value": price})
        else:
            values["price"] = price.quantize(Decimal("0.01"))
    if "vat" in cells:
        if _cell(cells["vat"]) == "":
            row.notes.append(_("No VAT rate given; 21 % assumed."))
            values["vat_rate"] = VatRate.HIGH
        else:
            rate = parse_vat(cells["vat"])
            if rate is None:
                row.errors.append(
                    _("Unknown VAT rate %(value)s (use 21, 9, 0 or verlegd).")
                    % {"value": _cell(cells["vat"])}
                )
            else:
                values["vat_rate"] = rate
    if "cost_price" in cells and _cell(cells["cost_price"]) != "":
        try:
            cost = parse_amount(cells["cost_price"])
            if cost < 0 or cost >= Decimal("1e12"):
                raise ValueError(cost)
            values["cost_price"] = cost.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        except (ValueError, InvalidOperation):
            row.errors.append(
                _("The cost price %(value)s is not an amount of zero or more.")
                % {"value": _cell(cells["cost_price"])}
            )
    for key in ("stock", "lead_time_days"):
        if key in cells and _cell(cells[key]) != "":
            try:
                number = parse_amount(cells[key])
                if number != number.to_integral_value() or (key == "lead_time_days" and number < 0):
                    raise ValueError(number)
                values[key] = int(number)
            except ValueError:
                row.errors.append(
                    _("%(column)s %(value)s is not a whole number.")
                    % {"column": key.replace("_", " "), "value": _cell(cells[key])}
                )
    if "active" in cells and _cell(cells["active"]) != "":
        word = _cell(cells["active"]).lower()
        if word in TRUE_WORDS:
            values["is_active"] = True
        elif word in FALSE_WORDS:
            values["is_active"] = False
        else:
            row.errors.append(
                _("Active must be yes or no, not %(value)s.") % {"value": _cell(cells["active"])}
            )
    return values


def _shown(value) -> str:
    if value is None:
        return ""
    return str(value)


def catalogue_preview(
    *, data: bytes, filename: str = "", encoding: str = "", organisation=None
) -> Preview:
    """Read a catalogue file and say, per row, what applying it would change. Writes nothing."""
    organisation = organisation or organisation_get()
    rows = read_rows(data, filename=filename, encoding=encoding)
    # Keep the file's own row numbers (blank rows skipped) so errors point at the right line.
    numbered = [(n, row) for n, row in enumerate(rows, start=1) if any(_cell(c) for c in row)]
    if not numbered:
        raise _refuse(_("The file has no rows."))
    # Some exports put a title or date above the header; look for it in the first rows.
    header_at = 0
    columns: dict[str, int] = {}
    for position, (_number, cells_list) in enumerate(numbered[:10]):
        found: dict[str, int] = {}
        for index, title in enumerate(cells_list):
            key = _header_key(title)
            if key and key not in found:
                found[key] = index
        if position == 0 or ("sku" in found and "price" in found):
            header_at, columns = position, found
        if "sku" in found and "price" in found:
            break
    missing = [key for key in ("sku", "price") if key not in columns]
    if missing:
        raise _refuse(
            _(
                "Column %(columns)s not found. A header row must name the columns, e.g. "
                "artikelcode;omschrijving;prijs excl. btw;btw."
            )
            % {"columns": ", ".join(missing)},
            code="missing_columns",
        )
    body = numbered[header_at + 1 :]
    if len(body) > MAX_ROWS:
        raise _refuse(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
    existing = {
        item.sku.lower(): item for item in CatalogueItem.objects.for_organisation(organisation)
    }
    preview = Preview(columns=list(columns))
    seen: dict[str, PreviewRow] = {}
    flagged: set[int] = set()  # first rows of a duplicated SKU, told once
    for number, cells_list in body:
        cells = {
            key: (cells_list[index] if index < len(cells_list) else "")
            for key, index in columns.items()
        }
        sku = _cell(cells.get("sku"))[:64]
        row = PreviewRow(line=number, sku=sku, name=_cell(cells.get("name"))[:250])
        preview.rows.append(row)
        if not sku:
            row.errors.append(_("The item code (SKU) is empty."))
        elif sku.lower() in seen:
            first = seen[sku.lower()]
            message = _("The item code %(sku)s is also on row %(row)s.")
            row.errors.append(message % {"sku": sku, "row": first.line})
            if first.line not in flagged:
                flagged.add(first.line)
                first.errors.append(message % {"sku": sku, "row": number})
        else:
            seen[sku.lower()] = row
        row.values = _row_values(cells, row)
        item = existing.get(sku.lower())
        if item is None and not row.values.get("name"):
            row.errors.append(_("A new item needs a name."))
        if item is not None:
            row.old_price = item.price
            for key, value in row.values.items():
                if getattr(item, key) != value:
                    row.changes[key] = [_shown(getattr(item, key)), _shown(value)]
        row.price = row.values.get("price")
        if item is not None and not row.name:
            row.name = item.name
    for row in preview.rows:
        if row.errors:
            row.status = RowStatus.ERROR
        elif row.sku.lower() not in existing:
            row.status = RowStatus.NEW
        elif row.changes:
            row.status = RowStatus.CHANGED
        else:
            row.status = RowStatus.UNCHANGED
    return preview


@transaction.atomic
def catalogue_import(
    *, actor, data: bytes, filename: str = "", encoding: str = "", apply: bool = False
) -> Preview:
    """Preview a catalogue file, and with `apply` save it: all rows or none."""
    organisation = organisation_get()
    preview = catalogue_preview(
        data=data, filename=filename, encoding=encoding, organisation=organisation
    )
    if not apply:
        return preview
    errors = preview.count(RowStatus.ERROR)
    if errors:
        raise BusinessRuleError(
            _("%(count)s rows have errors; nothing was imported. Fix them and try again.")
            % {"count": errors},
            code="import_errors",
            status_code=400,
        )
    existing = {
        item.sku.lower(): item
        for item in CatalogueItem.objects.for_organisation(organisation).select_for_update()
    }
    for row in preview.rows:
        if row.status not in (RowStatus.NEW, RowStatus.CHANGED):
            continue
        item = existing.get(row.sku.lower()) or CatalogueItem(
            organisation=organisation, sku=row.sku
        )
        for key, value in row.values.items():
            setattr(item, key, value)
        services.catalogue_item_save(item=item, actor=actor, source=PriceSource.IMPORT)
    preview.applied = True
    audit_log(
        actor=actor,
        action="quotes.catalogue_imported",
        data={
            "file": filename[:200],
            **preview.counts,
            "price_changes": preview.price_changes,
        },
    )
    return preview


EXPORT_FORMATS = ("csv", "xlsx")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_EXPORT_VAT = {VatRate.REVERSE_CHARGED: "verlegd"}  # the other codes (21, 9, 0) read back as-is


def _export_amount(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f").replace(".", ",")


def _export_items(organisation):
    return CatalogueItem.objects.for_organisation(organisation or organisation_get()).order_by(
        "sku"
    )


def catalogue_export_csv(*, organisation=None) -> str:
    """The catalogue as CSV with semicolons and decimal commas (opens as-is in Dutch Excel and
    imports back unchanged)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for item in _export_items(organisation):
        writer.writerow(
            [
                csv_cell(item.sku),
                csv_cell(item.name),
                csv_cell(item.description),
                csv_cell(item.unit),
                _export_amount(item.price),
                _EXPORT_VAT.get(item.vat_rate, item.vat_rate),
                _export_amount(item.cost_price),
                "" if item.stock is None else item.stock,
                "" if item.lead_time_days is None else item.lead_time_days,
                csv_cell(item.category),
                "ja" if item.is_active else "nee",
            ]
        )
    return out.getvalue()


def catalogue_export_xlsx(*, organisation=None) -> bytes:
    """The catalogue as an Excel workbook with the CSV export's columns: prices as numbers with two
    decimals, VAT as its code, text as text (a name starting with = stays text, never a formula).
    It imports back unchanged."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Catalogue")[:31])
    for letter, width in zip("ABCDEFGHIJK", (16, 40, 40, 8, 12, 8, 12, 8, 10, 20, 8), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"

    def text(value):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value or "")))
        cell.data_type = "s"  # openpyxl would write "=..." as a formula
        return cell

    def amount(value: Decimal | None):
        if value is None:
            return None
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "0.00"
        return cell

    sheet.append([text(title) for title in EXPORT_COLUMNS])
    for item in _export_items(organisation):
        sheet.append(
            [
                text(item.sku),
                text(item.name),
                text(item.description),
                text(item.unit),
                amount(item.price),
                text(_EXPORT_VAT.get(item.vat_rate, item.vat_rate)),
                amount(item.cost_price),
                item.stock,
                item.lead_time_days,
                text(item.category),
                text("ja" if item.is_active else "nee"),
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def catalogue_export(*, file_format: str = "csv", organisation=None) -> tuple[bytes, str]:
    """The catalogue as a download: (content, content type). CSV is UTF-8 with a byte order mark,
    so Excel reads it as UTF-8; `file_format` is one of EXPORT_FORMATS."""
    if file_format == "xlsx":
        return catalogue_export_xlsx(organisation=organisation), XLSX_CONTENT_TYPE
    if file_format == "csv":
        text = catalogue_export_csv(organisation=organisation)
        return ("\ufeff" + text).encode("utf-8"), "text/csv"
    raise ValueError(file_format)
