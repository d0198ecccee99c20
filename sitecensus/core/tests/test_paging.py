"""Keyset pages: following "下一页" from the first page walks the whole list in order,
each page fetched by key (no OFFSET), the same rows as numbered pages."""

import re

from sitecensus.registry import selectors, views


def walk(client, path):
    seen, url = [], path
    while url:
        page = client.get(url).content.decode()
        seen += re.findall(r'href="/sites/(\d+)/"', page.split("<tbody>")[1].split("</tbody>")[0])
        nxt = re.search(r'data-testid="next-page" href="([^"]+)"', page)
        url = path.split("?")[0] + nxt.group(1).replace("&amp;", "&") if nxt else None
        assert url is None or "after=" in url
    return [int(i) for i in seen]


def test_site_list_and_review_queue_page_by_key(client, demo_users, monkeypatch):
    monkeypatch.setattr(views, "PAGE", 3)
    user = demo_users["guoban"]
    client.force_login(user)
    expected = list(selectors.website_list(user).values_list("id", flat=True))
    assert len(expected) > 6 and walk(client, "/sites/") == expected
    reviewer = demo_users["laishui"]
    client.force_login(reviewer)
    queue = list(selectors.review_queue(reviewer).values_list("id", flat=True))
    assert walk(client, "/sites/review/") == queue
    assert client.get("/sites/?after=not-a-key").status_code == 200  # a bad key: the first page


def test_a_slow_count_is_kept_a_while_a_cheap_one_stays_exact(demo_users, settings):
    """"共 N 条" of a list whose count took longer than COUNT_CACHE_MIN_MS is reused for
    COUNT_CACHE_SECONDS (a national search scans every row to count); cheaper counts are exact."""
    from django.core.cache import cache

    from sitecensus.core.paging import CountCachingPaginator
    from sitecensus.registry.models import Website

    cache.clear()
    user = demo_users["guoban"]
    n = selectors.website_list(user, query="人民政府").count()
    settings.COUNT_CACHE_MIN_MS = 10_000  # every count is cheap: exact each time
    assert CountCachingPaginator(selectors.website_list(user, query="人民政府"), 10).count == n
    Website.objects.filter(pk=selectors.website_list(user, query="人民政府").values("pk")[:1]).delete()
    assert CountCachingPaginator(selectors.website_list(user, query="人民政府"), 10).count == n - 1
    settings.COUNT_CACHE_MIN_MS = 0  # every count is "slow": kept
    assert CountCachingPaginator(selectors.website_list(user, query="人民政府"), 10).count == n - 1
    Website.objects.filter(pk=selectors.website_list(user, query="人民政府").values("pk")[:1]).delete()
    assert CountCachingPaginator(selectors.website_list(user, query="人民政府"), 10).count == n - 1
    settings.COUNT_CACHE_SECONDS = 0  # switched off: exact
    assert CountCachingPaginator(selectors.website_list(user, query="人民政府"), 10).count == n - 2
    cache.clear()
