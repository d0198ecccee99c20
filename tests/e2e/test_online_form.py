"""The online filing form (直报) in the browser: usable at 1366 px wide, drafts
saved incomplete, the full rule set at submission."""

import os

from playwright.sync_api import expect

from sitecensus.portal.demo import DEMO_PASSWORD

from .conftest import login

SHOTS = os.environ.get("SITECENSUS_SCREENSHOTS", "")


def _layout(page) -> dict:
    return page.evaluate("""() => {
      const doc = document.scrollingElement;
      const table = document.querySelector('#columns');
      const card = table.closest('section');
      const urls = [...document.querySelectorAll('input[type=url], textarea[name$=other_domains]')]
        .map(e => ({name: e.name, width: e.getBoundingClientRect().width}));
      return {scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth,
              table: table.getBoundingClientRect().right, card: card.getBoundingClientRect().right,
              urls: urls};
    }""")


def test_online_form_fits_1366(page, site):
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, site, "laishui_lsz", DEMO_PASSWORD)
    page.goto(f"{site}/sites/new/")
    page.get_by_role("button", name="增加一行").click()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "form-1366.png"), full_page=True)
    layout = _layout(page)
    print(layout)
    assert layout["scrollWidth"] <= layout["innerWidth"], layout
    assert layout["table"] <= layout["card"] + 1, layout
    assert layout["urls"] and all(u["width"] >= 240 for u in layout["urls"]), layout


def test_a_partial_form_is_saved_as_a_draft_and_submitted_when_complete(page, site):
    from sitecensus.registry.models import Website

    login(page, site, "laishui_lsz", DEMO_PASSWORD)
    page.goto(f"{site}/sites/new/")
    # A few fields and half a column row: the browser's own required-field check must not block it.
    page.fill("#id_basic-site_name", "涞水镇便民服务网")
    page.fill("#id_basic-homepage_url", "http://bm.lsz.laishui.gov.cn/")
    page.fill("#id_col-0-column_name", "办事指南")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_test_id("site-status")).to_have_text("草稿")
    expect(page.get_by_test_id("incomplete")).to_contain_text("“负责人姓名”：必填项，不能为空")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "draft-detail.png"), full_page=True)
    draft = Website.objects.get(name="涞水镇便民服务网")
    assert draft.status == "draft" and list(draft.columns.values_list("name", flat=True)) == ["办事指南"]

    # A typing mistake in a draft is named at its field; nothing is saved.
    page.get_by_role("link", name="修改", exact=True).click()
    expect(page.locator("#id_col-0-column_name")).to_have_value("办事指南")
    page.fill("#id_basic-principal_email", "zhang#lsz")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_test_id("form-problems")).to_contain_text("“负责人电子邮箱”：电子邮箱格式不正确")
    expect(page.get_by_test_id("error-principal_email")).to_be_visible()

    # Submitting it as it is: refused, back at the form with every missing field named.
    page.goto(f"{site}/sites/{draft.pk}/")
    page.get_by_role("button", name="报送审核").click()
    expect(page.locator(".messages")).to_contain_text("尚未填写完整，不能报送")
    draft.refresh_from_db()
    assert draft.status == "draft"
