"""The census record in the API, generated from the form definitions
(sitecensus/registry/formspec/definitions): the basic-information form's fields
and the column form's fields become the schemas of what the API returns (every
field of a site, under its form code) and of what it accepts (online filing,
change requests). A field added to the definitions appears here, in the OpenAPI
schema and in every sync, without a line of code; nothing lists fields by hand.

Values are the clean values of the forms (`formspec.spec.validate_value`):
text for text-like fields, true/false for 是/否, a list of strings for several
URLs or IPs, an integer for integer fields."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, create_model
from ninja import Schema

from sitecensus.registry.formspec.spec import FieldSpec, load_forms, rule_phrases, validate_value
from sitecensus.registry.services import COLUMN_CODES

LIST_TYPES = ("urls", "ip")
MAX_ITEMS = 100  # items of a list field sent as a JSON list


def _integral(value):
    """JSON has one number type: an integer sent as 3.0 is the integer 3 (JSON Schema says so too)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def json_int(ge: int | None = None, le: int | None = None):
    """An integer as JSON Schema means it: 3 and 3.0 alike; never "3", true or 3.5 (bounds in the schema)."""
    return Annotated[int, Field(strict=True, ge=ge, le=le), BeforeValidator(_integral)]


JsonInt = json_int()


def basic_fields() -> tuple[FieldSpec, ...]:
    """The basic form's fields a unit files (the system's own identity fields left out)."""
    return tuple(f for f in load_forms()["basic_info"].fields if not f.system)


def column_fields() -> tuple[FieldSpec, ...]:
    """The column form's fields stored on a column (the site's homepage URL is the site itself)."""
    return tuple(f for f in load_forms()["columns"].fields if f.code in COLUMN_CODES)


def describe(spec: FieldSpec) -> str:
    """A field's documentation: its label, code, rules and options, from its definition."""
    parts = [f"{spec.label}（字段代码 {spec.code}）。"]
    if spec.help:
        parts.append(spec.help)
    phrases = [p for p in rule_phrases(spec) if p]
    if phrases:
        parts.append("规则：" + "；".join(phrases) + "。")
    if len(spec.choice_values) > 2:
        parts.append("可选值：" + "、".join(spec.choice_values) + "。")
    return "".join(parts)


def _extra(spec: FieldSpec) -> dict:
    extra: dict[str, Any] = {"x-form-code": spec.code, "x-form-type": spec.type}
    if spec.choice_values and spec.type != "yesno":
        extra["x-choices"] = list(spec.choice_values)
    return extra


def _out_type(spec: FieldSpec):
    if spec.type == "yesno":
        return bool | None
    if spec.type in LIST_TYPES:
        return list[str] | None
    if spec.type == "integer":
        return int | None
    return str | None


def _in_type(spec: FieldSpec):
    text = Annotated[str, Field(max_length=spec.max_length or 500)]
    if spec.type == "yesno":
        return bool | Literal["是", "否", ""] | None
    if spec.type in LIST_TYPES:
        return Annotated[list[Annotated[str, Field(max_length=500)]], Field(max_length=MAX_ITEMS)] | text | None
    if spec.type == "integer":
        return JsonInt | text | None
    return text | None


def _field(spec: FieldSpec, annotation) -> tuple:
    return (annotation, Field(None, title=spec.label, description=describe(spec), json_schema_extra=_extra(spec)))


@lru_cache(maxsize=None)
def basic_out() -> type[Schema]:
    """Every field of the basic form, by code, as the record holds it."""
    fields = {f.code: _field(f, _out_type(f)) for f in basic_fields()}
    model = create_model("SiteForm", __base__=Schema, **fields)
    model.__doc__ = "政府网站基本信息表的全部字段（字段代码与在线填报、填报模板相同，由表单定义生成）"
    return model


class _StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


@lru_cache(maxsize=None)
def basic_in() -> type[Schema]:
    """The basic form as filed: any of its fields by code (an unknown code is refused)."""
    fields = {f.code: _field(f, _in_type(f)) for f in basic_fields()}
    model = create_model("SiteFormIn", __base__=_StrictIn, **fields)
    model.__doc__ = ("基本信息表的字段代码 → 值（与在线填报、填报模板相同，由表单定义生成）：是/否字段可用 true/false，"
                     "多个网址或 IP 可用列表；不认识的字段代码会被拒绝")
    return model


@lru_cache(maxsize=None)
def column_out() -> type[Schema]:
    """A column as stored: its position and every field of the column form (stored names)."""
    fields = {"position": (int, Field(..., description="顺序（首页栏目在前）"))}
    for f in column_fields():
        annotation = bool if f.type == "yesno" else str
        fields[COLUMN_CODES[f.code]] = (annotation, Field(..., title=f.label, description=describe(f),
                                                          json_schema_extra=_extra(f)))
    model = create_model("SiteColumn", __base__=Schema, **fields)
    model.__doc__ = "栏目（系统）基本信息表的一行（字段由表单定义生成；名称为存储名，x-form-code 为表单字段代码）"
    return model


@lru_cache(maxsize=None)
def column_in() -> type[Schema]:
    """A column as filed, by the column form's codes."""
    fields = {}
    for f in column_fields():
        required = f.code == "column_name"
        annotation = (bool | Literal["是", "否", ""] | None) if f.type == "yesno" else (
            Annotated[str, Field(max_length=f.max_length or 500)] | None)
        default = ... if required else (False if f.type == "yesno" else None)  # an unsaid 是/否 is 否
        fields[f.code] = (annotation, Field(default, title=f.label, description=describe(f),
                                            json_schema_extra=_extra(f)))
    model = create_model("SiteColumnIn", __base__=_StrictIn, **fields)
    model.__doc__ = "栏目（系统）：字段代码与填报模板的栏目表相同（由表单定义生成）"
    return model


def form_values(data: dict | None) -> dict:
    """A record's basic form as the API returns it: every field, by code, as its clean value."""
    data = data or {}
    out = {}
    for spec in basic_fields():
        out[spec.code] = _clean_out(spec, data.get(spec.code))
    return out


def _clean_out(spec: FieldSpec, value):
    if value is None or value == "" or value == []:
        return None
    ok = {"yesno": isinstance(value, bool), "integer": isinstance(value, int) and not isinstance(value, bool)}
    if spec.type in ok:
        if ok[spec.type]:
            return value
    elif spec.type in LIST_TYPES:
        if isinstance(value, list):
            return [str(v) for v in value]
    elif isinstance(value, str):
        return value
    # A value stored in another shape (an older record): as the form would read it, else as text.
    clean, problem = validate_value(spec, value, required=False)
    if problem is None and clean is not None:
        return clean
    if spec.type in LIST_TYPES:
        return [str(value)]
    return None if spec.type in ("yesno", "integer") else str(value)


def column_values(position: int, column: dict) -> dict:
    """A stored column (model values or a version's snapshot) as the API returns it."""
    row = {"position": position}
    for f in column_fields():
        key = COLUMN_CODES[f.code]
        value = column.get(key)
        row[key] = bool(value) if f.type == "yesno" else ("" if value is None else str(value))
    return row


def filed_value(value):
    """A JSON value as typed into the form (and the workbook): 是/否, lists joined by “；”, NUL refused earlier."""
    if value is True:
        return "是"
    if value is False:
        return "否"
    if value is None:
        return None
    if isinstance(value, list):
        return "；".join(str(v) for v in value)
    return str(value)
