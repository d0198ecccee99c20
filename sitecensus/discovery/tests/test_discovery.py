"""Discovery's services on a synthetic web on 127.0.0.1 (host maps only, no DNS): every unregistered
government site linked from a registered one, reached by a redirect, found only by a DNS guess or listed
in an imported file is found and attributed; no non-government host is proposed; decisions are audited
and counted; a second pass proposes nothing already decided unless its evidence changed."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sitecensus.audit.models import AuditEvent
from sitecensus.core.errors import InvalidInput, InvalidState, NotAllowed
from sitecensus.discovery import imports, selectors, services
from sitecensus.discovery.models import Candidate, Source
from sitecensus.discovery.testing import DOMAIN, DiscoveryWeb, register
from sitecensus.inbox.models import Message
from sitecensus.orgs.models import Unit
from sitecensus.registry import selectors as registry_selectors
from sitecensus.registry import services as registry_services
from sitecensus.registry.models import Website, WebsiteDomain
from sitecensus.scanner import services as scanner
from sitecensus.scanner.engine.testing.synthetic import serve_in_thread
from sitecensus.scanner.models import Probe

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(settings):
    with serve_in_thread(DiscoveryWeb()) as w:
        settings.SCANNER_HOST_MAP = w.host_map()
        settings.SCANNER_ALLOW_PRIVATE = True
        settings.SCANNER_TIMEOUT = 20  # a budget a loaded machine meets (no site here hangs)
        settings.DISCOVERY_SYSTEM_DNS = False  # host map only: no name reaches a resolver
        yield w


@pytest.fixture
def registered(web, demo_users):
    office = Unit.objects.get(name="涞水县人民政府办公室")
    sites = register(web, office, office)
    scanner.scan([s.pk for s in sites])
    return sites


def by_key(web):
    return {c.key.split(":")[0]: c for c in Candidate.objects.filter(kind=Candidate.Kind.NEW)}


def import_list(web, user):
    named, skipped = imports.parse_list("专栏名单.csv", web.import_csv())
    services.import_named(actor=user, named=named, filename="专栏名单.csv")
    services.read_and_attribute()
    return skipped


def test_every_unregistered_site_is_found_attributed_and_no_other_host(web, registered, demo_users):
    result = services.run_discovery(actor=demo_users["guoban"])
    skipped = import_list(web, demo_users["hebei"])
    assert skipped["non_government"] == [4]
    found = by_key(web)
    assert set(found) == set(web.expected())
    for host, (source, kind) in web.expected().items():
        c = found[host]
        assert source in set(c.sources.values_list("kind", flat=True)), host
        assert c.attribution == kind, (host, c.attribution_reason)
        assert c.status == Candidate.Status.PROPOSED and c.organizer is not None
    for host in web.never() + [h for h, _n, _c in web.registered()]:
        assert host not in found
    # Attribution: the same site on another domain, a unit's organizing unit, the province by domain.
    assert found[f"new.{DOMAIN}"].site.site_code == "1306239902"
    assert found[f"jyj.{DOMAIN}"].unit.name == "涞水县教育局"
    assert found[f"jyj.{DOMAIN}"].organizer.name == "涞水县人民政府办公室"
    assert found["sthj.bdtest.gov.cn"].organizer.name == "保定市人民政府办公室"
    # No provincial office for Shanxi in the tree: its host's province has nobody, so 国办 decides.
    assert found["wangban.shanxi.gov.cn"].organizer.name == "国务院办公厅"
    assert found[f"tousu.{DOMAIN}"].organizer.name == "涞水县人民政府办公室"
    assert found[f"zwfw.{DOMAIN}"].evidence["sponsor"] == "涞水县卫生健康局"
    assert result["read"]["read"] >= 4 and AuditEvent.objects.filter(action="discovery_run").exists()
    # Every source is kept with when: the DNS guess and the link both named jyj.
    assert {"link", "dns"} <= set(found[f"jyj.{DOMAIN}"].sources.values_list("kind", flat=True))


def test_guesses_resolve_through_the_host_map_only(web, demo_users):
    """A DNS guess asks the scanner's host map (the synthetic web on loopback) and nothing else
    (DISCOVERY_SYSTEM_DNS off): of the common host names under every registered domain (the demo's
    and the web's), only those the map names are candidates, at the map's address. Had a guess
    reached the system's resolver, the hermetic guard would fail this test."""
    office = Unit.objects.get(name="涞水县人民政府办公室")
    register(web, office, office)
    result = services.guess_dns()
    guessed = {source.candidate.key.split(":")[0]: source.detail
               for source in Source.objects.filter(kind=Source.Kind.DNS).select_related("candidate")}
    assert result["domains"] > 1  # the demo's domains were guessed under too
    assert {f"zwfw.{DOMAIN}", f"jyj.{DOMAIN}"} <= set(guessed) <= set(web.host_map())
    assert all(detail.endswith("解析到 127.0.0.1") for detail in guessed.values())


def test_decisions_are_audited_counted_and_not_proposed_again(web, registered, demo_users,
                                                                django_capture_on_commit_callbacks):
    services.run_discovery(actor=demo_users["guoban"])
    import_list(web, demo_users["hebei"])
    found = by_key(web)
    laishui, guoban = demo_users["laishui"], demo_users["guoban"]
    services.decide(actor=laishui, candidate=found[f"new.{DOMAIN}"], decision="registered")
    with pytest.raises(InvalidState):  # 已登记 needs the site: none proposed for a unit's candidate
        services.decide(actor=laishui, candidate=found[f"jyj.{DOMAIN}"], decision="registered")
    with pytest.raises(InvalidInput, match="9999999999"):
        services.decide(actor=laishui, candidate=found[f"jyj.{DOMAIN}"], decision="registered",
                        site_code="9999999999")
    with pytest.raises(NotAllowed):  # the national office's candidate is not the county's to decide
        services.decide(actor=laishui, candidate=found["wangban.shanxi.gov.cn"], decision="not_government")
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(actor=laishui, candidate=found[f"jyj.{DOMAIN}"], decision="to_report", note="请教育局报送")
    services.decide(actor=guoban, candidate=found["sthj.bdtest.gov.cn"], decision="counterfeit")
    services.decide(actor=guoban, candidate=found["wangban.shanxi.gov.cn"], decision="not_government")
    services.decide(actor=laishui, candidate=found[f"tousu.{DOMAIN}"], decision="not_government")
    services.decide(actor=laishui, candidate=found[f"zwfw.{DOMAIN}"], decision="to_report")
    services.decide(actor=laishui, candidate=found[f"gongbao.{DOMAIN}"], decision="registered",
                    site_code="1306239901")
    assert Candidate.objects.filter(status=Candidate.Status.PROPOSED).count() == 0
    # 已登记 opens a change request adding the host as the site's 其他域名, through the review chain.
    check_domain_changes(web, demo_users, found, registered)
    for event in ("discovery_registered", "discovery_report_required", "discovery_counterfeit",
                  "discovery_not_government"):
        assert AuditEvent.objects.filter(action=event).exists(), event
    # 需报送: the unit is reminded and the figure counts in the inventory progress.
    message = Message.objects.get(kind=Message.Kind.DISCOVERY_REPORT, unit__name="涞水县教育局")
    assert f"jyj.{DOMAIN}" in message.body
    office = Unit.objects.get(name="涞水县人民政府办公室")
    assert selectors.to_report_count(office) == 2
    assert selectors.to_report_count(demo_users["guoban"].unit) == 2
    year = timezone.now().year
    assert selectors.counterfeit_counts(demo_users["hebei"].unit, year) == {
        "total": 1, "by_organizer": {"保定市人民政府办公室": 1}}
    assert selectors.counterfeit_counts(demo_users["hebei"].unit, year - 1)["total"] == 0

    # A second scan and pass: the same evidence proposes nothing already decided.
    scanner.scan([s.pk for s in registered])
    services.run_discovery(actor=guoban)
    import_list(web, demo_users["hebei"])
    assert Candidate.objects.filter(status=Candidate.Status.PROPOSED).count() == 0
    # Changed evidence (a new sponsor in the footer) proposes it again, audited.
    web.pages[f"zwfw.{DOMAIN}"] = web.pages[f"zwfw.{DOMAIN}"].replace("涞水县卫生健康局", "涞水县文化广电和旅游局")
    services.run_discovery(actor=guoban)
    assert list(Candidate.objects.filter(status=Candidate.Status.PROPOSED).values_list("key", flat=True)) == [
        f"zwfw.{DOMAIN}:{web.port}"]
    assert AuditEvent.objects.filter(action="discovery_reopened").exists()


def approve_through_the_chain(users, site):
    """Each organizing unit in the chain approves in turn (the operator of the unit the record waits at)."""
    by_unit = {users[name].unit_id: users[name] for name in ("laishui", "baoding", "hebei")}
    while site.status == Website.Status.SUBMITTED:
        site = registry_services.approve(actor=by_unit[site.pending_at_id], website=site)
    return site


def check_domain_changes(web, users, found, registered):
    old, www = sorted(registered, key=lambda s: s.site_code, reverse=True)  # 1306239902 (old.), 1306239901
    for candidate, site in ((found[f"new.{DOMAIN}"], old), (found[f"gongbao.{DOMAIN}"], www)):
        candidate.refresh_from_db()
        site.refresh_from_db()
        assert candidate.change_version == site.version and site.status == Website.Status.SUBMITTED
        version = site.versions.get(number=candidate.change_version)
        assert version.source == "change" and candidate.key in version.data["other_domains"]
        assert candidate.key in version.note
        # Not yet the site's: the domain is the site's only once the change is approved.
        assert not WebsiteDomain.objects.filter(website=site, key=candidate.key).exists()
        assert selectors.domain_change(candidate) == "变更待审"
        client = Client()
        client.force_login(users["laishui"])
        page = client.get(reverse("discovery:candidate", args=[candidate.pk])).content.decode()
        assert "变更待审" in page and f"/sites/{site.pk}/versions/{candidate.change_version}/" in page
    site = approve_through_the_chain(users, old)
    assert site.status == Website.Status.APPROVED and f"new.{DOMAIN}:{web.port}" in site.data["other_domains"]
    assert WebsiteDomain.objects.filter(website=site, key=f"new.{DOMAIN}:{web.port}",
                                        field="other_domains").exists()
    assert selectors.domain_change(found[f"new.{DOMAIN}"]) == "变更已通过"
    registry_services.return_record(actor=users["laishui"], website=www, reason="该域名不是本网站的")
    assert selectors.domain_change(found[f"gongbao.{DOMAIN}"]) == "变更已退回"
    assert not WebsiteDomain.objects.filter(website=www, key=found[f"gongbao.{DOMAIN}"].key).exists()


def test_registered_with_a_host_the_site_already_files_opens_no_change(web, registered, demo_users):
    site = registered[0]
    key = site.domains.get(field="homepage_url").key
    candidate = Candidate.objects.create(kind=Candidate.Kind.NEW, key=key, url=site.homepage_url, site=site,
                                         organizer=site.organizer)
    services.decide(actor=demo_users["laishui"], candidate=candidate, decision="registered")
    candidate.refresh_from_db()
    site.refresh_from_db()
    assert candidate.status == Candidate.Status.REGISTERED and candidate.change_version is None
    assert site.status == Website.Status.APPROVED and selectors.domain_change(candidate) == ""


def test_registered_is_refused_whole_while_the_site_has_a_change_in_review(web, registered, demo_users):
    site = registered[0]
    registry_services.request_change(actor=demo_users["laishui"], website=site,
                                     filing=registry_services.Filing(basic=dict(site.data, principal_name="王五")))
    candidate = Candidate.objects.create(kind=Candidate.Kind.NEW, key=f"xin.{DOMAIN}", url=f"http://xin.{DOMAIN}/",
                                         site=site, organizer=site.organizer)
    with pytest.raises(InvalidState, match=f"{site.site_code}.*xin.{DOMAIN}"):
        services.decide(actor=demo_users["laishui"], candidate=candidate, decision="registered")
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.PROPOSED and candidate.change_version is None


def test_registered_sites_silent_for_six_months_are_proposed_for_closure(demo_users):
    now = timezone.now()
    silent, alive = list(registry_selectors.Website.objects.filter(site_code__isnull=False).order_by("pk")[:2])
    for site, recent_ok in ((silent, False), (alive, True)):
        Probe.objects.bulk_create([
            Probe(website=site, at=now - timedelta(days=200), success=False, error="dns"),
            Probe(website=site, at=now - timedelta(days=3), success=recent_ok, error="" if recent_ok else "dns")])
    services.propose_closures(now=now)
    proposed = Candidate.objects.get(kind=Candidate.Kind.SILENT)
    assert proposed.site == silent and proposed.organizer == silent.organizer
    assert proposed.evidence["last_error"] == "dns"
    with pytest.raises(InvalidState):
        services.decide(actor=demo_users["guoban"], candidate=proposed, decision="not_government")
    services.decide(actor=demo_users["guoban"], candidate=proposed, decision="closure_review")
    services.propose_closures(now=now)  # the same silence: not proposed again
    assert Candidate.objects.get(kind=Candidate.Kind.SILENT).status == Candidate.Status.CLOSURE_REVIEW


@pytest.mark.parametrize("filename, content, words", [
    ("名单.csv", "网址\nhttp://a.gov.cn/\n\n有 空格.gov.cn\nmailto:x@y.gov.cn\n".encode(),
     ["名单.csv", "第 4 行", "A 列", "第 5 行"]),
    ("名单.csv", "名称,地址\n甲,a.gov.cn\n".encode(), ["名单.csv", "第 1 行", "网址"]),
    ("名单.pdf", b"%PDF", ["名单.pdf", "CSV"]),
    ("名单.xlsx", b"not a workbook", ["名单.xlsx", "Excel"]),
    ("名单.csv", "名称,网址\n甲,\n".encode(), ["第 2 行 B 列（网址）", "网址为空"]),
])
def test_a_bad_list_is_refused_whole_naming_file_row_and_column(filename, content, words, demo_users):
    with pytest.raises(InvalidInput) as refused:
        imports.parse_list(filename, content)
    for word in words:
        assert word in refused.value.message
    assert not Candidate.objects.exists()


def test_an_excel_list_and_a_certificate_wildcard(demo_users):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["common_name", "备注"])
    book.active.append(["*.ggzy.hebei.gov.cn", "证书透明日志"])
    book.active.append(["www.google.com", ""])
    data = io.BytesIO()
    book.save(data)
    named, skipped = imports.parse_list("ct.xlsx", data.getvalue())
    assert [n.key for n in named] == ["ggzy.hebei.gov.cn"] and skipped["non_government"] == [3]
    services.import_named(actor=demo_users["hebei"], named=named, filename="ct.xlsx")
    source = Source.objects.get()
    assert source.kind == "import" and source.detail == "ct.xlsx 第 2 行" and source.imported_by.name == "河北省人民政府办公厅"


def test_pages_keyset_excel_scope_and_progress_figure(demo_users):
    from sitecensus.scanner.engine.discover import Named

    named = [Named(f"s{i}.hebei.gov.cn", f"http://s{i}.hebei.gov.cn/", "import", "x") for i in range(60)]
    services.record_named(named)
    hebei = Unit.objects.get(name="河北省人民政府办公厅")
    Candidate.objects.update(organizer=hebei)
    Candidate.objects.filter(key="s0.hebei.gov.cn").update(organizer=demo_users["jiaoyubu"].unit)
    client = Client()
    client.force_login(demo_users["hebei"])
    first = client.get(reverse("discovery:queue"))
    assert first.status_code == 200 and first.context["page"].next_after
    second = client.get(reverse("discovery:queue"), {"after": first.context["page"].next_after})
    assert second.context["page"].is_keyset and len(second.context["page"]) == 9  # 59 visible: 50 + 9
    export = client.get(reverse("discovery:queue"), {"export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(reverse("discovery:candidate", args=[Candidate.objects.get(key="s0.hebei.gov.cn").pk])) \
        .status_code == 404
    reporter = Client()
    reporter.force_login(demo_users["laishui_jyj"])
    assert reporter.get(reverse("discovery:queue")).status_code == 403
    Candidate.objects.filter(key="s1.hebei.gov.cn").update(status=Candidate.Status.TO_REPORT)
    progress = client.get(reverse("registry:progress"))
    assert ("发现未报送网站（需报送）", 1, "discovery-to-report") in progress.context["more_figures"]


def test_a_non_government_or_registered_host_never_enters_the_queue(demo_users):
    from sitecensus.scanner.engine.discover import Named

    services.record_named([Named("www.example.com", "http://www.example.com/", "link", "x"),
                           Named("www.laishui.gov.cn", "http://www.laishui.gov.cn/", "link", "x")])
    assert not Candidate.objects.exists()


def test_collection_upserts_keep_first_and_last_seen_per_source(demo_users):
    """The set-based upserts: a candidate made once however often it is named, each source kept once with
    the first time it named the host (never moved) and the last (moved), the made ones counted."""
    from sitecensus.scanner.engine.discover import Named

    t1 = timezone.now() - timedelta(days=3)
    t2, t3 = t1 + timedelta(days=1), t1 + timedelta(days=2)
    first = [Named("a.bd.gov.cn", "http://a.bd.gov.cn/", "link", "www.x.gov.cn"),
             Named("a.bd.gov.cn", "http://a.bd.gov.cn/", "link", "www.x.gov.cn"),  # named twice in one chunk
             Named("a.bd.gov.cn", "http://a.bd.gov.cn/", "redirect", "www.y.gov.cn"),
             Named("b.bd.gov.cn", "http://b.bd.gov.cn/", "link", "www.x.gov.cn")]
    assert services.record_named(first, now=t1) == {"new": 2, "named": 3}
    assert services.record_named([Named("a.bd.gov.cn", "http://a.bd.gov.cn/", "link", "www.x.gov.cn"),
                                  Named("c.bd.gov.cn", "http://c.bd.gov.cn/", "dns", "c 解析到 127.0.0.1")],
                                 now=t2) == {"new": 1, "named": 2}
    hebei = demo_users["hebei"].unit
    assert services.record_named([Named("b.bd.gov.cn", "http://b.bd.gov.cn/", "import", "名单.csv 第 2 行")],
                                 imported_by=hebei, now=t3) == {"new": 0, "named": 1}
    a = Candidate.objects.get(kind=Candidate.Kind.NEW, key="a.bd.gov.cn")
    b = Candidate.objects.get(kind=Candidate.Kind.NEW, key="b.bd.gov.cn")
    assert (a.first_seen, a.last_seen, a.status, a.url) == (t1, t2, Candidate.Status.PROPOSED, "http://a.bd.gov.cn/")
    assert (b.first_seen, b.last_seen) == (t1, t3)
    seen = {(s.kind, s.detail): (s.first_seen, s.last_seen) for s in a.sources.all()}
    assert seen == {("link", "www.x.gov.cn"): (t1, t2), ("redirect", "www.y.gov.cn"): (t1, t1)}
    listed = b.sources.get(kind="import")
    assert (listed.first_seen, listed.last_seen, listed.imported_by) == (t3, t3, hebei)
    assert Candidate.objects.filter(kind=Candidate.Kind.NEW).count() == 3 and Source.objects.count() == 5
