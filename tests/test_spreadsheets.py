"""The one writer of every spreadsheet and CSV file (webapp/spreadsheets.py)."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timezone
from decimal import Decimal

import pytest

from tests.conftest import COUNTY_ZONE
from webapp.spreadsheets import HEADER_ROW, Column, Table, write_csv, xlsx_bytes

from .sheets import data_rows, formula_cells, header, workbook

PLANTED = ["=HYPERLINK(\"http://x\",\"a\")", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx", "=cmd|' /C calc'!A0"]


def table(rows) -> Table:
    return Table(title="晨午检台账", unit="东镇一小", day=date(2026, 3, 2),
                 columns=[Column("姓名", 10), Column("体温", 8), Column("日期"), Column("时间")], rows=rows)


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def test_user_text_never_becomes_a_formula_and_reads_back_as_typed(ctx):
    data = xlsx_bytes(table([[text, None, None, None] for text in PLANTED]))
    assert formula_cells(data) == []
    assert [row[0] for row in data_rows(data)] == [text.replace("\r", "\n") for text in PLANTED]  # XML's line end
    sheet = workbook(data).active
    assert all(sheet.cell(HEADER_ROW + 1 + i, 1).quotePrefix for i in range(len(PLANTED)))


def test_numbers_are_numbers_and_dates_and_times_are_excel_dates(ctx):
    moment = datetime(2026, 3, 2, 7, 40)
    data = xlsx_bytes(table([["张三", 38.4, date(2026, 3, 2), moment], ["李四", Decimal("36.5"), None, time(8, 5)],
                             ["王五", True, None, None]]))
    rows = data_rows(data)
    assert rows[0] == ("张三", 38.4, datetime(2026, 3, 2), moment)
    assert rows[1][1] == 36.5 and rows[1][3] == time(8, 5) and rows[2][1] == "是"
    sheet = workbook(data).active
    first = HEADER_ROW + 1
    assert sheet.cell(first, 2).data_type == "n" and sheet.cell(first, 3).is_date and sheet.cell(first, 4).is_date
    assert sheet.cell(first, 3).number_format == "yyyy-mm-dd"


def test_title_unit_day_header_frozen_autofilter_and_signature(ctx):
    data = xlsx_bytes(table([["张三", 36.5, None, None], ["李四", 36.6, None, None]]))
    sheet = workbook(data).active
    assert sheet["A1"].value == "晨午检台账" and "东镇一小" in sheet["A2"].value and "2026-03-02" in sheet["A2"].value
    assert header(data) == ("姓名", "体温", "日期", "时间")
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}" and sheet.auto_filter.ref == f"A{HEADER_ROW}:D{HEADER_ROW + 2}"
    assert sheet.cell(HEADER_ROW + 4, 1).value.startswith("填表人：") and sheet.max_column == 4
    assert sheet.column_dimensions["A"].width == 10


def test_a_ledger_prints_on_a4_every_column_across_the_page_with_its_header_on_each_page(ctx):
    narrow = workbook(xlsx_bytes(table([["张三", 36.5, None, None]]))).active
    wide = Table(title="晨午检台账", unit="东镇一小", day=date(2026, 3, 2),
                 columns=[Column(f"列{i}", 12) for i in range(12)], rows=[["x"] * 12] * 200)
    for sheet, orientation in ((narrow, "portrait"), (workbook(xlsx_bytes(wide)).active, "landscape")):
        setup = sheet.page_setup
        assert (int(setup.paperSize), setup.orientation) == (9, orientation)  # 9: A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0
        assert sheet.print_title_rows == f"$1:${HEADER_ROW}"  # title, unit and headers on every page
        assert sheet.oddFooter.center.text == "&P / &N"


def test_libreoffice_opens_the_file_cleanly(ctx, tmp_path):
    """Converted to PDF by LibreOffice (when installed), as a county office would print it."""
    import shutil
    import subprocess
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if not office:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc)")
    source = tmp_path / "ledger.xlsx"
    source.write_bytes(xlsx_bytes(table([["张三", 36.5, date(2026, 3, 2), datetime(2026, 3, 2, 7, 40)]])))
    subprocess.run([office, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=120)
    assert (tmp_path / "ledger.pdf").read_bytes().startswith(b"%PDF")


def test_characters_a_spreadsheet_cannot_hold_are_dropped_not_a_500(ctx):
    assert data_rows(xlsx_bytes(table([["a\x01b", None, None, None]])))[0][0] == "ab"


def test_a_time_with_a_zone_is_shown_in_the_countys_time(ctx):
    moment = datetime(2026, 3, 2, tzinfo=timezone.utc)
    rows = data_rows(xlsx_bytes(table([["a", None, None, moment]])))
    assert rows[0][3] == moment.astimezone(COUNTY_ZONE).replace(tzinfo=None)


def test_the_csv_file_has_the_same_lines_with_formulas_quoted(ctx):
    out = io.BytesIO()
    write_csv(out, table([*[[text, None, None, None] for text in PLANTED],
                          ["张三", 38.4, date(2026, 3, 2), datetime(2026, 3, 2, 7, 40)]]))
    assert out.getvalue().startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"), newline="")))
    assert lines[0] == ["晨午检台账"] and lines[2] == ["姓名", "体温", "日期", "时间"]
    assert [line[0] for line in lines[3:3 + len(PLANTED)]] == ["'" + text for text in PLANTED]
    assert lines[3 + len(PLANTED)] == ["张三", "38.4", "2026-03-02", "2026-03-02 07:40"]
    assert lines[-1][0].startswith("填表人：")


def test_several_sheets_with_any_names_and_text_read_back_as_written(ctx):
    from webapp.spreadsheets import write_xlsx
    out = io.BytesIO()
    odd = 'a<b>&"c"\'d 张三'
    write_xlsx(out, table([[odd, 1, None, None]]),
               Table(title="第二张 [1/2]", columns=[Column("x")], rows=[["y"]], sheet="名单: 一/二"))
    book = workbook(out.getvalue())
    assert [s.title for s in book.worksheets] == ["晨午检台账", "名单： 一／二"]
    assert data_rows(out.getvalue())[0][:2] == (odd, 1)
    assert book.worksheets[1].cell(HEADER_ROW + 1, 1).value == "y"
