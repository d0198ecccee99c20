"""The data rows of a workbook sheet, read from the sheet's XML without openpyxl's cell objects.

openpyxl's read-only reader builds a dict, a ReadOnlyCell and (for the inline strings its own
writer produces) a rich-text object per cell: most of the CPU of a dry run. This reader keeps
openpyxl's sheet parser for everything but the rows (the same shared strings, date formats,
epoch, formulas and the same parts refused as broken) and decodes each row's cells directly,
giving what ``ws.iter_rows(min_row=..., max_col=...)`` gives — value and data type per cell —
for the rows that hold any cell. The differential tests (tests/test_sheetrows.py) hold it to
openpyxl's answers cell by cell. No Django here.
"""

from __future__ import annotations

import re

from openpyxl.cell.text import Text
from openpyxl.utils.cell import column_index_from_string, coordinate_to_tuple
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._reader import FORMULA_TAG, INLINE_STRING, VALUE_TAG, WorkSheetParser, _cast_number


_COORDINATE = re.compile(r"([A-Z]{1,3})[1-9][0-9]*")
_COLUMNS: dict[str, int] = {}


def _column(coordinate: str) -> int:
    """The column of a cell reference, as coordinate_to_tuple reads it (which also refuses a bad one)."""
    match = _COORDINATE.fullmatch(coordinate)
    if match is None:
        return coordinate_to_tuple(coordinate)[1]
    letters = match.group(1)
    column = _COLUMNS.get(letters)
    if column is None:
        column = _COLUMNS[letters] = column_index_from_string(letters)
    return column


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _inline_text(node) -> str:
    """An inline string's text as openpyxl's ``Text.from_tree(node).content`` gives it; anything
    but plain ``<t>`` parts (rich-text runs, phonetic parts) is left to openpyxl itself."""
    plain = None
    for child in node:
        if _local(child.tag) != "t":
            return Text.from_tree(node).content
        plain = child.text  # (the last <t> counts, as openpyxl reads it)
    return plain or ""


class _RowParser(WorkSheetParser):
    """openpyxl's sheet parser with its row step replaced: ``(column, value, data type)`` per cell."""

    def parse_row(self, row):
        number = row.get("r")
        if number is not None:
            try:
                self.row_counter = int(number)
            except ValueError:
                as_float = float(number)
                if not as_float.is_integer():
                    raise ValueError(f"{number} is not a valid row number") from None
                self.row_counter = int(as_float)
        else:
            self.row_counter += 1
        self.col_counter = 0
        return self.row_counter, [self._cell(element) for element in row]

    def _cell(self, element):
        # The same steps, in the same order, as WorkSheetParser.parse_cell.
        data_type = element.get("t", "n")
        coordinate = element.get("r")
        style_id = element.get("s", 0)
        if style_id:
            style_id = int(style_id)
        value = None if data_type == "inlineStr" else (element.findtext(VALUE_TAG, None) or None)
        if coordinate:
            column = _column(coordinate)
            self.col_counter = column
        else:
            self.col_counter += 1
            column = self.col_counter
        if not self.data_only and element.find(FORMULA_TAG) is not None:
            return column, self.parse_formula(element), "f"
        if value is not None:
            if data_type == "n":
                value = _cast_number(value)
                if style_id in self.date_formats:
                    try:
                        return column, from_excel(value, self.epoch,
                                                  timedelta=style_id in self.timedelta_formats), "d"
                    except (OverflowError, ValueError):
                        return column, "#VALUE!", "e"
            elif data_type == "s":
                value = self.shared_strings[int(value)]
            elif data_type == "b":
                value = bool(int(value))
            elif data_type == "str":
                data_type = "s"
            elif data_type == "d":
                value = from_ISO8601(value)
        elif data_type == "inlineStr":
            child = element.find(INLINE_STRING)
            if child is not None:
                return column, _inline_text(child), "s"
        return column, value, data_type


def data_rows(ws, *, min_row: int, max_col: int):
    """``(row number, {column index from 0: (value, data type)})`` for each row from ``min_row`` on
    that has a cell in the first ``max_col`` columns, as openpyxl's read-only
    ``ws.iter_rows(min_row=min_row, max_col=max_col)`` reads them: rows past the sheet's declared
    dimension are not read, a row numbered below one already read is skipped, and of two cells in
    one column the later counts. Rows openpyxl fills in as empty are not given."""
    if not max_col:
        raise ValueError("max_col is required")
    max_row = ws.max_row
    counter = min_row
    workbook = ws.parent
    with ws._get_source() as src:
        parser = _RowParser(src, ws._shared_strings, data_only=workbook.data_only, epoch=workbook.epoch,
                            date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
        for number, cells in parser.parse():
            if max_row is not None and number > max_row:
                break
            if number < counter:
                continue
            counter = number + 1
            row = {}
            for column, value, data_type in cells:
                if 1 <= column <= max_col:
                    row[column - 1] = (value, data_type)
            yield number, row
