"""Deadlines in the browser: an overdue rectification answered only after the organizing
unit above grants an exception (and marked 逾期反馈); a spot-check batch made in a campaign
round, the round shown on its page."""

from datetime import date, timedelta

from playwright.sync_api import expect

from sitecensus.portal.demo import DEMO_PASSWORD
from sitecensus.scoring.models import Rectification

from .conftest import login

TODAY = date.today()


def test_overdue_rectification_answered_with_the_exception_of_the_unit_above(page, site):
    notice = Rectification.objects.get(website__name="涞水镇人民政府网站", scorecard__stage="inspection")
    Rectification.objects.filter(pk=notice.pk).update(deadline=TODAY - timedelta(days=3))
    url = f"{site}/checks/rectifications/{notice.pk}/"
    login(page, site, "laishui_lsz", DEMO_PASSWORD)
    page.goto(url)
    expect(page.get_by_test_id("rect-phase")).to_contain_text("已逾期")
    page.fill("textarea[name=answer]", "已恢复留言功能")
    page.click("button:has-text('提交反馈')")
    expect(page.locator(".error-message")).to_contain_text("补报许可")
    expect(page.locator("textarea[name=answer]")).to_have_value("已恢复留言功能")  # the typed text stays
    page.click("text=退出")

    login(page, site, "laishui", DEMO_PASSWORD)
    page.goto(url)
    form = page.get_by_test_id("allow-late")
    form.locator("input[name=until]").fill((TODAY + timedelta(days=5)).isoformat())
    form.locator("input[name=reason]").fill("网站改版，延期反馈")
    form.locator("button").click()
    expect(page.locator("body")).to_contain_text("前逾期反馈")  # the grant confirmed: 已批准“…”于 … 前逾期反馈
    page.click("text=退出")

    login(page, site, "laishui_lsz", DEMO_PASSWORD)
    page.goto(url)
    page.fill("textarea[name=answer]", "已恢复留言功能")
    page.click("button:has-text('提交反馈')")
    expect(page.get_by_test_id("rect-status")).to_have_text("已反馈")
    expect(page.get_by_test_id("late-mark")).to_have_text("逾期反馈")


def test_batch_made_in_a_campaign_round(page, site):
    from sitecensus.accounts.models import User
    from sitecensus.registry import campaigns

    spring = campaigns.create_round(actor=User.objects.get(username="guoban"), parent=campaigns.active_campaign(),
                                    name="第二季度抽查（演示）",
                                    phases={"spotcheck": (TODAY - timedelta(days=3), TODAY + timedelta(days=20))})
    login(page, site, "guoban", DEMO_PASSWORD)
    page.goto(f"{site}/spotcheck/")
    form = page.get_by_test_id("batch-form")
    expect(form.get_by_test_id("batch-round")).to_contain_text("当前轮次：第二季度抽查（演示）")
    form.locator("input[name=name]").fill("轮次抽查")
    form.get_by_test_id("batch-round").select_option(str(spring.pk))
    form.locator("input[name=ratio]").fill("10")
    form.locator("input[name=window_start]").fill(TODAY.isoformat())
    form.locator("input[name=window_end]").fill(TODAY.isoformat())
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("batch-round")).to_have_text("第二季度抽查（演示）")
    page.goto(f"{site}/spotcheck/")
    expect(page.get_by_test_id("batch-table")).to_contain_text("第二季度抽查（演示）")
