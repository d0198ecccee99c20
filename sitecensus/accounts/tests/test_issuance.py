import io

import openpyxl
import pytest
from django.urls import reverse

from sitecensus.accounts.testing import mailed_password
from sitecensus.accounts import roles, services
from sitecensus.accounts.models import User
from sitecensus.audit.models import AuditEvent
from sitecensus.core.errors import Duplicate, InvalidInput, NotAllowed, NotFound
from sitecensus.orgs.models import Unit

pytestmark = pytest.mark.django_db


def test_issue_unit_and_first_account(demo_users):
    baoding = demo_users["baoding"]
    unit, account, password = services.create_unit_with_account(
        actor=baoding, parent=baoding.unit, name="定兴县人民政府办公室", kind="county_office",
        division_code="130626", username="dingxing", email="dx@example.gov.cn")
    assert unit.org_code == "130626" and unit.is_organizer
    assert account.role == roles.ORGANIZER and account.issued_by == baoding
    assert account.must_change_password and account.check_password(password)
    assert account.password.startswith("argon2")
    assert AuditEvent.objects.filter(action="account_issued", object_id=str(account.pk), actor=baoding).exists()


def test_issuance_is_all_or_nothing(demo_users):
    baoding = demo_users["baoding"]
    with pytest.raises(Duplicate, match="账号名“laishui”已存在"):
        services.create_unit_with_account(actor=baoding, parent=baoding.unit, name="定兴县人民政府办公室",
                                          kind="county_office", division_code="130626", username="laishui")
    assert not Unit.objects.filter(name="定兴县人民政府办公室").exists()


def test_may_grant_only_grantable_roles(demo_users):
    laishui = demo_users["laishui"]
    town = Unit.objects.get(name="永阳镇人民政府")
    for forged in (roles.NATIONAL_ADMIN, roles.SECURITY_ADMIN, roles.AUDIT_ADMIN):
        with pytest.raises(NotAllowed, match="无权授予"):
            services.issue_account(actor=laishui, unit=town, username="yy_forged", role=forged)
    with pytest.raises(InvalidInput, match="只能发放填报单位操作员账号"):
        services.issue_account(actor=laishui, unit=town, username="yy_forged", role=roles.ORGANIZER)
    assert not User.objects.filter(username="yy_forged").exists()


def test_reporter_may_not_issue(demo_users):
    with pytest.raises((NotAllowed, NotFound)):
        services.issue_account(actor=demo_users["laishui_lsz"], unit=Unit.objects.get(name="永阳镇人民政府"),
                               username="nope_x")


def test_issuance_only_one_level_down(demo_users):
    with pytest.raises(NotAllowed, match="直接上级组织单位"):
        services.issue_account(actor=demo_users["baoding"], unit=Unit.objects.get(name="永阳镇人民政府"),
                               username="too_deep")


@pytest.mark.parametrize("field,value,message", [
    ("username", "a b", "账号名须为"),
    ("username", "x", "账号名须为"),
    ("email", "not-an-email", "电子邮箱“not-an-email”格式不正确"),
    ("phone", "abc", "联系电话“abc”格式不正确"),
])
def test_bad_contact_fields(demo_users, field, value, message):
    kwargs = {"username": "yongyang", field: value}
    with pytest.raises(InvalidInput, match=message):
        services.issue_account(actor=demo_users["laishui"], unit=Unit.objects.get(name="永阳镇人民政府"), **kwargs)


def test_issuance_page_shows_the_password_once(client, demo_users):
    client.force_login(demo_users["laishui"])
    laishui_unit = demo_users["laishui"].unit
    response = client.post(reverse("orgs:unit_create", args=[laishui_unit.pk]), {
        "name": "涞水县统计局", "kind": "department", "username": "laishui_tjj", "email": "tj@example.gov.cn"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "laishui_tjj" in page and "初始密码只显示这一次" in page


def test_issuance_form_errors_are_chinese_and_save_nothing(client, demo_users):
    client.force_login(demo_users["hebei"])
    response = client.post(reverse("orgs:unit_create", args=[demo_users["hebei"].unit.pk]), {
        "name": "某市人民政府办公室", "kind": "city_office", "division_code": "999999", "username": "mou_shi"})
    assert response.status_code == 400
    assert "行政区划代码“999999”不存在" in response.content.decode()
    assert not User.objects.filter(username="mou_shi").exists()


def test_reset_disable_enable(client, demo_users):
    laishui = demo_users["laishui"]
    account = User.objects.get(username="laishui_lsz")
    where = services.reset_password(actor=laishui, account=account)
    account.refresh_from_db()
    password = mailed_password(account.email)
    assert password not in where  # the resetter never sees it: it went to the holder's mailbox
    assert account.check_password(password) and account.must_change_password
    services.set_active(actor=laishui, account=account, active=False)
    account.refresh_from_db()
    assert not account.is_active and account.disabled_at
    services.set_active(actor=laishui, account=account, active=True)
    actions = list(AuditEvent.objects.filter(object_id=str(account.pk)).values_list("action", flat=True))
    assert {"password_reset", "account_disabled", "account_enabled"} <= set(actions)


def test_handover_sheet_regenerates_only_unused_passwords(client, demo_users):
    laishui = demo_users["laishui"]
    _, fresh, old_password = services.create_unit_with_account(
        actor=laishui, parent=laishui.unit, name="涞水县统计局", kind="department", username="laishui_tjj")
    client.force_login(laishui)
    response = client.post(reverse("accounts:handover_export"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("单位名称", "组织单位代码", "账号", "初始密码")
    by_user = {row[2]: row for row in rows[1:]}
    assert set(by_user) >= {"laishui_tjj", "laishui_jyj", "laishui_lsz"}
    new_password = by_user["laishui_tjj"][3]
    fresh.refresh_from_db()
    assert new_password and fresh.check_password(new_password) and not fresh.check_password(old_password)
    assert by_user["laishui_jyj"][3] in (None, "")  # already in use: no password handed out
    assert AuditEvent.objects.filter(action="accounts_exported", actor=laishui).exists()


def test_handover_needs_post(client, demo_users):
    client.force_login(demo_users["laishui"])
    assert client.get(reverse("accounts:handover_export")).status_code == 405


def test_export_escapes_formula_cells(client, demo_users):
    laishui = demo_users["laishui"]
    services.create_unit_with_account(actor=laishui, parent=laishui.unit, name="=HYPERLINK(\"x\")局",
                                      kind="department", username="formula_x")
    client.force_login(laishui)
    response = client.get(reverse("orgs:unit_export"))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    names = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"x\")局" in names
    assert all(not str(n).startswith("=") for n in names)


def test_initial_passwords_survive_the_excel_sheet():
    """Never starting with a character the export escapes against formula injection."""
    from sitecensus.core.excel import safe_cell

    for _ in range(2000):
        password = services.generate_initial_password()
        assert safe_cell(password) == password
