"""The whole inventory path in the browser: workbook → forms check → import →
review up the chain with a return → identifier code → code login."""

import re
import subprocess
import sys

from django.core import mail
from playwright.sync_api import expect

from sitecensus.portal.demo import DEMO_PASSWORD
from sitecensus.orgs.models import Unit
from sitecensus.registry.models import Website
from sitecensus.registry.testing import fill_workbook, sample_filing

from .conftest import login


def logout(page):
    page.click("text=退出")


def test_inventory_whole_path(page, site, tmp_path):
    town = Unit.objects.get(name="龙门乡人民政府")
    login(page, site, "laishui", DEMO_PASSWORD)
    page.click("nav.mainnav >> text=导入")
    with page.expect_download() as download:
        page.click(f"text={town.name}")
    blank = tmp_path / "blank.xlsx"
    download.value.save_as(blank)

    # The clerk fills it offline (with one mistake) and checks it.
    filing = sample_filing(name="龙门乡人民政府网站", url="http://lmx.laishui.gov.cn", unit_name=town.name)
    filing.basic["principal_email"] = "wang@"
    filled = tmp_path / "龙门乡.xlsx"
    filled.write_bytes(fill_workbook(blank.read_bytes(), [filing]))
    check = subprocess.run([sys.executable, "-m", "sitecensus.cli", "forms", "check", str(filled)],
                           capture_output=True, text=True, timeout=600)
    assert check.returncode == 1 and "负责人电子邮箱" in check.stdout, check.stdout + check.stderr
    filing.basic["principal_email"] = "wang@example.gov.cn"
    filled.write_bytes(fill_workbook(blank.read_bytes(), [filing]))
    check = subprocess.run([sys.executable, "-m", "sitecensus.cli", "forms", "check", str(filled)],
                           capture_output=True, text=True, timeout=600)
    assert check.returncode == 0, check.stdout + check.stderr

    # Upload → dry-run summary → confirm.
    page.set_input_files("input[name=files]", str(filled))
    page.click("text=上传并预检")
    expect(page.get_by_test_id("total-create")).to_have_text("1")
    expect(page.get_by_test_id("total-errors")).to_have_text("0")
    page.click("text=确认导入")
    expect(page.get_by_test_id("import-result")).to_contain_text("新增 1")

    # The county approves from its queue.
    page.click("nav.mainnav >> text=待审核")
    page.click("text=龙门乡人民政府网站")
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_test_id("site-status")).to_have_text("审核中")
    logout(page)

    # The city returns it with a reason.
    login(page, site, "baoding", DEMO_PASSWORD)
    page.click("nav.mainnav >> text=待审核")
    page.click("text=龙门乡人民政府网站")
    page.fill("input[name=reason]", "负责人职务填写有误")
    page.get_by_role("button", name="退回").click()
    expect(page.get_by_test_id("return-reason")).to_contain_text("负责人职务填写有误")
    logout(page)

    # The county fixes the file and imports it again: the same record, resubmitted.
    login(page, site, "laishui", DEMO_PASSWORD)
    filing.basic["principal_post"] = "乡长"
    filled.write_bytes(fill_workbook(blank.read_bytes(), [filing]))
    page.click("nav.mainnav >> text=导入")
    page.set_input_files("input[name=files]", str(filled))
    page.click("text=上传并预检")
    expect(page.get_by_test_id("total-update")).to_have_text("1")
    page.click("text=确认导入")
    page.click("nav.mainnav >> text=待审核")
    page.click("text=龙门乡人民政府网站")
    page.get_by_role("button", name="审核通过").click()
    logout(page)
    for username in ("baoding", "hebei"):
        login(page, site, username, DEMO_PASSWORD)
        page.click("nav.mainnav >> text=待审核")
        page.click("text=龙门乡人民政府网站")
        page.get_by_role("button", name=re.compile("审核通过|终审通过")).click()
        logout(page)
    record = Website.objects.get(name="龙门乡人民政府网站")
    assert Website.objects.filter(url_key="http://lmx.laishui.gov.cn").count() == 1
    assert record.status == "approved" and re.fullmatch(r"130623\d{4}", record.site_code)

    # The code and verification code reach the 负责人 and 联系人, and open this site only.
    message = [m for m in mail.outbox if record.site_code in m.body][-1]
    assert "wang@example.gov.cn" in message.to
    verification = message.body.split("校验码：")[1].split()[0]
    login(page, site, record.site_code, verification)
    expect(page.get_by_test_id("current-role")).to_have_text("网站账号（标识码登录）")
    page.click("nav.mainnav >> text=政府网站")
    table = page.get_by_test_id("site-table")
    expect(table).to_contain_text("龙门乡人民政府网站")
    expect(table).not_to_contain_text("涞水镇人民政府网站")
    other = Website.objects.get(name="涞水镇人民政府网站")
    assert page.goto(f"{site}/sites/{other.pk}/").status == 404
    page.goto(f"{site}/sites/{record.pk}/")
    expect(page.get_by_test_id("site-code")).to_have_text(record.site_code)
