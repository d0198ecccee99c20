"""Suggestions counted by the scoring table's own categories (the form's column classes
mapped once, in data); nothing suggested from a check the scanner could not judge; every
reason in Chinese. The engine's results here are real engine dataclasses, as a scan of an
unreachable or half-broken site returns them."""

import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone

from sitecensus.registry.models import Website
from sitecensus.scanner import services
from sitecensus.scanner.engine.results import (ColumnResult, HomepageResult, LinkResult, SiteResult,
                                               SystemResult)
from sitecensus.scanner.models import SiteScan

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 12, 1)
FORM_CHOICES = Path(__file__).resolve().parents[2] / "registry" / "formspec" / "definitions" / "choices.json"


def _form_column_classes():
    data = json.loads(FORM_CHOICES.read_text("utf-8"))
    lists = data if isinstance(data, list) else data.get("lists", data)
    for item in (lists.values() if isinstance(lists, dict) else lists):
        values = item.get("values", []) if isinstance(item, dict) else []
        if "通知公告" in values:
            return values
    raise AssertionError("the form's column classes were not found")


def test_every_form_column_class_is_mapped_once():
    mapped = services.CATEGORIES["classes"]
    assert set(_form_column_classes()) == set(mapped)  # a new class in the form needs its category
    assert services.rubric_category("工作动态/要闻") == "动态要闻"
    assert services.rubric_category("工作动态") == "动态要闻"  # the engine's alias, as targets carry it
    assert services.key_categories() == {"动态要闻", "通知公告", "政策文件"}
    assert services.rubric_category("办事指南") is None


def _scan(site):
    return SiteScan.objects.create(website=site, at=timezone.now(), as_of=AS_OF, reachable=True)


def _stale(name, cls, n):
    return ColumnResult(name=name, url=f"http://lsz.laishui.gov.cn/{n}/", cls=cls, reachable=True, status=200,
                        latest_date=date(2026, 1, 5), stale=True)


def test_stale_columns_filed_as_work_news_count_as_key_columns(demo_users):
    site = Website.objects.get(name="涞水镇人民政府网站")
    home = HomepageResult(url=site.homepage_url, reachable=True, status=200, stale=False)
    columns = [_stale(f"工作动态{i}", cls, i) for i, cls in enumerate(
        ["工作动态/要闻", "工作动态/要闻", "工作动态", "通知公告", "政策文件", "办事指南"])]
    made = services.suggest(site, _scan(site), SiteResult(site_code=site.site_code or "x", homepage=home,
                                                          as_of=AS_OF, columns=columns))
    columns_suggestion = next(s for s in made if s.indicator == "V3")
    assert columns_suggestion.entry["counts"] == {"stale_key": 5, "stale_should": 6, "blank": 0}


def test_a_dns_failure_suggests_nothing_and_a_server_error_is_said_in_chinese(demo_users):
    site = Website.objects.get(name="涞水镇人民政府网站")
    home = HomepageResult(url=site.homepage_url, reachable=False, error="dns", undetermined="unreachable")
    dns = SystemResult(url="http://lsz.laishui.gov.cn/bsdt/", reachable=False, status=None, error="dns")
    timeout = SystemResult(url="http://lsz.laishui.gov.cn/xxgk/", reachable=False, status=None, error="timeout")
    made = services.suggest(site, _scan(site), SiteResult(site_code=site.site_code or "x", homepage=home,
                                                          as_of=AS_OF, systems=[dns, timeout]))
    assert made == []  # undetermined: no D3 deduction

    broken = SystemResult(url="http://lsz.laishui.gov.cn/wsbs/", reachable=False, status=503, error="http_status")
    dead = LinkResult(url="http://lsz.laishui.gov.cn/a.pdf", found_on=site.homepage_url, kind="attachment",
                      status=None, error="timeout")
    home = HomepageResult(url=site.homepage_url, reachable=True, status=200, stale=False)
    made = services.suggest(site, _scan(site), SiteResult(site_code=site.site_code or "x", homepage=home,
                                                          as_of=AS_OF, systems=[dns, broken], dead_links=[dead]))
    by_code = {s.indicator: s for s in made}
    assert by_code["D3"].entry["count"] == 1 and by_code["D3"].entry["evidence"] == [broken.url]
    for suggestion in made:
        shown = suggestion.summary + " ".join(f"{e['source_label']} {e['snippet']}" for e in suggestion.evidence)
        assert not re.search(r"(?<![A-Za-z])(dns|timeout|http_status|connect|reset|tls)(?![A-Za-z])", shown), shown
    assert "HTTP 状态码 503" in by_code["D3"].evidence[0]["snippet"]
    assert by_code["A2"].evidence[0]["snippet"] == "访问超时"
