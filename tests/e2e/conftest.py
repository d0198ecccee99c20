"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser)."""

import os
import shutil

import pytest
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make around it are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# Waits a loaded machine meets (CI runs two suites, with their browsers, on two cores): an
# expect() waits up to 30 s (Playwright's default: 5 s), as page actions already do. A passing
# check returns as soon as it holds, so this costs nothing when the page is quick.
expect.set_options(timeout=30_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 # Hermetic: the browser resolves no name but localhost (tests/hermetic.py).
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost"],
    }


# A browser test whose Chromium died under it (Playwright's TargetClosedError: the page, context or
# browser "has been closed") runs once more, in a browser started anew; pytest shows the rerun as R.
CRASH_RERUN = pytest.mark.flaky(reruns=1, only_rerun=["TargetClosedError"])


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in item.fixturenames:
            item.add_marker(CRASH_RERUN)


@pytest.fixture(scope="session")
def _chromium(launch_browser):
    """The session's Chromium, in a holder so that a browser which died can be replaced."""
    held = {}
    yield held
    if held.get("browser") and held["browser"].is_connected():
        held["browser"].close()


@pytest.fixture
def browser(_chromium, launch_browser):
    """pytest-playwright's one browser per session, started again when it has died: on a loaded
    machine Chromium can crash, and the session-wide browser then failed every later test of the
    worker at setup ("Target page, context or browser has been closed"). The test that saw the crash
    runs once more (CRASH_RERUN below); nothing else is retried."""
    if not (_chromium.get("browser") and _chromium["browser"].is_connected()):
        _chromium["browser"] = launch_browser()
    return _chromium["browser"]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def site(live_server, live_demo):
    """The live server's base URL, with the demo loaded."""
    return live_server.url


def login(page, base, username, password):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form button.primary").click()
    pass_second_factor(page, username)


def pass_second_factor(page, username):
    """Accounts that need a second factor: type the code the (demo) device shows,
    computed here from its key; a first login enrols with the key the page shows."""
    from base64 import b32decode

    from django_otp.oath import totp

    from sitecensus.accounts import otp
    from sitecensus.accounts.models import User

    page.wait_for_load_state()
    if "/accounts/otp/verify/" in page.url:
        page.fill("input[name=token]", otp.demo_code_for(User.objects.get(username=username)))
        page.locator("form button.primary").click()
    elif "/accounts/otp/setup/" in page.url:
        key = b32decode(page.get_by_test_id("otp-secret").inner_text().strip())
        page.fill("input[name=token]", f"{totp(key):06d}")
        page.locator("form button.primary").click()
        page.get_by_test_id("recovery-codes").wait_for()
        page.locator("a.button.primary").click()


@pytest.fixture(autouse=True)
def no_csp_violations(request):
    """Every browser test also checks that the page broke no Content-Security-Policy rule."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield
    assert not violations, violations
