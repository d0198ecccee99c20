"""政务新媒体 in the browser (issue 22): a county's town clerk registers two accounts on one platform —
online and by the workbook's 政务新媒体 sheet — and the second is flagged as a duplicate; the county's
organizing unit returns one and approves the other; 国办 draws a batch of websites and accounts,
re-checks both, and publishes a notice with a new-media section."""

from datetime import date, timedelta

from playwright.sync_api import expect

from sitecensus.accounts.models import User
from sitecensus.newmedia import services as media
from sitecensus.newmedia.models import MediaAccount
from sitecensus.newmedia.testing import sample_values, without_demo_accounts
from sitecensus.newmedia.workbook import fill_sheet, workbook_for
from sitecensus.portal.demo import DEMO_PASSWORD

from .conftest import login


def test_register_review_spot_check_and_notice(page, site, tmp_path):
    without_demo_accounts()  # the batch below draws this test's account only
    u = {name: User.objects.get(username=name) for name in ("laishui_lsz", "baoding", "hebei")}
    page.on("dialog", lambda dialog: dialog.accept())

    # A town clerk registers one account online …
    login(page, site, "laishui_lsz", DEMO_PASSWORD)
    page.click("nav.mainnav >> text=政务新媒体")
    page.get_by_test_id("media-new").click()
    form = page.get_by_test_id("media-form")
    form.locator("select[name=platform]").select_option("微信公众号")
    form.locator("input[name=name]").fill("涞水镇发布")
    form.locator("input[name=account_id]").fill("lszfabu")
    form.locator("input[name=certified_subject]").fill("涞水镇人民政府")
    form.locator("select[name=is_certified]").select_option("是")
    form.locator("input[name=opened_on]").fill("2019-03-01")
    form.locator("button[value=submit]").click()
    expect(page.get_by_test_id("media-status")).to_have_text("审核中")

    # … and a second on the same platform by the workbook's 政务新媒体 sheet.
    unit = u["laishui_lsz"].unit
    filled = tmp_path / "涞水镇-政务新媒体.xlsx"
    filled.write_bytes(fill_sheet(workbook_for(unit), [
        sample_values(unit_name=unit.name, name="涞水镇政务", account_id="lszzw")]))
    page.goto(f"{site}/media/import/")
    page.set_input_files("input[name=file]", str(filled))
    page.locator("form button.primary").click()
    expect(page.get_by_test_id("import-done")).to_contain_text("新登记 1 个")
    page.click("text=退出")

    # The county's organizing unit sees both flagged, returns one and approves the other.
    login(page, site, "laishui", DEMO_PASSWORD)
    page.goto(f"{site}/media/review/")
    expect(page.get_by_test_id("duplicate-platform")).to_have_count(2)
    page.get_by_test_id("media-queue").get_by_role("link", name="涞水镇政务").click()
    expect(page.get_by_test_id("flag-duplicate")).to_contain_text("已有账号“涞水镇发布”")
    page.fill("input[name=reason]", "同一平台已有“涞水镇发布”，请合并后注销本账号")
    page.get_by_test_id("return").click()
    expect(page.get_by_test_id("media-status")).to_have_text("已退回")
    page.goto(f"{site}/media/review/")
    page.get_by_test_id("media-queue").get_by_role("link", name="涞水镇发布").click()
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("media-status")).to_have_text("审核中")  # on to Baoding
    account = MediaAccount.objects.get(name="涞水镇发布")
    for level in ("baoding", "hebei"):  # the levels above, as in the websites' tests
        account = media.approve(actor=u[level], account=account)
    assert account.media_code.startswith(account.organizer.org_code + "M")
    page.click("text=退出")

    # 国办 draws websites and accounts, re-checks, and publishes the notice.
    login(page, site, "guoban", DEMO_PASSWORD)
    page.click("nav.mainnav >> text=抽查")
    form = page.get_by_test_id("batch-form")
    form.locator("input[name=name]").fill("政务网站和政务新媒体抽查")
    for box in form.locator("input[name=strata_by]").all():
        box.uncheck()
    form.locator("input[name=per_stratum]").fill("1")
    form.locator("input[name=seed]").fill("2019")
    form.locator("input[name=window_start]").fill((date.today() - timedelta(days=7)).isoformat())
    form.locator("input[name=window_end]").fill(date.today().isoformat())
    form.locator("button[type=submit]").click()
    page.click("button:has-text('抽样')")
    page.get_by_label("政务新媒体每层抽取数").fill("1")
    page.get_by_test_id("media-draw").click()
    expect(page.get_by_test_id("batch-accounts")).to_contain_text("涞水镇发布")
    page.click("button:has-text('启动抽查')")
    skip = page.get_by_test_id("skip-scan")
    skip.locator("input[name=reason]").fill("演示：监测点无法访问，人工复核")
    skip.locator("button").click()
    page.get_by_test_id("batch-sites").get_by_role("link", name="复核").click()
    page.click("button:has-text('开始复核评分')")
    page.get_by_test_id("submit-card").click()
    page.goto(f"{site}/spotcheck/")
    page.click("text=政务网站和政务新媒体抽查")
    page.get_by_test_id("batch-accounts").get_by_role("link", name="复核").click()
    page.locator("input[name=veto_MV2]").check()
    page.locator("input[name=evidence_MV2]").fill("https://weixin.example.cn/lszfabu")
    page.locator("button[value=score]").click()
    expect(page.get_by_test_id("media-result")).to_have_text("单项否决")
    page.click("text=退出")
    login(page, site, "guoban_fh", DEMO_PASSWORD)
    page.goto(f"{site}/spotcheck/")
    page.click("text=政务网站和政务新媒体抽查")
    page.get_by_test_id("batch-sites").get_by_role("link", name="复核").click()
    page.click("button:has-text('第二复核人签发')")
    page.goto(f"{site}/spotcheck/")
    page.click("text=政务网站和政务新媒体抽查")
    page.get_by_test_id("batch-accounts").get_by_role("link", name="复核").click()
    page.get_by_test_id("media-sign").locator("button[value=sign]").click()
    expect(page.get_by_test_id("media-review-status")).to_have_text("已签发")
    page.click("text=退出")
    login(page, site, "guoban", DEMO_PASSWORD)
    page.goto(f"{site}/spotcheck/")
    page.click("text=政务网站和政务新媒体抽查")
    page.click("button:has-text('生成通报')")
    expect(page.get_by_test_id("notice-media-summary")).to_contain_text("抽查政务新媒体 1 个")
    expect(page.get_by_test_id("notice-media-problems")).to_contain_text("涞水镇发布")
    expect(page.get_by_test_id("notice-media-problems")).to_contain_text("内容不更新")
    page.click("button:has-text('发布通报')")
    expect(page.get_by_test_id("notice-published")).to_be_visible()
