"""The public census pages in the browser: progress and the directory without
login, a problem report from submission to the unit's answer, followed by the
reporter with the receipt number; the statistics page draws its charts."""

import re

from playwright.sync_api import expect

from sitecensus.portal.demo import DEMO_PASSWORD
from sitecensus.public.models import PublicReport

from .conftest import login


def test_public_pages_without_login(page, site):
    page.goto(f"{site}/pucha/")
    expect(page.get_by_test_id("public-progress")).to_contain_text("河北省")
    expect(page.get_by_test_id("public-notices")).to_contain_text("暂无通报")
    page.get_by_test_id("public-nav").get_by_role("link", name="政府网站目录").click()
    directory = page.get_by_test_id("directory")
    expect(directory).to_contain_text("涞水县人民政府")
    expect(directory).not_to_contain_text("石亭镇人民政府网站")  # a draft is never public
    page.get_by_label("搜索").fill("涞水镇")
    page.get_by_role("button", name="搜索").click()
    expect(directory).to_contain_text("涞水镇人民政府网站")
    expect(directory).not_to_contain_text("保定市人民政府")


def test_problem_report_from_submission_to_answer(page, site, settings):
    settings.CAPTCHA_TEST_MODE = True  # the answer "passed" is accepted
    page.goto(f"{site}/pucha/sites/?q=涞水镇")
    page.get_by_test_id("directory").get_by_role("row", name="涞水镇人民政府网站").get_by_role(
        "link", name="找错").click()
    expect(page.locator("img.captcha")).to_be_visible()
    page.get_by_label("问题类型").select_option(label="信息不更新")
    page.get_by_label("问题描述").fill("<script>alert(1)</script>通知公告栏目半年未更新")
    page.fill("input[name=captcha_1]", "wrong")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("error-captcha")).to_contain_text("验证码错误")
    page.fill("input[name=captcha_1]", "passed")
    page.get_by_role("button", name="提交").click()
    receipt = page.get_by_test_id("receipt").inner_text()
    assert re.fullmatch(r"ZC\d{8}[A-Z0-9]{10}", receipt)
    report = PublicReport.objects.get(receipt=receipt)
    assert report.unit.name == "涞水镇人民政府"

    # The reporting unit answers in the logged-in list.
    login(page, site, "laishui_lsz", DEMO_PASSWORD)
    page.click("nav.mainnav >> text=网民找错")
    page.get_by_test_id("report-list").get_by_role("link", name=receipt).click()
    expect(page.get_by_test_id("report-description")).to_contain_text("<script>alert(1)</script>")
    page.get_by_label("办理状态").select_option(label="已办结")
    page.get_by_label("答复内容").fill("已更新通知公告栏目，感谢监督")
    page.get_by_role("button", name="保存答复").click()
    expect(page.get_by_test_id("report-status")).to_have_text("已办结")
    page.click("text=退出")

    # The organizing unit above sees it too, and reviews what the public reads (曝光).
    login(page, site, "baoding", DEMO_PASSWORD)
    page.click("nav.mainnav >> text=网民找错")
    expect(page.get_by_test_id("report-list")).to_contain_text(receipt)
    page.get_by_test_id("report-list").get_by_role("link", name=receipt).click()
    page.get_by_test_id("review-form").get_by_role("button", name="审核公开").click()
    expect(page.get_by_test_id("report-public-text")).to_contain_text("已更新通知公告栏目")
    page.click("text=退出")

    # The reporter follows the status with the receipt number, without logging in.
    page.goto(f"{site}/pucha/lookup/")
    page.get_by_label("受理编号").fill(receipt)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("lookup-status")).to_have_text("已办结")
    expect(page.get_by_test_id("lookup-answer")).to_contain_text("已更新通知公告栏目")


def test_statistics_page_draws_charts(page, site):
    login(page, site, "hebei", DEMO_PASSWORD)
    page.click("nav.mainnav >> text=统计")
    expect(page.get_by_test_id("table-region")).to_contain_text("保定市人民政府办公室")
    expect(page.locator("[data-chart=chart-region] canvas")).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_test_id("table-level").get_by_role("link", name="导出 Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_api_docs_render_offline(page, site):
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(site) else None)
    page.goto(f"{site}/api/docs")
    expect(page.locator("#swagger-ui")).to_contain_text("/api/public/sites")
    assert external == []
