"""Reading an upload: the bytes of an .xlsx or .csv into rows keyed by column, headers found by name.

A file is read as a stream and held to the template's size: at most MAX_COLUMNS columns (a cell far
to the right, in column XFD, would otherwise pad every row to 16,384 cells) and MAX_ROWS rows,
counted while reading, so that a small hostile file is refused before it fills the memory.
"""
from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain, islice

import openpyxl
from flask_babel import lazy_gettext as _l

from ...errors import RuleError
from .columns import COLUMNS, norm

MAX_ROWS = 200_000  # a whole county fits
HEADER_SEARCH_ROWS = 10  # a title row or two may stand above the headers
MAX_COLUMNS = 50  # the templates have 11 and 10; room for a file's own extra columns
MAX_SHEET_ROWS = 1_048_576  # Excel's last row: blank rows are skipped, but no further than that


@dataclass
class Sheet:
    """The rows of an uploaded file, keyed by column; row numbers as Excel shows them."""

    kind: str
    headers: dict[str, str]  # column key -> the header as the file writes it
    rows: list[tuple[int, dict]]
    ignored: list[str] = field(default_factory=list)  # headers the import does not know

    def header(self, key: str) -> str:
        return self.headers.get(key) or next(c.header for c in COLUMNS[self.kind] if c.key == key)


def read_sheet(kind: str, filename: str, data: bytes) -> Sheet:
    """Read an .xlsx or .csv upload; RuleError when it is no spreadsheet, empty, too big, or lacks headers."""
    if not data.strip():
        raise RuleError(_l("The file is empty."), "file")
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(kind, data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RuleError(_l("This is an old .xls workbook: open it in Excel or WPS and save it as .xlsx."), "file")
    if filename.lower().endswith((".csv", ".txt")):
        return _to_sheet(kind, _csv_rows(data))
    raise RuleError(_l("This file is not a spreadsheet. Upload an .xlsx or .csv file."), "file")


def _read_xlsx(kind: str, data: bytes) -> Sheet:
    """The rows of the first worksheet that has our headers (the first one otherwise)."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl fails in many ways on a damaged file (BadZipFile, KeyError, …)
        raise RuleError(_l("This file is not a readable .xlsx workbook."), "file") from None
    try:
        sheets = book.worksheets
        best = next((s for s in sheets if _header_row(_first_rows(s), COLUMNS[kind]) is not None), sheets[0])
        return _to_sheet(kind, _xlsx_rows(best))
    except RuleError:
        raise
    except Exception:
        raise RuleError(_l("This file is not a readable .xlsx workbook."), "file") from None
    finally:
        book.close()


def _xlsx_rows(sheet) -> Iterator[tuple]:
    # Some writers record a wrong sheet size: forget it and read what is there, but never more
    # columns than MAX_COLUMNS (one cell in column XFD would make every row 16,384 cells wide).
    sheet.reset_dimensions()
    return sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)


def _first_rows(sheet) -> list[tuple]:
    return list(islice(_xlsx_rows(sheet), HEADER_SEARCH_ROWS))


def _csv_rows(data: bytes) -> Iterator[tuple]:
    text = _decode(data)
    if "\x00" in text:
        raise RuleError(_l("This file is not a spreadsheet. Upload an .xlsx or .csv file."), "file")
    first_line = text.split("\n", 1)[0]
    # Excel's "Unicode text" is tab-separated; a plain CSV uses commas.
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    return _checked_csv(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _checked_csv(reader) -> Iterator[tuple]:
    try:
        for row in reader:
            yield tuple(row[:MAX_COLUMNS])
    except csv.Error:
        raise RuleError(_l("This CSV file cannot be read: check its quotes."), "file") from None


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030: Excel in China saves CSV in GBK."""
    encodings = ("utf-16",) if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RuleError(_l("The text of this CSV file is in an unknown encoding: save it as UTF-8 CSV."), "file")


def _header_row(rows: list[tuple], columns) -> int | None:
    """The index of the row that names the most known columns (at least one), among the first rows."""
    best, best_count = None, 0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        count = len(_header_map(row, columns)[0])
        if count > best_count:
            best, best_count = index, count
    return best


def _header_map(row: tuple, columns) -> tuple[dict, list]:
    """{key: (position, header as written)} and the headers nobody knows."""
    lookup = {}
    for column in columns:
        for name in (column.header, *column.aliases):
            lookup.setdefault(norm(name), column.key)
    found, ignored = {}, []
    for position, cell in enumerate(row or ()):
        text = cell_text(cell)
        key = lookup.get(norm(text))
        if key and key not in found:
            found[key] = (position, text)
        elif text:
            ignored.append(text)
    return found, ignored


def _to_sheet(kind: str, rows: Iterator[tuple]) -> Sheet:
    """The header row among the first rows, then the data rows, read one at a time and counted."""
    columns = COLUMNS[kind]
    head = list(islice(rows, HEADER_SEARCH_ROWS))
    header_index = _header_row(head, columns)
    if header_index is None:
        rest = (row for _n, row in _numbered(rows, len(head) + 1))
        if not any(cell_text(cell) for row in chain(head, rest) for cell in row or ()):
            raise RuleError(_l("The file is empty."), "file")
        raise RuleError(_l("No known column headers found. Download the template and use its first row."), "file")
    found, ignored = _header_map(head[header_index], columns)
    data = []
    for number, row in _numbered(chain(head[header_index + 1:], rows), header_index + 2):
        values = {key: row[pos] if row and pos < len(row) else None for key, (pos, _h) in found.items()}
        if any(cell_text(v) for v in values.values()):
            data.append((number, values))
            if len(data) > MAX_ROWS:
                raise _too_many_rows()
    return Sheet(kind, {key: header for key, (_p, header) in found.items()}, data, ignored)


def _numbered(rows: Iterable[tuple], first: int) -> Iterator[tuple[int, tuple]]:
    """(row number, row), refused past Excel's last row: an .xlsx may claim row 100,000,000 in a few bytes."""
    for number, row in enumerate(rows, start=first):
        if number > MAX_SHEET_ROWS:
            raise _too_many_rows()
        yield number, row


def _too_many_rows() -> RuleError:
    return RuleError(_l("The file has more than %(n)s rows. Split it into several files.", n=MAX_ROWS), "file")


def cell_text(value) -> str:
    """A cell as clean text: full-width characters made half-width, no surrounding spaces."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).replace("\u200b", "").replace("\ufeff", "").strip()

