"""Smoke test of the production set-up (deploy/): nginx with TLS and the static files,
gunicorn with the shipped config, PostgreSQL with reused connections, Redis for the
cache, the sessions and the broker, a Celery worker for the jobs, the reports lane. A browser
logs in over HTTPS, imports a workbook (the confirm runs on the worker, the page follows its
progress) and reads the public pages and the statistics (served by the reports lane)."""

import ssl
import urllib.parse
import urllib.request

import pytest
from django.db import connection
from playwright.sync_api import expect

from deploy.localstack import LocalStack, nginx_binary
from sitecensus.core.testing import redis_up
from sitecensus.portal.demo import DEMO_PASSWORD
from sitecensus.orgs.models import Unit
from sitecensus.registry.imports import workbook_for
from sitecensus.registry.models import Website
from sitecensus.registry.testing import fill_workbook, sample_filing

from .conftest import pass_second_factor



pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the production stack runs on PostgreSQL"),
    pytest.mark.skipif(not redis_up(), reason="no Redis on 127.0.0.1:6379"),
    pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed (.ci/run installs it)"),
]


@pytest.fixture
def stack(live_demo):
    db = connection.settings_dict
    url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    with LocalStack(url, redis_db=14, workers=2, threads=4) as running:
        yield running


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "ignore_https_errors": True}


def test_production_stack_smoke(page, stack, tmp_path):
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    # nginx serves the static files itself, cacheable, over TLS; plain HTTP is redirected.
    with urllib.request.urlopen(f"{stack.url}/static/css/app.css", context=context) as r:
        assert r.status == 200 and "max-age=604800" in r.headers.get_all("Cache-Control")
        assert r.headers["Server"] == "nginx"
    http = urllib.request.Request(f"http://localhost:{stack.http_port}/pucha/")
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(http)
    assert redirect.value.code == 301 and redirect.value.headers["Location"].startswith("https://")

    town = Unit.objects.get(name="龙门乡人民政府")
    filing = sample_filing(name="龙门乡人民政府网站", url="http://lmx.laishui.gov.cn", unit_name=town.name)
    filled = tmp_path / "龙门乡.xlsx"
    filled.write_bytes(fill_workbook(workbook_for(town), [filing]))

    page.goto(f"{stack.url}/accounts/login/")
    page.fill("input[name=username]", "laishui")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form button.primary").click()
    pass_second_factor(page, "laishui")
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["sessionid"]["secure"] and cookies["sessionid"]["httpOnly"]  # HTTPS seen through the proxy
    page.click("nav.mainnav >> text=导入")
    page.set_input_files("input[name=files]", str(filled))
    page.click("text=上传并预检")
    expect(page.get_by_test_id("total-create")).to_have_text("1", timeout=30000)
    page.click("text=确认导入")
    # The confirm is a job on the Celery worker; the progress page moves on to the result.
    expect(page.get_by_test_id("import-result")).to_contain_text("新增 1", timeout=60000)
    assert Website.objects.filter(unit=town, name="龙门乡人民政府网站", status="submitted").exists()
    page.goto(f"{stack.url}/pucha/")
    expect(page.locator("h1").first).to_be_visible()

    # The statistics pages are served by the reports lane, every other page by the app's gunicorn;
    # with the lane down the app serves them too (nginx's backup servers).
    page.goto(f"{stack.url}/stats/")
    expect(page.locator("h1").first).to_be_visible()
    lane, app = (stack.dir / "reports.log").read_text(), (stack.dir / "gunicorn.log").read_text()
    assert '"GET /stats/ ' in lane and '"GET /pucha/ ' not in lane, lane
    assert '"GET /stats/ ' not in app and '"GET /pucha/ ' in app and '"GET /accounts/login/ ' in app
    stack.kill_reports(0)
    page.goto(f"{stack.url}/stats/")
    expect(page.locator("h1").first).to_be_visible()
    assert '"GET /stats/ ' in (stack.dir / "gunicorn.log").read_text()


def _login_post(stack, source: str, username: str, password: str) -> int:
    """One login attempt over HTTPS through nginx from the local address `source`
    (127.0.0.1 and 127.0.0.2 are two clients): the login page for the CSRF token, then the POST."""
    import http.client
    import re

    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    conn = http.client.HTTPSConnection("127.0.0.1", stack.https_port, context=context, timeout=30,
                                       source_address=(source, 0))
    host = f"localhost:{stack.https_port}"
    try:
        conn.request("GET", "/accounts/login/", headers={"Host": host})
        response = conn.getresponse()
        page = response.read().decode()
        cookie = "; ".join(c.split(";")[0] for c in response.headers.get_all("Set-Cookie") or [])
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
        conn.request("POST", "/accounts/login/", body=body, headers={
            "Host": host, "Cookie": cookie, "Referer": f"https://{host}/accounts/login/",
            "Content-Type": "application/x-www-form-urlencoded"})
        answer = conn.getresponse()
        answer.read()
        return answer.status
    finally:
        conn.close()


def test_limits_are_per_client_behind_nginx(live_demo):
    """The shipped environment (deploy/sitecensus.env.example) trusts nginx's X-Forwarded-For:
    a flood from one client address meets the login rate limit (429), the owner at another
    address logs in; the audit log names each client's own address."""
    from sitecensus.audit.models import AuditEvent

    db = connection.settings_dict
    url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    with LocalStack(url, redis_db=13, workers=1, threads=2, celery=False,
                    extra_env={"LOGIN_RATE_PER_ADDRESS": "5"}) as stack:
        statuses = [_login_post(stack, "127.0.0.2", f"flood{n}", "wrong-password-1") for n in range(8)]
        assert statuses[:5] == [200] * 5 and statuses[-1] == 429
        assert _login_post(stack, "127.0.0.1", "laishui", DEMO_PASSWORD) == 302  # the owner is not throttled
    throttled = AuditEvent.objects.filter(action="login_throttled")
    assert throttled.exists() and set(throttled.values_list("ip", flat=True)) == {"127.0.0.2"}
    assert AuditEvent.objects.filter(action="login", actor_username="laishui", ip="127.0.0.1").exists()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
