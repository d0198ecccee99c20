"""Who may see scan results and start scans."""

from __future__ import annotations

from sitecensus.core import policy as base

SCAN = base.rule("scanner.scan", "只有组织单位可以发起扫描")


def may_scan(user) -> bool:
    return base.is_operator(user)


def check_scan(user) -> None:
    SCAN.check(may_scan(user))
