"""Polite, bounded HTTP fetching: limits, manual redirects, byte caps, retries, SSRF guard."""
from __future__ import annotations

import asyncio
import contextlib
import contextvars
import errno
import heapq
import ipaddress
import re
import socket
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin

import aiohttp
from aiohttp.abc import AbstractResolver
from yarl import URL

from .config import ScanConfig

# Error classes (English enum codes) with the Chinese message shown to users.
ERROR_MESSAGES = {
    "dns": "域名解析失败",
    "connect": "无法建立连接",
    "tls": "HTTPS证书或TLS握手错误",
    "timeout": "访问超时",
    "http_status": "HTTP状态码异常",
    "too_many_redirects": "重定向次数过多",
    "too_large": "页面过大，超过读取上限",
    "ssrf_refused": "目标地址为内网/保留地址，已拒绝访问",
    "invalid_url": "网址无效",
    "reset": "连接被重置或中断",
    "not_html": "返回内容不是网页",
    "protocol": "HTTP协议错误",
    "blocked": "访问需通过Cookie或脚本验证（疑似防护拦截）",
    "soft_404": "页面提示不存在（HTTP 200 的错误页）",
    "parse_failure": "页面无法解析",
    "no_site": "首页无网站内容（服务器默认页、域名停放或出售页）",
    "maintenance": "网站维护中（首页为维护/升级提示）",
    "other": "未知错误",
}

# Statuses (and WAF pages) with which a firewall refuses tools: asked once more as a browser.
TOOL_REFUSAL_STATUS = {403, 406, 429}
_WAF_PAGE = re.compile(r"(防火墙|WAF|拦截|访问被拒绝|非法访问|安全狗|云盾|Access Denied|Forbidden|Request Rejected)", re.I)
_CHALLENGE = re.compile(r"document\.cookie|challenge|verify|\$_ts|_waf|acw_sc|cdn_sec|__jsl|jsl_clearance|"
                        r"location\.reload|window\.onload=|setTimeout\(", re.I)


def is_challenge(status: int | None, body: bytes | None) -> bool:
    """THE challenge detector (homepage, columns, links, probes): a WAF/CDN answer that a browser passes by
    running a script (412; or a small script-only page setting a cookie / reloading, under any status)."""
    if status == 412:
        return True
    if body is None or status is None or status in (301, 302, 303, 307, 308, 404, 410) or len(body) >= 20000:
        return False
    low = body[:20000].decode("latin-1", "ignore").lower()
    return "<script" in low and "<a " not in low and bool(_CHALLENGE.search(low)) and \
        ("cookie" in low or "reload" in low or "location" in low)


def is_waf_page(status: int | None, body: bytes | None) -> bool:
    return status in TOOL_REFUSAL_STATUS or (
        status is not None and status >= 400 and body is not None and len(body) < 20000
        and bool(_WAF_PAGE.search(body[:20000].decode("utf-8", "ignore"))))

_REDIRECTS = {301, 302, 303, 307, 308}
_TRANSIENT_STATUS = {429, 500, 502, 503, 504}


# Per-site request counter: tasks spawned inside one site's scan inherit the same list.
REQUEST_COUNTER: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("sitecensus_requests", default=None)
# Per-site cookie jar: a site's cookies (a 302 that sets one, a session) go back to that site only,
# within one site scan or one probe; nothing is kept across sites or runs.
SITE_JAR: contextvars.ContextVar[aiohttp.CookieJar | None] = contextvars.ContextVar("sitecensus_jar", default=None)


# The order a site's scan started in: the global request slots go to the earliest-started site first,
# so sites finish one after another (results stream out, a slow site's tail overlaps the others' work)
# instead of all advancing together and finishing at the very end.
SITE_ORDER: contextvars.ContextVar[int] = contextvars.ContextVar("sitecensus_site_order", default=0)


class PrioritySlots:
    """A semaphore whose waiters are served lowest priority value first (FIFO among equals)."""

    def __init__(self, n: int):
        self._free = n
        self._waiters: list[tuple[int, int, asyncio.Future]] = []
        self._seq = 0

    async def acquire(self, priority: int) -> None:
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return
        fut = asyncio.get_running_loop().create_future()
        self._seq += 1
        heapq.heappush(self._waiters, (priority, self._seq, fut))
        try:
            await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                self.release()  # granted just as we were cancelled: pass the slot on
            raise

    def release(self) -> None:
        while self._waiters:
            _, _, fut = heapq.heappop(self._waiters)
            if not fut.done():
                fut.set_result(None)
                return
        self._free += 1

    @contextlib.asynccontextmanager
    async def slot(self, priority: int):
        await self.acquire(priority)
        try:
            yield
        finally:
            self.release()


class _Hold:
    """What one page request holds while it runs: its page slot, or (while it opens a connection) a
    connect slot instead. Shared with the aiohttp trace hooks through trace_request_ctx."""

    __slots__ = ("page", "connecting", "lend", "priority", "budget", "res")

    def __init__(self, lend: bool, priority: int, budget, res):
        self.page, self.connecting = True, False
        self.lend, self.priority, self.budget, self.res = lend, priority, budget, res


def raise_open_files(needed: int) -> None:
    """Sockets are file descriptors: lift the soft limit toward what the scan's slots may hold."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return
    with contextlib.suppress(ValueError, OSError):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = needed + 256  # the process's own files, the browser's pipes, the server side of tests
        if soft != resource.RLIM_INFINITY and soft < want:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want if hard == resource.RLIM_INFINITY else min(want, hard),
                                                        hard))


def new_site_jar() -> aiohttp.CookieJar:
    jar = aiohttp.CookieJar(unsafe=True, quote_cookie=False)
    SITE_JAR.set(jar)
    return jar


class SSRFRefused(OSError):
    """Resolved address is private/loopback/link-local/reserved."""


class ReservedName(OSError):
    """Reserved test TLD (RFC 6761) not in the host map: fail fast, never ask real DNS."""


def ip_is_public(ip: str) -> bool:
    try:
        a = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(a, ipaddress.IPv6Address) and a.ipv4_mapped:
        a = a.ipv4_mapped
    return a.is_global and not a.is_multicast


_RESERVED_TLDS = (".test", ".invalid", ".example", ".localhost")


class GuardedResolver(AbstractResolver):
    """Static host map first, then system DNS; refuses non-public addresses unless allowed.

    The check happens here, on the addresses actually connected to, so every redirect hop
    (each new connection) is re-checked and DNS answers cannot be swapped after a check.
    """

    def __init__(self, host_map: dict[str, str] | None = None, allow_private: bool = False):
        self.host_map = {k.lower().rstrip("."): v for k, v in (host_map or {}).items()}
        self.allow_private = allow_private
        self._default = aiohttp.ThreadedResolver()

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET):
        h = host.lower().rstrip(".")
        if h in self.host_map:
            ip = self.host_map[h]
            fam = socket.AF_INET6 if ":" in ip else socket.AF_INET
            res = [{"hostname": host, "host": ip, "port": port, "family": fam, "proto": 0,
                    "flags": socket.AI_NUMERICHOST}]
        elif h.endswith(_RESERVED_TLDS) or h == "localhost":
            raise ReservedName(errno.ENOENT, f"reserved name not mapped: {h}")
        else:
            res = await self._default.resolve(h, port, family)
        if not self.allow_private:
            bad = [r["host"] for r in res if not ip_is_public(r["host"])]
            if bad:
                raise SSRFRefused(errno.EACCES, f"refused non-public address {bad[0]} for {h}")
        return res

    async def close(self) -> None:
        await self._default.close()


class HostLimiter:
    """Per-hostname concurrency cap plus optional request rate; idle hosts are forgotten."""

    def __init__(self, per_host: int, rate: float | None):
        self.per_host = max(1, per_host)
        self.interval = (1.0 / rate) if rate else 0.0
        self._slots: dict[str, list] = {}  # host -> [semaphore, users, next_time]

    @contextlib.asynccontextmanager
    async def slot(self, host: str):
        s = self._slots.get(host)
        if s is None:
            s = self._slots[host] = [asyncio.Semaphore(self.per_host), 0, 0.0]
        s[1] += 1
        try:
            async with s[0]:
                if self.interval:
                    now = time.monotonic()
                    wait = s[2] - now
                    s[2] = max(now, s[2]) + self.interval
                    if wait > 0:
                        await asyncio.sleep(wait)
                yield
        finally:
            s[1] -= 1
            if s[1] == 0 and s[2] <= time.monotonic():
                self._slots.pop(host, None)


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: int | None = None
    error: str | None = None
    detail: str | None = None
    latency_ms: int | None = None      # start to final response headers (redirects included; own queueing not)
    queued_ms: int = 0                 # waiting for the scanner's own slots (not the site's time)
    elapsed_ms: int = 0
    redirects: list[str] = field(default_factory=list)  # URLs visited before final_url
    body: bytes | None = None
    truncated: bool = False
    content_type: str | None = None
    attempts: int = 1
    challenge: bool = False            # a script challenge a browser passes (is_challenge)
    content_length: int | None = None  # as declared (HEAD answers)
    tool_refused: int | None = None    # status the site gave the scanner's own user agent (then asked as a browser)

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and self.status < 400

    @property
    def message(self) -> str | None:
        if self.error is None:
            return None
        m = ERROR_MESSAGES.get(self.error, ERROR_MESSAGES["other"])
        return f"{m}（{self.status}）" if self.error == "http_status" else m


def _chain(exc: BaseException):
    seen = 0
    while exc is not None and seen < 8:
        yield exc
        exc = getattr(exc, "os_error", None) or exc.__cause__ or exc.__context__
        seen += 1


def classify(exc: BaseException) -> str:
    chain = list(_chain(exc))
    if any(isinstance(e, SSRFRefused) for e in chain):
        return "ssrf_refused"
    if isinstance(exc, aiohttp.ClientConnectorDNSError) or any(isinstance(e, (ReservedName, socket.gaierror)) for e in chain):
        return "dns"
    if isinstance(exc, (aiohttp.ClientSSLError, ssl.SSLError)) or any(isinstance(e, ssl.SSLError) for e in chain):
        return "tls"
    if isinstance(exc, (TimeoutError, asyncio.TimeoutError, aiohttp.ServerTimeoutError)):
        return "timeout"
    if isinstance(exc, (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError, ConnectionResetError,
                        BrokenPipeError, aiohttp.ClientConnectionResetError)):
        return "reset"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return "connect"
    if isinstance(exc, aiohttp.ClientOSError):
        return "reset" if exc.errno in (errno.ECONNRESET, errno.EPIPE) else "connect"
    if isinstance(exc, (aiohttp.InvalidURL, ValueError)):
        return "invalid_url"
    if isinstance(exc, aiohttp.ClientResponseError):
        return "protocol"
    return "other"


def _hostname(url: str) -> str:
    try:
        return URL(url).host or ""
    except (ValueError, TypeError):
        return ""


class Fetcher:
    """One per scan: shares the connection pool, DNS cache and limits across all sites."""

    def __init__(self, config: ScanConfig):
        self.config = config
        self.limiter = HostLimiter(config.per_host, config.per_host_rate)
        self._global = PrioritySlots(max(1, config.concurrency))
        # HTTPS checks: their own slots, apart from the page fetches' global and per-host slots.
        self.https_slots = asyncio.Semaphore(max(1, config.https_concurrency))
        # Connections being opened (DNS, connect, TLS handshake): a page fetch lends its page slot out meanwhile.
        self.connect_slots = asyncio.Semaphore(max(1, config.connect_concurrency))
        self.resolver = GuardedResolver(config.host_map, config.allow_private)
        self.session: aiohttp.ClientSession | None = None
        self.requests = 0
        # Hosts that refuse tools: asked as a browser from then on (one refusal costs one extra request).
        self.browser_hosts: set[str] = set()
        from .render import Renderer  # Playwright is imported only when a page is rendered
        self.renderer = Renderer(config, self.resolver)

    async def __aenter__(self) -> "Fetcher":
        # The semaphores do the limiting; the connector only needs room for all of them: a hanging HTTPS
        # handshake or connect must not take one of the page fetches' connections.
        limit = max(1, self.config.concurrency) + max(1, self.config.https_concurrency) \
            + max(1, self.config.connect_concurrency)
        raise_open_files(limit)
        tracing = aiohttp.TraceConfig()
        tracing.on_connection_create_start.append(self._lend_page_slot)
        tracing.on_connection_create_end.append(self._take_page_slot_back)
        conn = aiohttp.TCPConnector(
            limit=limit, limit_per_host=0,
            resolver=self.resolver,
            ttl_dns_cache=300, keepalive_timeout=3, enable_cleanup_closed=True,
        )
        self.session = aiohttp.ClientSession(
            connector=conn,
            cookie_jar=aiohttp.DummyCookieJar(),  # no shared jar: cookies live in the per-site SITE_JAR only
            headers={"User-Agent": self.config.user_agent, "Accept": "text/html,*/*;q=0.8",
                     "Accept-Language": "zh-CN,zh;q=0.9"},
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=self.config.connect_timeout),
            auto_decompress=True, trace_configs=[tracing],
        )
        return self

    async def _lend_page_slot(self, _session, ctx, _params) -> None:
        """A new connection is being opened: its wait (DNS, connect, handshake) costs no CPU, so the
        request gives its page slot to another page meanwhile and waits in a connect slot."""
        hold = ctx.trace_request_ctx
        if not isinstance(hold, _Hold) or not hold.lend or not hold.page:
            return
        hold.page = False
        self._global.release()
        await self.connect_slots.acquire()
        hold.connecting = True

    async def _take_page_slot_back(self, _session, ctx, _params) -> None:
        hold = ctx.trace_request_ctx
        if not isinstance(hold, _Hold) or not hold.connecting:
            return
        hold.connecting = False
        self.connect_slots.release()
        await self._own_wait(hold.res, hold.budget, self._global.acquire(hold.priority))
        hold.page = True

    @staticmethod
    async def _own_wait(res: "FetchResult", budget: asyncio.Timeout | None, waiting) -> None:
        """Wait for the scanner's own slots: the fetch's time budget stops meanwhile and the time is
        queueing, neither the site's timeout nor its latency."""
        loop = asyncio.get_running_loop()
        asked = loop.time()
        deadline = budget.when() if budget is not None else None
        if deadline is not None:
            budget.reschedule(None)
        try:
            await waiting
        finally:
            waited = loop.time() - asked
            res.queued_ms += int(waited * 1000)
            if deadline is not None:
                budget.reschedule(deadline + waited)

    async def __aexit__(self, *exc) -> None:
        await self.renderer.close()
        if self.session is not None:
            await self.session.close()

    async def fetch(self, url: str, *, method: str = "GET", max_bytes: int | None = None,
                    timeout: float | None = None, headers: dict | None = None,
                    retries: int | None = None, verify_tls: bool = True,
                    pool: asyncio.Semaphore | None = None) -> FetchResult:
        """Fetch with retries for transient failures only. Never raises (except cancellation).

        pool: take a slot of this semaphore instead of the global and per-host slots (the HTTPS
        check: a handshake that never completes must not hold the slots the page fetches use)."""
        cfg = self.config
        retries = cfg.retries if retries is None else retries
        attempt = 0
        host = _hostname(url)
        as_browser = host in self.browser_hosts
        refused = None
        while True:
            attempt += 1
            hdrs = {**(headers or {}), "User-Agent": cfg.browser_user_agent} if as_browser else headers
            res = await self._fetch_once(url, method, max_bytes or cfg.max_bytes, timeout or cfg.timeout, hdrs,
                                         verify_tls, pool)
            res.attempts = attempt
            if not as_browser and cfg.browser_user_agent and is_waf_page(res.status, res.body) and not res.challenge:
                # A firewall against tools: ask once more as a browser; report the refusal, not unavailability.
                refused, as_browser = res.status, True
                continue
            if refused is not None:
                res.tool_refused = refused
                if res.status is not None and (res.status < 400 or res.challenge):
                    self.browser_hosts.add(host)
            transient = (res.error in ("connect", "reset")
                         or (res.error == "http_status" and res.status in _TRANSIENT_STATUS)
                         or (res.error == "timeout" and cfg.retry_on_timeout))
            if not transient or attempt > retries:
                return res
            await asyncio.sleep(cfg.retry_backoff * (2 ** (attempt - 1)))

    async def _fetch_once(self, url: str, method: str, max_bytes: int, timeout: float,
                          headers: dict | None, verify_tls: bool = True,
                          pool: asyncio.Semaphore | None = None) -> FetchResult:
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        res = FetchResult(url=url, final_url=url)
        current = url
        try:
            async with asyncio.timeout(timeout) as budget:
                for _hop in range(self.config.max_redirects + 1):
                    u = self._check_url(current)
                    if isinstance(u, str):
                        res.error, res.detail = u, current
                        return res
                    res.final_url = current
                    nxt = await self._one_hop(u, method, max_bytes, headers, res, t0, verify_tls, pool, budget)
                    if nxt is None:
                        return res
                    res.redirects.append(current)
                    current = nxt
                    if method == "POST":
                        method = "GET"
                res.final_url = current
                res.error, res.detail = "too_many_redirects", f"> {self.config.max_redirects} hops"
                return res
        except asyncio.CancelledError:
            raise
        except BaseException as e:  # noqa: BLE001 - every failure becomes a classified finding
            if isinstance(e, (KeyboardInterrupt, SystemExit)):
                raise
            res.error = classify(e)
            res.detail = f"{type(e).__name__}: {e}"[:300]
            res.body = None
            return res
        finally:
            res.elapsed_ms = int((loop.time() - t0) * 1000) - res.queued_ms

    def _check_url(self, url: str) -> URL | str:
        try:
            u = URL(url)
        except (ValueError, TypeError):
            return "invalid_url"
        if u.scheme not in ("http", "https") or not u.host:
            return "invalid_url"
        host = u.host
        try:
            ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
            is_ip = True
        except ValueError:
            is_ip = False
        # IP literals bypass the resolver, so they are checked here.
        if is_ip and not self.config.allow_private and not ip_is_public(host.strip("[]")):
            return "ssrf_refused"
        return u

    async def _one_hop(self, u: URL, method: str, max_bytes: int, headers: dict | None,
                       res: FetchResult, t0: float, verify_tls: bool = True,
                       pool: asyncio.Semaphore | None = None, budget: asyncio.Timeout | None = None) -> str | None:
        """Do one request; return the next URL for a redirect, else fill res and return None.

        Time spent waiting for the scanner's own slots is the scanner's, not the site's: it extends the
        fetch's time budget and is left out of its latency."""
        assert self.session is not None
        priority = SITE_ORDER.get()

        async def take_slots():
            if pool is not None:
                await pool.acquire()
                return None
            host_slot = self.limiter.slot(u.host or "")
            await host_slot.__aenter__()
            try:
                await self._global.acquire(priority)
            except BaseException:
                await host_slot.__aexit__(None, None, None)
                raise
            return host_slot

        host_slot = None

        async def taken():
            nonlocal host_slot
            host_slot = await take_slots()
        await self._own_wait(res, budget, taken())
        hold = _Hold(pool is None, priority, budget, res)
        try:
            return await self._request(u, method, max_bytes, headers, res, t0, verify_tls, hold)
        finally:
            if pool is not None:
                pool.release()
            else:
                if hold.connecting:
                    self.connect_slots.release()
                if hold.page:
                    self._global.release()
                await host_slot.__aexit__(None, None, None)

    async def _request(self, u: URL, method: str, max_bytes: int, headers: dict | None,
                       res: FetchResult, t0: float, verify_tls: bool, hold: _Hold | None = None) -> str | None:
        self.requests += 1
        c = REQUEST_COUNTER.get()
        if c is not None:
            c[0] += 1
        jar = SITE_JAR.get()
        if jar is not None and len(jar):  # most sites set no cookie: no per-request jar walk
            sent = jar.filter_cookies(u)
            if sent:
                headers = {**(headers or {}), "Cookie": "; ".join(f"{k}={m.value}" for k, m in sent.items())}
        extra = {} if verify_tls else {"ssl": False}
        async with self.session.request(method, u, allow_redirects=False, headers=headers, trace_request_ctx=hold,
                                        **extra) as resp:
            if jar is not None and resp.cookies:
                jar.update_cookies(resp.cookies, resp.url)
            res.status = resp.status
            res.latency_ms = int((asyncio.get_running_loop().time() - t0) * 1000) - res.queued_ms
            loc = resp.headers.get("Location")
            if resp.status in _REDIRECTS and loc:
                try:
                    return urljoin(str(u), loc.strip())
                except ValueError:
                    res.error, res.detail = "invalid_url", loc[:200]
                    return None
            res.content_type = resp.headers.get("Content-Type")
            try:
                res.content_length = int(resp.headers.get("Content-Length") or "") if method == "HEAD" else None
            except ValueError:
                res.content_length = None
            if resp.status >= 400:
                res.error = "http_status"
            if method == "HEAD":
                res.challenge = resp.status in (412, 521)
                return None
            # A body over the cap is read to the cap (its first part is still judged), never further.
            buf = bytearray()
            try:
                async for chunk in resp.content.iter_chunked(65536):
                    buf += chunk
                    if len(buf) > max_bytes:
                        res.truncated = True
                        res.error = res.error or "too_large"
                        del buf[max_bytes:]
                        break
            except (aiohttp.ClientPayloadError, aiohttp.ServerDisconnectedError, ConnectionResetError):
                # A body shorter than its Content-Length: what arrived is kept and judged, marked truncated.
                if not buf or resp.status >= 400:
                    raise
                res.truncated = True
                res.detail = "body shorter than Content-Length"
            res.body = bytes(buf)
            res.challenge = is_challenge(res.status, res.body)
            return None
