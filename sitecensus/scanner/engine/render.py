"""Render fallback: headless Chromium (Debian's /usr/bin/chromium) through Playwright, for pages whose
static HTML holds no readable list (script-rendered lists, JavaScript redirects, cookie challenges).

Bounded: one browser per scan started on first use, a small page pool, a time and byte budget per page,
a cap on pages per scan. Images, media, fonts and style sheets are never loaded. Every request the page
makes goes through the scan's guarded resolver (no private addresses unless the scan allows them).
Where Chromium is absent `available` is False and callers report 无法判定, not a verdict."""
from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from .config import ScanConfig

_BLOCKED_TYPES = {"image", "media", "font", "stylesheet", "imageset", "texttrack", "object", "beacon", "csp_report"}


@dataclass
class Rendered:
    url: str
    final_url: str | None = None
    html: str | None = None
    error: str | None = None        # render_unavailable | render_failed | render_budget
    ms: int = 0                     # the browser's time on the page (not the wait for a pool slot)
    queued_ms: int = 0              # waiting for the render pool (renders are queued across the run)
    bytes: int = 0
    frames: list = None             # [(url, html)] of the page's frames, any host (through the address guard)
    cookies: list = None            # what the page left in the browser (a passed challenge's clearance)
    status: int | None = None       # the main document's HTTP status as the browser got it


# Marks what a visitor does not see (display:none, visibility:hidden, transparent, off-screen) with the
# hidden attribute, so the page is read as shown: marked links never date a page, and hidden outbound
# ones are reported (暗链).
_MARK_HIDDEN = """() => {
  if (!document.body) return 0;
  const W = Math.max(document.documentElement.scrollWidth, 1200) + 400;
  let n = 0;
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('[hidden]') && !el.hasAttribute('hidden')) continue;
    const st = getComputedStyle(el);
    let off = st.display === 'none' || st.visibility === 'hidden' || parseFloat(st.opacity) === 0;
    if (!off && (el.tagName === 'A' || el.tagName === 'DIV' || el.tagName === 'UL')) {
      const r = el.getBoundingClientRect();
      off = r.right < -20 || r.bottom + window.scrollY < -20 || r.left > W;
    }
    if (off) { el.setAttribute('hidden', ''); n++; }
  }
  return n;
}"""

class Renderer:
    def __init__(self, config: ScanConfig, resolver=None):
        self.config = config
        self.resolver = resolver
        self._pw = None
        self._browser = None
        self._lock = asyncio.Lock()
        self._sem = asyncio.Semaphore(max(1, config.render_pool))
        self.used = 0
        self.total_ms = 0
        self.failed = 0
        self.broken = False

    @property
    def available(self) -> bool:
        return (self.config.render and not self.broken and os.path.exists(self.config.chromium_path)
                and os.access(self.config.chromium_path, os.X_OK))

    def can_render(self) -> bool:
        cap = self.config.render_max_pages
        return self.available and (cap is None or self.used < cap)

    async def _ensure(self):
        async with self._lock:
            if self._browser is not None:
                return self._browser
            from playwright.async_api import async_playwright
            self._pw = await async_playwright().start()
            args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                    "--disable-background-networking", "--disable-extensions", "--disable-component-update",
                    "--disable-sync", "--disable-domain-reliability", "--no-default-browser-check",
                    "--disable-features=Translate,OptimizationHints,MediaRouter"]
            rules = [f"MAP {h} {ip}" for h, ip in (self.config.host_map or {}).items()]
            if rules and self.config.allow_private:
                rules.append("MAP * ~NOTFOUND")  # test/benchmark mode: only the mapped (local) hosts exist
            if rules:
                args.append("--host-resolver-rules=" + ", ".join(rules))
            self._browser = await self._pw.chromium.launch(executable_path=self.config.chromium_path,
                                                           headless=True, args=args)
            return self._browser

    async def _allowed(self, url: str) -> bool:
        p = urlsplit(url)
        if p.scheme not in ("http", "https") or not p.hostname:
            return p.scheme in ("data", "blob", "about")
        if self.config.allow_private and self.config.host_map:
            return p.hostname.lower().rstrip(".") in {h.lower().rstrip(".") for h in self.config.host_map}
        if self.resolver is None or self.config.allow_private:
            return True
        try:
            await self.resolver.resolve(p.hostname, p.port or 0)
        except OSError:
            return False
        return True

    async def render(self, url: str) -> Rendered:
        out = Rendered(url)
        if not self.available:
            out.error = "render_unavailable"
            return out
        cap = self.config.render_max_pages
        if cap is not None and self.used >= cap:
            out.error = "render_budget"
            return out
        self.used += 1
        t0 = time.monotonic()
        try:
            async with self._sem:
                t1 = time.monotonic()
                out.queued_ms = int((t1 - t0) * 1000)
                browser = await self._ensure()
                # A browser's user agent: the page is read as a visitor's browser gets it.
                ctx = await browser.new_context(user_agent=self.config.browser_user_agent, locale="zh-CN",
                                                ignore_https_errors=True, java_script_enabled=True)
                try:
                    seen = {"bytes": 0}

                    async def route(r):
                        req = r.request
                        if req.resource_type in _BLOCKED_TYPES or not await self._allowed(req.url):
                            await r.abort()
                        elif seen["bytes"] > self.config.render_max_bytes:
                            await r.abort()
                        else:
                            await r.continue_()

                    def on_response(resp):
                        try:
                            cl = int(resp.headers.get("content-length") or 0)
                        except ValueError:
                            cl = 0
                        seen["bytes"] += cl

                    await ctx.route("**/*", route)
                    page = await ctx.new_page()
                    page.on("response", on_response)
                    budget = self.config.render_timeout * 1000
                    resp = await page.goto(url, wait_until="domcontentloaded", timeout=budget)
                    out.status = resp.status if resp is not None else None
                    # Let scripts fill lists, follow challenges and redirects (bounded by the budget).
                    left = max(1000.0, budget - (time.monotonic() - t0) * 1000)
                    try:
                        await page.wait_for_load_state("networkidle", timeout=min(left, 5000))
                    except Exception:  # noqa: BLE001 - a busy page is still read as it stands
                        pass
                    out.frames = []
                    for fr in page.frames:
                        try:
                            await fr.evaluate(_MARK_HIDDEN)
                        except Exception:  # noqa: BLE001 - a frame gone or navigating is read as it stands
                            pass
                    for fr in page.frames[1:6]:
                        if fr.url.startswith(("http://", "https://")) and fr.url != page.url:
                            try:
                                out.frames.append((fr.url, (await fr.content())[: self.config.render_max_bytes]))
                            except Exception:  # noqa: BLE001
                                pass
                    html = await _content(page)
                    try:
                        out.cookies = await ctx.cookies()
                    except Exception:  # noqa: BLE001
                        out.cookies = []
                    out.final_url = page.url
                    out.html = html[: self.config.render_max_bytes]
                    out.bytes = len(out.html)
                finally:
                    await ctx.close()
        except Exception as e:  # noqa: BLE001 - a render failure is a finding, never a crash
            out.error = "render_failed"
            out.html = None
            self.failed += 1
            if "Executable doesn't exist" in str(e) or "Failed to launch" in str(e):
                self.broken = True
                out.error = "render_unavailable"
        out.ms = int((time.monotonic() - t0) * 1000) - out.queued_ms
        self.total_ms += out.ms
        return out

    async def close(self) -> None:
        try:
            if self._browser is not None:
                await self._browser.close()
            if self._pw is not None:
                await self._pw.stop()
        except Exception:  # noqa: BLE001
            pass
        self._browser = self._pw = None


async def _content(page) -> str:
    """The page's HTML after scripts; a page still navigating (challenge reload) gets a moment more."""
    for _ in range(3):
        try:
            return await page.content()
        except Exception:  # noqa: BLE001 - navigation in progress
            await asyncio.sleep(0.5)
    return await page.content()
