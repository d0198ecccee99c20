"""Scan configuration and scoring rules (rules live in rules.json as data)."""
from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any


def subtract_period(d: date, period: dict[str, int]) -> date:
    """Return d minus a calendar period like {"days": 14} / {"months": 6} / {"years": 1}."""
    months = period.get("months", 0) + 12 * period.get("years", 0)
    if months:
        y, m = divmod(d.year * 12 + (d.month - 1) - months, 12)
        m += 1
        d = date(y, m, min(d.day, calendar.monthrange(y, m)[1]))
    days = period.get("days", 0)
    if days:
        d = date.fromordinal(d.toordinal() - days)
    return d


@dataclass(frozen=True)
class ColumnClass:
    name: str
    aliases: tuple[str, ...]
    stale_after: dict[str, int] | None
    veto_group: str | None
    interaction: bool


@dataclass(frozen=True)
class Rules:
    raw: dict[str, Any]

    @property
    def homepage_stale_after(self) -> dict[str, int]:
        return self.raw["homepage"]["stale_after"]

    @property
    def column_vetoes(self) -> dict[str, int]:
        return self.raw["column_vetoes"]

    @property
    def availability(self) -> dict[str, float]:
        return self.raw["availability"]

    @property
    def interaction(self) -> dict[str, Any]:
        return self.raw["interaction"]

    @property
    def veto_names(self) -> dict[str, str]:
        return self.raw["veto_names"]

    @property
    def classes(self) -> dict[str, ColumnClass]:
        c = self.__dict__.get("_classes")
        if c is None:  # built once per Rules object (frozen dataclass: bypass __setattr__)
            c = _classes(json.dumps(self.raw["column_classes"], ensure_ascii=False))
            lookup = dict(c)
            for cc in c.values():
                for alias in cc.aliases:
                    lookup.setdefault(alias, cc)
            object.__setattr__(self, "_classes", c)
            object.__setattr__(self, "_lookup", lookup)
        return c

    def column_class(self, name: str | None) -> ColumnClass | None:
        """Map a registry class label (exact or alias) to its class; None if unknown."""
        if not name:
            return None
        self.classes
        return self.__dict__["_lookup"].get(name)


@lru_cache(maxsize=8)
def _classes(raw_json: str) -> dict[str, ColumnClass]:
    out = {}
    for name, spec in json.loads(raw_json).items():
        out[name] = ColumnClass(
            name=name,
            aliases=tuple(spec.get("aliases", ())),
            stale_after=spec.get("stale_after"),
            veto_group=spec.get("veto_group"),
            interaction=bool(spec.get("interaction")),
        )
    return out


@lru_cache(maxsize=1)
def _default_rules_raw() -> str:
    return resources.files(__package__).joinpath("rules.json").read_text("utf-8")


def load_rules(path: str | None = None) -> Rules:
    if path is None:
        return Rules(json.loads(_default_rules_raw()))
    with open(path, encoding="utf-8") as f:
        return Rules(json.load(f))


@dataclass
class ScanConfig:
    # Network politeness and limits.
    concurrency: int = 128           # global in-flight page requests (the page slots)
    # Sites scanned at once (None: twice the page slots). The page slots go to the earliest-started site
    # first, so the extra sites only move while earlier ones wait on what costs no CPU (a connect, a check).
    sites_at_once: int | None = None
    per_host: int = 2                # concurrent requests per hostname
    per_host_rate: float | None = None  # max requests/second per hostname (None = unlimited)
    timeout: float = 15.0            # total seconds per fetch (availability uses this)
    connect_timeout: float = 10.0
    retries: int = 2                 # extra attempts for transient errors only
    retry_backoff: float = 0.5       # seconds, doubled per attempt
    retry_on_timeout: bool = False   # a timeout already spent the budget
    max_redirects: int = 10
    site_timeout: float = 600.0      # hard wall-clock cap for one site's whole scan
    max_bytes: int = 5_000_000       # cap on body bytes read per page
    allow_private: bool = False      # SSRF guard off (tests/benchmarks on 127.0.0.1)
    host_map: dict[str, str] = field(default_factory=dict)  # hostname -> IP
    user_agent: str = "Mozilla/5.0 (compatible; sitecensus-scanner/0.1)"
    # A firewall that refuses tools (403/406/429 or a WAF page) is asked once more as a browser, and the
    # render always reads as one; the refusal is reported as 拒绝扫描器访问, never as unavailability.
    browser_user_agent: str = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                               "Chrome/124.0.0.0 Safari/537.36")
    # What to check.
    as_of: date | None = None        # freshness reference date; None = today
    check_https: bool = True
    # Identity/footer/domain/accessibility findings from the pages read (no request) and the IPv6 check
    # (AAAA through host_map6 then DNS; a host host_map names is never asked of real DNS; "" = no AAAA).
    check_compliance: bool = True
    check_ipv6: bool = True
    host_map6: dict[str, str] = field(default_factory=dict)
    # HTTPS checks have their own slots and short timeout, and start with the homepage fetch: a port
    # that accepts TCP but never completes TLS holds no page slot, no per-host slot and no site
    # worker (the site waits for its check apart, the worker scans the next site meanwhile). A check
    # costs no CPU while it waits (one socket), so many run at once: 512 checks that all hang for 5 s
    # still pass ~100 sites a second.
    https_timeout: float = 5.0
    https_concurrency: int = 512
    # Opening a connection (DNS, TCP connect, TLS handshake) is a wait that costs no CPU either: a page
    # fetch lends its page slot out while it connects and takes one of these instead, so filtered ports
    # and slow name servers do not hold the page slots (the per-host slot stays held: politeness).
    connect_concurrency: int = 512
    check_links: bool = True
    max_links_per_site: int = 300    # distinct URLs checked per site
    link_sample_pages: int = 3       # other pages (column lists) whose links are also checked
    link_timeout: float = 10.0
    max_article_fetch: int = 5       # linked articles fetched when a list shows no dates
    max_list_pages: int = 3          # extra list pages followed (last page, next page) for a stale/undated list
    max_frames: int = 3              # frames / iframes / client redirects followed per page
    soft404_link_checks: int = 30    # same-site links re-read with GET on sites that answer 200 for missing pages
    # Render fallback (headless Chromium through Playwright), only where the static path failed.
    render: bool = True
    chromium_path: str = "/usr/bin/chromium"
    render_pool: int = 2             # pages rendered at once per scan
    render_timeout: float = 15.0     # seconds per rendered page
    render_max_bytes: int = 3_000_000  # HTML kept from a rendered page; bigger resources are not loaded
    render_per_site: int = 12        # renders per site (queued across the run through the render pool)
    render_max_pages: int | None = None  # optional cap on renders per run (None: no cap; past it: 无法判定)
    probe_render_max: int = 50       # failing probes confirmed by the browser per probe round
    rules: Rules = field(default_factory=load_rules)

    def today(self) -> date:
        return self.as_of or date.today()
