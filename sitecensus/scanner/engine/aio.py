"""One way to run the engine's coroutines from synchronous code."""

from __future__ import annotations

import asyncio
import concurrent.futures


def run(coro):
    """asyncio.run, also from a thread whose event loop is already running (a caller inside an
    async framework, or a test process where Playwright's sync API keeps its loop marked running):
    then the coroutine gets its own loop in a thread of its own instead of failing."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
