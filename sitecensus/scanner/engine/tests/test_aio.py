import asyncio

import pytest

from sitecensus.scanner.engine import aio


async def _answer():
    await asyncio.sleep(0)
    return 42


def test_runs_a_coroutine_from_plain_code():
    assert aio.run(_answer()) == 42


def test_runs_a_coroutine_where_a_loop_is_already_running():
    async def caller():
        plain = _answer()
        with pytest.raises(RuntimeError):
            asyncio.run(plain)  # what the engine's callers used to do
        plain.close()
        return aio.run(_answer())

    assert asyncio.run(caller()) == 42
