"""A site's life in the browser (《政府网站发展指引》 国办发〔2017〕47号), the clock moved by time-machine:

- a site closed with a 30-day notice: the unit records its notice on the site's page, the scanner
  watches it over the period on a synthetic web (127.0.0.1) and finds the old site gone, the unit
  files the closure — and the public directory (page and API) drops the site that day, not before;
- a temporary take-down past its return date appears on the organizing unit's to-dos and list;
- a 开办 filing without its 公安备案 cannot be finally approved: the province is told what is missing."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sitecensus.accounts.models import User
from sitecensus.portal.demo import DEMO_PASSWORD
from sitecensus.registry import services
from sitecensus.registry.models import Website
from sitecensus.registry.testing import sample_filing
from sitecensus.scanner import life
from sitecensus.scanner.engine.testing.lifeweb import LifeWeb
from sitecensus.scanner.engine.testing.synthetic import serve_in_thread

from .conftest import login as _login


def login(page, base, username, password):
    """A fresh session (another account, or a month later)."""
    page.context.clear_cookies()
    _login(page, base, username, password)

HOST = "spz2.lsz.laishui.gov.cn"
HOME = """<html><head><meta charset="utf-8"><title>涞水镇旧网站</title></head><body>
<div class="tzgg"><a href="/tzgg/gbgg.html">关于涞水镇旧网站关停的公告</a></div><a href="/xw/1.html">工作动态</a></body></html>"""
NOTICE = """<html><head><meta charset="utf-8"></head><body><h1>关于涞水镇旧网站关停的公告</h1>
<p>本网站将于公告期满后停止运行，相关信息请访问涞水县人民政府门户网站。特此公告。</p></body></html>"""


def _daily():
    """The scanner's daily run (scanner.daily_life), on its own thread as the scheduler runs it
    (Playwright's event loop holds this one)."""
    import threading

    from django.db import connection

    outcome = {}

    def run():
        try:
            outcome.update(life.daily())
        finally:
            connection.close()
    worker = threading.Thread(target=run)
    worker.start()
    worker.join(60)
    return outcome


def _users():
    return {u.username: u for u in User.objects.select_related("unit")}


def _filed(u, url, name):
    clerk = u["laishui_lsz"]
    return clerk, services.save_draft(actor=clerk, unit=clerk.unit,
                                      filing=sample_filing(name=name, url=url, unit_name=clerk.unit.name))


def _approve(u, site, levels=("laishui", "baoding", "hebei")):
    for level in levels:
        site = services.approve(actor=u[level], website=site)
    return site


@pytest.fixture
def lifeweb(settings, hosts_on_loopback):
    settings.SCANNER_ALLOW_PRIVATE = True
    settings.SCANNER_TIMEOUT = 20  # a budget a loaded machine meets (no site here hangs)
    with serve_in_thread(LifeWeb()) as web:
        web.page(HOST, "/", HOME)
        web.page(HOST, "/tzgg/gbgg.html", NOTICE)
        yield web


def test_a_closure_verified_by_the_scanner_leaves_the_public_directory_on_the_day(page, site, lifeweb,
                                                                                   hosts_on_loopback, time_machine):
    time_machine.move_to(timezone.now(), tick=True)
    start = timezone.now()
    u = _users()
    clerk, record = _filed(u, lifeweb.url(HOST), "涞水镇旧网站")
    services.submit(actor=clerk, website=record)
    record = _approve(u, record)
    hosts_on_loopback({HOST: "127.0.0.1"})
    services.request_life_change(actor=clerk, website=record, life="closed", reason="集约化：并入县政府门户")
    record = _approve(u, Website.objects.get(pk=record.pk))
    assert record.life == "closing"

    # The unit records the notice it put on the homepage (today): the 30-day period starts.
    login(page, site, "laishui_lsz", DEMO_PASSWORD)
    page.goto(f"{site}/sites/{record.pk}/")
    box = page.get_by_test_id("life-closure")
    expect(box).to_contain_text("公告期 30 天")
    box.get_by_label("公告网址").fill(lifeweb.url(HOST, "/tzgg/gbgg.html"))
    box.locator("input[name=notice_on]").fill(timezone.localdate().isoformat())
    box.get_by_role("button", name="登记公告").click()
    expect(page.get_by_test_id("notice-ends")).to_have_text(
        (timezone.localdate() + timedelta(days=30)).isoformat())

    # The scanner's daily run over the period: the notice on the homepage each time.
    for day in (0, 7, 14, 21, 28):
        time_machine.move_to(start + timedelta(days=day, hours=1))
        _daily()
    # The period over, the unit switches the old site off; the next daily run finds it gone.
    time_machine.move_to(start + timedelta(days=30, hours=1))
    lifeweb.remove(HOST)
    _daily()
    directory = page.context.new_page()
    directory.goto(f"{site}/pucha/sites/?q=涞水镇旧网站")
    expect(directory.get_by_test_id("directory")).to_contain_text("涞水镇旧网站")  # until it is filed

    login(page, site, "laishui_lsz", DEMO_PASSWORD)  # a month later
    page.goto(f"{site}/sites/{record.pk}/")
    expect(page.get_by_test_id("notice-observations")).to_contain_text("公告在首页")
    expect(page.get_by_test_id("period-verdict")).to_contain_text("通过")
    expect(page.get_by_test_id("gone-verdict")).to_contain_text("原网站已无法访问")
    page.get_by_label("报备说明").fill("公告期满，原网站已关闭")
    page.get_by_role("button", name="报备关停").click()
    expect(page.get_by_test_id("site-life")).to_have_text("关停")
    expect(page.get_by_test_id("life-closure-done")).to_contain_text("公告期满，原网站已关闭")

    directory.goto(f"{site}/pucha/sites/?q=涞水镇旧网站")
    expect(directory.get_by_test_id("directory")).not_to_contain_text("涞水镇旧网站")
    listed = directory.request.get(f"{site}/api/public/sites?q=涞水镇旧网站").json()
    assert not [s for s in listed["items"] if s.get("name") == "涞水镇旧网站"], listed


def test_a_take_down_past_its_return_date_is_on_the_organizing_units_to_dos(page, site, time_machine):
    time_machine.move_to(timezone.now(), tick=True)
    start = timezone.now()
    record = Website.objects.get(site_code="1306230002")
    login(page, site, "laishui_lsz", DEMO_PASSWORD)
    page.goto(f"{site}/sites/{record.pk}/")
    form = page.get_by_test_id("life-offline-form")
    form.locator("input[name=until]").fill((timezone.localdate() + timedelta(days=3)).isoformat())
    form.get_by_label("临时下线原因").fill("机房搬迁")
    form.get_by_role("button", name="报备临时下线").click()
    expect(page.get_by_test_id("site-life")).to_have_text("临时下线")

    login(page, site, "laishui", DEMO_PASSWORD)
    expect(page.get_by_test_id("todo-offline-overdue")).to_contain_text("0")  # not overdue yet

    time_machine.move_to(start + timedelta(days=5))
    login(page, site, "laishui", DEMO_PASSWORD)
    todo = page.get_by_test_id("todo-offline-overdue")
    expect(todo).to_contain_text("1")
    todo.get_by_role("link").click()
    expect(page.get_by_test_id("offline-overdue-list")).to_contain_text(record.name)
    expect(page.get_by_test_id("offline-overdue-list")).to_contain_text("机房搬迁")


def test_an_opening_filing_without_its_police_filing_is_not_finally_approved(page, site):
    u = _users()
    clerk, record = _filed(u, "http://kaiban.lsz.laishui.gov.cn", "涞水镇新开办网站")
    services.begin_opening(actor=clerk, website=record)
    services.save_opening_checklist(actor=clerk, website=record, values={
        "approval_document": "涞政办〔2026〕12号", "approval_date": "2026-03-01", "conac_mark": "bszs-123456",
        "domain": "kaiban.lsz.laishui.gov.cn", "icp_number": "冀ICP备12345678号", "icp_date": "2026-03-10",
        "security_test_date": "2026-03-20"})
    services.submit(actor=clerk, website=record)
    _approve(u, Website.objects.get(pk=record.pk), levels=("laishui", "baoding"))

    login(page, site, "hebei", DEMO_PASSWORD)
    page.goto(f"{site}/sites/{record.pk}/")
    expect(page.get_by_test_id("opening-missing")).to_contain_text("公安备案号、公安备案日期")
    page.get_by_test_id("review-box").get_by_role("button", name="终审通过").click()
    expect(page.locator("body")).to_contain_text("开办核对清单尚未完成，不能终审通过（赋网站标识码）：缺少公安备案号、公安备案日期")
    record.refresh_from_db()
    assert record.site_code is None and record.status == "submitted" and record.life == "opening"
