"""Reading back a file of the one spreadsheet writer (webapp/spreadsheets.py) in tests."""
from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from webapp.spreadsheets import HEADER_ROW


def workbook(data: bytes):
    return load_workbook(BytesIO(data))


def header(data: bytes) -> tuple:
    return next(workbook(data).active.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW, values_only=True))


def data_rows(data: bytes) -> list[tuple]:
    """The rows under the header, up to the blank row before the signature line."""
    rows = []
    for row in workbook(data).active.iter_rows(min_row=HEADER_ROW + 1, values_only=True):
        if all(value is None for value in row):
            break
        rows.append(row)
    return rows


def formula_cells(data: bytes) -> list[str]:
    """Every cell of every sheet that a spreadsheet program would compute."""
    book = workbook(data)
    return [cell.coordinate for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
            if cell.data_type == "f"]
