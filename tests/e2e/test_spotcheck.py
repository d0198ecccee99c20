"""A spot-check batch in the browser, from the draw to the published notice."""

from datetime import date, timedelta

from playwright.sync_api import expect

from sitecensus.portal.demo import DEMO_PASSWORD
from sitecensus.spotcheck.models import Batch

from .conftest import login


def test_batch_from_draw_to_published_notice(page, site, settings, hosts_on_loopback):
    settings.SCANNER_TIMEOUT = 20  # nothing listens on the demo hosts: refused at once
    hosts_on_loopback()  # the batch's scan reaches the demo's domains on loopback only, never a resolver
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, site, "guoban", DEMO_PASSWORD)
    page.click("nav.mainnav >> text=抽查")
    form = page.get_by_test_id("batch-form")
    form.locator("input[name=name]").fill("演示抽查")
    for box in form.locator("input[name=strata_by]").all():
        box.uncheck()
    form.locator("input[name=per_stratum]").fill("1")
    form.locator("input[name=seed]").fill("2015")
    form.locator("input[name=window_start]").fill((date.today() - timedelta(days=7)).isoformat())
    form.locator("input[name=window_end]").fill(date.today().isoformat())
    form.locator("button[type=submit]").click()
    page.click("button:has-text('抽样')")
    expect(page.get_by_test_id("strata")).to_contain_text("全部")
    first = list(Batch.objects.get(name="演示抽查").sites.values_list("website_id", flat=True))
    page.click("button:has-text('重新抽样')")  # the same seed draws the same site
    assert list(Batch.objects.get(name="演示抽查").sites.values_list("website_id", flat=True)) == first
    page.click("button:has-text('启动抽查')")
    expect(page.get_by_test_id("batch-status")).to_have_text("检查中")
    page.click("button:has-text('系统扫描')")
    expect(page.get_by_test_id("batch-status")).to_have_text("扫描完成")

    # Human re-check: the reviewer scores, a second reviewer signs off.
    page.get_by_test_id("batch-sites").get_by_role("link", name="复核").click()
    page.click("button:has-text('开始复核评分')")
    page.get_by_label("链接可用性（首页）", exact=True).fill("2")
    page.get_by_test_id("submit-card").click()
    expect(page.get_by_test_id("submitted-banner")).to_contain_text("98.00")
    page.click("text=退出")
    login(page, site, "guoban_fh", DEMO_PASSWORD)
    page.goto(f"{site}/spotcheck/")
    page.click("text=演示抽查")
    page.get_by_test_id("batch-sites").get_by_role("link", name="复核").click()
    page.click("button:has-text('第二复核人签发')")
    expect(page.get_by_test_id("batch-sites")).to_contain_text("陈静（国务院办公厅）")  # the person, not the account

    # The notice: page, PDF, publish.
    page.click("button:has-text('生成通报')")
    expect(page.get_by_test_id("notice-title")).to_contain_text("演示抽查")
    with page.expect_download() as pdf:
        page.click("text=下载 PDF")
    assert pdf.value.suggested_filename.endswith(".pdf")
    page.click("button:has-text('发布通报')")
    expect(page.get_by_test_id("notice-published")).to_be_visible()
