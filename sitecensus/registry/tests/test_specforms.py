"""The web form and the workbook parser accept exactly the same values."""

from django import forms

from sitecensus.registry.formspec.parser import parse_workbook
from sitecensus.registry.formspec.spec import load_forms
from sitecensus.registry.specforms import basic_info_form_class, column_form_class

from sitecensus.registry.formspec.tests.helpers import blank_workbook, fill, good_column, good_site

# (field code, raw value typed by a clerk or POSTed)
BASIC_SAMPLES = [
    ("site_name", "  涞水县人民政府  "), ("site_name", ""), ("site_name", "   "), ("site_name", "名" * 101),
    ("homepage_url", "https://www.lsx.gov.cn/index.html"), ("homepage_url", "htp://x"), ("homepage_url", "www.lsx.gov.cn"),
    ("other_domains", "a.lsx.gov.cn；b.lsx.gov.cn\nhttps://c.lsx.gov.cn"), ("other_domains", "a b"),
    ("ip_address", "10.0.0.1；2001:db8::1"), ("ip_address", "10.0.0.999"),
    ("sponsor_unit", ""), ("operator_unit", ""),
    ("site_class", "县级政府门户"), ("site_class", "县级门户"), ("site_class", ""),
    ("is_portal", "是"), ("is_portal", "否"), ("is_portal", "Y"), ("is_portal", ""),
    ("icp_number", "京ICP备05070218号-1"), ("icp_number", "京icp备05070218号"), ("icp_number", "ICP备123号"),
    ("psb_number", "冀公网安备13062302000123号"), ("psb_number", "冀公网安备 123号"),
    ("principal_phone", "0312-1234567"), ("principal_phone", "010 12345678 转 8001"), ("principal_phone", "1234567"),
    ("principal_mobile", "139-1234-5678"), ("principal_mobile", "1391234567"),
    ("principal_email", "zs@lsx.gov.cn"), ("principal_email", "zs@lsx"),
    ("contact2_mobile", ""), ("contact2_mobile", "13812345670"),
    ("contact3_email", "c@lsx.gov.cn"),
    ("running_status", "关停"), ("running_status", "停止"),
    ("remarks", "说明" * 250), ("remarks", "说明" * 251),
]
COLUMN_SAMPLES = [
    ("column_name", "要闻"), ("column_name", ""),
    ("column_url", "http://www0.lsx.gov.cn/yw/"), ("column_url", "http:/www0.lsx.gov.cn"),
    ("is_homepage", "是"), ("is_homepage", "不是"),
    ("column_class", "工作动态/要闻"), ("column_class", "新闻"),
    ("update_period", "不定期"), ("update_period", "每两天"),
    ("remarks", "  "),
]


def _form_outcome(form_class, row):
    form = form_class(data={k: ("" if v is None else v) for k, v in row.items()})
    form.is_valid()
    values = {code: form.cleaned_data.get(code) for code in form.fields}
    return values, {code: list(msgs) for code, msgs in form.errors.items()}


def _parser_outcome(form_id, parsed_values, row_errors):
    form = load_forms()[form_id]
    by_label = {f.label: f.code for f in form.fields}
    errors = {}
    site_rules = {r["message"] for r in form.site_rules}
    for e in row_errors:
        if e.message in site_rules:
            continue  # a rule on the whole site (its columns), not on the row's values
        if form.field(by_label[e.field]).workbook_only:
            continue  # a life-change request's fields: online, a life change has its own form
        errors.setdefault(by_label[e.field], []).append(e.message)
    return dict(parsed_values), errors


def test_basic_form_agrees_with_parser():
    rows = []
    for i, (code, raw) in enumerate(BASIC_SAMPLES):
        row = good_site(i)
        if code != "contact2_mobile":
            row["contact2_name"], row["contact2_mobile"] = "", ""
        row[code] = raw
        rows.append(row)
    data = fill(blank_workbook(), rows, [])
    parsed = parse_workbook(data, filename="x.xlsx")
    assert len(parsed.sites) == len(rows)
    form_class = basic_info_form_class()
    outcomes = set()
    for row, site in zip(rows, parsed.sites):
        own = [e for e in site.errors if e.row == site.row]
        expected = _parser_outcome("basic_info", site.values, own)
        got_values, got_errors = _form_outcome(form_class, row)
        assert got_errors == expected[1], (row, got_errors)
        for code, value in expected[0].items():
            if code not in got_errors and code in got_values:  # system fields are not typed online
                assert got_values[code] == value, code
        outcomes.add(bool(got_errors))
    assert outcomes == {True, False}  # both good and bad samples


def test_column_form_agrees_with_parser():
    rows = []
    for j, (code, raw) in enumerate(COLUMN_SAMPLES):
        row = good_column(0, j)
        row[code] = raw
        rows.append(row)
    data = fill(blank_workbook(), [good_site(0)], rows)
    parsed = parse_workbook(data, filename="x.xlsx")
    columns = sorted(parsed.sites[0].columns, key=lambda c: c.row)
    errors = [e for e in parsed.errors if e.sheet == "栏目信息表"]
    assert len(columns) == len(rows)
    form_class = column_form_class()
    for row, column in zip(rows, columns):
        expected = _parser_outcome("columns", column.values, [e for e in errors if e.row == column.row])
        got_values, got_errors = _form_outcome(form_class, row)
        assert got_errors == expected[1], (row, got_errors)
        for code, value in expected[0].items():
            if code not in got_errors:
                assert got_values[code] == value, code


def test_form_fields_from_spec():
    form = basic_info_form_class()()
    spec = load_forms()["basic_info"]
    online = [f for f in spec.fields if not f.system and not f.workbook_only]  # identity is the system's
    assert list(form.fields) == [f.code for f in online]
    for f in online:
        field = form.fields[f.code]
        assert field.label == f.label and field.required == f.required and field.help_text == f.help
    assert isinstance(form.fields["site_class"].widget, forms.Select)
    assert [v for v, _ in form.fields["site_class"].widget.choices][1:] == list(spec.field("site_class").choice_values)
    assert [v for v, _ in form.fields["is_portal"].widget.choices] == ["", "是", "否"]
    assert 'type="url"' in str(form["homepage_url"])
    assert list(column_form_class()().fields) == load_forms()["columns"].codes
    assert basic_info_form_class() is basic_info_form_class()


def test_form_clean_values_and_contact_rule():
    row = good_site(0, contact2_name="王五", contact2_mobile="")
    form = basic_info_form_class()(data=row)
    assert not form.is_valid()
    assert form.errors["contact2_mobile"] == ["填写了联系人二姓名的，须填写联系人二的手机或办公电话"]
    form = basic_info_form_class()(data=good_site(0))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["is_portal"] is True
    assert form.cleaned_data["ip_address"] == ["10.1.2.3", "2001:db8::1"]
    assert form.cleaned_data["contact3_name"] is None
