"""A few fixed pages served on 127.0.0.1 (tests and benchmarks only): path → HTML text, or an
int for a status answered instead. Runs its own event loop in a thread, so synchronous tests
(and a live server's requests) can reach it."""

from __future__ import annotations

import asyncio
import threading

from aiohttp import web


class PageServer:
    def __init__(self, pages: dict[str, str | int]):
        self.pages = dict(pages)
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._runner = None

    async def _handle(self, request):
        page = self.pages.get(request.path_qs, self.pages.get(request.path))
        if page is None:
            return web.Response(status=404, text="not found")
        if isinstance(page, int):
            return web.Response(status=page, text="error")
        return web.Response(text=page, content_type="text/html", charset="utf-8")

    async def _start(self):
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        self._ready.set()

    def __enter__(self) -> "PageServer":
        threading.Thread(target=self._run, daemon=True).start()
        if not self._ready.wait(5):
            raise RuntimeError("page server did not start")
        return self

    def _run(self):
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._start())
        self._loop.run_forever()

    def __exit__(self, *exc):
        async def stop():
            await self._runner.cleanup()
        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
