"""The Django side of the scanner against a real local synthetic government web."""

from datetime import datetime, timedelta, timezone as dt_timezone

import pytest
from django.core.management import call_command

from sitecensus.registry.models import Website
from sitecensus.scanner import schedule, services
from sitecensus.scanner.engine.testing.synthetic import AS_OF, SyntheticWeb, serve_in_thread
from sitecensus.scanner.models import ColumnScan, Probe, SiteScan, Suggestion
from sitecensus.scanner.testing import register_synthetic
from sitecensus.scoring import services as scoring_services

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def web():
    synthetic = SyntheticWeb(n_sites=4, seed=7, bad_kinds=["hang", "reset"], slow_s=0.2)
    with serve_in_thread(synthetic) as running:
        yield running


@pytest.fixture
def sites(web, settings, demo_users):
    settings.SCANNER_HOST_MAP = web.host_map()
    settings.SCANNER_ALLOW_PRIVATE = True
    settings.SCANNER_TIMEOUT = 10  # outlasts a loaded machine; also how long the hanging site holds each scan
    return register_synthetic(web, demo_users["laishui_lsz"].unit, demo_users["laishui"].unit)


@pytest.fixture
def answering(web, sites):
    """The sites but the hanging one, for tests that assert nothing of it: each scan or probe of that
    site waits out SCANNER_TIMEOUT (the truth test below waits once; the scheduler's, shortly)."""
    return [site for site in sites if web.truth(site.site_code).kind != "hang"]


def test_scan_stores_history_that_matches_the_truth(web, sites):
    run = services.scan([s.pk for s in sites], as_of=AS_OF)
    assert (run.status, run.total, ScanRun_done(run)) == ("done", len(sites), len(sites))
    for site in sites:
        truth = web.truth(site.site_code)
        scan = SiteScan.objects.get(website=site)
        assert scan.reachable == truth.reachable, truth.kind
        assert scan.latest_date == truth.latest_date, truth.kind
        assert scan.stale == truth.homepage_stale, truth.kind
        for column in ColumnScan.objects.filter(site_scan=scan):
            cid = column.url.rsplit("/", 2)[1]
            if cid in truth.columns:
                expected = truth.columns[cid]
                assert (column.blank, column.stale, column.latest_date) == (
                    expected.blank, expected.stale, expected.latest_date), (truth.kind, column.url)
                assert column.column_id is not None  # linked to the registered column: a time series per column
        if truth.dead_links:
            assert scan.dead_link_count >= 1
    # A second scan adds history; nothing is overwritten.
    services.scan([sites[0].pk], as_of=AS_OF)
    assert SiteScan.objects.filter(website=sites[0]).count() == 2


def ScanRun_done(run):
    run.refresh_from_db()
    return run.done


def test_findings_become_suggestions(web, answering):
    services.scan([s.pk for s in answering], as_of=AS_OF)
    for site in answering:
        truth = web.truth(site.site_code)
        codes = set(Suggestion.objects.filter(website=site).values_list("indicator", flat=True))
        if "网站不更新" in truth.vetoes:
            assert "V2" in codes
        if "栏目不更新" in truth.vetoes:
            assert "V3" in codes
        if truth.dead_links:
            assert "A2" in codes or "A3" in codes


def test_inspector_accepts_or_rejects_one_by_one(web, answering, demo_users):
    services.scan([s.pk for s in answering], as_of=AS_OF)
    site = next(s for s in answering if Suggestion.objects.filter(website=s).count() >= 2)
    first, second = list(services.pending_suggestions(site))[:2]
    laishui = demo_users["laishui"]
    with pytest.raises(Exception, match="请先由检查单位开始检查打分"):
        services.decide(actor=laishui, suggestion=first, accept=True)
    card = _inspection(demo_users["laishui_lsz"], laishui, site)
    services.decide(actor=laishui, suggestion=first, accept=True)
    with pytest.raises(Exception, match="请填写原因"):
        services.decide(actor=laishui, suggestion=second, accept=False)
    services.decide(actor=laishui, suggestion=second, accept=False, reason="扫描时网站正在维护")
    entries = {e.indicator: e for e in card.entries.all()}
    assert first.indicator in entries and second.indicator not in entries
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("accepted", "rejected")
    with pytest.raises(Exception, match="已处理"):
        services.decide(actor=laishui, suggestion=first, accept=True)


def _inspection(owner, inspector, site):
    self_card = scoring_services.open_self_check(actor=owner, website=site)
    scoring_services.submit_card(actor=owner, card=self_card, raw_entries={})
    return scoring_services.open_inspection(actor=inspector, website=site)


def test_probes_and_the_availability_window(web, answering, settings):
    good = answering[0]
    services.probe([s.pk for s in answering], round_id="r1", vantage="电信")
    assert Probe.objects.filter(round="r1").count() == len(answering)
    assert Probe.objects.get(website=good, round="r1").success
    early = services.availability(good)
    assert early.verdict != "veto" and not early.sufficient  # one round is no week of monitoring
    # A full week, 20 probes a day, 10 % failing: a veto.
    end = datetime.now(dt_timezone.utc)
    rows = [Probe(website=good, at=end - timedelta(minutes=72 * i), round=f"w{i}", success=i % 10 != 0)
            for i in range(7 * 20)]
    Probe.objects.bulk_create(rows)
    verdict = services.availability(good, end=end)
    assert verdict.verdict == "veto" and round(verdict.failure_share, 2) == 0.1
    suggestion = services.suggest_availability(good)
    assert suggestion.indicator == "V1" and suggestion.entry["veto"] is True


def test_failures_count_only_when_vantage_points_agree(sites, settings):
    site = sites[0]
    end = datetime.now(dt_timezone.utc)
    rows = []
    for i in range(7 * 20):
        at = end - timedelta(minutes=72 * i)
        rows.append(Probe(website=site, at=at, round=f"a{i}", vantage="电信", success=i % 10 != 0))
        rows.append(Probe(website=site, at=at, round=f"a{i}", vantage="联通", success=True))
    Probe.objects.bulk_create(rows)
    settings.AVAILABILITY_REQUIRE_AGREEMENT = False
    assert services.availability(site, end=end).failures > 0
    settings.AVAILABILITY_REQUIRE_AGREEMENT = True
    assert services.availability(site, end=end).failures == 0


def test_schedule_spreads_probes(settings):
    settings.PROBES_PER_DAY = 24
    interval = schedule.probe_interval()
    ids = list(range(1, 2001))
    start = datetime(2026, 1, 1, tzinfo=dt_timezone.utc)
    counts = {i: 0 for i in ids}
    per_hour = []
    for hour in range(24):
        window = schedule.due(ids, start + timedelta(hours=hour), start + timedelta(hours=hour + 1), interval)
        per_hour.append(len(window))
        for i in window:
            counts[i] += 1
    assert set(counts.values()) == {24}  # every site 24 times a day (≥ 20)
    ten_minutes = schedule.due(ids, start, start + timedelta(minutes=10), interval)
    assert 250 < len(ten_minutes) < 420  # spread: about 1/6 of the sites in any 10 minutes


def test_scheduler_runs_embedded(web, sites, settings, hosts_on_loopback):
    settings.PROBES_PER_DAY = 1440  # every site due each minute, so one tick probes all
    # The hanging site's probe is a failure once the timeout passes; the test counts probes, not successes.
    settings.SCANNER_TIMEOUT = 2
    hosts_on_loopback(web.host_map())  # the demo's sites are due too: onto loopback, never resolved
    call_command("run_scheduler", "--once", "--tick", "60")
    assert Probe.objects.filter(website__in=sites).count() == len(sites)


def test_scan_command(sites, capsys):
    call_command("scan_sites", sites[0].site_code)
    assert "完成" in capsys.readouterr().out
    with pytest.raises(Exception, match="网站标识码不存在"):
        call_command("scan_sites", "0000000000")


def test_targets_come_from_the_column_form(sites):
    target = services.target_of(sites[0])
    assert target["homepage"] == sites[0].homepage_url
    assert all(c["class"] != "在线系统" for c in target["columns"])
    assert target["systems"] == list(Website.objects.get(pk=sites[0].pk).columns.filter(
        column_class="在线系统").values_list("url", flat=True))


def test_site_page_charts_and_suggestions_on_the_card(client, web, sites, demo_users):
    services.scan([sites[0].pk], as_of=AS_OF)
    client.force_login(demo_users["laishui"])
    page = client.get(f"/scans/site/{sites[0].pk}/").content.decode()
    assert 'data-chart="chart-availability"' in page and "echarts.min.js" in page and "栏目更新" in page
    client.force_login(demo_users["hebei_jyt"])
    assert client.get(f"/scans/site/{sites[0].pk}/").status_code == 404
    if Suggestion.objects.filter(website=sites[0]).exists():
        card = _inspection(demo_users["laishui_lsz"], demo_users["laishui"], sites[0])
        client.force_login(demo_users["laishui"])
        page = client.get(f"/checks/card/{card.pk}/").content.decode()
        assert "系统扫描发现" in page
        suggestion = Suggestion.objects.filter(website=sites[0]).first()
        response = client.post(f"/scans/suggestion/{suggestion.pk}/", {"accept": "1", "back": "card"})
        assert response.status_code == 302 and response["Location"] == f"/checks/card/{card.pk}/"


@pytest.mark.django_db(transaction=True)
def test_scan_now_runs_in_the_background(client, web, settings, live_demo):
    """The scan runs in another thread with its own connection: committed data only."""
    from sitecensus.core.testing import wait_until

    from sitecensus.accounts.models import User

    demo_users = {u.username: u for u in User.objects.select_related("unit")}
    settings.SCANNER_HOST_MAP = web.host_map()
    settings.SCANNER_ALLOW_PRIVATE = True
    sites = register_synthetic(web, demo_users["laishui_lsz"].unit, demo_users["laishui"].unit)
    client.force_login(demo_users["laishui"])
    response = client.post(f"/scans/site/{sites[0].pk}/scan/")
    assert response.status_code == 302
    status_url = response["Location"].rstrip("/") + ".json"
    seen = []

    def finished():
        seen.append(client.get(status_url).json())
        return seen[-1]["status"] != "running"

    assert wait_until(finished, 300), seen[-1]  # a budget for a loaded machine; done at once when done
    status = seen[-1]
    assert status["status"] == "done" and status["done"] == 1
    client.force_login(demo_users["baoding"])
    assert client.get(status_url).status_code == 404


def test_suggestions_carry_evidence_and_undetermined_goes_to_a_person(client, web, answering, demo_users):
    services.scan([s.pk for s in answering], as_of=AS_OF)
    for site in answering:
        truth = web.truth(site.site_code)
        for s in Suggestion.objects.filter(website=site):
            assert s.evidence and all(e.get("url") for e in s.evidence), (s.indicator, truth.kind)
            if s.indicator == "V2":
                e = s.evidence[0]
                assert e["date"] == truth.latest_date.isoformat() and e["source_label"]
    # A check the scanner could not judge: listed for a person on the inspection card, never a suggestion.
    site = answering[0]
    scan = SiteScan.objects.filter(website=site).order_by("-at").first()
    scan.summary = {**scan.summary, "undetermined": [
        {"check": "column", "url": "http://example.gov.test/col/x/", "reason": "no_dated_list",
         "message": "未能识别带日期的信息列表", "name": "通知公告"}]}
    scan.save()
    card = _inspection(demo_users["laishui_lsz"], demo_users["laishui"], site)
    client.force_login(demo_users["laishui"])
    page = client.get(f"/checks/card/{card.pk}/").content.decode()
    assert 'data-testid="undetermined"' in page and "无法判定：未能识别带日期的信息列表" in page
    if Suggestion.objects.filter(website=site, status="pending").exists():
        assert 'data-testid="evidence"' in page
