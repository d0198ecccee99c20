"""Pure verdict functions (no I/O): availability window, freshness, column and interaction vetoes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable

from .config import Rules, load_rules, subtract_period
from .extract import Message
from .results import ColumnResult, InteractionResult, MessageFinding


@dataclass(frozen=True)
class Probe:
    """One availability probe (what a scheduler stores ~20+ times a day per site)."""
    at: datetime
    success: bool
    latency_ms: int | None = None
    error: str | None = None
    status: int | None = None
    url: str | None = None
    reading: str = "static"   # "rendered": a failure the browser's reading overturned or confirmed


@dataclass(frozen=True)
class AvailabilityVerdict:
    probes: int
    failures: int
    failure_share: float
    verdict: str            # "veto" | "deduct" | "ok" | "insufficient_data"
    early_warning: bool     # share above the warning threshold
    days_covered: float
    min_probes_per_day: int  # fewest probes on any day of the window
    sufficient: bool


def availability_verdict(probes: Iterable[Probe], rules: Rules | None = None, *,
                         end: datetime | None = None) -> AvailabilityVerdict:
    """Failure share over the window ending at `end` (default: newest probe).

    A probe fails when unsuccessful or slower than the timeout. A veto needs a full window with
    enough probes per day; otherwise the share is still reported as "insufficient_data".
    """
    rules = rules or load_rules()
    a = rules.availability
    probes = sorted(probes, key=lambda p: p.at)
    if not probes:
        return AvailabilityVerdict(0, 0, 0.0, "insufficient_data", False, 0.0, 0, False)
    end = end or probes[-1].at
    start = end - timedelta(days=a["window_days"])
    win = [p for p in probes if start < p.at <= end]
    timeout_ms = a["timeout_s"] * 1000
    fails = sum(1 for p in win if not p.success or (p.latency_ms is not None and p.latency_ms > timeout_ms))
    share = fails / len(win) if win else 0.0
    per_day: dict[int, int] = {}
    for p in win:
        k = int((end - p.at).total_seconds() // 86400)
        per_day[k] = per_day.get(k, 0) + 1
    days = [per_day.get(i, 0) for i in range(int(a["window_days"]))]
    min_day = min(days) if days else 0
    covered = (end - win[0].at).total_seconds() / 86400 if win else 0.0
    sufficient = min_day >= a["min_probes_per_day"]
    if share >= a["veto_share"]:
        verdict = "veto" if sufficient else "insufficient_data"
    elif share >= a["deduct_share"]:
        verdict = "deduct"
    else:
        verdict = "ok"
    return AvailabilityVerdict(len(win), fails, share, verdict, share > a["warn_share"], covered, min_day, sufficient)


def is_stale(latest: date | None, as_of: date, period: dict[str, int]) -> bool:
    """No dated item, or the newest is older than the period before as_of."""
    return latest is None or latest < subtract_period(as_of, period)


def judge_column(col: ColumnResult, *, dated_items: int, content_rows: int, empty_marker: bool,
                 as_of: date, rules: Rules) -> None:
    """Fill blank/stale/deadline for a reachable, parsed column list page."""
    col.blank = dated_items == 0 and (empty_marker or content_rows == 0) and not col.soft404
    cc = rules.column_class(col.cls)
    if cc is None or cc.stale_after is None:
        col.stale = None
        return
    col.deadline = subtract_period(as_of, cc.stale_after)
    col.stale = col.blank or is_stale(col.latest_date, as_of, cc.stale_after)


def column_counts(columns: list[ColumnResult], rules: Rules) -> dict[str, int]:
    c = {"dynamic_notice_stale": 0, "should_update_stale": 0, "blank": 0}
    for col in columns:
        cc = rules.column_class(col.cls)
        if col.blank:
            c["blank"] += 1
        if col.stale and cc is not None and cc.stale_after is not None:
            c["should_update_stale"] += 1
            if cc.veto_group == "dynamic_notice":
                c["dynamic_notice_stale"] += 1
    return c


def column_veto(counts: dict[str, int], rules: Rules) -> bool:
    v = rules.column_vetoes
    return (counts["dynamic_notice_stale"] >= v["dynamic_notice_stale_min"]
            or counts["should_update_stale"] >= v["should_update_stale_min"]
            or counts["blank"] >= v["blank_min"])


def judge_interaction(column: str, url: str, messages: list[Message], as_of: date, rules: Rules) -> InteractionResult:
    r = InteractionResult(column=column, url=url)
    since = subtract_period(as_of, rules.interaction["window"])
    overdue_before = subtract_period(as_of, rules.interaction["unanswered_after"])
    for m in messages:
        if m.asked is None or m.asked < since:
            continue
        r.messages_in_window += 1
        if m.replied is not None:
            late = subtract_period(m.replied, rules.interaction["unanswered_after"]) > m.asked
        elif m.answered:
            r.answered_by_status += 1   # 已回复/已办结 shown without a reply date: answered
            late = False
        elif m.marked_unanswered or m.answered is False or m.reply_column:
            late = m.asked < overdue_before   # truly unanswered (status, or an empty reply-date column)
        else:
            late = False
            if m.asked < overdue_before:
                r.unknown_reply += 1         # the page does not show whether it was answered
        if late:
            r.overdue.append(MessageFinding(m.title, m.url, m.asked, m.replied, True))
    r.no_recent_messages = r.messages_in_window == 0
    r.unanswered_veto_evidence = bool(r.overdue)
    if r.overdue:
        r.verdict_confidence = "high"
    elif r.unknown_reply:
        r.verdict_confidence, r.undetermined = "undetermined", "no_reply_info"
    else:
        r.verdict_confidence = "high"
    return r
