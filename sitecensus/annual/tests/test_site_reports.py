"""The work report (政府网站工作年度报表): pre-filled from what the system knows, completed by the
unit, approved by the organizing unit above, published in the region's 专栏; generated for every
site in chunks with grouped queries (the query count does not grow with the number of sites)."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sitecensus.annual import items, selectors, services, sources
from sitecensus.annual.models import SiteReport
from sitecensus.core.errors import InvalidInput, NotAllowed, NotFound
from sitecensus.core.lifecycle import TransitionRefused
from sitecensus.inbox.models import Message
from sitecensus.public.models import PublicReport
from sitecensus.registry.models import Phase, Website
from sitecensus.scanner.models import ColumnScan, SiteScan

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
PORTAL = "涞水县人民政府"


def complete(values: dict) -> dict:
    """A unit's answers: what the system proposed, the rest typed in."""
    out = {code: "" if value is None else str(value) for code, value in values.items()}
    for item in items.items():
        if item["code"] not in out or out[item["code"]] == "":
            out[item["code"]] = {"int": "3", "bool": "是", "choice": (item.get("choices") or [""])[0]}.get(
                item["type"], "说明")
    return out


def _scan(site, at, columns, interaction=()):
    scan = SiteScan.objects.create(website=site, at=at, as_of=at.date(), reachable=True,
                                   summary={"interaction": list(interaction)})
    ColumnScan.objects.bulk_create([ColumnScan(site_scan=scan, name=url, url=url, item_count=n)
                                    for url, n in columns.items()])


def _zhaocuo(site, *, answered_after=None, on_time=True):
    n = PublicReport.objects.count()
    report = PublicReport.objects.create(receipt=f"ZC{n:06d}", website=site, unit=site.unit, category="stale",
                                         description="栏目不更新", deadline=timezone.localdate() + timedelta(days=5))
    if answered_after is not None:
        PublicReport.objects.filter(pk=report.pk).update(
            status="done", answered_at=report.created_at + answered_after,
            deadline=(report.created_at + answered_after).date() + timedelta(days=0 if on_time else -1))


def test_prefilled_from_registry_scanner_and_zhaocuo(demo_users):
    site = Website.objects.get(name=PORTAL)
    now = timezone.now()
    _scan(site, now - timedelta(days=30), {"http://www.laishui.gov.cn/a/": 20, "http://www.laishui.gov.cn/b/": 5})
    _scan(site, now - timedelta(days=1), {"http://www.laishui.gov.cn/a/": 18, "http://www.laishui.gov.cn/b/": 9},
          interaction=[{"messages_in_window": 7, "overdue": [{"title": "x"}, {"title": "y"}]}])
    _zhaocuo(site, answered_after=timedelta(days=2))             # on time
    _zhaocuo(site, answered_after=timedelta(days=40), on_time=False)  # more than a month
    _zhaocuo(site)                                               # not answered
    report = services.generate_one(actor=demo_users["laishui"], website=site, year=YEAR)
    v = report.values
    assert (v["site_name"], v["homepage_url"], v["site_code"]) == (site.name, site.homepage_url, site.site_code)
    assert v["site_type"] == "政府门户网站"
    assert v["info_total"] == 20 + 9  # the most each column's list showed during the year, summed
    assert (v["messages_received"], v["messages_overdue"]) == (7, 2)
    assert (v["zc_received"], v["zc_answered"], v["zc_late"], v["zc_unanswered"]) == (3, 1, 1, 1)
    accounts = sources.newmedia_accounts([site.unit_id]).get(site.unit_id, [])
    # the unit's live accounts when it has some; otherwise nothing proposed, never a made-up 0
    assert v.get("newmedia_accounts") == (len(accounts) or None)
    assert report.prefilled == v
    assert report.approver.name == "保定市人民政府办公室" and report.region.name == "河北省人民政府办公厅"


def test_no_scan_this_year_proposes_nothing_for_the_scanner_items(demo_users):
    report = services.generate_one(actor=demo_users["laishui"], website=Website.objects.get(name=PORTAL), year=YEAR)
    assert "info_total" not in report.values and report.values["zc_received"] == 0


def test_filled_submitted_approved_published_and_public(demo_users):
    laishui, baoding = demo_users["laishui"], demo_users["baoding"]
    report = services.generate_one(actor=laishui, website=Website.objects.get(name=PORTAL), year=YEAR)
    with pytest.raises(TransitionRefused) as refused:
        services.submit(actor=laishui, report=report)
    assert "独立用户访问总量" in refused.value.message  # names what is missing
    with pytest.raises(InvalidInput, match="网站总访问量"):
        services.save_values(actor=laishui, report=report, data={**complete(report.values), "visits": "很多"})
    report = services.save_values(actor=laishui, report=report, data=complete(report.values))
    with pytest.raises(NotAllowed):
        services.submit(actor=demo_users["laishui_jyj"], report=report)  # another unit
    report = services.submit(actor=laishui, report=report)
    with pytest.raises(NotAllowed):
        services.approve(actor=laishui, report=report)  # a unit never approves its own
    with pytest.raises(NotFound):
        selectors.published_site_report(report.website.site_code, YEAR)
    report = services.return_report(actor=baoding, report=report, reason="访问量与统计不符")
    assert report.status == "returned"
    report = services.submit(actor=laishui, report=report)
    report = services.approve(actor=baoding, report=report)
    report = services.publish(actor=laishui, report=report)
    assert report.status == "published" and not report.is_late
    assert selectors.published_site_report(report.website.site_code, YEAR) == report
    assert list(selectors.column(report.region_id, YEAR)) == [report]
    assert services.report_url(report).endswith(f"/pucha/annual/{report.website.site_code}/{YEAR}/")


def test_regenerating_keeps_what_the_unit_changed(demo_users):
    laishui = demo_users["laishui"]
    site = Website.objects.get(name=PORTAL)
    report = services.generate_one(actor=laishui, website=site, year=YEAR)
    services.save_values(actor=laishui, report=report, data={**complete(report.values), "zc_received": "9"})
    _zhaocuo(site)
    report = services.generate_one(actor=laishui, website=site, year=YEAR)
    assert report.prefilled["zc_received"] == 1 and report.values["zc_received"] == 9  # the unit's figure stays
    assert report.values["site_name"] == site.name


def test_generate_in_chunks_with_a_query_count_that_does_not_grow(demo_users):
    """Each chunk costs the same few grouped queries whatever its size: one chunk of every site,
    two chunks, then chunks of two sites — the count grows with the chunks, never with the sites."""
    guoban = demo_users["guoban"]
    running = services.sites_in_scope(None).count()
    assert running >= 6

    def queries(year, chunk):
        with CaptureQueriesContext(connection) as captured:
            result = services.generate(actor=guoban, year=year, chunk=chunk)
        assert result == {"year": year, "sites": running, "created": running, "refreshed": 0, "unchanged": 0,
                          "kept": 0}
        return len(captured)

    whole, halves = queries(YEAR - 1, running), queries(YEAR - 2, -(-running // 2))
    per_chunk = halves - whole
    assert 0 < per_chunk <= 10
    assert queries(YEAR - 3, 2) == whole + (-(-running // 2) - 1) * per_chunk
    assert SiteReport.objects.filter(year=YEAR - 3).count() == running
    again = services.generate(actor=guoban, year=YEAR - 3, chunk=2)
    assert (again["created"], again["refreshed"], again["unchanged"]) == (0, 0, running)  # nothing new: no write
    site = Website.objects.get(name=PORTAL)
    _zhaocuo(site)
    PublicReport.objects.filter(website=site).update(created_at=timezone.now().replace(year=YEAR - 3))
    again = services.generate(actor=guoban, year=YEAR - 3, chunk=2)
    assert (again["refreshed"], again["unchanged"]) == (1, running - 1)
    assert SiteReport.objects.get(year=YEAR - 3, website=site).values["zc_received"] == 1


def test_an_organizer_generates_only_below_it(demo_users):
    result = services.generate(actor=demo_users["laishui"], year=YEAR)
    names = set(SiteReport.objects.filter(year=YEAR).values_list("website__name", flat=True))
    assert PORTAL in names and "保定市人民政府" not in names and result["sites"] == len(names)
    with pytest.raises(NotAllowed):
        services.generate(actor=demo_users["laishui_jyj"], year=YEAR)


def test_scope_of_the_list(demo_users):
    services.generate(actor=demo_users["guoban"], year=YEAR)
    mine = selectors.site_reports(demo_users["laishui_lsz"], year=YEAR)
    assert [r.website.name for r in mine] == ["涞水镇人民政府网站"]
    below_baoding = selectors.site_reports(demo_users["baoding"], year=YEAR)
    assert PORTAL in {r.website.name for r in below_baoding}
    hebei_site = SiteReport.objects.get(year=YEAR, website__name="河北省人民政府")
    with pytest.raises(NotFound):
        selectors.site_report(demo_users["baoding"], hebei_site.pk)


def test_deadline_phase_late_publication_and_reminders(demo_users):
    guoban, laishui = demo_users["guoban"], demo_users["laishui"]
    with pytest.raises(NotAllowed):
        services.set_deadline(actor=laishui, year=YEAR)
    phase = services.set_deadline(actor=guoban, year=YEAR)
    assert (phase.kind, phase.opens_on, phase.closes_on) == (Phase.Kind.ANNUAL, date(YEAR, 12, 1), date(YEAR + 1, 1, 31))
    services.generate(actor=guoban, year=YEAR)
    before = Message.objects.filter(kind=Message.Kind.REMIND_ANNUAL).count()
    units, _ = services.remind(actor=demo_users["baoding"], year=YEAR)
    sent = Message.objects.filter(kind=Message.Kind.REMIND_ANNUAL)[: units]
    assert units >= 2 and Message.objects.filter(kind=Message.Kind.REMIND_ANNUAL).count() == before + units
    assert all(f"{YEAR + 1}年1月31日" in m.body for m in sent)
    report = SiteReport.objects.get(year=YEAR, website__name=PORTAL)
    services.save_values(actor=laishui, report=report, data=complete(report.values))
    services.submit(actor=laishui, report=report)
    services.approve(actor=demo_users["baoding"], report=report)
    with time_machine.travel(date(YEAR + 1, 2, 3)):
        published = services.publish(actor=laishui, report=report)
    assert published.is_late


def test_newmedia_accounts_are_the_live_approved_ones(demo_users):
    from sitecensus.newmedia.models import MediaAccount

    accounts = MediaAccount.objects.filter(status=MediaAccount.Status.APPROVED)
    live = accounts.filter(life=MediaAccount.Life.OPEN).first()
    listed = sources.newmedia_accounts([live.unit_id])[live.unit_id]
    assert f"{live.name}（{live.platform}）" in listed
    gone = accounts.filter(life__in=[MediaAccount.Life.CLOSED, MediaAccount.Life.CANCELLED]).first()
    if gone is not None:
        assert f"{gone.name}（{gone.platform}）" not in sources.newmedia_accounts([gone.unit_id]).get(gone.unit_id, [])


def test_accountability_is_the_spot_checks_records(demo_users):
    from sitecensus.registry.models import Website
    from sitecensus.spotcheck.models import Accountability

    hebei = demo_users["hebei"]
    assert sources.accountability_counts(hebei.unit, YEAR) == {"total": 0, "by_measure": {}}
    site = Website.objects.filter(unit__path__startswith=hebei.unit.path, site_code__isnull=False).first()
    for measure, persons in (("约谈", 2), ("通报批评", 1)):
        Accountability.objects.create(website=site, unit=site.unit, measure=measure, persons=persons,
                                      decided_at=date(YEAR, 5, 1), recorded_by=hebei, recorder_unit=hebei.unit)
    assert sources.accountability_counts(hebei.unit, YEAR) == {"total": 3, "by_measure": {"约谈": 1, "通报批评": 1}}
    assert sources.accountability_counts(hebei.unit, YEAR + 1)["total"] == 0
