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
