"""我为政府网站找错 in the browser (issue 24): a message forwarded (转办) by a higher office, refused
(不予受理) by the unit with a reason from the list, and the public sees the reason."""

from playwright.sync_api import expect

from sitecensus.portal.demo import DEMO_PASSWORD
from sitecensus.public import services
from sitecensus.registry.models import Website

from .conftest import login


def test_a_forwarded_message_refused_with_a_reason_the_public_sees(page, site):
    report = services.submit_report(website_pk=Website.objects.get(name="涞水镇人民政府网站").pk, category="inaccurate",
                                    description="机构职能栏目内容与实际不符")

    # The city office above forwards it to the site's unit.
    login(page, site, "baoding", DEMO_PASSWORD)
    page.click("nav.mainnav >> text=网民找错")
    page.get_by_test_id("report-list").get_by_role("link", name=report.receipt).click()
    page.get_by_test_id("forward-form").get_by_role("button", name="转办").click()
    expect(page.get_by_test_id("report-status")).to_have_text("已转办")
    expect(page.get_by_test_id("report-forwarded")).to_contain_text("保定市人民政府办公室")
    page.click("text=退出")

    # The unit refuses it, choosing the reason from the list.
    login(page, site, "laishui_lsz", DEMO_PASSWORD)
    page.click("nav.mainnav >> text=网民找错")
    page.get_by_test_id("report-list").get_by_role("link", name=report.receipt).click()
    refuse = page.get_by_test_id("refuse-form")
    refuse.get_by_role("button", name="不予受理").click()
    expect(page.get_by_test_id("report-error")).to_contain_text("请选择不予受理的理由")
    page.get_by_test_id("refuse-form").get_by_label("不予受理理由").select_option(label="不属实")
    page.get_by_test_id("refuse-form").get_by_role("button", name="不予受理").click()
    expect(page.get_by_test_id("report-status")).to_have_text("不予受理")
    expect(page.get_by_test_id("report-refusal")).to_have_text("不属实")
    page.click("text=退出")

    # The public sees the reason with the receipt number.
    page.goto(f"{site}/pucha/lookup/")
    page.get_by_label("受理编号").fill(report.receipt)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("lookup-status")).to_have_text("不予受理")
    expect(page.get_by_test_id("lookup-refusal")).to_have_text("不属实")
    expect(page.get_by_test_id("lookup-answer")).to_contain_text("经上级审核后公开")

    # The office above reviews the public text; the 曝光 page shows it with the reason.
    login(page, site, "baoding", DEMO_PASSWORD)
    page.goto(f"{site}/pucha/reports/{report.pk}/")
    page.get_by_test_id("review-form").locator("textarea").fill("经核实，该栏目内容与实际相符")
    page.get_by_test_id("review-form").get_by_role("button", name="审核公开").click()
    expect(page.get_by_test_id("report-public-text")).to_contain_text("经核实")
    page.click("text=退出")
    page.goto(f"{site}/pucha/jiucuo/")
    expect(page.get_by_test_id("exposed")).to_contain_text("不属实")
    expect(page.get_by_test_id("exposed")).to_contain_text("经核实，该栏目内容与实际相符")
