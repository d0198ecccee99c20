"""The online filing form (直报) in the browser: usable at 1366 px wide, drafts
saved incomplete, the full rule set at submission."""

import os

from playwright.sync_api import expect

from sitecensus.portal.demo import DEMO_PASSWORD

from .conftest import login

SHOTS = os.environ.get("SITECENSUS_SCREENSHOTS", "")


def _layout(page) -> dict:
    return page.evaluate("""() => {
      const doc = document.scrollingElement;
      const table = document.querySelector('#columns');
      const card = table.closest('section');
      const urls = [...document.querySelectorAll('input[type=url], textarea[name$=other_domains]')]
        .map(e => ({name: e.name, width: e.getBoundingClientRect().width}));
      return {scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth,
              table: table.getBoundingClientRect().right, card: card.getBoundingClientRect().right,
              urls: urls};
    }""")


def test_online_form_fits_1366(page, site):
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, site, "laishui_lsz", DEMO_PASSWORD)
    page.goto(f"{site}/sites/new/")
    page.get_by_role("button", name="增加一行").click()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "form-1366.png"), full_page=True)
    layout = _layout(page)
    print(layout)
    assert layout["scrollWidth"] <= layout["innerWidth"], layout
    assert layout["table"] <= layout["card"] + 1, layout
    assert layout["urls"] and all(u["width"] >= 240 for u in layout["urls"]), layout
