"""The accounts' own typed errors (codes `accounts.*`); the permission rules are in policy.py."""

from __future__ import annotations

from sitecensus.core.errors import NotAllowed


class SuperuserRefused(NotAllowed):
    """No all-powerful accounts, whoever asks: the three separated administrators instead (三员分立)."""

    code = "accounts.superuser"

    def __init__(self):
        super().__init__("本系统不设超级用户，请使用 bootstrap 命令创建三员账号")
