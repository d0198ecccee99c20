import threading
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection

from sitecensus.accounts.models import User
from sitecensus.core.errors import Duplicate, InvalidInput, InvalidState, NotAllowed
from sitecensus.orgs.models import Unit
from sitecensus.registry import selectors, services
from sitecensus.campaigns.models import Campaign
from sitecensus.registry.models import Phase, ReviewEvent, Website, WebsiteVersion
from sitecensus.registry.testing import complete_life_change, sample_filing

pytestmark = pytest.mark.django_db
S = Website.Status


def next_code(organizer_name):
    from sitecensus.registry.models import CodeSequence

    unit = Unit.objects.get(name=organizer_name)
    last = CodeSequence.objects.filter(organizer=unit).values_list("last", flat=True).first() or 0
    return f"{unit.org_code}{last + 1:04d}"


def town_site(users, url="http://new.lsz.laishui.gov.cn"):
    actor = users["laishui_lsz"]
    filing = sample_filing(name="涞水镇人民政府网站", url=url, unit_name=actor.unit.name)
    return services.save_draft(actor=actor, unit=actor.unit, filing=filing)


def test_chain_and_organizer(demo_users):
    town = Unit.objects.get(name="涞水镇人民政府")
    assert [u.name for u in services.review_chain(town)] == ["涞水县人民政府办公室", "保定市人民政府办公室",
                                                             "河北省人民政府办公厅"]
    assert [u.name for u in services.review_chain(Unit.objects.get(name="河北省教育厅"))] == ["河北省人民政府办公厅"]
    tax = Unit.objects.get(name="国家税务总局涞水县税务局")
    assert [u.name for u in services.review_chain(tax)] == ["国家税务总局保定市税务局", "国家税务总局河北省税务局",
                                                            "国家税务总局办公厅"]
    assert services.responsible_organizer(tax).name == "国家税务总局保定市税务局"


def test_the_whole_path_with_a_return(demo_users, django_capture_on_commit_callbacks):
    u = demo_users
    site = town_site(u)
    assert site.status == S.DRAFT and site.columns.count() == 6
    assert list(site.columns.values_list("is_homepage", flat=True)) == [True] * 3 + [False] * 3
    services.submit(actor=u["laishui_lsz"], website=site)
    site.refresh_from_db()
    assert (site.status, site.pending_at.name) == (S.SUBMITTED, "涞水县人民政府办公室")
    assert site in selectors.review_queue(u["laishui"])

    with pytest.raises(InvalidState, match="下级“涞水县人民政府办公室”尚未审核通过"):
        services.approve(actor=u["baoding"], website=site)
    services.approve(actor=u["laishui"], website=site)
    site.refresh_from_db()
    assert site.pending_at.name == "保定市人民政府办公室"
    with pytest.raises(InvalidState, match="正在上级审核中"):
        services.approve(actor=u["laishui"], website=site)
    with pytest.raises(InvalidInput, match="退回时请填写原因"):
        services.return_record(actor=u["baoding"], website=site, reason=" ")
    services.return_record(actor=u["baoding"], website=site, reason="栏目网址不完整")
    site.refresh_from_db()
    assert (site.status, site.return_reason, site.pending_at) == (S.RETURNED, "栏目网址不完整", None)

    filing = sample_filing(name="涞水镇人民政府网站", url="http://new.lsz.laishui.gov.cn", unit_name="涞水镇人民政府",
                           columns=8)
    expected_code = next_code("涞水县人民政府办公室")
    services.save_draft(actor=u["laishui_lsz"], unit=site.unit, filing=filing, website=site)
    services.submit(actor=u["laishui_lsz"], website=site)
    for level in ("laishui", "baoding"):
        services.approve(actor=u[level], website=site)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(actor=u["hebei"], website=site)
    site.refresh_from_db()
    assert site.status == S.APPROVED and site.site_code == expected_code
    assert site.columns.count() == 8
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == {"fuzeren@example.gov.cn", "lianxiren@example.gov.cn"}
    assert expected_code in message.body
    verification = message.body.split("校验码：")[1].split()[0]
    account = User.objects.get(username=expected_code)
    assert account.role == "site" and account.check_password(verification)
    actions = list(selectors.history(site).values_list("action", flat=True))
    assert actions == ["submit", "approve", "return", "submit", "approve", "approve", "final"]
    with pytest.raises(InvalidState, match="不能直接修改"):
        services.save_draft(actor=u["laishui_lsz"], unit=site.unit, filing=filing, website=site)


def test_undo_only_before_the_level_above_decides(demo_users):
    u = demo_users
    site = town_site(u)
    services.submit(actor=u["laishui_lsz"], website=site)
    services.approve(actor=u["laishui"], website=site)
    services.undo_approval(actor=u["laishui"], website=site)
    site.refresh_from_db()
    assert site.pending_at.name == "涞水县人民政府办公室"
    services.approve(actor=u["laishui"], website=site)
    services.approve(actor=u["baoding"], website=site)
    with pytest.raises(InvalidState, match="上级已审核"):
        services.undo_approval(actor=u["laishui"], website=site)


def test_reviewers_and_owners_only(demo_users):
    u = demo_users
    site = town_site(u)
    with pytest.raises(NotAllowed):
        services.submit(actor=u["laishui_jyj"], website=site)
    services.submit(actor=u["laishui_lsz"], website=site)
    with pytest.raises(NotAllowed, match="只有组织单位"):
        services.approve(actor=u["laishui_lsz"], website=site)
    with pytest.raises(InvalidState):
        services.approve(actor=u["shuiwu"], website=site)
    with pytest.raises(NotAllowed):
        services.save_draft(actor=u["laishui_jyj"], unit=site.unit,
                            filing=sample_filing(name="x", url="http://x.gov.cn", unit_name="x"))


def test_duplicate_homepage_in_one_unit(demo_users):
    town_site(demo_users)
    with pytest.raises(Duplicate, match="首页网址相同"):
        town_site(demo_users, url="HTTP://NEW.LSZ.laishui.gov.cn:80/")


def test_change_request_keeps_every_version(demo_users):
    u = demo_users
    site = town_site(u)
    services.submit(actor=u["laishui_lsz"], website=site)
    for level in ("laishui", "baoding", "hebei"):
        services.approve(actor=u[level], website=site)
    site.refresh_from_db()
    code = site.site_code
    changed = sample_filing(name="涞水镇政府网", url="http://new.lsz.laishui.gov.cn", unit_name="涞水镇人民政府",
                            columns=4)
    services.request_change(actor=u["laishui_lsz"], website=site, filing=changed, note="网站更名")
    site.refresh_from_db()
    assert site.status == S.SUBMITTED and site.name == "涞水镇人民政府网站"  # current data untouched
    services.approve(actor=u["laishui"], website=site)
    services.return_record(actor=u["baoding"], website=site, reason="请说明更名依据")
    site.refresh_from_db()
    assert site.status == S.APPROVED and site.name == "涞水镇人民政府网站"
    services.request_change(actor=u["laishui_lsz"], website=site, filing=changed, note="网站更名，依据某文")
    for level in ("laishui", "baoding", "hebei"):
        services.approve(actor=u[level], website=site)
    site.refresh_from_db()
    assert (site.name, site.site_code, site.columns.count()) == ("涞水镇政府网", code, 4)
    states = list(WebsiteVersion.objects.filter(website=site).order_by("number").values_list("state", flat=True))
    assert states == ["superseded", "rejected", "current"]
    with pytest.raises(InvalidState, match="内容没有变化"):
        services.request_change(actor=u["laishui_lsz"], website=site, filing=changed)


def test_closing_a_site_needs_approval_and_keeps_the_code(demo_users):
    u = demo_users
    site = town_site(u)
    services.submit(actor=u["laishui_lsz"], website=site)
    for level in ("laishui", "baoding", "hebei"):
        services.approve(actor=u[level], website=site)
    with pytest.raises(InvalidInput, match="原因"):
        services.request_life_change(actor=u["laishui_lsz"], website=site, life="closed", reason="")
    services.request_life_change(actor=u["laishui_lsz"], website=site, life="closed", reason="并入县政府门户")
    site.refresh_from_db()
    assert site.life == "open" and site in services.active_websites()
    for level in ("laishui", "baoding", "hebei"):
        services.approve(actor=u[level], website=site)
    code = site.site_code
    site.refresh_from_db()
    # Approved: the notice period first (the site still takes part), then the 报备 closes it.
    assert site.life == "closing" and site in services.active_websites()
    site = complete_life_change(site, u["laishui_lsz"])
    assert site.life == "closed" and site.site_code == code
    assert site not in services.active_websites()
    assert not User.objects.get(username=site.site_code).is_active


def test_deadline_and_exception(demo_users):
    u = demo_users
    Campaign.objects.update(is_active=False)
    campaign = Campaign.objects.create(name="测试普查")
    Phase.objects.create(campaign=campaign, kind="inventory", opens_on=date(2015, 3, 24),
                         closes_on=date.today() - timedelta(days=1))
    with pytest.raises(InvalidState, match="截止"):
        town_site(u)
    services.grant_exception(actor=u["laishui"], unit=u["laishui_lsz"].unit,
                             until=date.today() + timedelta(days=7), reason="新建网站补报")
    site = town_site(u)
    services.submit(actor=u["laishui_lsz"], website=site)
    site.refresh_from_db()
    assert site.is_late
    with pytest.raises(Exception):
        services.grant_exception(actor=u["baoding"], unit=u["laishui_lsz"].unit,
                                 until=date.today() + timedelta(days=7), reason="越级")


def test_bulk_approve_and_return(demo_users):
    u = demo_users
    hebei = u["hebei"]
    sites = []
    for username in ("hebei_fgw", "hebei_jyt"):
        actor = u[username]
        filing = sample_filing(name=f"{actor.unit.name}网站", url=f"http://{username.replace('_', '-')}.hebei.gov.cn",
                               unit_name=actor.unit.name, site_class="省级政府部门网站")
        site = services.save_draft(actor=actor, unit=actor.unit, filing=filing)
        services.submit(actor=actor, website=site)
        sites.append(site)
    first = next_code("河北省人民政府办公厅")
    result = services.bulk(actor=hebei, websites=sites, action="approve")
    assert len(result.done) == 2 and not result.refused
    codes = sorted(Website.objects.filter(pk__in=[s.pk for s in sites]).values_list("site_code", flat=True))
    assert codes == [first, first[:6] + f"{int(first[6:]) + 1:04d}"]
    again = services.bulk(actor=hebei, websites=sites, action="approve")
    assert len(again.refused) == 2 and "没有待审核" in again.refused[0][1]
    with pytest.raises(InvalidInput):
        services.bulk(actor=hebei, websites=sites, action="return", reason="")


def test_vertical_site_code_uses_the_branch_code(demo_users):
    u = demo_users
    actor = u["laishui_tax"]
    filing = sample_filing(name="涞水县税务局网站", url="http://new.laishui.hebei.chinatax.gov.cn",
                           unit_name=actor.unit.name, site_class="垂直管理系统网站")
    site = services.save_draft(actor=actor, unit=actor.unit, filing=filing)
    services.submit(actor=actor, website=site)
    expected = next_code("国家税务总局保定市税务局")
    for level in ("baoding_tax", "hebei_tax", "shuiwu"):
        services.approve(actor=u[level], website=site)
    site.refresh_from_db()
    assert site.site_code == expected and expected.startswith("bm")
    assert not selectors.website_list(u["hebei"]).filter(pk=site.pk).exists()
    assert not selectors.website_list(u["guoban"], region="130000").filter(pk=site.pk).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
def test_parallel_final_approvals_never_duplicate_a_code():
    from sitecensus.portal.demo import load_demo

    load_demo()
    users = {x.username: x for x in User.objects.select_related("unit")}
    hebei_office = users["hebei"].unit
    sites = []
    for i in range(24):
        unit = services.responsible_organizer(hebei_office)  # the office files its own sites
        filing = sample_filing(name=f"河北专题网站{i}", url=f"http://zt{i}.hebei.gov.cn", unit_name=unit.name,
                               site_class="省级政府部门网站")
        site = services.save_draft(actor=users["hebei"], unit=hebei_office, filing=filing)
        services.submit(actor=users["hebei"], website=site)
        sites.append(site)
    first = int(next_code("河北省人民政府办公厅")[6:])
    errors, barrier = [], threading.Barrier(8)

    def worker(chunk):
        from django.db import connections

        try:
            barrier.wait()
            for site in chunk:
                services.approve(actor=users["hebei"], website=site)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(sites[i::8],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    codes = list(Website.objects.filter(pk__in=[s.pk for s in sites]).values_list("site_code", flat=True))
    assert len(codes) == 24 and len(set(codes)) == 24 and all(codes)
    assert sorted(codes) == [f"130000{n:04d}" for n in range(first, first + 24)]
    assert ReviewEvent.objects.filter(action="final", website__in=sites).count() == 24
