"""A small synthetic web on 127.0.0.1 for a site's life: hosts answering with pages, redirects or
errors that a test changes as its clock moves (a notice put up, taken down, the site switched off).
Hosts are reached through a host map onto 127.0.0.1 (no DNS); a host not served is refused."""

from __future__ import annotations

import asyncio
import socket

from aiohttp import web

LOCAL = "127.0.0.1"


def closed_port() -> int:
    """A loopback port nothing listens on (connection refused): a site switched off."""
    with socket.socket() as s:
        s.bind((LOCAL, 0))
        return s.getsockname()[1]


class LifeWeb:
    """pages[host][path] = (status, headers, body); `down` hosts drop the connection."""

    def __init__(self):
        self.pages: dict[str, dict[str, tuple[int, dict, bytes]]] = {}
        self.down: set[str] = set()
        self.port = 0
        self.requests = 0
        self._runner = None

    # -- content
    def page(self, host: str, path: str, html: str | bytes, *, status: int = 200, encoding: str = "utf-8"):
        body = html if isinstance(html, bytes) else html.replace("{host}", f"{host}:{self.port}").encode(encoding)
        self.pages.setdefault(host, {})[path] = (status, {"Content-Type": "text/html"}, body)

    def redirect(self, host: str, path: str, location: str, status: int = 302):
        self.pages.setdefault(host, {})[path] = (status, {"Location": location}, b"")

    def remove(self, host: str, path: str | None = None):
        if path is None:
            self.pages.pop(host, None)
        else:
            self.pages.get(host, {}).pop(path, None)

    def url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"

    # -- serving
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        host = (request.host or "").rsplit(":", 1)[0].lower()
        if host in self.down:
            request.transport.abort()
            await asyncio.sleep(0)
            return web.Response(status=500)
        site = self.pages.get(host)
        if site is None:
            return web.Response(status=404, text="no such site")
        hit = site.get(request.path)
        if hit is None:
            return web.Response(status=404, text="not found")
        status, headers, body = hit
        return web.Response(status=status, headers=headers, body=body)

    async def start(self) -> int:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.2)
        await self._runner.setup()
        site = web.TCPSite(self._runner, LOCAL, self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
