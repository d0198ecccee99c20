"""The national office creates a campaign in the browser; every home page shows
the open phase and days left; a self-check after its phase closed goes in only
with an exception and is marked late."""

from datetime import date, timedelta

from playwright.sync_api import expect

from sitecensus.portal.demo import DEMO_PASSWORD
from sitecensus.registry import services as registry_services
from sitecensus.accounts.models import User

from .conftest import login


def test_create_campaign_banner_and_late_self_check(page, site):
    page.on("dialog", lambda dialog: dialog.accept())
    today = date.today()
    login(page, site, "guoban", DEMO_PASSWORD)
    page.click("nav.mainnav >> text=普查日程")
    page.click("text=新建普查")
    # Proposed from today (the 2015 calendar's lengths), as a draft.
    expect(page.get_by_label("统计摸底 开始")).to_have_value(today.isoformat())
    expect(page.get_by_label("设为当前普查")).not_to_be_checked()
    page.get_by_label("普查名称").fill("浏览器测试普查")
    page.get_by_label("评分表版本").select_option("2015")
    dates = {"统计摸底": (-60, -30), "自查": (-30, -1), "检查": (-30, 40), "整改": (-30, 50),
             "报送检查整改情况": (-5, 60), "抽查核查": (61, 90), "通报总结": (91, 120)}
    for label, (a, b) in dates.items():
        page.get_by_label(f"{label} 开始", exact=True).fill((today + timedelta(days=a)).isoformat())
        page.get_by_label(f"{label} 截止", exact=True).fill((today + timedelta(days=b)).isoformat())
    page.get_by_label("设为当前普查").check()
    page.click("button:has-text('保存')")
    # Past dates and replacing the running census: each consequence named, confirmed one by one.
    consequences = page.get_by_test_id("consequences")
    expect(consequences).to_contain_text("将不再是当前普查")
    expect(consequences).to_contain_text("统计摸底（截止")
    expect(consequences).to_contain_text("自查（截止")
    page.click("button:has-text('确认并保存')")
    expect(consequences).to_be_visible()  # not confirmed: nothing saved
    for box in consequences.locator("input[name=confirm]").all():
        box.check()
    page.click("button:has-text('确认并保存')")
    expect(page.get_by_test_id("campaign-form")).to_have_count(0)
    expect(page.locator("body")).to_contain_text("已创建“浏览器测试普查”，并设为当前普查")

    # The banner: the open phase, its deadline and the days left.
    page.click("nav.mainnav >> text=首页")
    banner = page.get_by_test_id("phase-banner")
    expect(banner).to_contain_text("浏览器测试普查")
    expect(banner.get_by_test_id("open-phase").filter(has_text="当前阶段：检查，")).to_contain_text("还剩 40 天")
    page.click("text=退出")

    # A self-check after its phase closed: refused, then late with the province's exception.
    hebei = User.objects.get(username="hebei")
    registry_services.grant_exception(actor=hebei, unit=User.objects.get(username="hebei_fgw").unit,
                                      kind="selfcheck", until=today + timedelta(days=2), reason="补报")
    login(page, site, "hebei_fgw", DEMO_PASSWORD)
    expect(page.get_by_test_id("phase-banner")).to_contain_text("当前阶段")
    page.click("text=对网站进行自查整改")
    page.get_by_test_id("own-sites").get_by_role("button", name="开始自查").click()
    page.get_by_label("链接可用性（首页）", exact=True).fill("1")
    page.get_by_test_id("submit-card").click()
    expect(page.get_by_test_id("submitted-banner")).to_contain_text("不可更改")
    expect(page.get_by_test_id("late-mark")).to_have_text("逾期提交")


def test_a_new_campaign_with_default_dates_closes_nothing_until_confirmed(page, site):
    from sitecensus.registry import campaigns
    from sitecensus.registry.models import Campaign

    running = campaigns.active_campaign()
    login(page, site, "guoban", DEMO_PASSWORD)
    page.goto(f"{site}/campaigns/new/")
    page.get_by_label("普查名称").fill("下一次普查")
    page.click("button:has-text('保存')")
    expect(page.locator(".messages")).to_contain_text("草稿，未设为当前普查")
    draft = Campaign.objects.get(name="下一次普查")
    assert not draft.is_active and campaigns.active_campaign() == running
    assert all(p.closes_on >= date.today() for p in draft.phases.all())  # nothing already over
    expect(page.get_by_test_id(f"campaign-{draft.pk}")).to_contain_text("草稿")
    # The running census still takes a unit's forms (its inventory phase is open).
    assert campaigns.check_phase("inventory", User.objects.get(username="laishui_lsz").unit) is False

    # Making the draft current names what it replaces and waits for the confirmation.
    page.goto(f"{site}/campaigns/{draft.pk}/")
    page.get_by_label("设为当前普查").check()
    page.click("button:has-text('保存')")
    expect(page.get_by_test_id("consequences")).to_contain_text(f"“{running.name}”将不再是当前普查")
    assert campaigns.active_campaign() == running
    page.get_by_test_id("consequences").locator("input[name=confirm]").check()
    page.click("button:has-text('确认并保存')")
    expect(page.locator(".messages")).to_contain_text("已保存")
    assert campaigns.active_campaign() == draft
