"""A site's life seen from the web (scanner.life), on a synthetic web on 127.0.0.1 with the clock
moved by time-machine: a closure's notice watched over its period, then the old site's end, then the
报备; and the daily reconciliation flags each planted mismatch between the registry and the web —
and nothing else."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sitecensus.core.errors import InvalidInput, NotAllowed
from sitecensus.public import selectors as public_selectors
from sitecensus.registry import services as registry_services
from sitecensus.registry.models import Website
from sitecensus.registry.testing import sample_filing
from sitecensus.scanner import life, services
from sitecensus.scanner.engine.testing.lifeweb import LifeWeb
from sitecensus.scanner.engine.testing.synthetic import serve_in_thread
from sitecensus.scanner.models import RegistryFlag

pytestmark = pytest.mark.django_db

HOME = """<html><head><meta charset="utf-8"><title>{name}</title></head><body>
<ul><li><a href="/tzgg/gbgg.html">关于{name}关停的公告</a></li><li><a href="/xw/1.html">工作动态</a></li></ul></body></html>"""
NOTICE = """<html><head><meta charset="utf-8"></head><body><h1>关于{name}关停的公告</h1>
<p>本网站将于公告期满后停止运行，相关信息请访问涞水县人民政府门户网站。特此公告。</p></body></html>"""
CONTENT = "<html><body>" + "".join(f'<a href="/xw/{i}.html">工作动态{i}</a>' for i in range(30)) + "</body></html>"


@pytest.fixture
def web(settings, hosts_on_loopback):
    settings.SCANNER_ALLOW_PRIVATE = True
    settings.SCANNER_TIMEOUT = 20  # a budget a loaded machine meets (no site here hangs)
    with serve_in_thread(LifeWeb()) as w:
        w.map = lambda *hosts: hosts_on_loopback({h: "127.0.0.1" for h in hosts})
        yield w


def _approved(u, url, name="涞水镇测试网站"):
    clerk = u["laishui_lsz"]
    site = registry_services.save_draft(actor=clerk, unit=clerk.unit,
                                        filing=sample_filing(name=name, url=url, unit_name=clerk.unit.name))
    registry_services.submit(actor=clerk, website=site)
    for level in ("laishui", "baoding", "hebei"):
        site = registry_services.approve(actor=u[level], website=site)
    return site


def _closing(u, web, host, name):
    web.page(host, "/", HOME.format(name=name))
    web.page(host, "/tzgg/gbgg.html", NOTICE.format(name=name))
    site = _approved(u, web.url(host), name)
    clerk = u["laishui_lsz"]
    registry_services.request_life_change(actor=clerk, website=site, life="closed", reason="集约化")
    for level in ("laishui", "baoding", "hebei"):
        site = registry_services.approve(actor=u[level], website=site)
    registry_services.record_notice(actor=clerk, website=site, notice_url=web.url(host, "/tzgg/gbgg.html"),
                                    notice_on=timezone.localdate())
    return site


def test_a_closure_watched_over_its_notice_period_then_filed(demo_users, web, time_machine):
    u = demo_users
    time_machine.move_to(timezone.now(), tick=True)
    start = timezone.now()
    kept = _closing(u, web, "kept.lsz.laishui.gov.cn", "涞水镇甲网站")
    dropped = _closing(u, web, "dropped.lsz.laishui.gov.cn", "涞水镇乙网站")
    web.map("kept.lsz.laishui.gov.cn", "dropped.lsz.laishui.gov.cn")
    for day in (0, 7, 14, 21, 28):
        time_machine.move_to(start + timedelta(days=day, hours=1))
        if day == 14:  # the second notice taken off the homepage half-way
            web.page("dropped.lsz.laishui.gov.cn", "/", CONTENT)
        life.daily()
    kept_closure = kept.closures.get()
    kept_closure.refresh_from_db()
    assert [o["status"] for o in kept_closure.observations] == ["present"] * 5
    assert all(o["excerpt"] and o["homepage"] for o in kept_closure.observations)  # evidence
    # The period over: the sites switched off (the first), the second still up.
    time_machine.move_to(start + timedelta(days=30, hours=1))
    web.remove("kept.lsz.laishui.gov.cn")
    assert kept in public_selectors.directory()  # until filed
    life.daily()
    kept_closure.refresh_from_db()
    assert kept_closure.notice_held and kept_closure.gone_verified, (kept_closure.period_reason, kept_closure.gone_check)
    site = registry_services.file_closure(actor=u["laishui_lsz"], website=Website.objects.get(pk=kept.pk))
    assert site.life == "closed" and site not in public_selectors.directory()
    closure = dropped.closures.get()
    assert not closure.notice_held and "撤下" in closure.period_reason
    with pytest.raises(Exception, match="须经扫描核验"):
        registry_services.file_closure(actor=u["laishui_lsz"], website=Website.objects.get(pk=dropped.pk))


def _site(u, url, *, life=Website.Life.OPEN, code, **extra):
    unit = u["laishui_lsz"].unit
    return Website.objects.create(unit=unit, organizer=u["laishui"].unit, name=f"对账{code}", homepage_url=url,
                                  url_key=url.rstrip("/"), site_class="乡镇街道网站", status=Website.Status.APPROVED,
                                  site_code=code, life=life, approved_at=timezone.now(), data={}, **extra)


def test_the_daily_reconciliation_flags_each_planted_mismatch_and_nothing_else(demo_users, web, time_machine):
    u = demo_users
    hosts = ["down.lsz.laishui.gov.cn", "served.lsz.laishui.gov.cn", "moved.lsz.laishui.gov.cn",
             "www.elsewhere-city.gov.cn", "fine.lsz.laishui.gov.cn", "www.laishui.gov.cn",
             "samedomain.lsz.laishui.gov.cn", "gone.lsz.laishui.gov.cn", "off.lsz.laishui.gov.cn",
             "merged.lsz.laishui.gov.cn", "flaky.lsz.laishui.gov.cn"]
    # Planted mismatches.
    down = _site(u, web.url(hosts[0]), code="9999000001")                      # 正常运行, unreachable all week
    web.down.add(hosts[0])
    served = _site(u, web.url(hosts[1]), code="9999000002", life="closed")     # closed, still serving
    web.page(hosts[1], "/", CONTENT)
    moved = _site(u, web.url(hosts[2]), code="9999000003")                     # now on another domain
    web.redirect(hosts[2], "/", web.url(hosts[3]))
    web.page(hosts[3], "/", CONTENT)
    # Controls: nothing to flag.
    fine = _site(u, web.url(hosts[4]), code="9999000004")
    web.page(hosts[4], "/", CONTENT)
    same = _site(u, web.url(hosts[6]), code="9999000005")                      # to the portal, same domain
    web.redirect(hosts[6], "/", web.url(hosts[5], "/zwgk/xz/"))
    web.page(hosts[5], "/zwgk/xz/", CONTENT)
    _site(u, web.url(hosts[7]), code="9999000006", life="closed")              # closed and gone (no such site)
    off = _site(u, web.url(hosts[8]), code="9999000007", life="offline",
                life_until=timezone.localdate() + timedelta(days=3))           # offline: unreachable, as reported
    web.down.add(hosts[8])
    target = fine
    _site(u, web.url(hosts[9]), code="9999000008", life="merged", merged_into=target)  # merged, redirects to target
    web.redirect(hosts[9], "/", web.url(hosts[4]))
    flaky = _site(u, web.url(hosts[10]), code="9999000009")                    # one bad probe in the week
    web.map(*hosts)
    start = timezone.now()
    watched = [down.pk, fine.pk, off.pk, flaky.pk]
    for day in (6, 4, 2, 0):
        time_machine.move_to(start - timedelta(days=day))
        if day == 6:
            web.down.add(hosts[10])
        else:
            web.down.discard(hosts[10])
            web.page(hosts[10], "/", CONTENT)
        services.probe(watched)
    time_machine.move_to(start)
    outcome = life.reconcile()
    flags = {(f.website_id, f.kind) for f in RegistryFlag.objects.all()}
    assert flags == {(down.pk, "unreachable"), (served.pk, "closed_serving"), (moved.pk, "redirected")}, [
        (f.website.name, f.kind, f.summary) for f in RegistryFlag.objects.all()]
    assert outcome == {"found": 3, "new": 3}
    for flag in RegistryFlag.objects.all():  # evidence or no flag
        assert flag.summary and flag.evidence.get("url") and flag.first_seen == timezone.localdate()
    assert RegistryFlag.objects.get(kind="unreachable").evidence["probes"] == 4
    assert "elsewhere-city" in RegistryFlag.objects.get(kind="redirected").evidence["final_url"]
    # The next day: the same mismatches update their flags, none is raised twice.
    time_machine.move_to(start + timedelta(days=1))
    assert life.reconcile()["new"] == 0 and RegistryFlag.objects.count() == 3
    assert set(RegistryFlag.objects.values_list("last_seen", flat=True)) == {timezone.localdate()}
    # The organizing unit acknowledges, then resolves, with a note; others may not.
    flag = RegistryFlag.objects.get(kind="redirected")
    with pytest.raises(InvalidInput, match="处理说明"):
        life.handle_flag(actor=u["laishui"], flag=flag, action="acknowledge", note="")
    with pytest.raises(NotAllowed):
        life.handle_flag(actor=u["laishui_lsz"], flag=flag, action="acknowledge", note="看到了")
    life.handle_flag(actor=u["laishui"], flag=flag, action="acknowledge", note="已联系填报单位")
    flag = life.handle_flag(actor=u["laishui"], flag=flag, action="resolve", note="已提交迁移申请")
    assert flag.status == "resolved" and flag.note == "已提交迁移申请"


def test_flags_show_on_the_organizing_units_first_screen_and_list(demo_users, client):
    u = demo_users
    site = Website.objects.get(site_code="1306230002")
    RegistryFlag.objects.create(website=site, kind="redirected", first_seen=timezone.localdate(),
                                last_seen=timezone.localdate(), summary="首页跳转至另一域名 http://x.example.com/",
                                evidence={"url": site.homepage_url, "final_url": "http://x.example.com/"})
    client.force_login(u["laishui"])
    home = client.get("/").content.decode()
    assert 'data-testid="todo-flags"' in home and "登记与实际不符" in home
    page = client.get("/scans/flags/").content.decode()
    assert site.name in page and "x.example.com" in page
    sheet = client.get("/scans/flags/?format=xlsx")
    assert sheet.status_code == 200 and sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(u["laishui_lsz"])
    assert client.get("/scans/flags/").status_code == 403


def test_the_daily_run_is_scheduled_once_a_day(settings, monkeypatch):
    from datetime import datetime

    from django.core.cache import cache

    from sitecensus.celery import app
    from sitecensus.scanner import scheduler

    beat = app.conf.beat_schedule["site-life-daily"]
    from sitecensus.scanner.tasks import daily_life_task

    assert beat["task"] == daily_life_task.name == "scanner.daily_life"
    settings.SITE_LIFE_DAILY, settings.RECONCILE_HOUR = True, 3
    ran = []
    monkeypatch.setattr(scheduler, "_life_in_thread", lambda: ran.append(1))
    cache.clear()
    tz = timezone.get_current_timezone()
    clock = scheduler.Scheduler(site_ids=lambda: [])
    assert not clock.tick(datetime(2026, 12, 7, 2, 30, tzinfo=tz))["life"]  # before the hour
    assert clock.tick(datetime(2026, 12, 7, 3, 5, tzinfo=tz))["life"]
    assert not clock.tick(datetime(2026, 12, 7, 9, 0, tzinfo=tz))["life"]  # once that day
    assert clock.tick(datetime(2026, 12, 8, 4, 0, tzinfo=tz))["life"]
    clock.wait_for_scans()
    assert len(ran) == 2
