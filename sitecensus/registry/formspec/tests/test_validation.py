"""The offline workbook validates as the clerk types (Excel data validation from the
form definitions) and the import applies the same definitions: one rule set."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from sitecensus.registry.formspec.check import check_main
from sitecensus.registry.formspec.spec import FieldSpec, integer_bounds, load_forms, rule_phrases, validate_value
from sitecensus.registry.formspec.workbook import _FORMAT_FORMULAS, COLUMN_ENTRY_ROWS, SITE_ENTRY_ROWS, field_validation

from .helpers import BASIC_SHEET, COLUMN_SHEET, blank_workbook, column_letter, fill, good_column, good_site

SHEETS = {BASIC_SHEET: ("basic_info", SITE_ENTRY_ROWS), COLUMN_SHEET: ("columns", COLUMN_ENTRY_ROWS)}


@pytest.fixture(scope="module")
def validations():
    book = load_workbook(io.BytesIO(blank_workbook()))
    found = {}
    for sheet, (form_id, rows) in SHEETS.items():
        by_range = {str(dv.sqref): dv for dv in book[sheet].data_validations.dataValidation}
        for field in load_forms()[form_id].fields:
            letter = column_letter(sheet, field.code)
            found[(form_id, field.code)] = by_range.pop(f"{letter}3:{letter}{rows + 2}")
        assert not by_range, by_range  # one validation per column, nothing else
    return found


def _fields():
    return [(form_id, f) for form_id, form in load_forms().items() for f in form.fields]


@pytest.mark.parametrize("form_id,field", _fields(), ids=lambda v: getattr(v, "code", v))
def test_every_column_validates_from_its_definition(validations, form_id, field):
    dv = validations[(form_id, field.code)]
    letter = column_letter(BASIC_SHEET if form_id == "basic_info" else COLUMN_SHEET, field.code)
    rules = "；".join(rule_phrases(field))
    # Messages in Chinese, naming the field and its rules; required fields marked.
    style = _FORMAT_FORMULAS[field.type][1] if field.type in _FORMAT_FORMULAS else "stop"
    assert dv.showInputMessage and dv.showErrorMessage and dv.errorStyle == style
    assert dv.promptTitle == (f"{field.label}（必填）" if field.required else field.label)
    assert dv.prompt.startswith(rules + "。")
    assert dv.error.startswith(f"“{field.label}”填写不符合要求。要求：")
    assert ("必填" in rules) == field.required and dv.allow_blank == (not field.required)
    if field.max_length and field.type not in ("integer", "date"):
        assert f"最多 {field.max_length} 个字" in dv.error
    if field.type in ("choice", "yesno"):
        assert dv.type == "list" and dv.formula1.startswith("'选项'!$")
    elif field.type == "url":
        assert dv.type == "custom"
        assert dv.formula1 == (f'AND(LEN({letter}3)<={field.max_length},OR(LEFT(LOWER(TRIM({letter}3)),7)="http://",'
                               f'LEFT(LOWER(TRIM({letter}3)),8)="https://"))')
    elif field.type == "email":
        assert dv.type == "custom" and dv.formula1 == f'AND(LEN({letter}3)<={field.max_length},ISNUMBER(FIND("@",{letter}3)))'
    elif field.type in _FORMAT_FORMULAS:  # phone, mobile, icp, ip: the format (test_workbook_formats.py)
        assert dv.type == "custom" and dv.formula1 == _FORMAT_FORMULAS[field.type][0](f"{letter}3", field.max_length)
    elif field.type == "integer":
        assert (dv.type, dv.operator) == ("whole", "between")
        assert (int(dv.formula1), int(dv.formula2)) == integer_bounds(field)
    else:
        assert dv.type == "textLength"
        if field.required:
            assert (dv.operator, dv.formula1, dv.formula2) == ("between", "1", str(field.max_length))
        else:
            assert (dv.operator, dv.formula1) == ("lessThanOrEqual", str(field.max_length))


def test_the_kinds_of_rule_spelt_out(validations):
    name = validations[("basic_info", "site_name")]
    assert (name.type, name.operator, name.formula1, name.formula2) == ("textLength", "between", "1", "100")
    assert name.promptTitle == "网站名称（必填）" and name.error == "“网站名称”填写不符合要求。要求：必填；最多 100 个字。"
    operator = validations[("basic_info", "operator_unit")]
    assert (operator.type, operator.operator, operator.formula1) == ("textLength", "lessThanOrEqual", "100")
    url = validations[("basic_info", "homepage_url")]
    assert url.type == "custom" and 'LEFT(LOWER(TRIM(B3)),8)="https://"' in url.formula1
    assert "以 http:// 或 https:// 开头" in url.error and "首页网址" in url.error
    site_id = validations[("basic_info", "site_id")]
    assert (site_id.type, site_id.operator, site_id.formula1, site_id.formula2) == ("whole", "between", "1", "999999999999")
    assert site_id.prompt.startswith("由系统填写，请勿修改")
    assert validations[("columns", "update_period")].type == "list"


def test_a_date_field_gets_a_date_range_and_the_import_applies_the_same_range():
    field = FieldSpec(code="opened_on", label="开通日期", type="date", required=True,
                      min_value=dt.date(1994, 1, 1), max_value=dt.date(2030, 12, 31))
    book = Workbook()
    dv = field_validation(field, "A3")
    dv.add("A3:A502")
    book.active.add_data_validation(dv)
    out = io.BytesIO()
    book.save(out)
    (saved,) = load_workbook(io.BytesIO(out.getvalue())).active.data_validations.dataValidation
    assert (saved.type, saved.operator) == ("date", "between")
    assert (saved.formula1, saved.formula2) == ("DATE(1994,1,1)", "DATE(2030,12,31)")
    assert saved.promptTitle == "开通日期（必填）" and "1994-01-01 至 2030-12-31 之间的日期" in saved.error
    assert validate_value(field, dt.datetime(2015, 5, 1)) == ("2015-05-01", None)
    assert validate_value(field, "2015年5月1日") == ("2015-05-01", None)
    assert validate_value(field, "2031-01-01") == (None, "日期应在 1994-01-01 至 2030-12-31 之间，不能为 2031-01-01")
    assert validate_value(field, "2015-02-30")[1].startswith("日期格式不正确")


@pytest.mark.parametrize("form_id,field", [(i, f) for i, f in _fields() if f.max_length and f.type != "integer"],
                         ids=lambda v: getattr(v, "code", v))
def test_the_length_excel_allows_is_the_length_the_import_allows(form_id, field):
    too_long = "x" * (field.max_length + 1)
    value, message = validate_value(field, too_long)
    assert value is None and f"最多 {field.max_length} 个字" in message


def test_the_import_applies_the_url_and_integer_rules_the_workbook_shows():
    basic = load_forms()["basic_info"]
    url = basic.field("homepage_url")
    assert validate_value(url, "HTTPS://www.lsx.gov.cn")[1] is None  # Excel's rule lower-cases too
    assert "http:// 或 https://" in validate_value(url, "www.lsx.gov.cn")[1]
    assert validate_value(url, "ftp://www.lsx.gov.cn")[0] is None
    site_id = basic.field("site_id")
    assert validate_value(site_id, "1") == (1, None)
    assert validate_value(site_id, "0") == (None, "应为 1 至 999999999999 之间的整数，不能填写“0”")


def test_forms_check_refuses_what_the_workbook_refuses(tmp_path, capsys):
    path = tmp_path / "涞水县.xlsx"
    path.write_bytes(fill(blank_workbook(), [good_site(0, site_name="网" * 101, homepage_url="www0.lsx.gov.cn")],
                          [good_column(0, 0, site_url="www0.lsx.gov.cn")]))
    assert check_main([str(path)]) == 1
    out = capsys.readouterr().out
    assert "A 列（网站名称） / 内容过长：最多 100 个字" in out
    assert "B 列（首页网址） / 网址格式不正确：“www0.lsx.gov.cn”，应以 http:// 或 https:// 开头" in out


def test_a_date_field_without_its_range_is_a_definitions_error():
    from sitecensus.registry.formspec.spec import _bounds

    with pytest.raises(ValueError, match="min and max"):
        _bounds("basic_info.json", {"code": "opened_on", "type": "date", "max": "2030-12-31"})
    with pytest.raises(ValueError, match="integer and date"):
        _bounds("basic_info.json", {"code": "site_name", "type": "text", "min": 1})
    assert _bounds("x.json", {"code": "d", "type": "date", "min": "1994-01-01", "max": "2030-12-31"}) == (
        dt.date(1994, 1, 1), dt.date(2030, 12, 31))
