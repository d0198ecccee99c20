"""Sample accounts for tests and the demo."""

from __future__ import annotations


def sample_values(*, unit_name: str, platform: str = "微信公众号", name: str = "", account_id: str = "",
                  url: str = "", certified_subject: str | None = None, opened_on: str = "2019-03-01") -> dict:
    return {"platform": platform, "name": name or f"{unit_name}{platform}", "account_id": account_id,
            "url": url, "host_unit": unit_name,
            "certified_subject": unit_name if certified_subject is None else certified_subject,
            "is_certified": True, "operator_unit": unit_name, "opened_on": opened_on}


def without_demo_accounts() -> None:
    """Tests that count accounts start from none (the demo files some along the Hebei chain)."""
    from .models import MediaAccount, MediaSequence

    MediaAccount.objects.all().delete()
    MediaSequence.objects.all().delete()


def approved_through(users: dict, account, *levels: str):
    """The account approved by each named user in turn (its review chain, level by level)."""
    from . import services

    for name in levels:
        account = services.approve(actor=users[name], account=account)
    return account
