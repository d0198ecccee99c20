"""Serve the media shapes on 127.0.0.1 (by Host header, reached through a host map only) and score
the reader against each shape's truth."""

from __future__ import annotations

import contextlib

from aiohttp import web

from ...config import ScanConfig
from ...media import UNDECIDABLE, read_accounts
from . import AS_OF, Shape

LOCAL = "127.0.0.1"


def host_of(shape: Shape) -> str:
    return f"{shape.name}.media.test"


@contextlib.asynccontextmanager
async def served(shapes: list[Shape], extra: dict[str, str] | None = None):
    """(base URLs by shape name, the config reaching them) while the pages are served."""
    pages = {host_of(s): (s.status, s.body) for s in shapes}
    pages.update({host: (200, body) for host, body in (extra or {}).items()})

    async def handle(request):
        status, body = pages.get(request.host.split(":")[0], (404, "not found"))
        return web.Response(status=status, text=body, content_type="text/html", charset="utf-8")

    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, LOCAL, 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    config = ScanConfig(allow_private=True, host_map={h: LOCAL for h in pages}, as_of=AS_OF, retries=0,
                        render=False, check_https=False, timeout=5.0)
    try:
        yield {name: f"http://{host}:{port}/" for name, host in
               [(s.name, host_of(s)) for s in shapes] + [(h, h) for h in (extra or {})]}, config
    finally:
        await runner.cleanup()


def wrong(shape: Shape, reading) -> list[str]:
    """What the reader got wrong against the shape's truth (empty: all right)."""
    out = []
    if shape.latest is None:
        if reading.verdict != UNDECIDABLE:
            out.append(f"verdict {reading.verdict} (expected 无法判定)")
        return out
    if reading.verdict == UNDECIDABLE:
        return [f"无法判定 ({reading.reason}), expected latest {shape.latest}"]
    if reading.latest != shape.latest:
        out.append(f"latest {reading.latest} != {shape.latest}")
    if reading.interaction != shape.interaction:
        out.append(f"interaction {reading.interaction} != {shape.interaction}")
    return out


async def run(shapes: list[Shape]) -> dict[str, tuple[list[str], object]]:
    async with served(shapes) as (urls, config):
        readings = await read_accounts([urls[s.name] for s in shapes], config)
    return {s.name: (wrong(s, r), r) for s, r in zip(shapes, readings)}
