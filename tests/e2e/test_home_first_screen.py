"""At 1366×768 every role's home page shows its to-dos in the first screen (positions
measured in Chromium), above the census calendar, which lists only the phases that
concern the role, one line per phase, and never announces as next a phase already open."""

import os

from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from sitecensus.portal.demo import DEMO_PASSWORD

from .conftest import login

SHOTS = os.environ.get("SITECENSUS_SCREENSHOTS", "")
WIDTH, HEIGHT = 1366, 768


def _enter_as_site(page, base):
    """A site's code login: its session, as the code login makes it."""
    from sitecensus.accounts.models import User

    client = Client()
    client.force_login(User.objects.filter(role="site").order_by("username").first())
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": base}])
    page.goto(f"{base}/")


def _measure(page) -> dict:
    return page.evaluate("""() => {
      const r = e => e ? e.getBoundingClientRect() : null;
      const todos = r(document.querySelector('[data-testid=todos]'));
      const banner = r(document.querySelector('[data-testid=phase-banner]'));
      return {scrollY: window.scrollY, innerHeight: window.innerHeight, todosTop: todos.top,
              todosBottom: todos.bottom, bannerTop: banner ? banner.top : null,
              lines: [...document.querySelectorAll('[data-testid=open-phase]')].map(p => p.innerText),
              next: (document.querySelector('[data-testid=next-phase]') || {}).innerText || ''};
    }""")


ROLES = {
    "guoban": "national", "hebei": "province", "laishui": "county", "laishui_lsz": "town clerk",
    "hebei_fgw": "provincial department", "sysadmin": "system administrator", "site": "site login",
}
NOT_FOR = {  # phases that must not be listed for the role
    "laishui": {"抽查核查", "通报总结"},
    "laishui_lsz": {"检查", "报送检查整改情况", "抽查核查", "通报总结"},
    "hebei_fgw": {"检查", "报送检查整改情况", "抽查核查", "通报总结"},
    "site": {"统计摸底", "检查", "报送检查整改情况", "抽查核查", "通报总结"},
}


def test_each_roles_todos_are_in_the_first_screen(page, site):
    from sitecensus.accounts.models import User
    from sitecensus.registry import campaigns

    # A spot-check round under way, as in an office's day: town clerks must not see it.
    name, phases = campaigns.default_round(campaigns.active_campaign(), __import__("datetime").date.today())
    campaigns.create_round(actor=User.objects.get(username="guoban"), parent=campaigns.active_campaign(),
                           name=name, phases=phases)
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    seen = {}
    for username in ROLES:
        page.context.clear_cookies()
        if username == "site":
            _enter_as_site(page, site)
        else:
            login(page, site, username, DEMO_PASSWORD)
            page.goto(f"{site}/")
        expect(page.get_by_test_id("todos")).to_be_visible()
        # The UI's own Chinese font loads and covers the page's words (no boxes without a system font).
        assert page.evaluate("""() => document.fonts.load('16px "Sitecensus UI"', '待办事项普查')
                                .then(faces => faces.length)""") > 0
        m = _measure(page)
        seen[username] = m
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, f"home-{username}.png"))
        assert m["scrollY"] == 0 and m["todosTop"] >= 0 and m["todosBottom"] <= HEIGHT, (username, m)
        if m["bannerTop"] is not None:
            assert m["todosTop"] <= m["bannerTop"], (username, m)  # to-dos first
        labels = [line.split("：", 1)[1].split("，")[0].split("（")[0] for line in m["lines"]]
        assert len(labels) == len(set(labels)), (username, m["lines"])  # one line per phase
        assert not set(labels) & NOT_FOR.get(username, set()), (username, m["lines"])
        for label in labels:  # never "下一阶段：整改" while 整改 is current
            assert not m["next"].startswith(f"下一阶段：{label}"), (username, m)
    assert not any(name in line for line in seen["laishui_lsz"]["lines"])  # no round for a town clerk
    assert any("抽查核查" in line for line in seen["guoban"]["lines"] + [seen["guoban"]["next"]])
