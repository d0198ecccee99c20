"""Does a site's homepage link its published 政府网站工作年度报表? (国办函〔2018〕12号: each site
publishes its report by 31 January, prominent on its own homepage.)

The class of pages this reads, not one sample: the report linked straight from the homepage
(any spelling of the same address: scheme, host case, default port, trailing slash, query or
fragment), or through the site's own 年度报表 / 年报 column page one hop away (followed for at
most MAX_FOLLOW such links). Evidence or no verdict: a link found carries the page it was found
on and its text; where the homepage or the column page cannot be read (unreachable, a page a
script builds) the answer is 无法判定 with the reason, never "absent".

Pure asyncio on the engine's Fetcher; imports no Django (import-linter contract)."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .config import ScanConfig
from .extract import PageInfo, parse_page
from .fetch import Fetcher
from . import aio

HINT = re.compile(r"年度报表|年报|年度工作报表|ndbb|nianbao|annual", re.I)
MAX_FOLLOW = 3
LINKED, ABSENT, UNDETERMINED = "linked", "absent", "undetermined"


def url_key(url: str) -> tuple[str, str] | None:
    """One key for every spelling of an address: (host without a default port, path without a
    trailing slash); scheme, query and fragment do not count. Host "" for a bare path."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").lower().rstrip(".")
    if host and port and port not in (80, 443):
        host = f"{host}:{port}"
    return host, parts.path.rstrip("/") or "/"


def matches(link_url: str, report_url: str) -> bool:
    """The link names the report (a report given as a bare path matches that path on any host)."""
    got, want = url_key(link_url), url_key(report_url)
    if got is None or want is None:
        return False
    return got[1] == want[1] and (not want[0] or got[0] == want[0])


def find_link(page: PageInfo, report_url: str):
    return next((link for link in page.links if matches(link.url, report_url)), None)


def candidates(page: PageInfo, report_url: str) -> list:
    """Links that look like the site's annual-report column (by their text or address). Links to
    the publisher's own host are not followed: there, any address but the report's is not it."""
    seen, out = set(), []
    publisher = (url_key(report_url) or ("", ""))[0]
    for link in page.links:
        if link.kind != "link" or link.url in seen or matches(link.url, report_url):
            continue
        if publisher and (url_key(link.url) or ("", ""))[0] == publisher:
            continue
        if HINT.search(link.text or "") or HINT.search(urlsplit(link.url).path):
            seen.add(link.url)
            out.append(link)
    return out[:MAX_FOLLOW]


@dataclass
class ReportLink:
    verdict: str                      # linked | absent | undetermined (无法判定)
    reason: str = ""                  # in Chinese, for the person who decides
    evidence: list[dict] = field(default_factory=list)  # {"url", "text", "found_on"}

    def to_dict(self) -> dict:
        return {"verdict": self.verdict, "reason": self.reason, "evidence": self.evidence}


GONE = (404, 410)  # a page that answers it does not exist: nothing to read, and nothing hidden


async def _read(fetcher: Fetcher, url: str) -> tuple[PageInfo | None, str, str, bool]:
    """(page, final URL, error, gone)."""
    res = await fetcher.fetch(url)
    if not res.ok or not res.body:
        return None, res.final_url or url, res.message or "页面无法访问", res.status in GONE
    return parse_page(res.body, url=res.final_url, content_type=res.content_type), res.final_url, "", False


async def check_report_link(fetcher: Fetcher, homepage_url: str, report_url: str) -> ReportLink:
    home, home_url, error, _ = await _read(fetcher, homepage_url)
    if home is None:
        return ReportLink(UNDETERMINED, f"首页无法读取（{error}），请人工核实", [{"url": home_url, "text": "",
                                                                           "found_on": ""}])
    found = find_link(home, report_url)
    if found is not None:
        return ReportLink(LINKED, "首页有年度报表链接", [{"url": found.url, "text": found.text, "found_on": home_url}])
    follow = candidates(home, report_url)
    if not follow and home.script_shell:
        return ReportLink(UNDETERMINED, "首页内容由脚本生成，无法读取其链接，请人工核实",
                          [{"url": home_url, "text": "", "found_on": ""}])
    unreadable, seen = [], []
    for link in follow:
        page, page_url, error, gone = await _read(fetcher, link.url)
        if page is None and gone:
            seen.append({"url": link.url, "text": f"{link.text}（{error}）", "found_on": home_url})
            continue
        if page is None:
            unreadable.append({"url": link.url, "text": f"{link.text}（{error}）", "found_on": home_url})
            continue
        found = find_link(page, report_url)
        if found is not None:
            return ReportLink(LINKED, "经首页“{}”栏目链接到年度报表".format(link.text or link.url),
                              [{"url": link.url, "text": link.text, "found_on": home_url},
                               {"url": found.url, "text": found.text, "found_on": page_url}])
        seen.append({"url": link.url, "text": link.text, "found_on": home_url})
    if unreadable:
        return ReportLink(UNDETERMINED, "首页的年度报表栏目无法读取，请人工核实", unreadable + seen)
    return ReportLink(ABSENT, "首页及其年度报表栏目均未链接本年度报表",
                      [{"url": home_url, "text": f"首页共 {len(home.links)} 个链接", "found_on": ""}] + seen)


async def check_report_links(items: list[tuple], config: ScanConfig) -> dict:
    """items: (key, homepage_url, report_url); returns key → ReportLink. Bounded by the
    fetcher's global and per-host limits (the config's)."""
    async with Fetcher(config) as fetcher:
        async def one(item):
            key, homepage, report = item
            return key, await check_report_link(fetcher, homepage, report)
        return dict(await asyncio.gather(*(one(item) for item in items)))


def check_report_links_sync(items: list[tuple], config: ScanConfig) -> dict:
    return aio.run(check_report_links(items, config))
