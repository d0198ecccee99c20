"""Machine checks of new-media accounts: the public page is read through the engine (synthetic pages
on 127.0.0.1, reached by host map), the latest post date and its evidence recorded on the account; a
platform without public pages or an unreadable page is 无法判定 for a person."""

import asyncio
import contextlib
import threading

import pytest

from sitecensus.newmedia import selectors, services
from sitecensus.newmedia.testing import sample_values, without_demo_accounts
from sitecensus.scanner.engine.testing.media import AS_OF, tuning
from sitecensus.scanner.engine.testing.media.corpus import served
from sitecensus.scanner.media import check_accounts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean(db):
    without_demo_accounts()


@contextlib.contextmanager
def pages(shapes):
    """Serve the shapes from a loop in a thread while the (synchronous) check runs."""
    loop = asyncio.new_event_loop()
    ready, stop = threading.Event(), None
    box = {}

    async def main():
        nonlocal stop
        stop = asyncio.Event()
        async with served(shapes) as (urls, config):
            box.update(urls=urls, config=config)
            ready.set()
            await stop.wait()

    thread = threading.Thread(target=lambda: loop.run_until_complete(main()))
    thread.start()
    ready.wait(10)
    try:
        yield box["urls"], box["config"]
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)


def test_readings_are_recorded_with_evidence_and_unreadable_goes_to_a_person(demo_users):
    u = demo_users
    clerk = u["laishui_lsz"]
    shapes = {s.name: s for s in tuning.SHAPES}
    with pages([shapes["t5-stale-with-cert-date"], shapes["t4-login-wall"]]) as (urls, config):
        made = []
        for platform, url in (("微博", urls["t5-stale-with-cert-date"]), ("抖音", urls["t4-login-wall"]),
                              ("微信公众号", "https://mp.weixin.example.cn/x")):
            account = services.file_account(actor=clerk, unit=clerk.unit, values=sample_values(
                unit_name=clerk.unit.name, platform=platform, url=url))
            for who in ("laishui", "baoding", "hebei"):
                account = services.approve(actor=u[who], account=account)
            made.append(account)
        readings = check_accounts(made, config=config)
    assert [r.verdict for r in readings] == ["read", "undecidable", "undecidable"]
    stale, wall, wechat = (type(a).objects.get(pk=a.pk) for a in made)
    assert str(stale.last_post_on) == "2024-11-02" and stale.check_result["evidence"]["date_excerpt"]
    assert wall.last_post_on is None and "登录" in wall.check_result["reason"]
    assert "没有可公开读取的网页" in wechat.check_result["reason"] and wechat.check_result["label"] == "无法判定"
    assert list(selectors.not_updated(u["laishui"], today=AS_OF)) == [stale]


def test_the_command_records_a_reading_per_account(demo_users):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    clerk = demo_users["laishui_lsz"]
    account = services.file_account(actor=clerk, unit=clerk.unit, values=sample_values(unit_name=clerk.unit.name))
    for who in ("laishui", "baoding", "hebei"):
        account = services.approve(actor=demo_users[who], account=account)
    out = StringIO()
    call_command("check_media", account.media_code, stdout=out)  # no public URL: nothing is fetched
    assert "1 个账号，读取 0 个，无法判定 1 个" in out.getvalue()
    account.refresh_from_db()
    assert account.check_result["reason"] == "未登记公开页面网址，请人工检查" and account.last_checked_at
    with pytest.raises(CommandError, match="请给出登记编号"):
        call_command("check_media")
