"""A 催办 reaching a unit's inbox in the browser: the city reminds the units
that have not self-checked; the department sees it on its home page and opens it."""

from playwright.sync_api import expect

from sitecensus.portal.demo import DEMO_PASSWORD

from .conftest import login


def test_reminder_reaches_the_units_inbox(page, site):
    login(page, site, "baoding", DEMO_PASSWORD)
    counts = page.get_by_test_id("todos")
    expect(counts).to_contain_text("未提交自查的网站")
    counts.get_by_role("link", name="未提交自查的网站").click()
    expect(page.get_by_test_id("list-selfcheck")).to_contain_text("保定市教育局")
    page.get_by_role("button", name="催办未自查单位").click()
    expect(page.locator(".messages")).to_contain_text("已向")
    page.click("text=退出")

    login(page, site, "baoding_jyj", DEMO_PASSWORD)
    expect(page.get_by_test_id("inbox-count")).to_contain_text("未读1 条")
    page.click("nav.mainnav >> text=站内消息")
    page.get_by_test_id("inbox").get_by_role("link", name="请尽快完成政府网站自查").click()
    expect(page.get_by_test_id("message-body")).to_contain_text("保定市教育局")
    expect(page.get_by_test_id("message-body")).to_contain_text("截止日期")
    page.get_by_test_id("message-link").click()
    expect(page.get_by_test_id("own-sites")).to_contain_text("保定市教育局")
    page.click("nav.mainnav >> text=首页")
    expect(page.get_by_test_id("inbox-count")).to_contain_text("未读0 条")
