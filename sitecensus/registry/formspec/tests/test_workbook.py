import io

from openpyxl import load_workbook

from sitecensus.registry.formspec.spec import CURRENT_VERSION, load_forms
from sitecensus.registry.formspec.workbook import (
    COLUMN_ENTRY_ROWS,
    SITE_ENTRY_ROWS,
    build_workbook,
    header_checksum,
)

from .helpers import BASIC_SHEET, COLUMN_SHEET, UNIT_CODE, UNIT_NAME, blank_workbook, column_letter


def _load(data):
    return load_workbook(io.BytesIO(data))


def test_sheets_and_states():
    wb = _load(blank_workbook())
    assert wb.sheetnames == ["填写说明", BASIC_SHEET, COLUMN_SHEET, "选项", "_meta"]
    assert wb["_meta"].sheet_state == "veryHidden"
    assert wb["选项"].sheet_state == "hidden"
    assert wb[BASIC_SHEET].sheet_state == "visible"
    assert wb.security.lockStructure
    text = "\n".join(str(c.value) for c in wb["填写说明"]["A"] if c.value)
    # Clerks are pointed to the web check (在线检查), never to a command they will not have installed.
    assert "在线检查" in text and "检查填报文件" in text and "sitecensus forms check" not in text
    assert "每个网站填写一行" in text or "填写一行" in text
    assert "首页栏目" in text and "不要修改表头" in text


def test_meta_stamp():
    wb = _load(blank_workbook())
    meta = {r[0].value: r[1].value for r in wb["_meta"].iter_rows()}
    forms = load_forms()
    assert meta["version"] == CURRENT_VERSION
    assert meta["unit_code"] == UNIT_CODE
    assert meta["unit_name"] == UNIT_NAME
    assert meta["form_ids"] == "basic_info,columns"
    assert meta["generated_at"]
    assert meta["checksum"] == header_checksum(
        CURRENT_VERSION, UNIT_CODE, forms["basic_info"].codes, forms["columns"].codes
    )


def test_header_rows_locked_and_data_unlocked():
    wb = _load(blank_workbook())
    for sheet, form_id in ((BASIC_SHEET, "basic_info"), (COLUMN_SHEET, "columns")):
        ws = wb[sheet]
        form = load_forms()[form_id]
        assert ws.protection.sheet is True
        assert ws.row_dimensions[2].hidden is True
        assert ws.freeze_panes == "A3"
        for i, field in enumerate(form.fields, start=1):
            label = ws.cell(row=1, column=i)
            assert label.value == ("*" if field.required else "") + field.label
            assert label.protection.locked is True
            assert label.font.b is True
            assert label.comment is not None and label.comment.text == field.help
            code = ws.cell(row=2, column=i)
            assert code.value == field.code and code.protection.locked is True
            dim = ws.column_dimensions[column_letter(sheet, field.code)]
            assert dim.protection.locked is False  # every empty data cell is editable
            assert dim.width >= 10
        # A pre-filled data cell is editable too.
        if sheet == BASIC_SHEET:
            cell = ws[f"{column_letter(sheet, 'competent_unit')}3"]
            assert cell.value == UNIT_NAME
            assert cell.protection.locked is False


def test_competent_unit_prefilled_on_every_entry_row():
    ws = _load(blank_workbook())[BASIC_SHEET]
    letter = column_letter(BASIC_SHEET, "competent_unit")
    values = [ws[f"{letter}{r}"].value for r in range(3, 3 + SITE_ENTRY_ROWS)]
    assert values == [UNIT_NAME] * SITE_ENTRY_ROWS
    assert ws[f"{letter}{3 + SITE_ENTRY_ROWS}"].value is None
    assert ws["A3"].value is None


def test_drop_downs_on_choice_and_yes_no_columns():
    wb = _load(blank_workbook())
    options = wb["选项"]
    expected = {
        BASIC_SHEET: ({"site_class", "is_portal", "running_status"}, 2 + SITE_ENTRY_ROWS),
        COLUMN_SHEET: ({"is_homepage", "column_class", "update_period"}, 2 + COLUMN_ENTRY_ROWS),
    }
    for sheet, (codes, last_row) in expected.items():
        ws = wb[sheet]
        found = {}
        for dv in ws.data_validations.dataValidation:
            if dv.type != "list":
                continue  # the other columns' rules: test_validation.py
            assert dv.formula1.startswith("'选项'!$")  # a range, not a literal list
            assert dv.showErrorMessage
            found[str(dv.sqref)] = dv.formula1
        for code in codes:
            letter = column_letter(sheet, code)
            sqref = f"{letter}3:{letter}{last_row}"
            assert sqref in found, (sheet, code, found)
            # The referenced range holds exactly the field's choices.
            rng = found[sqref].split("!", 1)[1].replace("$", "")
            values = tuple(c.value for (c,) in options[rng])
            field = load_forms()["basic_info" if sheet == BASIC_SHEET else "columns"].field(code)
            assert values == (field.choice_values or ("是", "否"))


def test_build_is_deterministic_in_structure():
    data = build_workbook(unit_code="1", unit_name="测试单位")  # its time: bench/test_limits.py
    assert data[:2] == b"PK"


def test_prefilled_workbook_layout():
    sites = [
        {
            "site_name": "涞水县人民政府",
            "homepage_url": "http://www.lsx.gov.cn",
            "is_portal": True,
            "other_domains": ["lsx.gov.cn", "lsx.cn"],
            "columns": [{"column_name": "要闻", "column_url": "http://www.lsx.gov.cn/yw/"}],
        }
    ]
    wb = _load(blank_workbook(sites=sites))
    ws = wb[BASIC_SHEET]
    assert ws[f"{column_letter(BASIC_SHEET, 'is_portal')}3"].value == "是"
    assert ws[f"{column_letter(BASIC_SHEET, 'other_domains')}3"].value == "lsx.gov.cn；lsx.cn"
    assert ws[f"{column_letter(BASIC_SHEET, 'competent_unit')}3"].value == UNIT_NAME
    cols = wb[COLUMN_SHEET]
    assert cols["A3"].value == "http://www.lsx.gov.cn"  # site_url defaults to the site's homepage
    assert cols[f"{column_letter(COLUMN_SHEET, 'column_name')}3"].value == "要闻"


def test_prefill_never_writes_formulas():
    wb = _load(blank_workbook(sites=[{"site_name": "=HYPERLINK(\"x\")", "homepage_url": "http://a.gov.cn"}]))
    cell = wb[BASIC_SHEET]["A3"]
    assert cell.data_type == "s"

