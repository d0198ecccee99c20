"""The unit's workbook with its 政务新媒体 sheet: the census workbook (registry.imports.workbook_for)
and one more sheet written by the same formspec machinery (labels, hidden codes, each column's
data validation from the field definitions in data/form.json), pre-filled with the unit's accounts."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from sitecensus.orgs.models import Unit
from sitecensus.registry.formspec.workbook import add_form_sheet
from sitecensus.registry.imports import workbook_for as census_workbook

from . import rules
from .models import MediaAccount
from .services import as_values


def workbook_for(unit: Unit) -> bytes:
    accounts = (MediaAccount.objects.filter(unit=unit).exclude(life=MediaAccount.Life.CANCELLED).order_by("id"))
    book = load_workbook(io.BytesIO(census_workbook(unit)))
    add_form_sheet(book, rules.form(), rows=[as_values(a) for a in accounts], unit_name=unit.name, entry_rows=200)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def fill_sheet(data: bytes, rows: list[dict], *, first_row: int = 3) -> bytes:
    """Type rows into a workbook's 政务新媒体 sheet as a clerk would (tests and the demo)."""
    book = load_workbook(io.BytesIO(data))
    ws = book[rules.form().sheet]
    codes = {c.value: c.column for c in ws[2] if c.value}
    for r, values in enumerate(rows, start=first_row):
        for code, column in codes.items():
            value = values.get(code)
            if isinstance(value, bool):
                value = "是" if value else "否"
            ws.cell(row=r, column=column).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
