"""A four-level roll-up in the browser: county → city → province report upward,
each parent reads its children's reports, 国办 sees the national summary."""

from playwright.sync_api import expect

from sitecensus.accounts.models import User
from sitecensus.portal.demo import DEMO_PASSWORD
from sitecensus.scoring.testing import four_levels

from .conftest import login


def _report(page, site, username, narrative):
    login(page, site, username, DEMO_PASSWORD)
    page.goto(f"{site}/checks/report/")
    page.fill("textarea[name=narrative]", narrative)
    page.click("button:has-text('报送上级')")
    expect(page.get_by_test_id("report-submitted")).to_be_visible()
    expect(page.get_by_test_id("report-narrative")).to_contain_text(narrative)
    inspected = page.get_by_test_id("rolled-inspected").inner_text()
    page.click("text=退出")
    return inspected


def test_four_level_roll_up(page, site):
    page.on("dialog", lambda dialog: dialog.accept())
    four_levels({u.username: u for u in User.objects.select_related("unit")})
    assert _report(page, site, "laishui", "涞水县完成乡镇网站检查") == "1"
    assert _report(page, site, "baoding", "保定市完成检查") == "2"
    assert _report(page, site, "hebei", "河北省完成检查") == "3"

    login(page, site, "guoban", DEMO_PASSWORD)
    page.goto(f"{site}/checks/report/")
    expect(page.locator("h1")).to_have_text("全国检查整改情况汇总")
    expect(page.get_by_test_id("rolled-inspected")).to_have_text("4")
    expect(page.locator("button:has-text('报送上级')")).to_have_count(0)
    # Down the chain: the province's report, then the city's, then the county's narrative and problems.
    page.get_by_test_id("child-reports").get_by_role("row", name="河北省人民政府办公厅").get_by_role(
        "link", name="查看报告").click()
    expect(page.get_by_test_id("report-narrative")).to_have_text("河北省完成检查")
    page.get_by_test_id("child-reports").get_by_role("row", name="保定市人民政府办公室").get_by_role(
        "link", name="查看报告").click()
    page.get_by_test_id("child-reports").get_by_role("row", name="涞水县人民政府办公室").get_by_role(
        "link", name="查看报告").click()
    expect(page.get_by_test_id("report-narrative")).to_have_text("涞水县完成乡镇网站检查")
    expect(page.get_by_test_id("rolled-problems")).to_contain_text("政务咨询类栏目")
