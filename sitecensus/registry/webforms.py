"""The online filing page (直报): the basic-information form and the column
formset, both generated from the same form definitions as the workbook.

保存草稿 builds them with ``draft=True``: whatever is typed is saved, each value's
format checked; 报送 (and a change request) applies the whole rule set."""

from __future__ import annotations

from django import forms
from django.forms import formset_factory

from .formspec.spec import orphan_parents
from .presentation import form_text
from .services import COLUMN_CODES, Filing
from .specforms import basic_info_form_class, column_form_class

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
    def __init__(self, data=None, *, initial_basic: dict | None = None, initial_columns: list[dict] | None = None,
                 draft: bool = False):
        BasicForm = basic_info_form_class()
        ColumnFormSet = formset_factory(_column_form(), extra=0 if initial_columns else 3, can_delete=True,
                                        can_order=True, max_num=1000, validate_max=True)
        self.draft = draft
        self.basic = BasicForm(data, initial=_initial_basic(BasicForm, initial_basic or {}), prefix="basic",
                               draft=draft)
        self.columns = ColumnFormSet(data, prefix="col", form_kwargs={"draft": draft}, initial=[
            {STORED_TO_CODE[k]: form_text(v) for k, v in c.items() if k in STORED_TO_CODE}
            for c in (initial_columns or [])])
        self.errors: list[str] = []

    def is_valid(self) -> bool:
        ok = self.basic.is_valid() & self.columns.is_valid()
        if self.draft or not self.columns.is_valid():
            return ok  # a draft needs no column and may name a parent column not typed yet
        live = [form for form in self.columns.ordered_forms if form.cleaned_data]
        if not live:
            self.errors.append("请至少填写一个栏目（系统）")
        for form, message in orphan_parents([(form, form.cleaned_data.get("column_name"),
                                              form.cleaned_data.get("parent_column")) for form in live]):
            form.add_error("parent_column", message)
        return ok and not self.errors and not any(form.errors for form in live)

    def _column_values(self) -> list[dict]:
        # ordered_forms: by the order numbers people typed, unnumbered rows last,
        # deleted rows and untouched blank rows left out.
        rows = [{COLUMN_CODES[code]: form.cleaned_data.get(code) for code in COLUMN_CODES}
                for form in self.columns.ordered_forms if form.cleaned_data]
        for row in rows:
            for key, value in row.items():
                if value is None:
                    row[key] = False if key == "is_homepage" else ""
        return rows

    def filing(self) -> Filing:
        return Filing(basic=dict(self.basic.cleaned_data), columns=self._column_values())

    def problems(self) -> list[str]:
        """Every error, each naming its field (and its column row): the summary at
        the top of the page, and the API's messages."""
        found = [f"“{self.basic.fields[name].label}”：{message}" if name in self.basic.fields else message
                 for name, messages in self.basic.errors.items() for message in messages]
        for number, form in enumerate(self.columns.forms, start=1):
            for name, messages in form.errors.items():
                label = form.fields[name].label if name in form.fields else "栏目"
                found += [f"栏目第 {number} 行“{label}”：{message}" for message in messages]
        found += list(self.columns.non_form_errors()) + self.errors
        return found

    def add_error(self, error) -> None:
        if error.field and error.field in self.basic.fields:
            self.basic.add_error(error.field, error.message)
        else:
            self.errors.append(error.message)


def _initial_basic(form_class, data: dict) -> dict:
    return {k: form_text(v) for k, v in data.items()}


class UploadForm(forms.Form):
    files = forms.FileField(label="填报文件")
