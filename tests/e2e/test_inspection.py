"""Inspection & rectification in the browser: a self-check that cannot change
once submitted, an inspection with a difference, a rectification round trip,
and a report upward."""

from datetime import date, timedelta

from playwright.sync_api import expect

from sitecensus.portal.demo import DEMO_PASSWORD
from sitecensus.registry.models import Website
from sitecensus.scoring.models import Scorecard

from .conftest import login


def test_self_check_inspection_rectification_report(page, site):
    page.on("dialog", lambda dialog: dialog.accept())
    fgw = Website.objects.get(name="河北省发展和改革委员会")

    # Self-check: the score follows the typing; submitted, it is final.
    login(page, site, "hebei_fgw", DEMO_PASSWORD)
    page.click("nav.mainnav >> text=检查整改")
    page.get_by_test_id("own-sites").get_by_role("button", name="开始自查").click()
    expect(page.get_by_test_id("immutable-warning")).to_contain_text("评分表一旦提交不可更改")
    page.wait_for_load_state()
    page.get_by_label("链接可用性（首页）", exact=True).fill("2")
    expect(page.locator("#score-value")).to_have_text("98.00")
    page.get_by_test_id("submit-card").click()
    expect(page.get_by_test_id("submitted-banner")).to_contain_text("不可更改")
    expect(page.get_by_label("链接可用性（首页）", exact=True)).to_be_disabled()
    card = Scorecard.objects.get(website=fgw, stage="self")
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    api = page.request.post(f"{site}/checks/card/{card.pk}/entries.json", data={"entries": {"A2": {"count": 0}}},
                            headers={"X-CSRFToken": token, "Referer": site})
    assert api.status == 409 and "不可更改" in api.json()["error"]
    card.refresh_from_db()
    assert card.score == 98
    page.click("text=退出")

    # Inspection by the province: a difference from the self-check is highlighted.
    login(page, site, "hebei", DEMO_PASSWORD)
    page.click("nav.mainnav >> text=检查整改")
    queue = page.get_by_test_id("inspection-queue")
    expect(queue).to_contain_text("河北省发展和改革委员会")
    queue.get_by_role("row", name="河北省发展和改革委员会").get_by_role("button", name="检查打分").click()
    page.get_by_label("链接可用性（首页）", exact=True).fill("4")
    page.click("button:has-text('保存')")
    expect(page.get_by_test_id("row-A2")).to_contain_text("不一致")
    page.get_by_test_id("submit-card").click()
    expect(page.get_by_test_id("submitted-banner")).to_contain_text("96.00")

    # Rectification notice → answer → re-check.
    page.fill("input[name=requirement]", "修复首页失效链接")
    page.fill("input[name=deadline]", (date.today() + timedelta(days=10)).isoformat())
    page.click("button:has-text('下发')")
    page.get_by_role("link", name="链接可用性（首页）").click()
    expect(page.get_by_test_id("rect-status")).to_have_text("待整改")
    notice_url = page.url
    page.click("text=退出")
    login(page, site, "hebei_fgw", DEMO_PASSWORD)
    page.goto(notice_url)
    page.fill("textarea[name=answer]", "已修复 4 个失效链接")
    page.fill("textarea[name=evidence]", "http://hbdrc.hebei.gov.cn/")
    page.click("button:has-text('提交反馈')")
    expect(page.get_by_test_id("rect-status")).to_have_text("已反馈")
    page.click("text=退出")
    login(page, site, "hebei", DEMO_PASSWORD)
    page.goto(notice_url)
    page.click("button:has-text('复查通过')")
    expect(page.get_by_test_id("rect-status")).to_have_text("已完成")
    page.click("text=退出")

    # Report upward: the county reports, the city sees it.
    login(page, site, "laishui", DEMO_PASSWORD)
    page.goto(f"{site}/checks/report/")
    page.fill("textarea[name=narrative]", "涞水县已完成乡镇网站检查，整改通知 1 件。")
    page.click("button:has-text('报送上级')")
    expect(page.get_by_test_id("report-submitted")).to_be_visible()
    page.click("text=退出")
    login(page, site, "baoding", DEMO_PASSWORD)
    page.goto(f"{site}/checks/report/")
    expect(page.get_by_test_id("child-reports").get_by_role("row", name="涞水县人民政府办公室")).to_contain_text("已报送")
