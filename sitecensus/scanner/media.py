"""Machine checks of new-media accounts, only where a public page can be read: the engine's media
reader (engine/media.py) on each account's public URL, its reading and evidence recorded on the
account (newmedia.services.record_check). A platform with no public web page (微信公众号, 小程序 in
newmedia/data/platforms.json), an account with no URL, or a page that cannot be read is 无法判定,
left for a person."""

from __future__ import annotations

from sitecensus.newmedia import rules
from sitecensus.newmedia import services as media_services

from .engine.media import UNDECIDABLE, MediaReading, read_accounts_sync
from .services import engine_config


def _unreadable(account, reason: str) -> MediaReading:
    return MediaReading(account.url or "", UNDECIDABLE, reason=reason, evidence={"url": account.url or ""})


def check_accounts(accounts, *, config=None) -> list[MediaReading]:
    """Read each account's public page and record the reading (input order)."""
    accounts = list(accounts)
    config = config or engine_config()
    readable = [a for a in accounts if a.url and rules.has_public_page(a.platform)]
    fetched = dict(zip([a.pk for a in readable], read_accounts_sync([a.url for a in readable], config)))
    out = []
    for account in accounts:
        if account.pk in fetched:
            reading = fetched[account.pk]
        elif not account.url:
            reading = _unreadable(account, "未登记公开页面网址，请人工检查")
        else:
            reading = _unreadable(account, f"{account.platform}没有可公开读取的网页，请人工检查")
        media_services.record_check(account=account, result=reading.as_dict(), latest=reading.latest)
        out.append(reading)
    return out
