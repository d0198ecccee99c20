"""Template versions: every change to the form definitions bumps the version; workbooks
of every earlier version are read (new columns empty, old ones mapped by code) and get
the verdicts they had when made; a changed header is told apart from an older template;
every check names the version it read.

The fixtures ``fixtures/old-<version>-*.xlsx`` were made by the code of the commits that
published those templates (2015.1: the first forms; 2015.2: + 是否无公共服务; 2015.4:
+ 网站标识码 and 系统编号 — all three stamped "2015.1"), filled as a clerk would, and
``fixtures/old_verdicts.json`` holds what that code's own parser said about each file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sitecensus.registry.formspec.check import check_main
from sitecensus.registry.formspec.parser import MSG_HEADER_CHANGED, parse_workbook
from sitecensus.registry.formspec.spec import (CURRENT_VERSION, DEFINITION_FILES, _read_json, definitions_digest,
                                               load_forms, template_history, version_key)
from sitecensus.registry.formspec.workbook import META_SHEET, build_workbook

from .helpers import UNIT_CODE, UNIT_NAME

FIXTURES = Path(__file__).parent / "fixtures"
VERDICTS = json.loads((FIXTURES / "old_verdicts.json").read_text(encoding="utf-8"))
# A layout published by several versions (their changes were to rules or choices) reads as the latest of them.
READ_AS = {"2015.1": "2015.1", "2015.2": "2015.3", "2015.4": "2015.6"}


def test_definitions_changed_without_a_new_version_fail_here():
    history = template_history()
    current = history[-1]
    assert current.version == CURRENT_VERSION
    assert definitions_digest() == current.digest, (
        "the form definitions changed: add a version to definitions/versions.json (its digest: "
        f"{definitions_digest()}) and set the files' \"version\" to it")
    assert all(_read_json(name)["version"] == CURRENT_VERSION for name in DEFINITION_FILES)
    forms = load_forms()
    assert (current.basic_info, current.columns) == (tuple(forms["basic_info"].codes), tuple(forms["columns"].codes))
    assert len({v.digest for v in history}) == len(history)  # each version is a different definition
    keys = [version_key(v.version) for v in history]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


def test_a_changed_definition_changes_the_digest():
    documents = {name: _read_json(name) for name in DEFINITION_FILES}
    before = definitions_digest(documents)
    documents["choices.json"]["lists"]["update_period"]["values"].append("每两年")
    assert definitions_digest(documents) != before


@pytest.mark.parametrize("name", sorted(VERDICTS))
def test_earlier_templates_get_the_verdicts_they_had_when_made(name):
    then = VERDICTS[name]
    data = (FIXTURES / name).read_bytes()
    now = parse_workbook(data, filename=name)
    assert len(now.sites) == then["sites"], [str(e) for e in now.errors]
    located = sorted({(e.sheet or "", e.row or 0, e.column or "", e.field or "") for e in now.errors})
    assert located == sorted(tuple(x) for x in then["errors"]), ([str(e) for e in now.errors], then["messages"])
    # The check names the version it read, and what it reads as empty.
    version = READ_AS[name.split("-")[1]]
    assert now.version == version and now.stamp == "2015.1"
    label = version if version == "2015.1" else f"{version}（文件标注 2015.1）"
    assert now.version_label == label
    assert now.notices and f"按模板版本 {label} 读取" in now.notices[0]
    assert "状态变更原因" in now.notices[0]
    if version == "2015.1":
        assert "是否无公共服务" in now.notices[0] and "网站标识码" in now.notices[0]
    if "valid" in name:  # an old option reads as its successor
        assert now.sites[1].values["site_class"] == "省级政府门户"
        assert now.sites[0].values.get("site_code") is None and now.sites[0].values.get("life_reason") is None


def _edit(data: bytes, change) -> bytes:
    book = load_workbook(io.BytesIO(data))
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _only(result) -> str:
    assert len(result.errors) == 1 and not result.sites, [str(e) for e in result.errors]
    return result.errors[0].message


def test_a_changed_header_is_told_apart_from_an_older_template():
    old = (FIXTURES / "old-2015.1-valid.xlsx").read_bytes()
    assert parse_workbook(old, filename="o.xlsx").ok
    # A column deleted from the older template: named, against the file's own version.
    dropped = _edit(old, lambda b: b["基本信息表"].delete_cols(16))
    message = _only(parse_workbook(dropped, filename="o.xlsx"))
    assert message.startswith("表头被修改过（按文件的模板版本 2015.1 核对"), message
    assert "工作表“基本信息表”缺少列：负责人手机" in message
    # The current template with a column deleted, and with two columns swapped.
    current = build_workbook(unit_code=UNIT_CODE, unit_name=UNIT_NAME)
    message = _only(parse_workbook(_edit(current, lambda b: b["栏目信息表"].delete_cols(3)), filename="c.xlsx"))
    assert f"按文件的模板版本 {CURRENT_VERSION} 核对" in message and "缺少列：栏目网址" in message

    def swap(book):
        ws = book["基本信息表"]
        a, b = ws.cell(row=2, column=1), ws.cell(row=2, column=2)
        a.value, b.value = b.value, a.value

    message = _only(parse_workbook(_edit(current, swap), filename="c.xlsx"))
    assert "列的顺序被改动过" in message
    # A column added to an old template (an extra header cell).
    message = _only(parse_workbook(_edit(old, lambda b: b["基本信息表"].cell(row=2, column=40, value="extra")),
                                   filename="o.xlsx"))
    assert "多出列：extra" in message
    # The _meta stamp changed: not a published version; a later one: newer than this system.
    for stamp, expected in (("2014.1", "不是本系统发布过的版本"), ("2099.1", "比本系统的当前版本")):
        message = _only(parse_workbook(_edit(old, lambda b: b[META_SHEET].cell(row=3, column=2, value=stamp)),
                                       filename="o.xlsx"))
        assert expected in message, message
    # The checksum itself changed: nothing known to compare with.
    message = _only(parse_workbook(_edit(old, lambda b: b[META_SHEET].cell(row=7, column=2, value="0" * 64)),
                                   filename="o.xlsx"))
    assert message == MSG_HEADER_CHANGED


def test_forms_check_names_the_version_it_read(tmp_path, capsys):
    path = tmp_path / "old.xlsx"
    path.write_bytes((FIXTURES / "old-2015.2-valid.xlsx").read_bytes())
    assert check_main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "模板版本 2015.3（文件标注 2015.1）" in out, out
    assert "按模板版本" in out and "没有“" in out
    current = tmp_path / "new.xlsx"
    current.write_bytes(build_workbook(unit_code=UNIT_CODE, unit_name=UNIT_NAME))
    check_main([str(current)])
    assert f"模板版本 {CURRENT_VERSION}）" in capsys.readouterr().out
