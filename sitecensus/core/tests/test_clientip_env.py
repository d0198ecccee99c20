"""Behind the reverse proxy, limits key on the real client (issue: every visitor
had the proxy's address, so the public report limit became one national limit),
and every documented setting is read from the environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory

from sitecensus.core.clientip import client_ip

ROOT = Path(__file__).resolve().parents[3]


def _request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES, settings.TRUSTED_PROXY_COUNT = [], 0
    assert client_ip(_request("203.0.113.5", "1.2.3.4")) == "203.0.113.5"


def test_trusted_proxy_addresses(settings):
    settings.TRUSTED_PROXIES, settings.TRUSTED_PROXY_COUNT = ["10.0.0.0/8"], 0
    # The client spoofs a first hop; our proxies (10.x) append the real address.
    assert client_ip(_request("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.9")) == "198.51.100.7"
    # Not from our proxy: the header is the client's own.
    assert client_ip(_request("203.0.113.5", "1.2.3.4")) == "203.0.113.5"


def test_trusted_proxy_count(settings):
    settings.TRUSTED_PROXIES, settings.TRUSTED_PROXY_COUNT = [], 1
    assert client_ip(_request("127.0.0.1", "6.6.6.6, 198.51.100.7")) == "198.51.100.7"
    assert client_ip(_request("127.0.0.1", "garbage")) == "127.0.0.1"


@pytest.mark.django_db
def test_public_report_limit_is_per_real_client(settings):
    from sitecensus.public import services

    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert services.client_ip(_request("127.0.0.1", "198.51.100.7")) == "198.51.100.7"
    assert services.client_ip(_request("127.0.0.1", "198.51.100.8")) == "198.51.100.8"


def test_documented_settings_come_from_the_environment(tmp_path):
    env = {**os.environ, "SITECENSUS_VAR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "sitecensus.settings",
           "PUBLIC_REPORT_RATE": "9/d", "PUBLIC_REPORT_DAYS": "7", "STATISTICS_MAX_AGE": "11",
           "TRUSTED_PROXIES": "10.1.0.0/16", "TRUSTED_PROXY_COUNT": "2", "LOGIN_RATE_PER_ADDRESS": "13",
           "OTP_REQUIRED_ROLES": "audit_admin", "ARGON2_MAX_CONCURRENT": "3", "DATABASE_APP_ROLE": "app_x"}
    code = ("import django, json; django.setup(); from django.conf import settings as s; print(json.dumps(["
            "s.PUBLIC_REPORT_RATE, s.PUBLIC_REPORT_DAYS, s.STATISTICS_MAX_AGE, s.TRUSTED_PROXIES, "
            "s.TRUSTED_PROXY_COUNT, s.LOGIN_RATE_PER_ADDRESS, sorted(s.OTP_REQUIRED_ROLES), "
            "s.ARGON2_MAX_CONCURRENT, s.DATABASE_APP_ROLE]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=600)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [
        "9/d", 7, 11, ["10.1.0.0/16"], 2, 13, ["audit_admin"], 3, "app_x"], out.stderr


@pytest.mark.django_db
def test_refused_requests_are_audited_with_url_and_reason(client, demo_users):
    from django.test import Client

    from sitecensus.audit.models import AuditEvent
    from sitecensus.registry.models import Website

    other = Website.objects.exclude(unit=demo_users["laishui_lsz"].unit).first()
    client.force_login(demo_users["laishui_lsz"])
    assert client.get(f"/sites/{other.pk}/").status_code == 404
    assert client.get("/accounts/security/").status_code == 403
    rows = AuditEvent.objects.filter(action="request_refused", actor_username="laishui_lsz")
    urls = {row.details["url"]: row.details for row in rows}
    assert urls[f"/sites/{other.pk}/"]["status"] == 404 and urls[f"/sites/{other.pk}/"]["reason"]
    assert urls["/accounts/security/"]["status"] == 403 and "安全管理员" in urls["/accounts/security/"]["reason"]
    csrf = Client(enforce_csrf_checks=True)
    assert csrf.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 403
    assert AuditEvent.objects.filter(action="request_refused", details__code="csrf").exists()
