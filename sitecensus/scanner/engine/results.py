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
    identity: dict = field(default_factory=dict)  # the registry's icp, psb, site_class, portal_host, domains


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
        identity = t.get("identity") or {}
        if not isinstance(identity, dict):
            raise TargetError(f"{where}（{code}）的 identity 应为对象（登记的备案号、类别、域名）")
        out.append(Target(code.strip(), home.strip(), ctargets, list(systems), dict(identity)))
    return out


# Why a check could not be judged (English code -> Chinese message): the result is 无法判定, routed to a
# person, never a veto or a deduction.
UNDETERMINED_MESSAGES = {
    "no_dated_list": "未能识别带日期的信息列表",
    "blocked": "访问需通过Cookie或脚本验证（疑似防护拦截），无法读取内容",
    "tls": "HTTPS证书或TLS握手错误，无法读取内容",
    "too_large": "页面过大，只读取了开头部分，无法确认最新信息",
    "parse_failure": "页面无法解析",
    "render_unavailable": "页面内容需浏览器渲染，但扫描机没有可用的浏览器",
    "render_failed": "浏览器渲染失败或超时",
    "unreachable": "页面无法访问，无法判断更新情况",
    "not_html": "返回内容不是网页",
    "no_reply_info": "留言列表未显示回复时间或办理状态",
    "scripted_list": "列表由脚本生成，静态页面中没有内容",
    "render_budget": "需浏览器确认，但本站的浏览器渲染预算已用完",
    "truncated": "页面传输不完整（内容短于声明长度），无法确认最新信息",
    "year_unsure": "列表只有月日，文章未说明年份，无法确认",
}

# Machine findings other than vetoes (code -> what it means), each with its evidence.
FINDING_MESSAGES = {
    "暗链": "页面含隐藏或移出屏幕的外部链接（疑似暗链/博彩等违规内容）",
    "拒绝扫描器访问": "网站拒绝扫描工具访问（以浏览器身份访问正常），不计为无法访问",
    "首页无网站内容": "首页为服务器默认页、域名停放或出售页，没有网站内容",
    "网站维护中": "首页为维护/升级提示，没有网站内容",
}


@dataclass
class Evidence:
    """What a verdict rests on: the page, the element, the date and where the date came from."""
    url: str
    date: date | None = None
    source: str | None = None       # visible_list, sibling, title_attr, url, script_xml, script_json,
    #                                 document_write, meta, label, linked_article, rendered, empty_marker
    snippet: str = ""               # the element's text (short)
    item_url: str | None = None     # the entry's link, when the date belongs to a list entry


@dataclass
class Finding:
    """A machine finding with its evidence (offered to a person to accept or reject)."""
    code: str                       # FINDING_MESSAGES key (Chinese name)
    url: str
    message: str
    snippet: str = ""
    items: list[str] = field(default_factory=list)   # e.g. the hidden links' addresses
    status: int | None = None


@dataclass
class VetoEvidence:
    """Why a veto stands: the deciding list's entries and which reading confirmed them."""
    veto: str
    reading: str                    # "static" (the page has no script: what a browser shows) | "rendered"
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Undetermined:
    check: str                      # homepage | column | interaction
    url: str
    reason: str
    message: str
    name: str | None = None


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
    evidence: Evidence | None = None
    verdict_confidence: str | None = None  # high | medium | low | undetermined
    undetermined: str | None = None        # reason code (UNDETERMINED_MESSAGES) when 无法判定
    truncated: bool = False                # parsed from the first max_bytes only (or a body cut short)
    via: list[str] = field(default_factory=list)  # client redirects / frames followed in the static path
    rendered: bool = False                 # read through the headless browser
    reading: str | None = None             # which reading the verdict rests on: "static" | "rendered"
    outbound: list[str] = field(default_factory=list)  # other sites' origins the homepage links to (discovery)


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
    evidence: Evidence | None = None
    verdict_confidence: str | None = None
    undetermined: str | None = None
    soft404: bool = False               # a 200 page saying "页面不存在": a dead link, not a blank column
    pages_read: int = 0
    rendered: bool = False
    reading: str | None = None


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
    answered_by_status: int = 0         # answered per a status column (已回复/已办结) without a reply date
    unknown_reply: int = 0              # old messages whose reply state the page does not show
    verdict_confidence: str | None = None
    undetermined: str | None = None
    reading: str | None = None


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
    undetermined: list[Undetermined] = field(default_factory=list)  # 无法判定: routed to a person
    verdict_confidence: str | None = None   # high | partial (some checks undetermined) | undetermined
    renders: int = 0                        # pages read through the headless browser
    render_ms: int = 0                      # browser time spent on this site's pages
    findings: list[Finding] = field(default_factory=list)
    veto_evidence: list[VetoEvidence] = field(default_factory=list)
    started_at: datetime | None = None
    duration_ms: int = 0
    requests: int = 0
    compliance: list = field(default_factory=list)   # compliance.ComplianceItem: findings for a person
    ipv6: dict | None = None                         # compliance.check_ipv6's record (AAAA, pages over IPv6)

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
