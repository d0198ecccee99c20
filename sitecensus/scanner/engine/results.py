"""Targets in, findings out: plain dataclasses with a JSON-ready to_dict()."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


class TargetError(ValueError):
    """Invalid target list; str() is a Chinese message fit for the user."""


@dataclass
class ColumnTarget:
    name: str
    url: str
    cls: str | None = None  # scoring-table class, e.g. "动态要闻", "通知公告", "政务咨询"


@dataclass
class Target:
    site_code: str
    homepage: str
    columns: list[ColumnTarget] = field(default_factory=list)
    systems: list[str] = field(default_factory=list)


def parse_targets(data: Any) -> list[Target]:
    """Validate the registry JSON shape; raise TargetError (Chinese message) on bad input."""
    if not isinstance(data, list):
        raise TargetError("目标文件格式错误：顶层应为数组（list），每个元素是一个网站")
    out = []
    for i, t in enumerate(data):
        where = f"第{i + 1}个网站"
        if not isinstance(t, dict):
            raise TargetError(f"{where}格式错误：应为对象（含 site_code、homepage）")
        code, home = t.get("site_code"), t.get("homepage")
        if not isinstance(code, str) or not code.strip():
            raise TargetError(f"{where}缺少网站标识码 site_code（应为非空字符串）")
        if not isinstance(home, str):
            raise TargetError(f"{where}（{code}）缺少首页地址 homepage（应为字符串）")
        cols = t.get("columns", []) or []
        if not isinstance(cols, list):
            raise TargetError(f"{where}（{code}）的 columns 应为数组")
        ctargets = []
        for j, c in enumerate(cols):
            if not isinstance(c, dict) or not isinstance(c.get("url"), str):
                raise TargetError(f"{where}（{code}）第{j + 1}个栏目格式错误：应含 name、url、class")
            ctargets.append(ColumnTarget(str(c.get("name") or ""), c["url"], c.get("class")))
        systems = t.get("systems", []) or []
        if not isinstance(systems, list) or not all(isinstance(s, str) for s in systems):
            raise TargetError(f"{where}（{code}）的 systems 应为网址字符串数组")
        out.append(Target(code.strip(), home.strip(), ctargets, list(systems)))
    return out


@dataclass
class HomepageResult:
    url: str
    final_url: str | None = None
    reachable: bool = False
    status: int | None = None
    error: str | None = None
    message: str | None = None
    latency_ms: int | None = None
    redirects: list[str] = field(default_factory=list)
    encoding: str | None = None
    latest_date: date | None = None
    latest_source: str | None = None   # "homepage_items" | "linked_articles" | None
    dated_items: int = 0
    stale: bool | None = None           # None when the page could not be judged
    site_id_code: str | None = None
    site_id_source: str | None = None   # "meta" | "footer"
    site_id_shown: bool = False         # 网站标识码 visible in the page text
    icp: str | None = None
    https_ok: bool | None = None
    https_error: str | None = None
    http_redirects_to_https: bool | None = None


@dataclass
class ColumnResult:
    name: str
    url: str
    cls: str | None = None
    reachable: bool = False
    status: int | None = None
    error: str | None = None
    latest_date: date | None = None
    item_count: int = 0                 # dated list items on the list page
    blank: bool = False
    stale: bool | None = None           # None: unreachable, or class without a deadline
    deadline: date | None = None        # newest item must be on/after this date


@dataclass
class LinkResult:
    url: str
    found_on: str
    kind: str
    status: int | None
    error: str | None
    message: str | None = None


@dataclass
class SystemResult:
    url: str
    reachable: bool
    status: int | None
    error: str | None
    final_url: str | None = None


@dataclass
class MessageFinding:
    title: str
    url: str | None
    asked: date | None
    replied: date | None
    overdue: bool


@dataclass
class InteractionResult:
    column: str
    url: str
    messages_in_window: int = 0
    overdue: list[MessageFinding] = field(default_factory=list)
    no_recent_messages: bool = False    # deduction evidence
    unanswered_veto_evidence: bool = False


@dataclass
class SiteResult:
    site_code: str
    homepage: HomepageResult
    as_of: date
    columns: list[ColumnResult] = field(default_factory=list)
    dead_links: list[LinkResult] = field(default_factory=list)
    links_checked: int = 0
    systems: list[SystemResult] = field(default_factory=list)
    interaction: list[InteractionResult] = field(default_factory=list)
    column_counts: dict[str, int] = field(default_factory=dict)
    vetoes: list[str] = field(default_factory=list)
    error: str | None = None            # scan-level problem (site deadline, internal error)
    detail: str | None = None
    started_at: datetime | None = None
    duration_ms: int = 0
    requests: int = 0

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(dataclasses.asdict(self))


def _jsonable(v: Any) -> Any:
    if isinstance(v, dict):
        return {("class" if k == "cls" else k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    return v
