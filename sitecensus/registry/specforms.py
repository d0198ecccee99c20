"""Django forms generated from the same spec as the workbook.

Every field is a plain ``CharField`` (``strip=False``) whose ``clean_<code>``
calls ``spec.validate_value``; ``clean()`` applies ``spec.check_rules``. A form
built with ``draft=True`` (保存草稿) checks each value's format only: no field is
required and the cross-field rules wait for submission. The
web form therefore accepts exactly the values the workbook parser accepts,
with the same Chinese messages and the same clean values (bool for 是/否,
lists for several URLs/IPs, canonical phone/PSB formats).

It lives beside the formspec package, which imports no Django.
"""

from __future__ import annotations

from functools import lru_cache

from django import forms

from .formspec.spec import FieldSpec, FormSpec, check_rules, load_forms, validate_value

_INPUT_TYPES = {"url": "url", "email": "email", "phone": "tel", "mobile": "tel"}


def _widget(spec: FieldSpec):
    attrs = {}
    if spec.max_length:
        attrs["maxlength"] = str(spec.max_length)
    if spec.type in ("choice", "yesno"):
        options = [("", "请选择")] + [(v, v) for v in (spec.choice_values or ("是", "否"))]
        return forms.Select(choices=options, attrs=attrs)
    if spec.type in ("urls", "ip") or (spec.max_length or 0) >= 500:
        attrs["rows"] = 3
        return forms.Textarea(attrs=attrs)
    if spec.type in _INPUT_TYPES:
        attrs["type"] = _INPUT_TYPES[spec.type]
    return forms.TextInput(attrs=attrs)


def _form_field(spec: FieldSpec) -> forms.Field:
    # strip=False / no max_length: validate_value does both, with the parser's messages.
    return forms.CharField(
        label=spec.label,
        required=spec.required,
        help_text=spec.help,
        strip=False,
        widget=_widget(spec),
        error_messages={"required": "必填项，不能为空"},
    )


def _clean_method(spec: FieldSpec):
    def clean(self):
        value, message = validate_value(spec, self.cleaned_data.get(spec.code), required=False if self.draft else None)
        if message:
            raise forms.ValidationError(message, code="invalid")
        return value

    clean.__name__ = f"clean_{spec.code}"
    return clean


def _make_form(form_spec: FormSpec) -> type[forms.Form]:
    attrs: dict = {"form_spec": form_spec}
    for spec in form_spec.fields:
        if spec.system or spec.workbook_only:
            continue  # the site's identity is the system's; a life change has its own form online
        attrs[spec.code] = _form_field(spec)
        attrs[f"clean_{spec.code}"] = _clean_method(spec)

    def __init__(self, *args, draft: bool = False, **kwargs):
        super(form_class, self).__init__(*args, **kwargs)
        # A draft saves whatever is typed: each value's format is checked, nothing is required.
        self.draft = draft
        if draft:
            for field in self.fields.values():
                field.required = False

    def clean(self):
        cleaned = super(form_class, self).clean()
        if self.draft:
            return cleaned  # the cross-field rules (a contact's name needs a phone) wait for submission
        errored = set(self.errors)
        for code, message in check_rules(form_spec, cleaned, errored):
            if code in self.fields:
                self.add_error(code, message)
        return cleaned

    attrs["__init__"] = __init__
    attrs["clean"] = clean
    name = "".join(part.title() for part in form_spec.form_id.split("_")) + "Form"
    form_class = type(name, (forms.Form,), attrs)
    return form_class


@lru_cache(maxsize=None)
def basic_info_form_class(version: str | None = None) -> type[forms.Form]:
    """《政府网站基本信息表》 as a Django form."""
    return _make_form(load_forms(version)["basic_info"])


@lru_cache(maxsize=None)
def column_form_class(version: str | None = None) -> type[forms.Form]:
    """《政府网站栏目（系统）基本信息表》 as a Django form (one column or system)."""
    return _make_form(load_forms(version)["columns"])


def form_class(form_spec: FormSpec) -> type[forms.Form]:
    """Another form defined as data (e.g. 政务新媒体, sitecensus/newmedia/data/form.json) as a Django form."""
    return _make_form(form_spec)
