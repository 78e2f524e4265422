"""A streaming .xlsx writer: sheet XML written row by row into the zip, for spreadsheets.py.

openpyxl's write-only mode keeps memory flat but costs ~0.3-1 ms a row (a cell object, a style
lookup and an XML element per value): a county's 400,000-row ledger took minutes. Here a row is
one string built from the values (inline strings, no shared-string table, five fixed styles),
written to the zip entry as it comes: about 20 µs a row, memory flat. The file is plain Office
Open XML (SpreadsheetML) that Excel, WPS and openpyxl read.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import IO, Iterable, Sequence
from xml.sax.saxutils import escape

# Style indexes of cellXfs in STYLES (below).
PLAIN, BOLD, TITLE, DATETIME, DATE, TIME, QUOTED = range(7)
EPOCH = datetime(1899, 12, 30)
PORTRAIT_WIDTH = 90  # the column widths (in characters) that fit across a portrait A4 page
_ATTR = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


@dataclass(frozen=True)
class Text:
    """A text cell with a style (bold header, title, quote prefix)."""

    value: str
    style: int = PLAIN


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _serial(value) -> tuple[float, int]:
    """An Excel date serial and its style."""
    if isinstance(value, datetime):
        delta = value - EPOCH
        return delta.days + delta.seconds / 86400, DATETIME
    if isinstance(value, date):
        return (value - EPOCH.date()).days, DATE
    return (value.hour * 3600 + value.minute * 60 + value.second) / 86400, TIME


_MEMO_MAX = 50_000  # distinct texts and times remembered while a sheet is written: the part of their
# cell after the reference is built once (a ledger repeats its labels, places and minutes on every row)


def _cells(letters: list[str], number: str, row: Sequence, memo: dict) -> str:
    """The XML of a row's cells (`letters`: the columns' letters, `number`: the row's). A value's cell
    after its reference comes from `memo`, but for numbers (a county's ledger has 6 million cells)."""
    cells = []
    for letter, value in zip(letters, row):
        kind = type(value)
        if kind is int or kind is float or kind is bool:
            cells.append(f'<c r="{letter}{number}"><v>{value!r}</v></c>')
        elif value is not None and value != "":  # an empty text is no cell, as in openpyxl
            tail = memo.get(value)
            if tail is None:
                if len(memo) > _MEMO_MAX:
                    memo.clear()
                tail = memo[value] = _cell_xml("", value)[len('<c r=""'):]
            cells.append(f'<c r="{letter}{number}"{tail}')
    return "".join(cells)


def _cell_xml(ref: str, value) -> str:
    if isinstance(value, Text):
        style = f' s="{value.style}"' if value.style else ""
        return f'<c r="{ref}" t="inlineStr"{style}><is><t xml:space="preserve">{escape(value.value)}</t></is></c>'
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, (date, time)):
        serial, style = _serial(value)
        return f'<c r="{ref}" s="{style}"><v>{serial!r}</v></c>'
    raise TypeError(f"no cell for {type(value).__name__}")


@dataclass
class Sheet:
    """What a sheet needs besides its rows."""

    name: str
    widths: Sequence[float]
    frozen_rows: int = 0  # rows kept in view at the top, and printed at the top of every page
    filter_row: int | None = None  # the header row of the autofilter (over the rows below it, to a blank one)

    @property
    def landscape(self) -> bool:
        """Printed across an A4 page when its columns are wider than the page is (about 90 characters)."""
        return sum(self.widths) > PORTRAIT_WIDTH


class Writer:
    """`add(sheet, rows)` for each sheet, then `close()`; rows are sequences of values (see _cell)."""

    def __init__(self, target: str | IO[bytes]):
        self.zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self.sheets: list[tuple[Sheet, str | None]] = []

    def add(self, sheet: Sheet, rows: Iterable[Sequence]) -> None:
        number = len(self.sheets) + 1
        letters = [column_letter(i) for i in range(1, max(len(sheet.widths), 1) + 1)]
        last_row, last_column, block_end, ended = 0, len(sheet.widths), 0, False
        with self.zip.open(f"xl/worksheets/sheet{number}.xml", "w") as raw:
            raw.write(self._head(sheet).encode())
            chunk: list[str] = []
            memo: dict = {}
            for last_row, row in enumerate(rows, start=1):
                while len(letters) < len(row):
                    letters.append(column_letter(len(letters) + 1))
                last_column = max(last_column, len(row))
                if sheet.filter_row and last_row >= sheet.filter_row and not ended:
                    ended, block_end = not any(v is not None for v in row), last_row if row else block_end
                chunk.append(f'<row r="{last_row}">{_cells(letters, str(last_row), row, memo)}</row>')
                if len(chunk) >= 500:
                    raw.write("".join(chunk).encode())
                    chunk = []
            raw.write("".join(chunk).encode())
            area = None
            if sheet.filter_row and last_column:
                area = f"A{sheet.filter_row}:{column_letter(last_column)}{max(block_end, sheet.filter_row)}"
            raw.write(("</sheetData>" + (f'<autoFilter ref="{area}"/>' if area else "") + _page(sheet)
                       + "</worksheet>").encode())
        self.sheets.append((sheet, area))

    @staticmethod
    def _head(sheet: Sheet) -> str:
        view = '<sheetView workbookViewId="0">'
        if sheet.frozen_rows:
            top = f"A{sheet.frozen_rows + 1}"
            view += (f'<pane ySplit="{sheet.frozen_rows}" topLeftCell="{top}" activePane="bottomLeft" state="frozen"/>'
                     f'<selection pane="bottomLeft" activeCell="{top}" sqref="{top}"/>')
        view += "</sheetView>"
        cols = "".join(f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>'
                       for i, width in enumerate(sheet.widths, start=1))
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<worksheet xmlns="{MAIN}" xmlns:r="{RELS}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
                f'<sheetViews>{view}</sheetViews>'
                f'<sheetFormatPr defaultRowHeight="15"/>{f"<cols>{cols}</cols>" if cols else ""}<sheetData>')

    def close(self) -> None:
        count = len(self.sheets)
        names = "".join(f'<sheet name="{escape(s.name, _ATTR)}" sheetId="{i}" r:id="rId{i}"/>'
                        for i, (s, _area) in enumerate(self.sheets, start=1))
        filters = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"{escape(_quoted(s.name))}!{_absolute(area)}</definedName>"
            for i, (s, area) in enumerate(self.sheets) if area)
        filters += "".join(  # the title and header rows on every printed page
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
            f"{escape(_quoted(s.name))}!$1:${s.frozen_rows}</definedName>"
            for i, (s, _area) in enumerate(self.sheets) if s.frozen_rows)
        parts = {
            "[Content_Types].xml": CONTENT_TYPES.format(sheets="".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_TYPE}"/>'
                for i in range(1, count + 1))),
            "_rels/.rels": ROOT_RELS,
            "xl/workbook.xml": WORKBOOK.format(sheets=names,
                                               names=f"<definedNames>{filters}</definedNames>" if filters else ""),
            "xl/_rels/workbook.xml.rels": WORKBOOK_RELS.format(sheets="".join(
                f'<Relationship Id="rId{i}" Type="{RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, count + 1)), styles=count + 1),
            "xl/styles.xml": STYLES,
        }
        for name, xml in parts.items():
            self.zip.writestr(name, xml)
        self.zip.close()


def _page(sheet: Sheet) -> str:
    """Printing: A4, every column on the page's width (as many pages down as it takes), page numbers."""
    orientation = "landscape" if sheet.landscape else "portrait"
    return ('<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.6" header="0.3" footer="0.3"/>'
            f'<pageSetup paperSize="9" orientation="{orientation}" fitToWidth="1" fitToHeight="0"/>'
            '<headerFooter><oddFooter>&amp;C&amp;P / &amp;N</oddFooter></headerFooter>')


def _quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _absolute(area: str) -> str:
    start, end = area.split(":")
    split = lambda ref: (ref.rstrip("0123456789"), ref[len(ref.rstrip("0123456789")):])  # noqa: E731
    (c1, r1), (c2, r2) = split(start), split(end)
    return f"${c1}${r1}:${c2}${r2}"


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '{sheets}</Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><bookViews><workbookView/></bookViews>'
    '<sheets>{sheets}</sheets>{names}</workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{PACKAGE_RELS}">{{sheets}}'
    f'<Relationship Id="rId{{styles}}" Type="{RELS}/styles" Target="styles.xml"/></Relationships>')
# cellXfs: 0 plain, 1 bold, 2 title (bold 13), 3 date-time, 4 date, 5 time, 6 text with a quote prefix.
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{MAIN}">'
    '<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/><numFmt numFmtId="166" formatCode="hh:mm"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="13"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
