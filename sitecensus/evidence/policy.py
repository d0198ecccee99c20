"""The evidence files' permission rules (codes `evidence.*`). Who may fill a scorecard is asked of
scoring.policy; these name the refusal of its evidence."""

from __future__ import annotations

from sitecensus.core import policy as base

UPLOAD = base.rule("evidence.upload", "您不能为这份评分表上传证据")
DELETE = base.rule("evidence.delete", "您不能删除这份评分表的证据")
