"""A sent 检查整改情况报告 returned by the receiving unit with its reason; the sender reads
the reason, sends a new report, then withdraws that one itself."""

from playwright.sync_api import expect

from sitecensus.accounts.models import User
from sitecensus.portal.demo import DEMO_PASSWORD
from sitecensus.scoring import services

from .conftest import login


def test_receiver_returns_and_sender_sends_a_new_report(page, site):
    page.on("dialog", lambda dialog: dialog.accept())
    services.save_report(actor=User.objects.get(username="laishui"), narrative="涞水县第一稿", submit=True)

    login(page, site, "baoding", DEMO_PASSWORD)
    page.goto(f"{site}/checks/report/")
    row = page.get_by_test_id("child-reports").get_by_role("row", name="涞水县人民政府办公室")
    expect(row).to_contain_text("已报送")
    row.get_by_role("link", name="查看报告").click()
    page.get_by_test_id("report-return").click()  # no reason: the browser asks for one first
    expect(page.get_by_test_id("report-withdrawn")).to_have_count(0)
    page.fill("textarea[name=reason]", "未写明整改完成时间")
    page.get_by_test_id("report-return").click()
    expect(page.get_by_test_id("report-withdrawn")).to_contain_text("退回，原因：未写明整改完成时间")
    expect(page.get_by_test_id("report-return")).to_have_count(0)
    page.goto(f"{site}/checks/report/")
    expect(page.get_by_test_id("child-reports").get_by_role("row", name="涞水县人民政府办公室")).to_contain_text("未报送")
    page.click("text=退出")

    login(page, site, "laishui", DEMO_PASSWORD)
    page.goto(f"{site}/checks/report/")
    expect(page.get_by_test_id("report-withdrawn")).to_contain_text("保定市人民政府办公室退回，原因：未写明整改完成时间")
    page.fill("textarea[name=narrative]", "涞水县第二稿：整改于本月底前完成")
    page.click("button:has-text('报送上级')")
    expect(page.get_by_test_id("report-submitted")).to_be_visible()
    expect(page.get_by_test_id("report-narrative")).to_have_text("涞水县第二稿：整改于本月底前完成")
    # The sender may take its own report back too.
    page.fill("input[name=reason]", "补充附表")
    page.get_by_test_id("report-withdraw").click()
    expect(page.get_by_test_id("report-withdrawn")).to_contain_text("涞水县人民政府办公室撤回，原因：补充附表")
    # The new report starts from the withdrawn one's narrative.
    expect(page.locator("textarea[name=narrative]")).to_have_value("涞水县第二稿：整改于本月底前完成")
