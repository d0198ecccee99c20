"""Smaller traps of an office's day, in the browser: the scan progress page moves on to
the findings when the scan is done; the favicon is served."""

from datetime import date

from django.utils import timezone

from sitecensus.portal.demo import DEMO_PASSWORD

from .conftest import login


def test_a_finished_scan_moves_on_to_its_findings(page, site):
    from sitecensus.accounts.models import User
    from sitecensus.registry.models import Website
    from sitecensus.scanner.models import ScanRun, SiteScan

    laishui = User.objects.get(username="laishui")
    town = Website.objects.get(name="涞水镇人民政府网站")
    run = ScanRun.objects.create(kind=ScanRun.Kind.SCAN, total=1, trigger="manual", requested_by=laishui)
    SiteScan.objects.create(website=town, run=run, at=timezone.now(), as_of=date.today(), reachable=True)
    ScanRun.objects.filter(pk=run.pk).update(status="done", done=1, finished_at=timezone.now())
    login(page, site, "laishui", DEMO_PASSWORD)
    page.goto(f"{site}/scans/run/{run.pk}/")
    page.wait_for_url(f"{site}/scans/site/{town.pk}/")


def test_the_favicon_is_served(page, site):
    page.goto(f"{site}/accounts/login/")
    href = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(f"{site}{href}").status == 200
    assert page.request.get(f"{site}/favicon.ico").status == 200
