"""政务新媒体 self-check and inspection in the browser: a town clerk opens the account from the unit's
list, types a deduction with its evidence and a screenshot, saves, submits (the card is then read-only);
the county's organizing unit finds it in its queue, sees the self-check beside, vetoes and submits."""

from playwright.sync_api import expect

from sitecensus.accounts.models import User
from sitecensus.evidence.testing import png_bytes
from sitecensus.newmedia import services as media
from sitecensus.newmedia.testing import sample_values
from sitecensus.portal.demo import DEMO_PASSWORD
from sitecensus.scoring.models import MediaScorecard

from .conftest import login


def test_self_check_and_inspection_of_an_account(page, site):
    u = {name: User.objects.get(username=name) for name in ("laishui_lsz", "laishui", "baoding", "hebei")}
    clerk = u["laishui_lsz"]
    account = media.file_account(actor=clerk, unit=clerk.unit, values={
        **sample_values(unit_name=clerk.unit.name), "name": "涞水镇自查号"})
    for level in ("laishui", "baoding", "hebei"):
        account = media.approve(actor=u[level], account=account)
    page.on("dialog", lambda dialog: dialog.accept())

    login(page, site, "laishui_lsz", DEMO_PASSWORD)
    page.goto(f"{site}/checks/")
    page.get_by_test_id("media-checks-link").click()
    page.get_by_test_id(f"media-own-{account.pk}").get_by_role("button", name="开始自查").click()
    expect(page.locator("h1")).to_contain_text("政务新媒体自查评分表")
    page.get_by_label("内容更新不及时", exact=True).fill("2")
    expect(page.locator("#score-value")).to_have_text("90.00")  # the score follows the typing
    page.get_by_label("内容更新不及时证据").fill("https://weibo.example.cn/lszzc")
    page.locator("input[name=files]").set_input_files(files=[
        {"name": "停更截图.png", "mimeType": "image/png", "buffer": png_bytes()}])
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_test_id("card-files")).to_contain_text("停更截图.png")
    expect(page.get_by_label("内容更新不及时", exact=True)).to_have_value("2")
    page.get_by_test_id("submit-card").click()
    expect(page.get_by_test_id("submitted-banner")).to_contain_text("合格")
    expect(page.get_by_label("内容更新不及时", exact=True)).to_be_disabled()
    page.click("text=退出")

    login(page, site, "laishui", DEMO_PASSWORD)
    page.goto(f"{site}/checks/media/")
    page.get_by_test_id(f"media-queue-{account.pk}").get_by_role("button", name="检查打分").click()
    expect(page.get_by_test_id("self-check-summary")).to_contain_text("90.00")
    expect(page.get_by_test_id("self-files")).to_contain_text("停更截图.png")
    page.locator("input[name=e-MV2-veto]").check()
    page.get_by_label("内容不更新证据").fill("https://weibo.example.cn/lszzc")
    page.get_by_test_id("submit-card").click()
    expect(page.get_by_test_id("submitted-banner")).to_contain_text("单项否决")
    page.goto(f"{site}/checks/media/")
    expect(page.get_by_test_id("media-queue")).not_to_contain_text("涞水镇自查号")
    card = MediaScorecard.objects.get(account=account, stage="inspection")
    assert card.is_submitted and card.vetoes == ["MV2"]
