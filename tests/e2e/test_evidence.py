"""A screenshot attached to a rectification answer in the browser, downloaded
(never shown inline) by the inspector who issued the notice."""

from playwright.sync_api import expect

from sitecensus.portal.demo import DEMO_PASSWORD
from sitecensus.evidence.testing import png_bytes
from sitecensus.scoring.models import Rectification

from .conftest import login


def test_screenshot_on_a_rectification_answer(page, site):
    notice = Rectification.objects.get(website__name="涞水镇人民政府网站")
    login(page, site, "laishui_lsz", DEMO_PASSWORD)
    page.goto(f"{site}/checks/rectifications/{notice.pk}/")
    page.fill("textarea[name=answer]", "已恢复政务咨询栏目的留言功能")
    page.get_by_label("整改证据文件").set_input_files(files=[
        {"name": "留言页面截图.png", "mimeType": "image/png", "buffer": png_bytes()}])
    page.click("button:has-text('提交反馈')")
    expect(page.get_by_test_id("rect-status")).to_have_text("已反馈")
    expect(page.get_by_test_id("rect-files")).to_contain_text("留言页面截图.png")
    page.click("text=退出")

    login(page, site, "laishui", DEMO_PASSWORD)
    page.goto(f"{site}/checks/rectifications/{notice.pk}/")
    with page.expect_download() as download:
        page.get_by_test_id("rect-files").get_by_role("link", name="留言页面截图.png").click()
    assert download.value.suggested_filename == "留言页面截图.png"
    with open(download.value.path(), "rb") as saved:
        assert saved.read() == png_bytes()
