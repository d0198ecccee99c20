"""The inspection card keeps work in the browser: typing, then accepting a
scanner suggestion, loses nothing; rejecting asks for a reason."""

from playwright.sync_api import expect

from sitecensus.portal.demo import DEMO_PASSWORD
from sitecensus.registry.models import Website
from sitecensus.scanner.models import Suggestion

from .conftest import login


def test_accept_a_suggestion_after_typing(page, site):
    portal = Website.objects.get(name="涞水县人民政府")
    for indicator, entry, summary in [("A2", {"count": 4}, "首页失效链接 4 个"),
                                      ("D3", {"count": 1}, "在线系统无法访问 1 个")]:
        Suggestion.objects.create(website=portal, indicator=indicator, rubric_code="2015", entry=entry,
                                  summary=summary)
    login(page, site, "baoding", DEMO_PASSWORD)
    page.click("nav.mainnav >> text=检查整改")
    page.get_by_test_id("inspection-queue").get_by_role("row", name="涞水县人民政府").get_by_role(
        "button", name="检查打分").click()
    expect(page.get_by_test_id("self-check-summary")).to_contain_text("得分")
    page.get_by_label("链接可用性（其他页面）", exact=True).fill("5")
    page.get_by_label("政务咨询类栏目说明").fill("留言积压")
    page.get_by_test_id("suggestion-A2").get_by_role("button", name="采纳", exact=True).click()
    expect(page.get_by_test_id("suggestion-A2")).to_have_count(0)
    # What was typed is still there, and the suggestion is in.
    expect(page.get_by_label("链接可用性（其他页面）", exact=True)).to_have_value("5")
    expect(page.get_by_label("政务咨询类栏目说明")).to_have_value("留言积压")
    expect(page.get_by_label("链接可用性（首页）", exact=True)).to_have_value("4")
    # Rejecting needs a reason; the typed values survive the error too.
    page.get_by_label("链接可用性（首页）", exact=True).fill("6")
    page.get_by_test_id("suggestion-D3").get_by_role("button", name="不采纳").click()
    expect(page.get_by_test_id("card-error")).to_contain_text("请填写原因")
    expect(page.get_by_label("链接可用性（首页）", exact=True)).to_have_value("6")
    page.get_by_label("不采纳原因（在线系统）").fill("系统当天例行维护")
    page.get_by_test_id("suggestion-D3").get_by_role("button", name="不采纳").click()
    expect(page.get_by_test_id("suggestions")).to_have_count(0)
    expect(page.get_by_label("链接可用性（首页）", exact=True)).to_have_value("6")
    assert Suggestion.objects.get(indicator="D3", website=portal).reason == "系统当天例行维护"
