"""The sheet-XML row reader (sheetrows.py) against openpyxl's read-only reader, cell by cell:
every kind of cell a workbook can hold, written the ways Excel, WPS and openpyxl write them."""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from sitecensus.registry.formspec.parser import parse_workbook
from sitecensus.registry.formspec.sheetrows import data_rows

from .helpers import blank_workbook, fill, good_column, good_site

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHARED = ["共享文本", "  ", "http://www.lsx.gov.cn/", None]  # None: a rich-text item (below)


def _book(rows_xml: str, dimension: str | None = "A1:F20") -> bytes:
    """A workbook whose only sheet holds ``rows_xml``, with a shared-string table and a date style."""
    wb = Workbook()
    ws = wb.active
    ws["A1"] = dt.datetime(2020, 1, 1)
    ws["A1"].number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    wb.save(out)
    items = "".join(f'<si><t xml:space="preserve">{s}</t></si>' if s is not None
                    else '<si><r><t>富</t></r><r><rPr><b/></rPr><t>文本</t></r><rPh sb="0" eb="1"><t>ふ</t></rPh></si>'
                    for s in SHARED)
    strings = f'<sst xmlns="{MAIN}" count="{len(SHARED)}" uniqueCount="{len(SHARED)}">{items}</sst>'
    sized = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (f'<worksheet xmlns="{MAIN}">{sized}<sheetData>{rows_xml}</sheetData>'
             f'<mergeCells count="0"/></worksheet>')
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as src, zipfile.ZipFile(rebuilt, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = sheet.encode()
            elif info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                                 b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                                                 b"</Types>")
            dst.writestr(info.filename, data)
        dst.writestr("xl/sharedStrings.xml", strings)
    return rebuilt.getvalue()


def _date_style(data: bytes) -> int:
    wb = load_workbook(io.BytesIO(data), read_only=True)
    try:
        return min(wb._date_formats)
    finally:
        wb.close()


def _both(data: bytes, min_row: int = 3, max_col: int = 6):
    """(openpyxl's rows, ours): {row: {column index: (value, data type)}} of the cells holding a value."""
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    try:
        ws = wb.active
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's note on a date out of range
            theirs = {}
            for r, cells in enumerate(ws.iter_rows(min_row=min_row, max_col=max_col), start=min_row):
                got = {i: (c.value, c.data_type) for i, c in enumerate(cells) if c.value is not None}
                if got:
                    theirs[r] = got
            ours = {}
            for r, cells in data_rows(ws, min_row=min_row, max_col=max_col):
                got = {i: pair for i, pair in cells.items() if pair[0] is not None}
                if got:
                    ours[r] = got
    finally:
        wb.close()
    return theirs, ours


def test_every_kind_of_cell_reads_as_openpyxl_reads_it():
    probe = _book("")
    date = _date_style(probe)
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'  # a header row: not read
        # shared, inline, rich inline, a date-styled number, an empty styled cell, whitespace only
        f'<row r="3"><c r="A3" t="s"><v>0</v></c><c r="B3" t="inlineStr"><is><t>内联</t></is></c>'
        '<c r="C3" t="inlineStr"><is><r><t>富</t></r><r><rPr><b/></rPr><t>文本</t></r></is></c>'
        f'<c r="D3" s="{date}"><v>43831</v></c><c r="E3" s="1"/>'
        '<c r="F3" t="inlineStr"><is><t xml:space="preserve">   </t></is></c></row>'
        # a formula (its cached value not used), a boolean, an error value, a formula's text, numbers
        '<row r="4"><c r="A4"><f>1+1</f><v>2</v></c><c r="B4" t="b"><v>1</v></c><c r="C4" t="e"><v>#N/A</v></c>'
        '<c r="D4" t="str"><v>公式文本</v></c><c r="E4"><v>3.5</v></c><c r="F4"><v>12</v></c></row>'
        # a shared formula: the second cell gives only its index
        '<row r="5"><c r="A5"><f t="shared" ref="A5:A6" si="0">B5*2</f><v>2</v></c><c r="B5" t="s"><v>1</v></c>'
        '<c r="C5" t="s"><v>2</v></c><c r="D5" t="s"><v>3</v></c></row>'
        '<row r="6"><c r="A6"><f t="shared" si="0"/><v>4</v></c>'
        # a phonetic guide, an empty inline string, an inline string with an empty <t>
        '<c r="B6" t="inlineStr"><is><t>漢字</t><rPh sb="0" eb="1"><t>かん</t></rPh></is></c>'
        '<c r="C6" t="inlineStr"/><c r="D6" t="inlineStr"><is><t/></is></c></row>'
        # no row number, no cell references (counted as openpyxl counts them)
        '<row><c t="inlineStr"><is><t>无坐标</t></is></c><c><v>7</v></c></row>'
        # two cells in one column (the later counts), one past the last column read
        '<row r="9"><c r="B9" t="inlineStr"><is><t>一</t></is></c><c r="B9" t="inlineStr"><is><t>二</t></is></c>'
        '<c r="Z9" t="inlineStr"><is><t>远处</t></is></c></row>'
        # an ISO date, a date serial out of range, a time of day
        f'<row r="10"><c r="A10" t="d"><v>2020-01-02T00:00:00</v></c><c r="B10" s="{date}"><v>99999999999</v></c>'
        f'<c r="C10" s="{date}"><v>0.5</v></c><c r="D10" t="b"><v>0</v></c></row>'
        '<row r="5"><c r="A5" t="inlineStr"><is><t>倒回</t></is></c></row>'  # a row number gone back: skipped
        '<row r="25"><c r="A25" t="inlineStr"><is><t>尺寸之外</t></is></c></row>'  # past the sheet's dimension
    )
    theirs, ours = _both(_book(rows))
    assert ours == theirs
    # What openpyxl answers, spelled out (so a change on its side shows here too).
    assert ours[3] == {0: ("共享文本", "s"), 1: ("内联", "s"), 2: ("富文本", "s"), 3: (dt.datetime(2020, 1, 1), "d"),
                       5: ("   ", "s")}
    assert ours[4][0] == ("=1+1", "f") and ours[4][1] == (True, "b") and ours[4][2] == ("#N/A", "e")
    assert ours[4][3] == ("公式文本", "s") and ours[4][4] == (3.5, "n") and ours[4][5] == (12, "n")
    assert ours[5][1] == ("  ", "s") and ours[5][3] == ("富文本", "s")
    assert ours[6][0] == ("=B6*2", "f") and ours[6][1] == ("漢字", "s") and ours[6][3] == ("", "s")
    assert ours[7] == {0: ("无坐标", "s"), 1: (7, "n")}
    assert ours[9] == {1: ("二", "s")}
    assert ours[10][1] == ("#VALUE!", "e") and ours[10][3] == (False, "b")
    assert 25 not in ours


def test_a_sheet_without_a_dimension_is_read_to_its_end():
    rows = '<row r="3"><c r="A3" t="inlineStr"><is><t>甲</t></is></c></row><row r="900"><c r="A900"><v>1</v></c></row>'
    theirs, ours = _both(_book(rows, dimension=None))
    assert ours == theirs == {3: {0: ("甲", "s")}, 900: {0: (1, "n")}}


def test_a_bad_cell_reference_is_refused_as_openpyxl_refuses_it():
    data = _book('<row r="3"><c r="3A"><v>1</v></c></row>')
    wb = load_workbook(io.BytesIO(data), read_only=True)
    try:
        with pytest.raises(ValueError):
            list(wb.active.iter_rows(min_row=3, max_col=6))
        with pytest.raises(ValueError):
            list(data_rows(wb.active, min_row=3, max_col=6))
    finally:
        wb.close()


def _as_shared_strings(data: bytes) -> bytes:
    """The same workbook with every plain inline string of its sheets moved to a shared-string
    table, as Excel and WPS save it (openpyxl writes inline strings)."""
    strings: list[str] = []

    def share(match) -> bytes:
        strings.append(match.group(2).decode())
        return b"<c" + match.group(1) + b' t="s"><v>' + str(len(strings) - 1).encode() + b"</v></c>"

    inline = re.compile(rb'<c([^>]*?) t="inlineStr"><is><t(?: xml:space="preserve")?>([^<]*)</t></is></c>')
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                body = inline.sub(share, body)
            elif info.filename == "[Content_Types].xml":
                body = body.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                                 b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                                                 b"</Types>")
            dst.writestr(info.filename, body)
        items = "".join(f'<si><t xml:space="preserve">{s}</t></si>' for s in strings)
        dst.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}" count="{len(strings)}" '
                                             f'uniqueCount="{len(strings)}">{items}</sst>')
    return out.getvalue()


def _inline_cells(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return sum(zf.read(name).count(b' t="inlineStr"') for name in zf.namelist()
                   if name.startswith("xl/worksheets/sheet"))


def test_shared_and_inline_strings_give_one_verdict():
    sites = [good_site(0), good_site(1, principal_email="不是邮箱", site_name="   ")]
    columns = [good_column(0, 1), good_column(0, 2), good_column(1, 1, column_class="不存在的分类")]
    data = fill(blank_workbook(), sites, columns)
    shared = _as_shared_strings(data)
    assert _inline_cells(data) > 20 and _inline_cells(shared) == 0
    one, other = parse_workbook(data, filename="a.xlsx"), parse_workbook(shared, filename="a.xlsx")
    assert len(one.sites) == 2 and len(one.errors) >= 3
    assert [str(e) for e in one.errors] == [str(e) for e in other.errors]
    assert [(s.row, s.values, [c.values for c in s.columns]) for s in one.sites] == \
           [(s.row, s.values, [c.values for c in s.columns]) for s in other.sites]


def test_a_value_repeated_on_many_rows_is_refused_on_each():
    """A column's values are checked once per distinct value: every row holding a bad one is named."""
    columns = [good_column(0, j, column_class="不存在的分类", update_period="每周") for j in range(1, 4)]
    result = parse_workbook(fill(blank_workbook(), [good_site(0)], columns), filename="a.xlsx")
    named = [(e.row, e.field) for e in result.errors if "不存在的分类" in e.message]
    assert named == [(3, "栏目类别"), (4, "栏目类别"), (5, "栏目类别")], [str(e) for e in result.errors]
