"""The census campaigns' permission rules (codes `campaigns.*`). Who holds them is asked of
registry.policy (`may_create_campaign`, `may_edit_calendar`), beside the pages that ask."""

from __future__ import annotations

from sitecensus.core import policy as base

CREATE = base.rule("campaigns.create", "只有国办管理员可以创建普查")
CALENDAR = base.rule("campaigns.calendar", "只有国办管理员或系统管理员可以调整普查日程")
SETTINGS = base.rule("campaigns.settings", "系统管理员只能调整日程")
