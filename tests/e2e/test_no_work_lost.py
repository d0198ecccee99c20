"""No typed work is lost (portal/drafts.py), in the browser: a half-typed form posted
after the session expired comes back after login; typing is saved on the server while
the clerk types; the countdown before the idle timeout offers 保持登录."""

from importlib import import_module

from django.conf import settings
from playwright.sync_api import expect

from sitecensus.portal.demo import DEMO_PASSWORD

from .conftest import login


def _expire_session(page):
    """The session ends on the server, as the idle timeout ends it."""
    engine = import_module(settings.SESSION_ENGINE)
    key = next(c["value"] for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    engine.SessionStore(session_key=key).delete()


def _type_half_a_form(page, site):
    page.goto(f"{site}/sites/new/")
    page.fill("#id_basic-site_name", "涞水镇政务公开网")
    page.fill("#id_basic-homepage_url", "http://gk.lsz.laishui.gov.cn/")
    page.fill("#id_basic-principal_name", "王立新")
    page.get_by_role("button", name="增加一行").click()
    page.fill("#id_col-0-column_name", "通知公告")
    page.fill("#id_col-1-column_name", "政策解读")


def test_a_half_typed_form_survives_a_session_expiry(page, site):
    from sitecensus.portal.models import FormDraft
    from sitecensus.registry.models import Website

    login(page, site, "laishui_lsz", DEMO_PASSWORD)
    _type_half_a_form(page, site)
    FormDraft.objects.all().delete()  # only what the expired post keeps counts here
    _expire_session(page)

    page.get_by_role("button", name="保存草稿").click()
    # At the login page, told that nothing was lost; nothing was saved either.
    expect(page.locator(".messages")).to_contain_text("您刚才提交的内容已保留")
    assert "/accounts/login/" in page.url
    assert not Website.objects.filter(name="涞水镇政务公开网").exists()

    page.fill("input[name=username]", "laishui_lsz")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form button.primary").click()
    # Back at the form, filled in again, with a message; two column rows as typed.
    page.wait_for_url(f"{site}/sites/new/")
    expect(page.get_by_test_id("draft-restored")).to_contain_text("登录超时时提交的内容")
    expect(page.locator(".messages")).to_contain_text("尚未保存")
    expect(page.locator("#id_basic-site_name")).to_have_value("涞水镇政务公开网")
    expect(page.locator("#id_basic-principal_name")).to_have_value("王立新")
    expect(page.locator("#id_col-1-column_name")).to_have_value("政策解读")

    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_test_id("site-status")).to_have_text("草稿")
    draft = Website.objects.get(name="涞水镇政务公开网")
    assert sorted(draft.columns.values_list("name", flat=True)) == ["政策解读", "通知公告"]
    assert not FormDraft.objects.filter(path="/sites/new/").exists()  # saved: nothing left to restore


def test_typing_is_saved_on_the_server_and_restored_when_the_page_is_opened_again(page, site):
    from sitecensus.portal.models import FormDraft

    login(page, site, "laishui_lsz", DEMO_PASSWORD)
    _type_half_a_form(page, site)
    expect(page.get_by_test_id("autosave-status")).to_contain_text("已自动保存")
    kept = FormDraft.objects.get(user__username="laishui_lsz", path="/sites/new/")
    assert kept.data["basic-site_name"] == ["涞水镇政务公开网"]
    assert not any("csrf" in name for name in kept.data)

    # Leaving with unsaved changes asks first.
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.type), d.accept()))
    page.goto(f"{site}/")
    assert dialogs == ["beforeunload"], dialogs

    page.goto(f"{site}/sites/new/")
    expect(page.get_by_test_id("draft-restored")).to_contain_text("自动保存")
    expect(page.locator("#id_col-1-column_name")).to_have_value("政策解读")
    page.get_by_role("button", name="放弃这些内容，恢复原样").click()
    expect(page.locator("#id_basic-site_name")).to_have_value("")
    assert not FormDraft.objects.filter(path="/sites/new/").exists()


def test_a_countdown_before_the_idle_timeout_keeps_the_session(page, site):
    login(page, site, "laishui_lsz", DEMO_PASSWORD)
    page.clock.install()
    page.goto(f"{site}/")
    warning = page.get_by_test_id("idle-warning")
    expect(warning).to_be_hidden()
    # Idle until four minutes are left: the countdown shows, with 保持登录.
    page.clock.fast_forward(settings.SESSION_COOKIE_AGE * 1000 - 4 * 60 * 1000)
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("后自动退出登录")
    page.get_by_test_id("keepalive").click()
    expect(warning).to_be_hidden()  # the full idle time is left again
    # Idle to the end: told that typed work is not lost, no button that cannot help.
    page.clock.fast_forward(settings.SESSION_COOKIE_AGE * 1000 + 1000)
    expect(warning).to_contain_text("已填写的内容不会丢失")
