"""Turning stored form values into what people read: labels from the form
definitions, yes/no in Chinese, and the differences between two versions."""

from __future__ import annotations

from .formspec.spec import load_forms

COLUMN_LABELS = {"name": "栏目（系统）名称", "url": "栏目网址", "parent_name": "上级栏目", "is_homepage": "首页栏目",
                 "column_class": "栏目类别", "update_period": "更新周期", "remarks": "备注"}
LIFE_LABELS = {"life": "运行状态", "life_reason": "原因", "merged_into": "整合至", "new_url": "迁移后的首页网址"}
CLOSED_LIVES = ("closed", "merged")


def display(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "；".join(str(v) for v in value)
    return str(value)


def form_text(value):
    """A stored value as typed in a form or a workbook cell."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "；".join(value)
    return value


def basic_rows(data: dict, website=None) -> list[tuple[str, str]]:
    """The basic form as read; a closed or merged site's 运行状态 is its life
    status, never the 正常运行 it was filed with."""
    form = load_forms()["basic_info"]
    rows = []
    for f in form.fields:
        if f.system:
            continue
        value = display((data or {}).get(f.code))
        if f.code == "running_status" and website is not None and not website.runs_normally:
            value = website.get_life_display()
        rows.append((f.label, value))
    return rows


def life_value(key: str, value) -> str:
    """A status-change field by its Chinese name: the life status's label, the
    target site by name and 网站标识码 (never a database id)."""
    from .models import Website

    if key == "life" and value:
        return Website.Life(value).label
    if key == "merged_into":
        target = Website.objects.filter(pk=value).first() if value else None
        return f"{target.name}（网站标识码 {target.site_code}）" if target else ""
    return display(value)


def column_rows(website) -> list:
    return list(website.columns.order_by("position"))


def spec_choices(code: str) -> tuple[str, ...]:
    return load_forms()["basic_info"].field(code).choice_values


def diff_versions(old, new) -> dict:
    """Changed basic fields and added / removed / changed columns."""
    if new.source == "life":
        return {"life": [(LIFE_LABELS.get(k, k), life_value(k, v)) for k, v in new.data.items()
                         if v not in (None, "")]}
    form = load_forms()["basic_info"]
    old_data = old.data if old else {}
    fields = [(f.label, display(old_data.get(f.code)), display(new.data.get(f.code)))
              for f in form.fields if display(old_data.get(f.code)) != display(new.data.get(f.code))]
    before = {(c["name"], c["url"]): c for c in (old.columns if old else [])}
    after = {(c["name"], c["url"]): c for c in new.columns}
    changed = []
    for key in before.keys() & after.keys():
        diffs = [(COLUMN_LABELS[k], display(before[key].get(k)), display(after[key].get(k)))
                 for k in COLUMN_LABELS if display(before[key].get(k)) != display(after[key].get(k))]
        if diffs:
            changed.append((key[0], diffs))
    return {
        "fields": fields,
        "added": [after[k] for k in after.keys() - before.keys()],
        "removed": [before[k] for k in before.keys() - after.keys()],
        "changed": changed,
    }
