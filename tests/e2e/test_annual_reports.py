"""Annual reports in the browser: a county portal's work report pre-filled, completed, approved,
published in the province's 专栏 and found linked from the site's homepage by the scanner; a
province's supervision report generated from two spot-check rounds, its figures adding up."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from sitecensus.accounts.models import User
from sitecensus.annual.testing import province_two_rounds
from sitecensus.portal.demo import DEMO_PASSWORD
from sitecensus.public.models import PublicReport
from sitecensus.registry.models import Website
from sitecensus.scanner.engine.testing.pages import PageServer
from sitecensus.scanner.models import ColumnScan, SiteScan
from sitecensus.spotcheck.services.notices import figures as batch_figures

from .conftest import login

YEAR = timezone.localdate().year
PORTAL = "涞水县人民政府"


def _known_to_the_system(site):
    """A scan of this year (items per column, messages) and one 找错 report."""
    scan = SiteScan.objects.create(website=site, at=timezone.now() - timedelta(days=3), as_of=timezone.localdate(),
                                   reachable=True, summary={"interaction": [{"messages_in_window": 4, "overdue": []}]})
    ColumnScan.objects.bulk_create([ColumnScan(site_scan=scan, name="工作动态", url=f"{site.homepage_url}/gzdt/",
                                               item_count=25),
                                    ColumnScan(site_scan=scan, name="通知公告", url=f"{site.homepage_url}/tzgg/",
                                               item_count=12)])
    PublicReport.objects.create(receipt="ZC-E2E-1", website=site, unit=site.unit, category="stale",
                                description="栏目长期不更新", deadline=timezone.localdate() + timedelta(days=5))


def _logout(page):
    page.click("text=退出")


def test_county_report_prefilled_completed_approved_published_and_linked(page, site, settings, hosts_on_loopback):
    settings.SCANNER_ALLOW_PRIVATE, settings.SCANNER_TIMEOUT = True, 3
    settings.ANNUAL_PUBLIC_BASE_URL = site
    portal = Website.objects.get(name=PORTAL)
    _known_to_the_system(portal)
    report_url = f"{site}/pucha/annual/{portal.site_code}/{YEAR}/"
    homepage = {"/": f"<html><head><meta charset='utf-8'><title>涞水县人民政府</title></head><body>"
                     f"<a href='/zwgk/'>政务公开</a><a href='/hdjl/'>互动交流</a>"
                     f"<a href='{report_url}'>{YEAR}年政府网站工作年度报表</a></body></html>"}
    with PageServer(homepage) as server:
        Website.objects.filter(pk=portal.pk).update(homepage_url=f"http://www.laishui.gov.cn:{server.port}/")
        hosts_on_loopback()

        # 涞水县 generates its sites' reports: the portal's comes pre-filled.
        login(page, site, "laishui", DEMO_PASSWORD)
        page.click("nav.mainnav >> text=年度报表")
        page.get_by_test_id("annual-generate").click()
        # Generation is a job: its progress page moves on to the list when the job is done (opening the
        # list at once raced it on a loaded machine and found no report yet).
        page.wait_for_url(f"{site}/annual/?year={YEAR}", timeout=60_000)
        page.get_by_test_id("annual-table").get_by_role("link", name=PORTAL).click()
        form = page.get_by_test_id("report-form")
        expect(form.locator("input[name=site_name]")).to_have_value(PORTAL)
        expect(form.locator("input[name=site_code]")).to_have_value(portal.site_code)
        expect(form.locator("input[name=info_total]")).to_have_value("37")  # 25 + 12 seen by the scanner
        expect(form.locator("input[name=messages_received]")).to_have_value("4")
        expect(form.locator("input[name=zc_received]")).to_have_value("1")  # the 找错 report
        expect(page.get_by_test_id("prefilled-zc_received")).to_contain_text("系统预填")

        # Submitting with items missing names them; completed, it goes to 保定.
        page.get_by_test_id("report-submit").click()
        expect(page.get_by_test_id("report-error")).to_contain_text("独立用户访问总量")
        for code, value in {"visitors": "12000", "visits": "56000", "topics_kept": "3", "interpretations": "8",
                            "security_tests": "2"}.items():
            form.locator(f"input[name={code}]").fill(value)
        for code in ("service_catalogue", "security_warning", "security_owner"):
            form.locator(f"select[name={code}]").select_option("是")
        page.get_by_test_id("report-submit").click()
        expect(page.get_by_test_id("report-status")).to_have_text("待审核")
        report_path = page.url
        _logout(page)

        login(page, site, "baoding", DEMO_PASSWORD)
        page.goto(report_path)
        expect(page.get_by_test_id("value-visits")).to_have_text("56000 次")
        page.get_by_test_id("report-approve").click()
        expect(page.get_by_test_id("report-status")).to_have_text("已审核")
        _logout(page)

        login(page, site, "laishui", DEMO_PASSWORD)
        page.goto(report_path)
        page.get_by_test_id("report-publish").click()
        expect(page.get_by_test_id("report-status")).to_have_text("已发布")
        expect(page.get_by_test_id("public-url")).to_have_text(report_url)
        _logout(page)

        # The public 专栏 of 河北 lists it; its page shows the report.
        page.goto(f"{site}/pucha/annual/?year={YEAR}")
        page.get_by_test_id("annual-columns").get_by_role("link", name="河北省人民政府办公厅年度报表专栏").click()
        page.get_by_test_id("column-reports").get_by_role("link", name=f"{PORTAL}{YEAR}年度工作年度报表").click()
        assert page.url == report_url
        expect(page.get_by_test_id("print-visits")).to_have_text("56000 次")

        # The scanner reads the homepage and finds the link, with its evidence.
        login(page, site, "baoding", DEMO_PASSWORD)
        page.goto(report_path)
        page.get_by_test_id("link-check-run").click()
        expect(page.get_by_test_id("link-verdict")).to_have_text("首页已链接")
        expect(page.get_by_test_id("link-evidence")).to_contain_text(f"见于 http://www.laishui.gov.cn:{server.port}/")


def test_province_supervision_report_from_two_rounds_adds_up(page, site):
    users = {u.username: u for u in User.objects.select_related("unit")}
    batches = province_two_rounds(users)
    login(page, site, "hebei", DEMO_PASSWORD)
    page.click("nav.mainnav >> text=年度报表")
    page.click("text=监管年度报表")
    page.get_by_test_id("sv-generate").click()
    rows = page.get_by_test_id("sv-round")
    expect(rows).to_have_count(2)
    totals = {"sampled": 0, "checked": 0, "passed": 0}
    for n, batch in enumerate(batches):
        mine = batch_figures(batch)
        cells = rows.nth(n).locator("td")
        expect(cells.nth(0)).to_have_text(batch.round.name)
        expect(cells.nth(2)).to_have_text(str(mine["sampled"]))
        expect(cells.nth(3)).to_have_text(str(mine["checked"]))
        expect(cells.nth(4)).to_have_text(str(mine["passed"]))
        expect(cells.nth(5)).to_have_text(str(mine["checked"] - mine["passed"]))
        for key in totals:
            totals[key] += mine[key]
    total = page.get_by_test_id("sv-total").locator("th")
    expect(total.nth(2)).to_have_text(str(totals["sampled"]))
    expect(total.nth(4)).to_have_text(str(totals["passed"]))
    expect(total.nth(5)).to_have_text(str(totals["checked"] - totals["passed"]))
    assert totals == {"sampled": 3, "checked": 3, "passed": 2}

    # A training recorded, the report regenerated, approved and published.
    training = page.get_by_test_id("training-form")
    training.locator("input[name=held_on]").fill(f"{YEAR}-01-10")
    training.locator("input[name=title]").fill("全省政府网站管理培训")
    training.locator("input[name=participants]").fill("85")
    training.locator("button").click()
    page.get_by_test_id("sv-regenerate").click()
    expect(page.get_by_test_id("sv-training")).to_have_text("培训 1 次，85 人次")
    page.get_by_test_id("sv-approve").click()
    expect(page.get_by_test_id("sv-status")).to_have_text("已审定")
    page.get_by_test_id("sv-publish").click()
    expect(page.get_by_test_id("sv-status")).to_have_text("已发布")
    page.get_by_test_id("sv-public").click()
    expect(page.get_by_test_id("sv-total")).to_contain_text("全年合计")
    expect(page.get_by_test_id("sv-round")).to_have_count(2)
