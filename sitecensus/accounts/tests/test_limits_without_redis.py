"""Limits that hold without Redis (issue: the login throttle shared the in-process page
cache — 400 public URLs evicted it; every anonymous 404 wrote an audit row; 10 of 10
simultaneous 找错 reports passed a limit of 5 an hour on PostgreSQL)."""

import threading

import pytest
from django.core.cache import cache, caches
from django.db import connection, connections
from django.test import Client, RequestFactory

from sitecensus.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _fail(client, username, times):
    for _ in range(times):
        client.post("/accounts/login/", {"username": username, "password": "wrong-password-1"})


def test_page_caching_cannot_evict_the_login_throttle(client, settings):
    assert settings.CACHES["throttle"] != settings.CACHES["default"]
    _fail(client, "hebei", settings.LOGIN_CAPTCHA_AFTER_USER)
    page = client.post("/accounts/login/", {"username": "hebei", "password": "x"}).content.decode()
    assert "验证码" in page
    for n in range(2000):  # far past the page cache's size: anonymous pages fill it
        cache.set(f"views.decorators.cache.cache_page.probe{n}", "x" * 100, 300)
    other = Client(REMOTE_ADDR="10.7.7.7")  # a fresh address: only the per-username counter applies
    page = other.post("/accounts/login/", {"username": "hebei", "password": "x"}).content.decode()
    assert "登录失败次数较多" in page or "验证码" in page


def test_anonymous_refusals_are_aggregated_per_address_with_a_ceiling(settings, demo_users):
    settings.REFUSAL_AUDIT_PER_ADDRESS_HOUR = 5
    flooder = Client(REMOTE_ADDR="10.66.0.1")
    before = AuditEvent.objects.filter(action="request_refused").count()
    for n in range(200):
        assert flooder.get(f"/no-such-page-{n}/").status_code == 404
    rows = AuditEvent.objects.filter(action="request_refused").order_by("id")[before:]
    rows = list(rows)
    # 5 rows one by one, then one summary at each doubling (10, 20, 40, 80, 160).
    assert len(rows) == 5 + 5
    assert rows[-1].details["refusals_this_hour"] == 160
    # Another client still gets its refusals recorded; a signed-in user's always are.
    assert Client(REMOTE_ADDR="10.66.0.2").get("/no-such-page/").status_code == 404
    signed_in = Client(REMOTE_ADDR="10.66.0.1")
    signed_in.force_login(demo_users["laishui_lsz"])
    signed_in.get("/no-such-page-again/")
    assert AuditEvent.objects.filter(action="request_refused", actor_username="laishui_lsz").exists()
    assert AuditEvent.objects.filter(action="request_refused").count() == before + 10 + 2


def test_anonymous_refusals_have_an_overall_ceiling(settings):
    settings.REFUSAL_AUDIT_ANONYMOUS_HOUR = 30
    before = AuditEvent.objects.filter(action="request_refused").count()
    for n in range(60):  # a fresh address per request
        Client(REMOTE_ADDR=f"10.67.0.{n + 1}").get("/no-such-page/")
    assert AuditEvent.objects.filter(action="request_refused").count() - before == 30


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_simultaneous_public_reports_respect_the_limit(live_demo, settings):
    from sitecensus.core.errors import CensusError
    from sitecensus.public import services
    from sitecensus.public.models import PublicReport
    from sitecensus.registry.services import active_websites

    settings.PUBLIC_REPORT_RATE = "5/h"
    site = active_websites().first()
    barrier = threading.Barrier(10)
    outcomes = []

    def report():
        request = RequestFactory().post("/", REMOTE_ADDR="10.88.0.1")
        try:
            barrier.wait()
            services.submit_report(website_pk=site.pk, category="typo", description="错别字", request=request)
            outcomes.append("ok")
        except CensusError as error:
            outcomes.append(error.code if hasattr(error, "code") else "refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=report) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 5 and len(outcomes) == 10
    assert PublicReport.objects.filter(ip="10.88.0.1").count() == 5
    caches["throttle"].clear()


def test_a_throttled_login_flood_cannot_fill_the_audit_log(settings):
    settings.LOGIN_RATE_PER_ADDRESS = 2
    settings.REFUSAL_AUDIT_PER_ADDRESS_HOUR = 3
    flooder = Client(REMOTE_ADDR="10.69.0.1")
    statuses = [flooder.post("/accounts/login/", {"username": f"x{n}", "password": "y"}).status_code
                for n in range(40)]
    assert statuses.count(429) >= 34  # two a minute pass (the test may straddle a minute)
    # 3 rows one by one, then summaries at 6, 12 and 24 refusals.
    assert AuditEvent.objects.filter(action="login_throttled").count() == 3 + 3
