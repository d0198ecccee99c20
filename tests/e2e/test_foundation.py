import re

from playwright.sync_api import expect

from sitecensus.portal.demo import DEMO_PASSWORD
from sitecensus.orgs.models import Unit

from .conftest import login, pass_second_factor


def test_login_shows_unit_and_role(page, site):
    login(page, site, "hebei", DEMO_PASSWORD)
    expect(page.get_by_test_id("current-unit")).to_have_text("河北省人民政府办公厅")
    expect(page.get_by_test_id("current-role")).to_have_text("组织单位操作员")
    expect(page.locator("h1")).to_have_text("河北省人民政府办公厅")
    expect(page.get_by_test_id("unit-table")).to_contain_text("保定市人民政府办公室")


def test_failures_ask_for_a_captcha_never_a_lock(page, site):
    for attempt in range(3):
        login(page, site, "baoding", f"wrong-{attempt}")
        expect(page.get_by_test_id("login-error")).to_contain_text("账号或密码不正确")
    login(page, site, "baoding", DEMO_PASSWORD)
    expect(page.locator("img.captcha")).to_be_visible()  # a captcha now, not a lock
    expect(page.get_by_test_id("login-error")).to_contain_text("验证码")


def test_issue_account_then_first_login_sees_only_its_subtree(page, site, tmp_path):
    login(page, site, "baoding", DEMO_PASSWORD)
    page.click("text=设立下级单位并发放账号")
    form = page.get_by_test_id("unit-form")
    form.locator("#id_name").fill("定兴县人民政府办公室")
    form.locator("#id_kind").select_option("county_office")
    form.locator("#id_division_code").fill("130626")
    form.locator("#id_username").fill("dingxing")
    form.locator("#id_email").fill("dingxing@example.gov.cn")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("issued-username")).to_have_text("dingxing")
    password = page.get_by_test_id("initial-password").inner_text().strip()
    assert len(password) >= 10

    # The issued list is downloadable as Excel.
    page.goto(f"{site}/accounts/issued/")
    expect(page.get_by_test_id("issued-table")).to_contain_text("dingxing")
    with page.expect_download() as download:
        page.click("text=导出 Excel")
    assert download.value.suggested_filename.endswith(".xlsx")

    page.click("text=退出")
    login(page, site, "dingxing", password)
    expect(page).to_have_url(re.compile(r"/accounts/password/$"))
    expect(page.get_by_test_id("force-change")).to_be_visible()
    page.goto(f"{site}/units/")  # anything else leads back to the password page
    expect(page).to_have_url(re.compile(r"/accounts/password/$"))
    page.fill("#id_old_password", password)
    page.fill("#id_new_password", "Dingxing")  # weak: refused with the rule
    page.fill("#id_new_password2", "Dingxing")
    page.click("text=保存新密码")
    expect(page.get_by_test_id("error-new_password")).to_contain_text("密码太短")
    page.fill("#id_old_password", password)
    page.fill("#id_new_password", "Zheng#Wu2026dx")
    page.fill("#id_new_password2", "Zheng#Wu2026dx")
    page.click("text=保存新密码")
    # Only now, with its own password, does the holder enrol the second factor (a secret shown once).
    expect(page).to_have_url(re.compile(r"/accounts/otp/setup/$"))
    pass_second_factor(page, "dingxing")
    expect(page.get_by_test_id("current-unit")).to_have_text("定兴县人民政府办公室")

    # Only its own subtree: its unit is visible, the city above and a neighbour are not.
    page.goto(f"{site}/units/?q=人民政府办公室")
    table = page.get_by_test_id("unit-table")
    expect(table).to_contain_text("定兴县人民政府办公室")
    expect(table).not_to_contain_text("保定市")
    expect(table).not_to_contain_text("涞水县")
    baoding = Unit.objects.get(name="保定市人民政府办公室")
    laishui = Unit.objects.get(name="涞水县人民政府办公室")
    for unit in (baoding, laishui):
        response = page.goto(f"{site}/units/{unit.pk}/")
        assert response.status == 404
        expect(page.get_by_test_id("error-message")).to_contain_text("不在您的权限范围内")
    own = Unit.objects.get(name="定兴县人民政府办公室")
    assert page.goto(f"{site}/units/{own.pk}/").status == 200
    expect(page.get_by_test_id("unit-name")).to_have_text("定兴县人民政府办公室")
    page.screenshot(path=str(tmp_path / "own-unit.png"))


def test_audit_admin_sees_the_log(page, site):
    login(page, site, "hebei", "wrong-password")
    login(page, site, "auditadmin", DEMO_PASSWORD)
    page.click("nav.mainnav >> text=审计日志")
    expect(page.get_by_test_id("audit-table")).to_contain_text("登录失败")
    page.select_option("select[name=action]", "login")
    page.click("text=筛选")
    expect(page.get_by_test_id("audit-table")).to_contain_text("auditadmin")
