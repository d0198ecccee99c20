"""The streamed Excel writer: what it writes opens in openpyxl with the right values,
formatting, and Excel's row limit respected (a long list continues on further sheets)."""

import io
import zipfile
from datetime import date, datetime, timezone as dt_timezone

import openpyxl
import pytest

from sitecensus.core import excel


def _book(sheets, **kwargs):
    out = io.BytesIO()
    counts = excel.write_sheets(out, sheets)
    out.seek(0)
    return counts, openpyxl.load_workbook(out), out


def test_values_keep_their_type_and_text_is_escaped_not_run():
    rows = [[1, 2.5, "甲&乙<丙>", "=SUM(A1)", "  前后空格 ", "控制\x01字符", True, None, "",
             date(2026, 3, 1), datetime(2026, 3, 1, 8, 30, tzinfo=dt_timezone.utc), -7, "@x"]]
    counts, book, _ = _book([("清单", [f"列{i}" for i in range(13)], rows)])
    assert counts == [1]
    values = [c.value for c in book["清单"][2]]
    assert values[:7] == [1, 2.5, "甲&乙<丙>", "'=SUM(A1)", "  前后空格 ", "控制\ufffd字符", "是"]
    assert values[7] is None and values[8] is None  # empty cells stay empty
    assert values[9] == "2026-03-01" and values[10] == "2026-03-01 16:30:00"  # local time (Asia/Shanghai)
    assert values[11] == -7 and values[12] == "'@x"
    assert book["清单"]["A2"].data_type == "n" and book["清单"]["C2"].data_type == "s"


def test_header_is_bold_frozen_and_columns_have_widths():
    _, book, _ = _book([("清单", ["名称", "网址"], iter([["a", "b"]]))])
    sheet = book["清单"]
    assert [c.value for c in sheet[1]] == ["名称", "网址"]
    assert sheet["A1"].font.b and sheet["A1"].fill.fgColor.rgb == "FFDDE6F0"
    assert not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 10


def test_an_empty_list_still_gets_its_sheet_and_header():
    counts, book, _ = _book([("空", ["甲"], []), ("也空", [], iter(()))])
    assert counts == [0, 0] and book.sheetnames == ["空", "也空"]
    assert book["空"]["A1"].value == "甲"


def test_past_excels_row_limit_a_sheet_continues_on_numbered_sheets(monkeypatch):
    # Excel's limit is 1,048,576 rows with the header; here 4, so 3 data rows a sheet.
    monkeypatch.setattr(excel, "EXCEL_MAX_ROWS", 4)
    rows = ([n, f"栏目{n}"] for n in range(1, 9))
    counts, book, _ = _book([("网站", ["序号"], [[1], [2], [3]]), ("栏目", ["序号", "名称"], rows)])
    assert counts == [3, 8]
    assert book.sheetnames == ["网站", "栏目(1)", "栏目(2)", "栏目(3)"]
    seen = []
    for name in book.sheetnames[1:]:
        sheet = list(book[name].iter_rows(values_only=True))
        assert sheet[0] == ("序号", "名称") and len(sheet) <= 4
        seen += [row[0] for row in sheet[1:]]
    assert seen == list(range(1, 9))


def test_the_package_is_plain_spreadsheetml_streamed_part_by_part():
    _, _, out = _book([("甲", ["x"], [[1]]), ("乙\"", ["y"], [[2]])])
    with zipfile.ZipFile(out) as package:
        names = package.namelist()
        assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/styles.xml",
                "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"} <= set(names)
        assert '<c r="A2"><v>1</v></c>' in package.read("xl/worksheets/sheet1.xml").decode()
        raw = out.getvalue()
        for info in package.infolist():  # no Zip64 local headers (sizes 0xFFFFFFFF + an extra record)
            assert raw[info.header_offset + 18:info.header_offset + 26] != b"\xff" * 8, info.filename


@pytest.mark.parametrize("limit", [2, 5])
def test_every_row_is_written_once_whatever_the_limit(monkeypatch, limit):
    monkeypatch.setattr(excel, "EXCEL_MAX_ROWS", limit)
    counts, book, _ = _book([("表", ["n"], ([n] for n in range(10)))])
    values = [row[0] for name in book.sheetnames for row in book[name].iter_rows(min_row=2, values_only=True)]
    assert counts == [10] and values == list(range(10))
