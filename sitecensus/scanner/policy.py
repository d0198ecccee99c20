"""Who may see scan results and start scans."""

from __future__ import annotations

from sitecensus.core import policy as base
from sitecensus.registry import policy as registry_policy

SCAN = base.rule("scanner.scan", "只有组织单位可以发起扫描")
COMPLIANCE = base.rule("scanner.compliance", "只有填写该评分表的单位可以处理这条合规提示")
SUGGESTION = base.rule("scanner.suggestion", "请先由检查单位开始检查打分，再处理扫描建议")


def may_scan(user) -> bool:
    return base.is_operator(user)


def check_scan(user) -> None:
    SCAN.check(may_scan(user))


# ---- a site's life: the registry-against-reality flags (scanner.life) ----
FLAG = base.rule("scanner.flag", "只有网站的组织单位（或其上级组织单位）可以处理登记与实际不符提示")


def may_see_flags(user) -> bool:
    return base.is_operator(user)


def may_handle_flag(user, flag) -> bool:
    """The site's organizing unit, or one above it (an operator whose unit's path holds the site's unit)."""
    return base.is_operator(user) and flag.website.unit.path.startswith(user.unit.path)


def check_handle_flag(user, flag) -> None:
    FLAG.check(may_handle_flag(user, flag))


def visible_flags(user):
    """Flags on the sites in the user's scope (none for others)."""
    from .models import RegistryFlag  # the models import this app's policy's neighbours, not the other way

    if not may_see_flags(user):
        return RegistryFlag.objects.none()
    return RegistryFlag.objects.filter(website__in=registry_policy.visible_websites(user))
