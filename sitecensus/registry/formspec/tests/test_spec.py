import datetime
import subprocess
import sys
from pathlib import Path

import pytest

from sitecensus.registry.formspec import spec
from sitecensus.registry.formspec.spec import CURRENT_VERSION, check_rules, load_forms, normalize_url, validate_value

REPO = Path(__file__).resolve().parents[4]

BASIC_CODES = [
    "site_name", "homepage_url", "other_domains", "ip_address", "competent_unit", "sponsor_unit",
    "operator_unit", "site_class", "is_portal", "icp_number", "psb_number", "office_address",
    "principal_name", "principal_post", "principal_phone", "principal_mobile", "principal_email",
    "contact1_name", "contact1_phone", "contact1_mobile", "contact1_email",
    "contact2_name", "contact2_phone", "contact2_mobile", "contact2_email",
    "contact3_name", "contact3_phone", "contact3_mobile", "contact3_email",
    "running_status", "remarks", "no_public_services", "life_reason", "merged_into", "new_url", "site_code", "site_id",
]
COLUMN_CODES = ["site_url", "column_name", "column_url", "parent_column", "is_homepage", "column_class", "update_period", "remarks"]


def basic(code):
    return load_forms()["basic_info"].field(code)


def test_definitions_load():
    forms = load_forms()
    assert forms is load_forms(CURRENT_VERSION)  # cached
    assert forms["basic_info"].codes == BASIC_CODES
    assert forms["columns"].codes == COLUMN_CODES
    assert forms["basic_info"].title == "政府网站基本信息表"
    assert forms["columns"].title == "政府网站栏目（系统）基本信息表"
    assert basic("site_class").choice_values[0] == "省级政府门户"
    assert len(load_forms()["columns"].field("column_class").choice_values) == 18
    required = {f.code for f in forms["basic_info"].fields if f.required}
    assert {"site_name", "homepage_url", "competent_unit", "contact1_email", "running_status"} <= required
    assert not {"contact2_name", "other_domains", "remarks"} & required
    assert forms["columns"].field("site_url").link == {"form": "basic_info", "field": "homepage_url"}
    for form in forms.values():
        for f in form.fields:
            assert f.label and f.help, f.code


def test_unknown_version():
    with pytest.raises(spec.UnknownVersionError):
        load_forms("2014.1")


@pytest.mark.parametrize(
    "code,raw,expected",
    [
        ("site_name", "  涞水县人民政府  ", "涞水县人民政府"),
        ("site_name", 12345, "12345"),
        ("homepage_url", "http://www.lsx.gov.cn", "http://www.lsx.gov.cn"),
        ("homepage_url", "https://www.lsx.gov.cn:8443/index.html?a=1", "https://www.lsx.gov.cn:8443/index.html?a=1"),
        ("homepage_url", "http://中国政府.cn/", "http://中国政府.cn/"),
        ("other_domains", "lsx.gov.cn；http://b.gov.cn;c.gov.cn\nd.gov.cn", ["lsx.gov.cn", "http://b.gov.cn", "c.gov.cn", "d.gov.cn"]),
        ("ip_address", "10.0.0.1；2001:DB8::1\n10.0.0.1", ["10.0.0.1", "2001:db8::1"]),
        ("principal_email", "a.b@lsx.gov.cn", "a.b@lsx.gov.cn"),
        ("principal_phone", "0312-1234567", "0312-1234567"),
        ("principal_phone", "010-12345678", "010-12345678"),
        ("principal_phone", "(010)12345678转8001", "010-12345678-8001"),
        ("principal_mobile", "139 1234 5678", "13912345678"),
        ("principal_mobile", 13912345678, "13912345678"),
        ("principal_mobile", 13912345678.0, "13912345678"),
        ("icp_number", "冀ICP备05001234号", "冀ICP备05001234号"),
        ("icp_number", "京ICP备05070218号-1", "京ICP备05070218号-1"),
        ("psb_number", "冀公网安备13062302000123号", "冀公网安备 13062302000123号"),
        ("site_class", "县级政府门户", "县级政府门户"),
        ("is_portal", "是", True),
        ("is_portal", "否", False),
        ("is_portal", True, True),
        ("remarks", None, None),
        ("remarks", "   ", None),
        ("office_address", datetime.datetime(2015, 3, 1), "2015-03-01"),
    ],
)
def test_validate_good(code, raw, expected):
    assert validate_value(basic(code), raw) == (expected, None)


@pytest.mark.parametrize(
    "code,raw,fragment",
    [
        ("site_name", None, "必填项"),
        ("site_name", "   ", "必填项"),
        ("site_name", "长" * 101, "最多 100 个字"),
        ("site_name", "a\x01b", "控制字符"),
        ("homepage_url", "htp://x", "网址格式不正确：“htp://x”"),
        ("homepage_url", "www.lsx.gov.cn", "应以 http:// 或 https:// 开头"),
        ("homepage_url", "http://lsx", "网址格式不正确"),
        ("homepage_url", "http://www.lsx.gov.cn/a b", "网址格式不正确"),
        ("homepage_url", "ftp://www.lsx.gov.cn", "网址格式不正确"),
        ("other_domains", "lsx.gov.cn；not a domain", "网址或域名格式不正确"),
        ("ip_address", "10.0.0.256", "IP 地址格式不正确"),
        ("principal_email", "lisi@lsx", "电子邮箱格式不正确"),
        ("principal_phone", "4521234", "办公电话格式不正确"),
        ("principal_phone", "13912345678", "办公电话格式不正确"),
        ("principal_mobile", "1391234567", "手机号码格式不正确"),
        ("principal_mobile", "23912345678", "手机号码格式不正确"),
        ("icp_number", "ICP备05001234号", "ICP备案号格式不正确"),
        ("icp_number", "冀ICP05001234", "ICP备案号格式不正确"),
        ("psb_number", "冀公网安备 1306230200012号", "公安机关备案号格式不正确"),
        ("site_class", "县政府门户", "不是有效选项"),
        ("is_portal", "Y", "应填写“是”或“否”"),
        ("running_status", "运行", "不是有效选项"),
    ],
)
def test_validate_bad(code, raw, fragment):
    value, message = validate_value(basic(code), raw)
    assert value is None
    assert fragment in message


def test_choice_tolerates_full_width_forms():
    field = load_forms()["columns"].field("column_class")
    assert validate_value(field, "工作动态／要闻") == ("工作动态/要闻", None)


def test_normalize_url():
    assert normalize_url("HTTP://WWW.Lsx.GOV.cn:80/") == "http://www.lsx.gov.cn"
    assert normalize_url("https://www.lsx.gov.cn:443") == "http://www.lsx.gov.cn"  # one scheme: the same site
    assert normalize_url("http://www.lsx.gov.cn:8080/") == "http://www.lsx.gov.cn:8080"
    assert normalize_url("http://www.lsx.gov.cn/Col/?id=1") == "http://www.lsx.gov.cn/col?id=1"
    assert normalize_url("http://www.lsx.gov.cn/#top") == "http://www.lsx.gov.cn"
    assert normalize_url("  www.LSX.gov.cn ") == "http://www.lsx.gov.cn"
    assert normalize_url("") == ""


def test_contact_rules():
    form = load_forms()["basic_info"]
    assert check_rules(form, {"contact2_name": "王五"}) == [
        ("contact2_mobile", "填写了联系人二姓名的，须填写联系人二的手机或办公电话")
    ]
    assert check_rules(form, {"contact2_name": "王五", "contact2_phone": "0312-1234567"}) == []
    assert check_rules(form, {"contact3_mobile": "13912345678"}) == [
        ("contact3_name", "填写了联系人三的联系方式，须填写联系人三姓名")
    ]
    # A contact field that failed on its own counts as filled: no second message.
    assert check_rules(form, {"contact2_name": "王五"}, {"contact2_mobile"}) == []


def test_offline_modules_do_not_import_django():
    code = (
        "import sys\n"
        "import sitecensus.registry.formspec.spec, sitecensus.registry.formspec.workbook\n"
        "import sitecensus.registry.formspec.parser, sitecensus.registry.formspec.uploads\n"
        "import sitecensus.registry.formspec.check, sitecensus.registry.formspec.__main__\n"
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, timeout=600)


def test_check_filed_names_every_column_with_a_repeated_bad_value():
    """A site's columns repeat their class and period: each value is checked once, and every
    column holding a bad one is still named."""
    from .helpers import good_site

    basic = {k: v for k, v in good_site(0).items()}
    columns = [{"column_name": f"栏目{n}", "column_url": f"http://www0.lsx.gov.cn/col{n}/", "is_homepage": "是",
                "column_class": "不存在的分类" if n != 2 else "通知公告", "update_period": "每周"} for n in range(1, 5)]
    problems = spec.check_filed(load_forms(), basic, columns)
    assert [(number, code) for number, code, _message in problems] == \
           [(1, "column_class"), (3, "column_class"), (4, "column_class")]
