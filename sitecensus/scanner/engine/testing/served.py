"""The lifecycle a served synthetic web shares: stop its aiohttp runner, use it as `async with`."""
from __future__ import annotations


class Served:
    _runner = None

    async def start(self) -> int:  # pragma: no cover - each web listens its own way
        raise NotImplementedError

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self):
        await self.start()
        return self

    async def __aexit__(self, *exc):
        await self.stop()
