"""Excel export of any list: streamed to a temporary file with xlsxwriter's
constant-memory mode, so memory stays bounded however long the list is."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from urllib.parse import quote

from django.http import FileResponse
from django.utils import timezone

import xlsxwriter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Escape text that a spreadsheet would run as a formula (CSV/formula injection)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def write_workbook(fileobj, sheet_name: str, headers: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Write one sheet; returns the number of data rows written."""
    return write_sheets(fileobj, [(sheet_name, headers, rows)])[0]


def write_sheets(fileobj, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> list[int]:
    """Write several sheets (name, headers, rows) into one workbook; the rows written per sheet."""
    workbook = xlsxwriter.Workbook(fileobj, {"constant_memory": True, "in_memory": False,
                                             "strings_to_formulas": False,
                                             "strings_to_urls": False})
    bold = workbook.add_format({"bold": True, "bg_color": "#DDE6F0", "border": 1})
    counts = [_write_sheet(workbook.add_worksheet(name[:31]), bold, headers, rows) for name, headers, rows in sheets]
    workbook.close()
    return counts


def _write_sheet(sheet, bold, headers, rows) -> int:
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, bold)
        sheet.set_column(col, col, max(10, min(40, len(header) * 3)))
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            cell = safe_cell(value)
            if isinstance(cell, str):
                sheet.write_string(count, col, cell)
            else:
                sheet.write_number(count, col, cell)
    sheet.freeze_panes(1, 0)
    return count


def excel_response(filename: str, sheet_name: str, headers: Sequence[str], rows: Iterable[Sequence]):
    """A download response for a list; the file never sits in memory whole."""
    return excel_sheets_response(filename, [(sheet_name, headers, rows)])


def excel_sheets_response(filename: str, sheets):
    """A download response for a workbook of several sheets."""
    tmp = tempfile.TemporaryFile()
    write_sheets(tmp, sheets)
    tmp.seek(0)
    response = FileResponse(
        tmp,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
