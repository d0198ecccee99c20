"""Discovery (摸清底数): government hosts nobody registered, found in the scanner's own readings,
and attributed to a site, a unit, a province or the national office. No Django here.

* ``GovDomains``: is a URL's host a government host? (suffixes .gov.cn, .政务.cn and the configured
  lists — the caller passes them, as data);
* ``outbound_origins``: the other sites a homepage links to (the scan's hook, kept small);
* ``harvest``: candidates named by one stored scan (its outbound links and its redirect targets);
* ``guess_hosts``: common host names under registered domains, resolved by an injectable resolver
  (tests use a host map on loopback: no real DNS);
* ``read_homepages``: a candidate's homepage read with the scanner's fetcher and extractors
  (标识码 in the footer or ``SiteIDCode``, 主办单位, ICP number) and its evidence digest;
* ``attribute``: the reading matched to a registered site (same site on another domain), to a unit,
  or to nobody (→ the registered owner of its domain, the province its host names, else 国办).

Host identity is ``registry.formspec.identity.site_key`` (the one normaliser of the project).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import socket
from dataclasses import asdict, dataclass, field
from typing import AsyncIterator, Awaitable, Callable, Iterable

from sitecensus.registry.formspec.identity import site_key

from .extract import registrable

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_ICP_BASE = re.compile(r"^(.+?号)")
_SPACE = re.compile(r"[\s\u3000]+")


def host_key(url: str) -> str:
    """The host part (with a non-default port) of a URL's identity key; "" for what is no web address
    (mailto:, javascript:, ftp:)."""
    text = (url or "").strip()
    m = _SCHEME.match(text)
    if m and m.group(1).lower() not in ("http", "https") and not text[m.end():].isdigit():
        if "//" in text[:m.end() + 2] or m.group(1).lower() in ("mailto", "javascript", "tel", "data", "ftp"):
            return ""
    return site_key(text).split("/", 1)[0].split("?", 1)[0]


def _bare(host: str) -> str:
    """The host without its port."""
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _is_ip(host: str) -> bool:
    h = host.strip("[]")
    return ":" in h or bool(re.fullmatch(r"[\d.]+", h))


@dataclass(frozen=True)
class GovDomains:
    """Which hosts are government hosts: under a suffix (never the suffix itself), or listed;
    a listed exclusion wins. Built from data (``discovery/data/government_domains.json``)."""

    suffixes: tuple[str, ...] = (".gov.cn", ".xn--zfr164b.cn")  # .政务.cn
    hosts: frozenset[str] = frozenset()
    excluded: frozenset[str] = frozenset()

    @classmethod
    def from_data(cls, data: dict) -> "GovDomains":
        def hosts(values):
            return frozenset(h for h in (_bare(host_key(v)) for v in values or ()) if h)

        suffixes = tuple("." + host_key("x." + s.strip().lstrip(".")).split(".", 1)[1]
                         for s in data.get("suffixes") or (".gov.cn", ".政务.cn"))
        return cls(suffixes, hosts(data.get("hosts")), hosts(data.get("excluded")))

    def host_is_government(self, host: str) -> bool:
        host = _bare(host)
        if not host or _is_ip(host) or host in self.excluded:
            return False
        if host in self.hosts:
            return True
        return any(host.endswith(s) and len(host) > len(s) for s in self.suffixes)

    def is_government(self, url: str) -> bool:
        return self.host_is_government(host_key(url))


# ---------------------------------------------------------------- harvesting the scanner's readings

def outbound_origins(infos: Iterable, base_url: str, limit: int = 200) -> list[str]:
    """The origins (scheme://host/) of the other hosts a homepage's pages link to (its own domain's other
    hosts included), distinct, in page order, at most `limit` (the scan's hook: what discovery harvests)."""
    own = host_key(base_url)
    out: dict[str, None] = {}
    for info in infos:
        for link in getattr(info, "links", None) or ():
            if link.kind == "image":
                continue
            host = host_key(link.url)
            if not host or host == own:
                continue
            scheme = "https" if link.url.lower().startswith("https:") else "http"
            out.setdefault(f"{scheme}://{host}/", None)
            if len(out) >= limit:
                return list(out)
    return list(out)


@dataclass
class Named:
    """One source naming a candidate: its host key, a URL to read, how (link, redirect, dns, import)
    and where (the page that linked, the site redirected from, the guessed name, the file and row)."""

    key: str
    url: str
    source: str
    detail: str


def harvest(homepage: dict, gov: GovDomains, registered: Callable[[str], bool]) -> list[Named]:
    """Candidates named by one stored homepage reading (``HomepageResult.to_dict()``): its outbound
    links and redirect targets on government hosts not registered (``registered(host_key)``)."""
    found_on = homepage.get("url") or ""
    own = host_key(found_on)
    out: dict[tuple, Named] = {}

    def add(url: str, source: str):
        key = host_key(url)
        if not key or key == own or not gov.host_is_government(key) or registered(key):
            return
        out.setdefault((key, source), Named(key, f"http://{key}/", source, found_on[:500]))

    for url in homepage.get("outbound") or ():
        add(url, "link")
    for url in [*(homepage.get("redirects") or ()), homepage.get("final_url") or "", *(homepage.get("via") or ())]:
        if url:
            add(url, "redirect")
    return list(out.values())


# ---------------------------------------------------------------- DNS guesses

Resolver = Callable[[str], Awaitable[list[str] | None]]


def host_map_resolver(host_map: dict[str, str]) -> Resolver:
    """A resolver answering from a host map only (the tests': no name reaches DNS)."""
    table = {k.lower().rstrip("."): v for k, v in host_map.items()}

    async def resolve(host: str) -> list[str] | None:
        ip = table.get(host.lower().rstrip("."))
        return [ip] if ip else None
    return resolve


def system_resolver(fallback: Resolver | None = None, timeout: float = 5.0) -> Resolver:
    """The host map first (when given), then the system's resolver; None when the name does not resolve."""

    async def resolve(host: str) -> list[str] | None:
        if fallback is not None:
            found = await fallback(host)
            if found:
                return found
        try:
            infos = await asyncio.wait_for(asyncio.get_running_loop().getaddrinfo(host, 80, type=socket.SOCK_STREAM),
                                           timeout)
        except (OSError, asyncio.TimeoutError, UnicodeError):
            return None
        return sorted({i[4][0] for i in infos}) or None
    return resolve


async def guess_hosts(domains: Iterable[str], names: Iterable[str], resolve: Resolver, *,
                      concurrency: int = 64) -> AsyncIterator[tuple[str, list[str]]]:
    """(host, addresses) for every `name.domain` that resolves. Domains may be a lazy iterable: at most
    `concurrency` look-ups are in flight (bounded memory on a national list)."""
    names = [n.strip().lower().strip(".") for n in names if n and n.strip()]
    queue: asyncio.Queue = asyncio.Queue(maxsize=concurrency * 2)
    results: asyncio.Queue = asyncio.Queue()
    done = object()

    async def feed():
        for domain in domains:
            for name in names:
                await queue.put(f"{name}.{domain}")
        for _ in range(concurrency):
            await queue.put(done)

    async def work():
        while True:
            host = await queue.get()
            if host is done:
                await results.put(done)
                return
            addrs = await resolve(host)
            if addrs:
                await results.put((host, addrs))

    tasks = [asyncio.create_task(feed()), *(asyncio.create_task(work()) for _ in range(concurrency))]
    finished = 0
    try:
        while finished < concurrency:
            item = await results.get()
            if item is done:
                finished += 1
            else:
                yield item
    finally:
        for t in tasks:
            t.cancel()


# ---------------------------------------------------------------- reading a candidate's homepage

@dataclass
class Reading:
    """What a candidate's homepage says about its owner (the evidence of its attribution)."""

    url: str
    final_url: str = ""
    status: int | None = None
    error: str | None = None
    reachable: bool = False
    title: str = ""
    site_id_code: str | None = None
    site_id_source: str | None = None     # "meta" (SiteIDCode) | "footer"
    sponsor: str | None = None            # 主办单位
    icp: str | None = None
    redirects: list[str] = field(default_factory=list)

    def digest(self) -> str:
        """The evidence's fingerprint: a decided candidate is proposed again only when it changes."""
        final = _bare(host_key(self.final_url)) if self.final_url else ""
        basis = [self.reachable, final, self.site_id_code or "", _norm(self.sponsor or ""),
                 _icp_base(self.icp or ""), _norm(self.title)[:80]]
        return hashlib.sha256(json.dumps(basis, ensure_ascii=False).encode()).hexdigest()[:32]

    def to_dict(self) -> dict:
        return asdict(self) | {"digest": self.digest()}


def read_page(url: str, body: bytes | None, *, final_url: str | None = None, status: int | None = 200,
              content_type: str | None = None, error: str | None = None, redirects=()) -> Reading:
    """A reading from a fetched body (the extractors of extract.py: 标识码, SiteIDCode, ICP, 主办单位)."""
    from .extract import parse_page

    r = Reading(url=url, final_url=final_url or url, status=status, error=error, redirects=list(redirects))
    r.reachable = body is not None and status is not None and status < 400 and error in (None, "too_large")
    if body is not None and r.reachable:
        try:
            info = parse_page(body, url=r.final_url, content_type=content_type)
        except Exception:  # noqa: BLE001 - an unreadable page is a reading without identity
            return r
        r.title = (info.title or "")[:200]
        r.site_id_code, r.site_id_source = info.site_id_code, info.site_id_source
        r.icp, r.sponsor = info.icp, info.sponsor
    return r


async def read_homepages(urls: Iterable[str], config) -> AsyncIterator[Reading]:
    """Readings of candidates' homepages through the scanner's fetcher (its limits, host map and SSRF
    guard), in completion order; `urls` may be lazy (at most config.concurrency in flight)."""
    from .fetch import Fetcher, new_site_jar

    async with Fetcher(config) as f:
        sem = asyncio.Semaphore(max(1, config.concurrency))

        async def one(u: str) -> Reading:
            async with sem:
                new_site_jar()
                fr = await f.fetch(u, max_bytes=524288)
                return read_page(u, fr.body, final_url=fr.final_url, status=fr.status,
                                 content_type=fr.content_type, error=fr.error, redirects=fr.redirects)

        pending: set[asyncio.Task] = set()
        for u in urls:
            pending.add(asyncio.create_task(one(u)))
            if len(pending) >= config.concurrency * 2:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for t in done:
                    yield t.result()
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for t in done:
                yield t.result()


# ---------------------------------------------------------------- attribution

def _norm(name: str) -> str:
    return _SPACE.sub("", name or "").replace("(", "（").replace(")", "）")


def _icp_base(icp: str) -> str:
    icp = _SPACE.sub("", icp or "")
    m = _ICP_BASE.match(icp)
    return m.group(1) if m else icp


@dataclass
class Index:
    """What attribution matches against (opaque refs the caller maps back to its records):
    site codes → site, unit names → unit, ICP numbers → units, registrable domains → the unit owning
    registered sites there, province host labels → province code."""

    sites: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    icps: dict[str, list[str]] = field(default_factory=dict)
    domains: dict[str, str] = field(default_factory=dict)
    provinces: dict[str, str] = field(default_factory=dict)
    min_suffix: int = 5            # a sponsor matches a unit name it ends with (a prefix of place names)

    def __post_init__(self):
        self.units = {_norm(k): v for k, v in self.units.items()}
        self.icps = {_icp_base(k): sorted(set(v)) for k, v in self.icps.items()}
        self._by_tail: dict[str, list[str]] = {}
        for name in self.units:
            self._by_tail.setdefault(name[-2:], []).append(name)

    def unit_for(self, sponsor: str) -> tuple[str | None, str]:
        """The unit a sponsor names: its exact name, else the one longest unit name the sponsor ends
        with (河北省涞水县教育局 → 涞水县教育局), else a unit whose name ends with the sponsor's
        (海淀区人民政府 for 北京市海淀区人民政府 is the first rule); ambiguity matches nothing."""
        s = _norm(sponsor)
        if not s:
            return None, ""
        if s in self.units:
            return self.units[s], s
        tails = [n for n in self._by_tail.get(s[-2:], ()) if len(n) >= self.min_suffix and s.endswith(n)]
        if tails:
            best = max(len(n) for n in tails)
            longest = [n for n in tails if len(n) == best]
            if len(longest) == 1:
                return self.units[longest[0]], longest[0]
        return None, ""


@dataclass
class Attribution:
    kind: str            # site | unit | domain | province | national
    ref: str             # the matched record (site/unit ref, province code; "" for national)
    reason: str          # Chinese: what it rests on
    excerpt: str = ""    # the evidence as read


KIND_LABELS = {"site": "已登记网站的其他域名", "unit": "主办单位", "domain": "同一域名的已登记网站",
               "province": "域名所属省份", "national": "无法归属（国办）"}


def province_of(host: str, provinces: dict[str, str]) -> str | None:
    """The province a government host names: the label just before its government suffix
    (www.x.hebei.gov.cn → hebei), looked up in the configured labels."""
    labels = _bare(host).split(".")
    for i in range(len(labels) - 1, 0, -1):
        tail = ".".join(labels[i:])
        if tail in ("gov.cn", "xn--zfr164b.cn"):
            return provinces.get(labels[i - 1])
    return None


def attribute(reading: Reading, index: Index) -> Attribution:
    """Match a homepage reading: its 标识码 to a registered site; its 主办单位, else its ICP number
    (one unit only) to a unit; else by its domain (the unit owning registered sites there, the province
    its host names); else 国办. Every answer says what it rests on."""
    host = _bare(host_key(reading.final_url or reading.url)) or _bare(host_key(reading.url))
    code = (reading.site_id_code or "").strip()
    if code and code in index.sites:
        where = "页面 SiteIDCode 元数据" if reading.site_id_source == "meta" else "页面底部"
        return Attribution("site", index.sites[code], f"{where}的网站标识码 {code} 属于已登记网站", code)
    if reading.sponsor:
        ref, name = index.unit_for(reading.sponsor)
        if ref is not None:
            return Attribution("unit", ref, f"页面主办单位“{reading.sponsor}”即单位“{name}”", reading.sponsor)
    if reading.icp:
        units = index.icps.get(_icp_base(reading.icp), [])
        if len(units) == 1:
            return Attribution("unit", units[0], f"页面ICP备案号 {reading.icp} 与该单位已登记网站相同", reading.icp)
    for h in {_bare(host_key(reading.url)), host}:
        owner = index.domains.get(registrable(h))
        if owner is not None:
            return Attribution("domain", owner, f"域名 {registrable(h)} 下有该单位已登记的网站", h)
    for h in {_bare(host_key(reading.url)), host}:
        province = province_of(h, index.provinces)
        if province:
            return Attribution("province", province, f"域名 {h} 属于该省份", h)
    return Attribution("national", "", "页面和域名都不能确定归属，交国办", host)
