"""The online filing page (直报): the basic-information form and the column
formset, both generated from the same form definitions as the workbook."""

from __future__ import annotations

from django import forms
from django.forms import formset_factory

from .specforms import basic_info_form_class, column_form_class
from .presentation import form_text
from .services import Filing

# Column form codes ↔ the stored column fields.
COLUMN_CODES = {"column_name": "name", "column_url": "url", "parent_column": "parent_name",
                "is_homepage": "is_homepage", "column_class": "column_class", "update_period": "update_period",
                "remarks": "remarks"}
STORED_TO_CODE = {v: k for k, v in COLUMN_CODES.items()}


def _column_form():
    base = column_form_class()

    class OnlineColumnForm(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            # Online, the column belongs to the site being edited.
            self.fields.pop("site_url", None)

    return OnlineColumnForm


class FilingForms:
    def __init__(self, data=None, *, initial_basic: dict | None = None, initial_columns: list[dict] | None = None):
        BasicForm = basic_info_form_class()
        ColumnFormSet = formset_factory(_column_form(), extra=0 if initial_columns else 3, can_delete=True,
                                        can_order=True, max_num=1000, validate_max=True)
        self.basic = BasicForm(data, initial=_initial_basic(BasicForm, initial_basic or {}), prefix="basic")
        self.columns = ColumnFormSet(data, prefix="col", initial=[
            {STORED_TO_CODE[k]: form_text(v) for k, v in c.items() if k in STORED_TO_CODE}
            for c in (initial_columns or [])])
        self.errors: list[str] = []

    def is_valid(self) -> bool:
        ok = self.basic.is_valid() & self.columns.is_valid()
        if not ok:
            return False
        columns = self._column_values()
        if not columns:
            self.errors.append("请至少填写一个栏目（系统）")
            return False
        names = {c["name"] for c in columns}
        for c in columns:
            if c["parent_name"] and (c["parent_name"] not in names or c["parent_name"] == c["name"]):
                self.errors.append(f"栏目“{c['name']}”的上级栏目“{c['parent_name']}”不是本网站的另一个栏目")
        return not self.errors

    def _column_values(self) -> list[dict]:
        # ordered_forms: by the order numbers people typed, unnumbered rows last,
        # deleted rows and untouched blank rows left out.
        rows = [{COLUMN_CODES[code]: form.cleaned_data.get(code) for code in COLUMN_CODES}
                for form in self.columns.ordered_forms if form.cleaned_data]
        for row in rows:
            for key in ("parent_name", "update_period", "remarks"):
                row[key] = row[key] or ""
        return rows

    def filing(self) -> Filing:
        return Filing(basic=dict(self.basic.cleaned_data), columns=self._column_values())

    def add_error(self, error) -> None:
        if error.field and error.field in self.basic.fields:
            self.basic.add_error(error.field, error.message)
        else:
            self.errors.append(error.message)


def _initial_basic(form_class, data: dict) -> dict:
    return {k: form_text(v) for k, v in data.items()}


class UploadForm(forms.Form):
    files = forms.FileField(label="填报文件")
