"""A site's life by the 2017 指引 as declared transitions (registry.services.life): the 开办
checklist gates the first final approval (a typed error naming what is missing; the items are
data), 临时下线 with its return date, and a closure's notice period and 报备 refused until
verified — the public directory follows the day it is filed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sitecensus.core.errors import InvalidInput, InvalidState, NotAllowed
from sitecensus.core.lifecycle import TransitionRefused
from sitecensus.public import selectors as public_selectors
from sitecensus.registry import opening, services
from sitecensus.registry.models import GONE_LIVES, SiteClosure, Website
from sitecensus.registry.testing import sample_filing

pytestmark = pytest.mark.django_db

ALL_BUT_POLICE = {"approval_document": "涞政办〔2026〕12号", "approval_date": "2026-03-01", "conac_mark": "bszs-123456",
                  "domain": "new.lsz.laishui.gov.cn", "icp_number": "冀ICP备12345678号", "icp_date": "2026-03-10",
                  "security_test_date": "2026-03-20"}


def _filed(u, url="http://new.lsz.laishui.gov.cn"):
    clerk = u["laishui_lsz"]
    site = services.save_draft(actor=clerk, unit=clerk.unit,
                               filing=sample_filing(name="涞水镇新网站", url=url, unit_name=clerk.unit.name))
    return clerk, site


def _approved(u, url="http://life.lsz.laishui.gov.cn"):
    clerk, site = _filed(u, url)
    services.submit(actor=clerk, website=site)
    for level in ("laishui", "baoding", "hebei"):
        site = services.approve(actor=u[level], website=site)
    return clerk, site


def test_a_new_site_without_its_police_filing_is_not_finally_approved(demo_users):
    u = demo_users
    clerk, site = _filed(u)
    with pytest.raises(NotAllowed):
        services.begin_opening(actor=u["laishui_jyj"], website=site)  # not the site's unit
    site = services.begin_opening(actor=clerk, website=site)
    assert site.life == Website.Life.OPENING
    services.save_opening_checklist(actor=clerk, website=site, values=ALL_BUT_POLICE)
    with pytest.raises(InvalidInput, match="安全检测通过日期"):
        services.save_opening_checklist(actor=clerk, website=site, values={"security_test_date": "三月"})
    services.submit(actor=clerk, website=site)
    for level in ("laishui", "baoding"):
        site = services.approve(actor=u[level], website=site)
    with pytest.raises(services.OpeningIncomplete) as refused:
        services.approve(actor=u["hebei"], website=site)
    assert refused.value.missing == ["公安备案号", "公安备案日期"]
    assert "缺少公安备案号、公安备案日期" in refused.value.message and "涞水镇新网站" in refused.value.message
    site.refresh_from_db()
    assert site.site_code is None and site.status == "submitted" and site.life == "opening"  # nothing half-done
    services.save_opening_checklist(actor=clerk, website=site,
                                    values={**ALL_BUT_POLICE, "police_number": "冀公网安备13062302000001号",
                                            "police_date": "2026-03-15"})
    site = services.approve(actor=u["hebei"], website=site)
    assert site.site_code and site.life == Website.Life.OPEN


def test_the_checklist_items_are_data(demo_users, monkeypatch):
    u = demo_users
    clerk, site = _filed(u)
    site = services.begin_opening(actor=clerk, website=site)
    fewer = tuple(i for i in opening.items() if not i["code"].startswith("police"))
    monkeypatch.setattr(opening, "items", lambda: fewer)  # an official drops the 公安备案 from the JSON file
    services.save_opening_checklist(actor=clerk, website=site, values=ALL_BUT_POLICE)
    assert opening.missing_items(Website.objects.get(pk=site.pk)) == []


def test_only_a_record_without_a_code_is_opened(demo_users):
    clerk, site = _approved(demo_users)
    with pytest.raises(TransitionRefused, match="尚未获得网站标识码"):
        services.begin_opening(actor=clerk, website=site)


def test_a_temporary_take_down_has_a_return_date_and_is_overdue_after_it(demo_users, time_machine):
    u = demo_users
    clerk, site = _approved(u)
    today = timezone.localdate()
    with pytest.raises(InvalidInput, match="计划恢复日期须晚于今天"):
        services.take_offline(actor=clerk, website=site, until=today, reason="系统升级")
    with pytest.raises(InvalidInput, match="原因"):
        services.take_offline(actor=clerk, website=site, until=today + timedelta(days=5), reason="")
    site = services.take_offline(actor=clerk, website=site, until=today + timedelta(days=5), reason="系统升级")
    assert site.life == Website.Life.OFFLINE and site in services.active_websites()  # still registered
    scope = Website.objects.filter(unit__path__startswith=u["laishui"].unit.path)
    assert not services.overdue_offline(scope).filter(pk=site.pk).exists()
    time_machine.move_to(timezone.now() + timedelta(days=6))
    assert services.overdue_offline(scope).filter(pk=site.pk).exists()
    with pytest.raises(InvalidState, match="不能申请运行状态变更|当前运行状态"):
        services.file_closure(actor=clerk, website=site)
    site = services.back_online(actor=clerk, website=site)
    assert site.life == "open" and site.life_until is None
    from sitecensus.audit import seals
    from sitecensus.audit.models import AuditEvent

    assert seals.verify(AuditEvent.objects.all())[1] == []


def test_a_closure_is_filed_only_after_its_notice_period_verified(demo_users, time_machine, client):
    u = demo_users
    clerk, site = _approved(u)
    services.request_life_change(actor=clerk, website=site, life="closed", reason="集约化")
    for level in ("laishui", "baoding", "hebei"):
        site = services.approve(actor=u[level], website=site)
    assert site.life == "closing" and site in public_selectors.directory()  # in its notice period: still listed
    closure = site.closures.get()
    assert closure.kind == SiteClosure.Kind.CLOSE and closure.period_days == 30
    with pytest.raises(InvalidState, match="尚未登记"):
        services.file_closure(actor=clerk, website=site)
    with pytest.raises(InvalidInput, match="公告页面的网址"):
        services.record_notice(actor=clerk, website=site, notice_url="gbgg", notice_on=timezone.localdate())
    services.record_notice(actor=clerk, website=site, notice_url="http://life.lsz.laishui.gov.cn/gg.html",
                           notice_on=timezone.localdate())
    with pytest.raises(InvalidState, match="届满前不能报备"):
        services.file_closure(actor=clerk, website=site)
    time_machine.move_to(timezone.now() + timedelta(days=30))
    with pytest.raises(TransitionRefused, match="须经扫描核验一直在首页") as refused:
        services.file_closure(actor=clerk, website=site)
    assert refused.value.code == "registry.website.complete_closure.closure_verified"
    closure.refresh_from_db()
    services.record_closure_check(closure=closure, notice_held=True, period_reason="公告期内均在首页",
                                  gone={"verdict": "serving", "verified": False, "reason": "仍在提供内容"})
    with pytest.raises(TransitionRefused):
        services.file_closure(actor=clerk, website=site)
    services.record_closure_check(closure=closure, gone={"verdict": "gone", "verified": True, "reason": "已无法访问"})
    site = services.file_closure(actor=clerk, website=site, note="已报备")
    assert site.life == "closed" and site.site_code
    assert site not in public_selectors.directory() and site not in services.active_websites()
    assert Website.objects.closed().filter(pk=site.pk).exists() and not Website.objects.open().filter(pk=site.pk)
    client.force_login(clerk)
    page = client.get(f"/sites/{site.pk}/").content.decode()
    assert "关停报备" in page and "已无法访问" in page
    from sitecensus.audit import seals
    from sitecensus.audit.models import AuditEvent

    assert seals.verify(AuditEvent.objects.all())[1] == []  # each step sealed the record as it now is


def test_a_closure_may_be_withdrawn_before_it_is_filed(demo_users):
    u = demo_users
    clerk, site = _approved(u)
    other = _approved(u, url="http://target.lsz.laishui.gov.cn")[1]
    services.request_life_change(actor=clerk, website=site, life="merged", reason="整合", merged_into=other)
    for level in ("laishui", "baoding", "hebei"):
        site = services.approve(actor=u[level], website=site)
    assert site.life == "merging" and site.closures.get().target == other
    with pytest.raises(InvalidState):  # one thing at a time: no new life change in the notice period
        services.request_life_change(actor=clerk, website=site, life="closed", reason="关停")
    with pytest.raises(InvalidInput, match="撤回原因"):
        services.withdraw_closure(actor=clerk, website=site, reason="")
    site = services.withdraw_closure(actor=clerk, website=site, reason="暂缓整合")
    assert site.life == "open" and not site.closures.exists() and site.merged_into_id is None


def test_the_gone_rule_lives_in_one_place():
    assert set(GONE_LIVES) == {Website.Life.CLOSED, Website.Life.MERGED}
    sql = str(Website.objects.open().query)
    assert "closed" in sql and "merged" in sql


def test_a_units_workbook_reads_back_unchanged_in_the_states_between_form_values(demo_users):
    """临时下线 and a notice period are not 运行状态 values of the census form: the unit's own workbook
    shows the form value they come from or lead to, and reads back 不变 (no request, no error)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sitecensus.registry import imports

    u = demo_users
    clerk, offline = _approved(u)
    offline = services.take_offline(actor=clerk, website=offline, until=timezone.localdate() + timedelta(days=5),
                                    reason="系统升级")
    merging = _approved(u, url="http://merging.lsz.laishui.gov.cn")[1]
    target = _approved(u, url="http://target2.lsz.laishui.gov.cn")[1]
    services.request_life_change(actor=clerk, website=merging, life="migrated", reason="迁移",
                                 new_url="http://new2.lsz.laishui.gov.cn")
    for level in ("laishui", "baoding", "hebei"):
        merging = services.approve(actor=u[level], website=merging)
    assert (offline.life, merging.life) == ("offline", "merging") and target.life == "open"
    assert (offline.get_form_life_display(), merging.get_form_life_display()) == ("正常运行", "迁移")
    before = {w.pk: (w.status, w.version, w.life) for w in Website.objects.filter(unit=clerk.unit)}
    data = imports.workbook_for(clerk.unit)
    batch = imports.dry_run(actor=u["laishui"], uploads=[("own.xlsx", SimpleUploadedFile("own.xlsx", data))])
    entry = batch.summary["files"][0]
    assert entry["errors"] == [], entry["errors"]
    assert {r["outcome"] for r in entry["rows"]} == {"unchanged"}, entry["rows"]
    assert {w.pk: (w.status, w.version, w.life) for w in Website.objects.filter(unit=clerk.unit)} == before
