"""国办's re-check of a province's round in the browser (issue 24): the province reports its round
up, 国办 draws a sub-sample of its passed results, re-checks it, and the notice shows the agreement."""

from playwright.sync_api import expect

from sitecensus.accounts.models import User
from sitecensus.portal.demo import DEMO_PASSWORD
from sitecensus.scoring import services as scoring
from sitecensus.spotcheck import services
from sitecensus.spotcheck.models import Batch

from .conftest import login

PASS = {"A2": {"count": 1}}
FAIL = {"V2": {"veto": True, "evidence": ["http://x.gov.cn/"]}}


def _review(batch, reviewer, signer, verdicts):
    for bsite in batch.sites.all():
        card = services.review_card(actor=reviewer, bsite=bsite)
        scoring.submit_card(actor=reviewer, card=card, raw_entries=verdicts.get(bsite.website_id, PASS))
        services.sign_off(actor=signer, bsite=bsite)


def _province_round():
    """Hebei's own round, every site passed by its reviewer and signed by a second person, published."""
    hebei = User.objects.get(username="hebei")
    second = User.objects.create(username="hebei_fh", unit=hebei.unit, role="organizer", first_name="复核")
    plan = services.create_schedule(actor=hebei, name="河北省季度抽查", cadence="quarterly", strata_by=[],
                                    ratio="100")
    batch = services.open_round(actor=hebei, schedule=plan, seed=3)
    services.start(actor=hebei, batch=batch)
    services.skip_scan(actor=hebei, batch=batch, reason="演示：人工检查")
    _review(batch, hebei, second, {})
    services.publish(actor=hebei, notice=services.compose_notice(actor=hebei, batch=batch))
    return batch


def test_guoban_rechecks_a_province_round_and_the_notice_shows_the_agreement(page, site):
    page.on("dialog", lambda dialog: dialog.accept())
    province = _province_round()

    # The province reports its round up.
    login(page, site, "hebei", DEMO_PASSWORD)
    page.goto(f"{site}/spotcheck/{province.pk}/")
    page.get_by_test_id("report-up-form").get_by_role("button").click()
    expect(page.get_by_test_id("report-up")).to_contain_text("已上报")
    page.click("text=退出")

    # 国办 draws a re-check sample of its passed results (ratio and seed recorded).
    login(page, site, "guoban", DEMO_PASSWORD)
    page.click("nav.mainnav >> text=抽查")
    page.click("text=下级上报与复核")
    expect(page.get_by_test_id("reports-up")).to_contain_text("河北省人民政府办公厅")
    form = page.get_by_test_id("reverify-form")
    form.locator("input[name=ratio]").fill("50")
    form.locator("input[name=seed]").fill("7")
    form.get_by_role("button", name="抽取复核样本").click()
    expect(page.get_by_test_id("batch-reverifies")).to_contain_text("随机种子 7")
    recheck = Batch.objects.get(reverifies=province)
    assert recheck.seed == 7 and recheck.sites.count() == max(1, round(province.sites.count() * 0.5))
    page.click("button:has-text('启动抽查')")
    page.get_by_test_id("skip-scan").locator("input[name=reason]").fill("复核以人工检查为准")
    page.click("button:has-text('不经系统扫描，直接复核')")

    # 国办's reviewers disagree on one site (scored through the services the card page uses).
    guoban, fh = User.objects.get(username="guoban"), User.objects.get(username="guoban_fh")
    disagree = recheck.sites.order_by("website_id").first().website_id
    _review(recheck, guoban, fh, {disagree: FAIL})
    n = recheck.sites.count()
    rate = round((n - 1) * 100 / n, 1)

    page.reload()
    page.click("button:has-text('生成通报')")
    expect(page.get_by_test_id("agreement-rate")).to_have_text(f"{rate}%")
    expect(page.get_by_test_id("notice-agreement")).to_contain_text("河北省人民政府办公厅")
    expect(page.get_by_test_id("notice-disagreements")).to_contain_text("单项否决")
    page.click("button:has-text('发布通报')")
    expect(page.get_by_test_id("notice-published")).to_be_visible()

    # The list of reported rounds and the public notice carry it too.
    page.goto(f"{site}/spotcheck/reported/")
    expect(page.get_by_test_id("report-up-status")).to_have_text("已复核")
    expect(page.get_by_test_id("reports-up")).to_contain_text(f"一致率 {rate}%")
    page.click("text=退出")
    page.goto(f"{site}/pucha/notices/{recheck.notice.pk}/")
    expect(page.get_by_test_id("agreement-rate")).to_have_text(f"{rate}%")
