"""摸清底数 in the browser, on a synthetic web on 127.0.0.1: unregistered sites linked from registered ones,
one reached by a redirect, one found only by a DNS guess (host map), two listed in an imported file — every
one found, attributed and decided through the pages; no non-government host proposed; a second run
proposes nothing already decided."""

from concurrent.futures import ThreadPoolExecutor

from django.db import connection
from playwright.sync_api import expect

from sitecensus.discovery.models import Candidate
from sitecensus.discovery.testing import DOMAIN, DiscoveryWeb, register
from sitecensus.orgs.models import Unit
from sitecensus.portal.demo import DEMO_PASSWORD
from sitecensus.scanner import services as scanner
from sitecensus.scanner.engine.testing.synthetic import serve_in_thread

from .conftest import login

DECISIONS = {  # host → (who decides, decision)
    f"new.{DOMAIN}": ("laishui", "registered"), f"gongbao.{DOMAIN}": ("laishui", "registered"),
    f"jyj.{DOMAIN}": ("laishui", "to_report"), f"zwfw.{DOMAIN}": ("laishui", "to_report"),
    f"tousu.{DOMAIN}": ("laishui", "not_government"), "sthj.bdtest.gov.cn": ("baoding", "counterfeit"),
    "wangban.shanxi.gov.cn": ("guoban", "not_government"),
}


def scan(sites):
    """The registered sites' scans (their links and redirects are what discovery reads), run off the
    browser's thread (Playwright keeps an event loop in this one)."""
    def work():
        try:
            scanner.scan([s.pk for s in sites])
        finally:
            connection.close()
    with ThreadPoolExecutor(1) as pool:
        pool.submit(work).result()


def run_discovery(page, site):
    page.goto(f"{site}/discovery/")
    page.get_by_test_id("discovery-run").click()
    page.wait_for_url("**/discovery/?status=proposed")


def test_unregistered_sites_found_attributed_and_decided_in_the_browser(page, site, settings, tmp_path):
    with serve_in_thread(DiscoveryWeb()) as web:
        settings.SCANNER_HOST_MAP = web.host_map()
        settings.SCANNER_ALLOW_PRIVATE = True
        settings.SCANNER_TIMEOUT = 20  # a budget a loaded machine meets (no site here hangs)
        settings.DISCOVERY_SYSTEM_DNS = False  # the host map answers every guess: no resolver is asked
        office = Unit.objects.get(name="涞水县人民政府办公室")
        sites = register(web, office, office)
        scan(sites)

        login(page, site, "guoban", DEMO_PASSWORD)
        page.click("nav.mainnav >> text=摸清底数")
        run_discovery(page, site)
        page.get_by_test_id("discovery-upload").click()
        listing = tmp_path / "年度报表专栏名单.csv"
        listing.write_bytes(web.import_csv())
        page.get_by_test_id("upload-file").set_input_files(str(listing))
        page.get_by_test_id("upload-submit").click()
        page.wait_for_url("**/discovery/")
        expect(page.locator("ul.messages")).to_contain_text("非政府网站域名未导入：第 4 行")

        queue = page.get_by_test_id("discovery-queue")
        for host in web.expected():
            expect(queue).to_contain_text(host)
        for host in web.never():
            expect(queue).not_to_contain_text(host)
        with page.expect_download() as export:
            page.get_by_test_id("discovery-export").click()
        assert export.value.suggested_filename.endswith(".xlsx")

        # Attribution shown with its evidence: the same site on another domain → 其他域名.
        queue.get_by_role("link", name=f"new.{DOMAIN}:{web.port}").click()
        expect(page.get_by_test_id("candidate-site")).to_contain_text("1306239902")
        expect(page.get_by_test_id("candidate-site")).to_contain_text("其他域名")
        expect(page.get_by_test_id("candidate-evidence")).to_contain_text("SiteIDCode")
        expect(page.get_by_test_id("candidate-sources")).to_contain_text("跳转目标")
        page.click("text=退出")

        for who in ("laishui", "baoding", "guoban"):
            login(page, site, who, DEMO_PASSWORD)
            for host, (decider, decision) in DECISIONS.items():
                if decider != who:
                    continue
                page.goto(f"{site}/discovery/?status=proposed")
                page.get_by_test_id("discovery-queue").get_by_role("link", name=f"{host}:{web.port}").click()
                page.get_by_test_id("decide-form").locator(f"input[value={decision}]").check()
                page.get_by_test_id("decide").click()
                page.wait_for_url("**/discovery/?status=proposed")
                expect(page.get_by_test_id("discovery-queue")).not_to_contain_text(host)
            page.click("text=退出")

        assert set(Candidate.objects.values_list("status", flat=True)) <= set(Candidate.DECIDED)
        login(page, site, "laishui", DEMO_PASSWORD)
        # 已登记 opened a change request adding the host to the site's 其他域名, shown on the candidate.
        page.goto(f"{site}/discovery/?status=registered")
        page.get_by_test_id("discovery-queue").get_by_role("link", name=f"new.{DOMAIN}:{web.port}").click()
        expect(page.get_by_test_id("candidate-domain-change")).to_contain_text("变更待审")
        expect(page.get_by_test_id("candidate-domain-change")).to_contain_text(f"新增其他域名 new.{DOMAIN}")
        page.click("nav.mainnav >> text=进度")
        expect(page.get_by_test_id("discovery-to-report")).to_have_text("2")
        page.click("text=退出")

        # A second scan and run: nothing already decided is proposed again.
        scan(sites)
        login(page, site, "guoban", DEMO_PASSWORD)
        run_discovery(page, site)
        expect(page.get_by_test_id("count-proposed")).to_have_text("0")
        expect(page.get_by_test_id("discovery-queue")).to_contain_text("没有候选网站")
        expect(page.get_by_test_id("count-counterfeit")).to_have_text("1")
