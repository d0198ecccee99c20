import re

import pytest

from sitecensus.registry.formspec import parser as parser_mod
from sitecensus.registry.formspec.parser import (
    MAX_COLUMN_ROWS,
    MAX_FILE_BYTES,
    MAX_SITE_ROWS,
    CellError,
    parse_workbook,
)
from sitecensus.registry.formspec.spec import CURRENT_VERSION, load_forms, validate_value

from .helpers import (
    BASIC_SHEET,
    COLUMN_SHEET,
    UNIT_CODE,
    UNIT_NAME,
    blank_workbook,
    column_letter,
    edit,
    fill,
    filled_workbook,
    good_column,
    good_site,
    rewrite_zip_member,
    sheet_part,
)

FOREIGN = "不是本系统生成的填报模板或模板结构已被修改"
NOT_XLSX = "不是有效的 Excel（.xlsx）文件"


def clean(form_id, row):
    form = load_forms()[form_id]
    out = {}
    for f in form.fields:
        value, message = validate_value(f, row.get(f.code))
        assert message is None, (f.code, message)
        out[f.code] = value
    return out


def only_error(result):
    assert len(result.errors) == 1, [str(e) for e in result.errors]
    return result.errors[0]


def errors_at(result, sheet, row, code):
    letter = column_letter(sheet, code)
    return [e for e in result.errors if e.sheet == sheet and e.row == row and e.column == letter]


# ---------------------------------------------------------------- round trips


def test_round_trip():
    sites = [good_site(0), good_site(1, is_portal="否", contact2_name="", contact2_mobile="")]
    columns = [
        good_column(0, 1, is_homepage="否"),
        good_column(0, 2, is_homepage="是"),
        good_column(1, 1, is_homepage="是"),
        good_column(0, 3, is_homepage="否", parent_column="栏目1"),
        good_column(0, 4, is_homepage="是", site_url="HTTP://WWW0.LSX.GOV.CN/"),  # same site, other spelling
    ]
    data = fill(blank_workbook(), sites, columns)
    result = parse_workbook(data, filename="涞水县.xlsx", expected_unit_code=UNIT_CODE)
    assert result.ok, [str(e) for e in result.errors]
    assert (result.filename, result.unit_code, result.version, result.unit_name) == (
        "涞水县.xlsx", UNIT_CODE, CURRENT_VERSION, UNIT_NAME,
    )
    assert [s.row for s in result.sites] == [3, 4]
    assert result.sites[0].values == clean("basic_info", sites[0])
    assert result.sites[1].values["is_portal"] is False
    assert result.sites[1].values["contact2_name"] is None
    assert result.sites[0].values["other_domains"] == ["lsx0.gov.cn", "https://m0.lsx.gov.cn"]
    # Homepage columns first, otherwise in sheet order.
    assert [c.row for c in result.sites[0].columns] == [4, 7, 3, 6]
    assert [c.values["column_name"] for c in result.sites[0].columns] == ["栏目2", "栏目4", "栏目1", "栏目3"]
    assert result.sites[0].columns[2].values == clean("columns", columns[0])
    assert result.sites[0].columns[1].values["site_url"] == "HTTP://WWW0.LSX.GOV.CN/"
    assert [c.row for c in result.sites[1].columns] == [5]
    assert result.column_count == 5


def test_prefilled_round_trip():
    sites = []
    for i in range(3):
        site = good_site(i)
        site["is_portal"] = i == 0
        site["other_domains"] = [f"lsx{i}.gov.cn", f"https://m{i}.lsx.gov.cn"]
        site["columns"] = [{k: v for k, v in good_column(i, j).items() if k != "site_url"} for j in range(4)]
        sites.append(site)
    data = blank_workbook(sites=sites)
    result = parse_workbook(data, filename="回填.xlsx")
    assert result.ok, [str(e) for e in result.errors]
    assert len(result.sites) == 3  # the pre-filled 主管单位 on empty rows is not a site
    for site, parsed in zip(sites, result.sites):
        expected = clean("basic_info", {**site, "is_portal": "是" if site["is_portal"] else "否", "other_domains": "；".join(site["other_domains"])})
        assert parsed.values == expected
        assert sorted(c.values["column_name"] for c in parsed.columns) == [f"栏目{j}" for j in range(4)]
        assert all(c.values["site_url"] == site["homepage_url"] for c in parsed.columns)


def test_blank_rows_skipped_and_rows_as_excel_shows():
    data = fill(blank_workbook(), [good_site(0)], [good_column(0, 1)])
    data = fill(data, [good_site(1, principal_email="bad")], [good_column(1, 1, column_url="htp://x")], site_start=7, column_start=12)
    result = parse_workbook(data, filename="涞水县.xlsx")
    assert [s.row for s in result.sites] == [3, 7]
    assert len(result.errors) == 2
    assert [str(e) for e in result.errors] == [
        f"文件 涞水县.xlsx，工作表“基本信息表”，第 7 行，{column_letter(BASIC_SHEET, 'principal_email')} 列（负责人电子邮箱）：电子邮箱格式不正确：“bad”",
        "文件 涞水县.xlsx，工作表“栏目信息表”，第 12 行，C 列（栏目网址）：网址格式不正确：“htp://x”",
    ]
    site = result.sites[1]
    assert len(site.errors) == 2  # its own row's and its column row's
    assert site.values["principal_email"] is None


def test_empty_workbook_is_an_error():
    result = parse_workbook(blank_workbook(), filename="空.xlsx")
    assert "没有填写任何网站" in only_error(result).message


def test_numbers_typed_as_numbers():
    data = fill(blank_workbook(), [good_site(0, principal_mobile=13912345678, contact1_mobile=13912345679.0)], [])
    result = parse_workbook(data, filename="x.xlsx")
    assert result.sites[0].values["principal_mobile"] == "13912345678"
    assert result.sites[0].values["contact1_mobile"] == "13912345679"


# ------------------------------------------------------- template / file level


def _set_meta(key, value):
    def fn(wb):
        ws = wb["_meta"]
        for row in ws.iter_rows():
            if row[0].value == key:
                row[1].value = value
    return fn


def test_old_template_version():
    data = edit(filled_workbook(), _set_meta("version", "2014.1"))
    result = parse_workbook(data, filename="旧.xlsx")
    assert only_error(result).message == (f"模板版本 2014.1 不是本系统发布过的版本（模板校验信息被修改或不是本系统的模板），"
                                          f"请重新下载模板后填写（当前版本 {CURRENT_VERSION}）")
    assert result.sites == [] and not result.ok


def test_workbook_of_another_unit():
    data = filled_workbook()
    assert parse_workbook(data, filename="a.xlsx", expected_unit_code=UNIT_CODE).ok
    result = parse_workbook(data, filename="a.xlsx", expected_unit_code="130600000000")
    error = only_error(result)
    assert error.message == f"该文件是“{UNIT_NAME}”的填报模板，不是本单位的"
    assert str(error) == f"文件 a.xlsx：该文件是“{UNIT_NAME}”的填报模板，不是本单位的"


def _swap_columns(wb):
    ws = wb[BASIC_SHEET]
    a, b = ws["A2"].value, ws["B2"].value
    ws["A2"].value, ws["B2"].value = b, a


@pytest.mark.parametrize(
    "tamper,expected",
    [
        (lambda wb: setattr(wb[BASIC_SHEET]["B2"], "value", "site_url"), "缺少列：首页网址；多出列：site_url"),
        (lambda wb: wb[COLUMN_SHEET].cell(row=2, column=9, value="extra"), "多出列：extra"),
        (lambda wb: wb[COLUMN_SHEET].delete_cols(4), "缺少列：上级栏目"),
        (_set_meta("unit_code", "999"), "表头（前两行）或模板校验信息被修改过"),
        (_set_meta("checksum", "0" * 64), "表头（前两行）或模板校验信息被修改过"),
        (_swap_columns, "列的顺序被改动过"),
        (lambda wb: wb.remove(wb["_meta"]), "缺少模板校验信息"),
        (lambda wb: setattr(wb["_meta"], "sheet_state", "visible"), "被取消隐藏"),
        (lambda wb: setattr(wb[BASIC_SHEET], "title", "基本信息"), "缺少工作表“基本信息表”"),
    ],
    ids=["code-renamed", "column-added", "column-removed", "meta-unit", "checksum", "moved", "no-meta",
         "meta-visible", "sheet-renamed"],
)
def test_tampered_template_says_what_is_wrong(tamper, expected):
    result = parse_workbook(edit(filled_workbook(), tamper), filename="改.xlsx")
    message = only_error(result).message
    assert expected in message and "重新下载模板" in message
    assert result.sites == []


def test_newer_template_is_not_called_expired():
    newer = parse_workbook(edit(filled_workbook(), _set_meta("version", "2099.1")), filename="新.xlsx")
    message = only_error(newer).message
    assert "比本系统的当前版本" in message and "过期" not in message
    older = parse_workbook(edit(filled_workbook(), _set_meta("version", "2014.1")), filename="旧.xlsx")
    assert "不是本系统发布过的版本" in only_error(older).message


def test_workbook_not_made_by_us():
    from openpyxl import Workbook

    from .helpers import save

    wb = Workbook()
    wb.active.title = BASIC_SHEET
    result = parse_workbook(save(wb), filename="自制.xlsx")
    assert "缺少模板校验信息" in only_error(result).message


@pytest.mark.parametrize(
    "payload",
    [
        "这是一个文本文件".encode("utf-8"),
        b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n",
        b"",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,  # an old .xls / encrypted workbook
        "truncated",
        "zip-not-xlsx",
        "broken-sheet",
    ],
    ids=["text", "pdf", "empty", "ole", "truncated", "zip-not-xlsx", "broken-sheet"],
)
def test_not_an_xlsx(payload):
    if payload == "truncated":
        payload = filled_workbook()[:3000]
    elif payload == "zip-not-xlsx":
        from .helpers import make_zip

        payload = make_zip([("a.txt", b"hello")])
    elif payload == "broken-sheet":
        data = filled_workbook()
        payload = rewrite_zip_member(data, sheet_part(data, BASIC_SHEET), lambda xml: xml[: len(xml) // 2])
    result = parse_workbook(payload, filename="报表.xlsx")
    assert only_error(result).message.startswith(NOT_XLSX)
    assert str(result.errors[0]).startswith("文件 报表.xlsx：不是有效的")


def test_oversized_file_refused_before_openpyxl(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("openpyxl must not be called")

    monkeypatch.setattr(parser_mod, "load_workbook", boom)
    data = b"PK\x03\x04" + bytes(50 * 1024 * 1024)
    result = parse_workbook(data, filename="大.xlsx")  # openpyxl never runs (boom); the time: bench/test_limits.py
    assert "超过单个文件 20 MB 的上限" in only_error(result).message
    assert MAX_FILE_BYTES == 20 * 1024 * 1024


def test_limits_constants():
    assert (MAX_SITE_ROWS, MAX_COLUMN_ROWS) == (500, 20_000)


# ------------------------------------------------------------------ cell level


def test_missing_required_field():
    data = fill(blank_workbook(), [good_site(0, sponsor_unit="")], [good_column(0, 1, update_period="")])
    result = parse_workbook(data, filename="涞水县.xlsx")
    assert len(result.errors) == 2
    e1, e2 = result.errors
    assert (e1.sheet, e1.row, e1.column, e1.field, e1.message) == (
        BASIC_SHEET, 3, column_letter(BASIC_SHEET, "sponsor_unit"), "主办单位", "必填项，不能为空",
    )
    assert (e2.sheet, e2.row, e2.column, e2.field) == (COLUMN_SHEET, 3, "G", "更新周期")
    assert result.sites[0].errors == [e1, e2]


def test_cleared_prefilled_competent_unit_is_missing():
    data = fill(blank_workbook(), [good_site(0, competent_unit="")], [good_column(0, 0)])
    result = parse_workbook(data, filename="x.xlsx")
    assert [e.field for e in result.errors] == ["主管单位"]


@pytest.mark.parametrize(
    "sheet,code,value,fragment",
    [
        (BASIC_SHEET, "homepage_url", "htp://www.lsx.gov.cn", "网址格式不正确：“htp://www.lsx.gov.cn”"),
        (COLUMN_SHEET, "column_url", "http//www0.lsx.gov.cn/a", "网址格式不正确"),
        (BASIC_SHEET, "principal_email", "zhangsan#lsx.gov.cn", "电子邮箱格式不正确"),
        (BASIC_SHEET, "principal_phone", "4521234", "办公电话格式不正确"),
        (BASIC_SHEET, "contact1_mobile", "1391234567", "手机号码格式不正确"),
        (BASIC_SHEET, "icp_number", "冀备05001234号", "ICP备案号格式不正确"),
        (BASIC_SHEET, "psb_number", "冀公网安备 123号", "公安机关备案号格式不正确"),
        (BASIC_SHEET, "site_class", "县级门户", "不是有效选项"),
        (COLUMN_SHEET, "column_class", "新闻", "不是有效选项"),
        (BASIC_SHEET, "is_portal", "对", "应填写“是”或“否”"),
        (BASIC_SHEET, "ip_address", "10.0.0.300", "IP 地址格式不正确"),
        (BASIC_SHEET, "site_name", "名" * 101, "最多 100 个字"),
    ],
)
def test_invalid_value(sheet, code, value, fragment):
    if sheet == BASIC_SHEET:
        data = fill(blank_workbook(), [good_site(0, **{code: value})], [good_column(0, 1)])
    else:
        data = fill(blank_workbook(), [good_site(0)], [good_column(0, 1, **{code: value})])
    result = parse_workbook(data, filename="涞水县.xlsx")
    errors = [e for e in result.errors if e.column == column_letter(sheet, code)]
    assert len(errors) == 1, [str(e) for e in result.errors]
    assert fragment in errors[0].message
    assert errors[0].row == 3 and errors[0].sheet == sheet
    label = load_forms()["basic_info" if sheet == BASIC_SHEET else "columns"].field(code).label
    assert errors[0].field == label
    assert f"{errors[0].column} 列（{label}）" in str(errors[0])


def test_contact_rule():
    data = fill(
        blank_workbook(),
        [good_site(0, contact2_name="王五", contact2_mobile=""), good_site(1, contact3_email="x@lsx.gov.cn")],
        [good_column(0, 0), good_column(1, 0)],
    )
    result = parse_workbook(data, filename="x.xlsx")
    assert [(e.row, e.field, e.message) for e in result.errors] == [
        (3, "联系人二手机", "填写了联系人二姓名的，须填写联系人二的手机或办公电话"),
        (4, "联系人三姓名", "填写了联系人三的联系方式，须填写联系人三姓名"),
    ]
    ok = fill(blank_workbook(), [good_site(0, contact2_name="王五", contact2_mobile="", contact2_phone="0312-1234567")],
              [good_column(0, 0)])
    assert parse_workbook(ok, filename="x.xlsx").ok


def test_same_site_twice():
    data = fill(
        blank_workbook(),
        [good_site(0), good_site(1), good_site(2, homepage_url="HTTP://www0.lsx.gov.cn:80/")],
        [good_column(0, 1), good_column(1, 1)],
    )
    result = parse_workbook(data, filename="x.xlsx")
    error = only_error(result)
    assert (error.row, error.field) == (5, "首页网址")
    assert "与第 3 行的网站重复" in error.message
    assert len(result.sites[0].columns) == 1  # columns go to the first


def test_column_for_unknown_site():
    data = fill(blank_workbook(), [good_site(0)], [good_column(0, 1), good_column(9, 1)])
    result = parse_workbook(data, filename="x.xlsx")
    error = only_error(result)
    assert (error.sheet, error.row, error.column, error.field) == (COLUMN_SHEET, 4, "A", "所属网站首页网址")
    assert "“http://www9.lsx.gov.cn”在“基本信息表”中没有对应的网站" in error.message
    assert result.sites[0].errors == []
    assert result.column_count == 1


def test_site_without_columns_is_an_error_of_its_row():
    data = fill(blank_workbook(), [good_site(0), good_site(1)], [good_column(0, 1)])
    result = parse_workbook(data, filename="x.xlsx")
    error = only_error(result)
    assert (error.sheet, error.row, error.column, error.field) == (BASIC_SHEET, 4, "B", "首页网址")
    assert "至少填报一个栏目" in error.message
    assert result.sites[0].errors == [] and result.sites[1].errors == [error]


def test_parent_column():
    columns = [
        good_column(0, 1),
        good_column(0, 2, parent_column="栏目1"),
        good_column(0, 3, parent_column="不存在的栏目"),
        good_column(0, 4, parent_column="栏目4"),  # itself
        good_column(1, 1, parent_column="栏目2"),  # a column of another site
    ]
    data = fill(blank_workbook(), [good_site(0), good_site(1)], columns)
    result = parse_workbook(data, filename="x.xlsx")
    assert [(e.row, e.field) for e in result.errors] == [(5, "上级栏目"), (6, "上级栏目"), (7, "上级栏目")]
    assert "上级栏目“不存在的栏目”不是本网站已填写的另一个栏目" in result.errors[0].message


def test_duplicate_column():
    columns = [
        good_column(0, 1),
        good_column(0, 1, column_url="http://WWW0.lsx.gov.cn/col1/"),  # same after normalizing
        good_column(0, 1, column_url="http://www0.lsx.gov.cn/other/"),  # same name, other URL: fine
        good_column(1, 1, column_url="http://www0.lsx.gov.cn/col1/", column_name="栏目1"),  # other site: fine
    ]
    data = fill(blank_workbook(), [good_site(0), good_site(1)], columns)
    result = parse_workbook(data, filename="x.xlsx")
    error = only_error(result)
    assert error.row == 4 and "与第 3 行的栏目重复" in error.message


def test_formula_cells_refused_never_evaluated():
    data = fill(
        blank_workbook(),
        [good_site(0, site_name='=CONCATENATE("涞水","县")')],
        [good_column(0, 1, column_url='="http://www0.lsx.gov.cn/a/"')],
    )
    # Give the formula a cached value, as Excel would save it.
    part = sheet_part(data, COLUMN_SHEET)
    data = rewrite_zip_member(
        data, part, lambda xml: re.sub(r'(<c r="C3"[^>]*)>(<f>[^<]*</f>)<v\s*/>', r'\1 t="str">\2<v>http://www0.lsx.gov.cn/a/</v>', xml)
    )
    assert "<v>http://www0.lsx.gov.cn/a/</v>" in __import__("zipfile").ZipFile(__import__("io").BytesIO(data)).read(part).decode()
    result = parse_workbook(data, filename="公式.xlsx")
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [(BASIC_SHEET, 3, "A"), (COLUMN_SHEET, 3, "C")]
    assert "单元格 A3 含有公式" in result.errors[0].message and "不计算公式" in result.errors[0].message
    assert result.sites[0].values["site_name"] is None
    assert result.sites[0].columns[0].values["column_url"] is None


# ------------------------------------------------------------------ row limits


def _many_columns(n_sites, per_site):
    sites = []
    for i in range(n_sites):
        site = good_site(i)
        site["columns"] = [
            {"column_name": f"栏目{j}", "column_url": f"http://www{i}.lsx.gov.cn/c{j}/", "is_homepage": j < 5,
             "column_class": "通知公告", "update_period": "每日"}
            for j in range(per_site)
        ]
        sites.append(site)
    return sites


def test_ten_thousand_column_rows_accepted():
    data = blank_workbook(sites=_many_columns(20, 500))
    result = parse_workbook(data, filename="大.xlsx")  # its time: bench/test_limits.py
    assert result.ok, [str(e) for e in result.errors[:5]]
    assert result.column_count == 10_000


def test_column_rows_over_limit_refused():
    data = blank_workbook(sites=_many_columns(1, MAX_COLUMN_ROWS + 1))
    result = parse_workbook(data, filename="超.xlsx")
    error = only_error(result)
    assert error.sheet == COLUMN_SHEET and error.row is None
    assert "超过 20000 行的上限" in error.message and "栏目信息表" in error.message
    assert result.sites == []  # no partial result


def test_site_rows_over_limit_refused():
    data = blank_workbook(sites=[{**good_site(i), "columns": [good_column(i, 0)]} for i in range(MAX_SITE_ROWS + 1)])
    result = parse_workbook(data, filename="超.xlsx")
    assert "超过 500 行的上限" in only_error(result).message
    assert result.sites == []
    # The same file passes with a raised limit (the benchmark's knob).
    assert parse_workbook(data, filename="超.xlsx", max_site_rows=1000).ok


def test_cell_error_str_variants():
    assert str(CellError("a.xlsx", message="坏了")) == "文件 a.xlsx：坏了"
    assert str(CellError("a.xlsx", "栏目信息表", 12, "C", "栏目网址", "网址格式不正确：“htp://x”")) == (
        "文件 a.xlsx，工作表“栏目信息表”，第 12 行，C 列（栏目网址）：网址格式不正确：“htp://x”"
    )
    assert str(CellError("a.xlsx", "基本信息表", 4, message="x")) == "文件 a.xlsx，工作表“基本信息表”，第 4 行：x"
