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


def test_scorecards_fit_1366_without_one_character_lines(page, site):
    import os

    from sitecensus.scoring.models import Scorecard

    card = Scorecard.objects.get(website__name="涞水镇人民政府网站", stage="inspection")
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, site, "laishui", DEMO_PASSWORD)
    page.goto(f"{site}/checks/card/{card.pk}/")
    if os.environ.get("SITECENSUS_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["SITECENSUS_SCREENSHOTS"], "card-1366.png"), full_page=True)
    layout = page.evaluate("""() => {
      const doc = document.scrollingElement;
      const lineHeight = e => parseFloat(getComputedStyle(e).lineHeight) || parseFloat(getComputedStyle(e).fontSize) * 1.5;
      const names = [...document.querySelectorAll('.scorecard .indicator-name')].map(e => {
        const r = e.getBoundingClientRect();
        return {text: e.innerText, width: e.closest('td').getBoundingClientRect().width,
                lines: Math.round(r.height / lineHeight(e))};
      });
      return {scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, names: names,
              tags: document.querySelectorAll('.scorecard .tag').length};
    }""")
    assert layout["scrollWidth"] <= layout["innerWidth"], layout["scrollWidth"]
    assert layout["names"]
    for name in layout["names"]:
        # Never one character a line: a name of n characters takes well under n lines.
        assert name["width"] >= 140 and name["lines"] <= max(1, len(name["text"]) // 4), name
    assert page.get_by_test_id("unconfirmed-note").count() <= 1
