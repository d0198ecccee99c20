"""The Django side of the scanner: targets from the website database, runs
stored as history, availability from stored probes, and findings turned into
suggested scorecard entries that a person accepts or rejects."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sitecensus.audit.services import record
from sitecensus.core import lifecycle
from sitecensus.core.errors import InvalidInput, InvalidState
from sitecensus.registry.models import Website
from sitecensus.registry.services import active_websites
from sitecensus.scoring import selectors as scoring_selectors
from sitecensus.scoring import services as scoring_services
from sitecensus.scoring.models import Scorecard

from . import policy
from .engine import ScanConfig, parse_targets, probe_sites, scan_sites_sync
from .engine.checks import Probe as EngineProbe
from .engine.checks import availability_verdict
from .models import ColumnScan, DeadLink, Probe, ScanRun, SiteScan, Suggestion
from sitecensus.scanner.engine import aio

INDICATOR_MAP = json.loads((Path(__file__).resolve().parent / "data" / "indicator_map.json").read_text("utf-8"))


def engine_config(**overrides) -> ScanConfig:
    config = ScanConfig(concurrency=settings.SCANNER_CONCURRENCY, per_host=settings.SCANNER_PER_HOST,
                        timeout=float(settings.SCANNER_TIMEOUT), allow_private=settings.SCANNER_ALLOW_PRIVATE,
                        host_map=dict(settings.SCANNER_HOST_MAP),
                        host_map6=dict(getattr(settings, "SCANNER_HOST_MAP6", {})))
    return replace(config, **overrides)


def target_of(website: Website) -> dict:
    """The engine's target for a registered site: its homepage, its columns
    (with the scoring table's column class) and its online systems."""
    columns, systems = [], []
    for column in website.columns.order_by("position"):
        if column.column_class == "在线系统":
            systems.append(column.url)
        else:
            columns.append({"name": column.name, "url": column.url,
                            "class": column.column_class.split("/")[0] or None})
    return {"site_code": website.site_code or f"id{website.pk}", "homepage": website.homepage_url,
            "columns": columns, "systems": systems, "identity": identity_of(website)}


def identity_of(website: Website) -> dict:
    """What the compliance scan compares the web with: the form's ICP and 公安备案 numbers, the class, the
    other domains, and for a department's site its government portal's host (the portal its organizing
    unit files)."""
    from .engine.compliance import rules as compliance_rules

    data = website.data or {}
    domains = data.get("other_domains") or []
    if isinstance(domains, str):
        domains = [d for d in re.split(r"[;；,，\s]+", domains) if d]
    portal_host = ""
    if website.site_class in compliance_rules()["department_classes"]:
        portal = (Website.objects.filter(organizer_id=website.organizer_id, is_portal=True, site_code__isnull=False)
                  .exclude(pk=website.pk).order_by("id").values_list("homepage_url", flat=True).first())
        portal_host = (urlsplit(portal).hostname or "") if portal else ""
    return {"icp": data.get("icp_number") or "", "psb": data.get("psb_number") or "",
            "site_class": website.site_class, "portal_host": portal_host, "domains": list(domains)}


# ---------------------------------------------------------------- runs

def fail_abandoned_runs(*, now=None) -> int:
    """Runs whose worker died stay "running" for ever otherwise: a run still
    running after SCAN_RUN_MAX_SECONDS is marked failed, superseded by the next run."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=getattr(settings, "SCAN_RUN_MAX_SECONDS", 6 * 3600))
    count = 0
    with transaction.atomic():
        for run in ScanRun.objects.select_for_update().filter(status=ScanRun.Status.RUNNING, started_at__lt=limit):
            lifecycle.fire(run, "abandon", started_at=run.started_at)
            run.save(update_fields=["status", "error", "finished_at"])
            count += 1
    return count


def _start_run(kind: str, total: int, *, trigger: str, vantage: str, requested_by=None) -> ScanRun:
    fail_abandoned_runs()
    return ScanRun.objects.create(kind=kind, total=total, trigger=trigger, vantage=vantage,
                                  requested_by=requested_by)


def _finish(run: ScanRun, error: str = "") -> None:
    with transaction.atomic():
        if error:
            lifecycle.fire(run, "fail", error=error[:2000])
        else:
            lifecycle.fire(run, "finish", sites=run.done)
        run.save(update_fields=["status", "error", "finished_at"])


def scan(website_ids: list[int], *, trigger: str = "manual", vantage: str | None = None, as_of: date | None = None,
         requested_by=None, run: ScanRun | None = None, progress=None) -> ScanRun:
    """Scan sites in batches (bounded memory); each site's result is stored as
    it is ready, with its suggestions. One bad site never stalls the others:
    the engine classifies every failure as a finding."""
    vantage = settings.SITECENSUS_VANTAGE if vantage is None else vantage
    run = run or _start_run(ScanRun.Kind.SCAN, len(website_ids), trigger=trigger, vantage=vantage,
                            requested_by=requested_by)
    config = engine_config(as_of=as_of)
    try:
        for start in range(0, len(website_ids), settings.SCANNER_BATCH):
            sites = {w.site_code or f"id{w.pk}": w for w in
                     Website.objects.filter(pk__in=website_ids[start:start + settings.SCANNER_BATCH])}
            targets = parse_targets([target_of(w) for w in sites.values()])
            for result in scan_sites_sync(targets, config):
                store_result(run, sites[result.site_code], result)
            ScanRun.objects.filter(pk=run.pk).update(done=min(run.total, start + len(sites)))
            if progress is not None:
                progress(min(run.total, start + len(sites)), run.total)
    except Exception as exc:  # noqa: BLE001 - the run records why it stopped
        _finish(run, f"{type(exc).__name__}: {exc}")
        raise
    _finish(run)
    return run


@transaction.atomic
def store_result(run: ScanRun, website: Website, result) -> SiteScan:
    data = result.to_dict()
    home = result.homepage
    site_scan = SiteScan.objects.create(
        run=run, website=website, at=timezone.now(), as_of=result.as_of, reachable=home.reachable,
        status=home.status, error=home.error or "", latency_ms=home.latency_ms, encoding=home.encoding or "",
        latest_date=home.latest_date, stale=home.stale, site_id_code=home.site_id_code or "",
        site_id_shown=home.site_id_shown, icp=home.icp or "", https_ok=home.https_ok,
        ipv6_ok=(result.ipv6 or {}).get("supported"),
        dead_link_count=len(result.dead_links), links_checked=result.links_checked,
        column_counts=result.column_counts, vetoes=result.vetoes,
        summary={"homepage": data["homepage"], "systems": data.get("systems", []),
                 "interaction": data.get("interaction", []), "error": result.error,
                 "undetermined": data.get("undetermined", []), "verdict_confidence": data.get("verdict_confidence"),
                 "findings": data.get("findings", [])[:50], "veto_evidence": data.get("veto_evidence", [])[:10],
                 "compliance": data.get("compliance", []), "ipv6": data.get("ipv6"),
                 "column_evidence": {c["url"]: {"evidence": c.get("evidence"), "undetermined": c.get("undetermined"),
                                                "verdict_confidence": c.get("verdict_confidence")}
                                     for c in data.get("columns", [])[:200]}})
    by_url = {c.url: c.pk for c in website.columns.all()}
    ColumnScan.objects.bulk_create([
        ColumnScan(site_scan=site_scan, column_id=by_url.get(c.url), name=c.name[:100], url=c.url[:500],
                   reachable=c.reachable, latest_date=c.latest_date, item_count=c.item_count, blank=c.blank,
                   stale=c.stale) for c in result.columns])
    DeadLink.objects.bulk_create([
        DeadLink(site_scan=site_scan, url=d.url[:1000], found_on=d.found_on[:1000], kind=d.kind or "",
                 status=d.status, error=d.error or "") for d in result.dead_links])
    suggest(website, site_scan, result)
    return site_scan


# ---------------------------------------------------------------- availability

def probe(website_ids: list[int], *, round_id: str = "", vantage: str | None = None,
          trigger: str = "schedule") -> ScanRun:
    vantage = settings.SITECENSUS_VANTAGE if vantage is None else vantage
    sites = list(Website.objects.filter(pk__in=website_ids).only("id", "homepage_url"))
    run = _start_run(ScanRun.Kind.PROBE, len(sites), trigger=trigger, vantage=vantage)
    results = aio.run(probe_sites([s.homepage_url for s in sites], engine_config(check_links=False)))
    Probe.objects.bulk_create([
        Probe(website=s, at=r.at, round=round_id, vantage=vantage, success=r.success, latency_ms=r.latency_ms,
              status=r.status, error=r.error or "") for s, r in zip(sites, results)])
    ScanRun.objects.filter(pk=run.pk).update(done=len(sites))
    _finish(run)
    return run


def availability(website: Website, *, end: datetime | None = None):
    """The verdict over the stored window; with several vantage points and
    agreement required, a round fails only if every vantage point failed."""
    since = (end or timezone.now()) - timedelta(days=8)
    rows = list(Probe.objects.filter(website=website, at__gte=since).values(
        "at", "round", "vantage", "success", "latency_ms", "error", "status"))
    if settings.AVAILABILITY_REQUIRE_AGREEMENT:
        rounds: dict[str, list[dict]] = {}
        for row in rows:
            rounds.setdefault(row["round"] or row["at"].isoformat(), []).append(row)
        rows = [min(group, key=lambda r: r["success"]) | {"success": any(r["success"] for r in group)}
                for group in rounds.values()]
    probes = [EngineProbe(at=r["at"], success=r["success"], latency_ms=r["latency_ms"], error=r["error"] or None,
                          status=r["status"]) for r in rows]
    return availability_verdict(probes, end=end)


# ---------------------------------------------------------------- suggestions

def _rubric_code() -> str:
    """Suggestions are made for the scoring table in force (the active campaign's)."""
    return scoring_services.current_code()


def _codes() -> dict:
    return INDICATOR_MAP.get(_rubric_code(), {})


CATEGORIES = json.loads((Path(__file__).resolve().parent / "data" / "column_categories.json").read_text("utf-8"))


def rubric_category(column_class: str | None) -> str | None:
    """The scoring table's category of a column filed under the form's class (工作动态/要闻 →
    动态要闻), mapped once in data/column_categories.json; a label the engine already knows
    (a category or one of its aliases, e.g. 工作动态) maps to its category."""
    if not column_class:
        return None
    mapped = CATEGORIES["classes"]
    if column_class in mapped:
        return mapped[column_class]
    from .engine.config import load_rules

    rules = load_rules()
    for label in (column_class, *column_class.split("/")):
        known = rules.column_class(label.strip())
        if known is not None:
            return known.name
    return None


def key_categories() -> frozenset[str]:
    """The key columns of the 栏目不更新 veto (动态要闻、通知公告、政策文件): rules.json's own group."""
    from .engine.config import load_rules

    return frozenset(name for name, cc in load_rules().classes.items() if cc.veto_group == "dynamic_notice")


def failure_reason(status: int | None, error: str | None) -> str:
    """Why a fetch failed, in Chinese (never the engine's code)."""
    from .engine.fetch import ERROR_MESSAGES

    if status is not None and status >= 400:
        return f"HTTP 状态码 {status}"
    return ERROR_MESSAGES.get(error or "", "未知错误")


def system_is_down(system) -> bool:
    """Determinate only when the system's server answered with an HTTP error."""
    return (not system.reachable and system.status is not None
            and system.status >= CATEGORIES["system_failure_min_status"])


SOURCE_LABELS = {
    "visible_list": "页面列表中的日期", "sibling": "列表项相邻元素中的日期", "title_attr": "title 属性中的日期",
    "url": "文章网址中的日期", "meta": "meta 标签", "label": "页面发布时间标签", "linked_article": "链接文章页的发布时间",
    "rendered": "浏览器渲染后页面中的日期", "script_xml": "页面脚本数据（text/xml）中的日期",
    "script_json": "页面脚本数据（JSON）中的日期", "document_write": "document.write 写出的列表中的日期",
    "script_html": "脚本写出的列表中的日期", "empty_marker": "页面显示“暂无信息”", "no_entries": "页面没有任何条目",
    "date_heading": "列表按日分组的日期标题", "no_site_content": "首页为服务器默认页、域名停放或出售页",
    "maintenance": "首页为维护/升级提示", "message": "留言时间",
}


def _ev(evidence, name: str | None = None) -> dict | None:
    """An engine Evidence as a small JSON record for the suggestion display."""
    if evidence is None:
        return None
    return {"url": evidence.url, "item_url": evidence.item_url, "name": name or "",
            "date": evidence.date.isoformat() if evidence.date else None, "source": evidence.source or "",
            "source_label": SOURCE_LABELS.get(evidence.source or "", "页面中的日期"),
            "snippet": (evidence.snippet or "")[:160]}


def suggest(website: Website, site_scan: SiteScan, result) -> list[Suggestion]:
    """Findings as suggested entries (with their evidence), replacing the site's undecided ones.
    Checks the scanner could not judge (无法判定) are never suggested: they wait for a person."""
    codes = _codes()
    made: list[tuple[str, dict, str, list]] = []
    home = result.homepage
    if "homepage_stale" in codes and home.stale and home.evidence is not None:
        ev = _ev(home.evidence)
        made.append((codes["homepage_stale"], {"veto": True, "evidence": [home.url]},
                     f"首页最新信息日期 {home.latest_date or '无'}，超过 2 周未更新（判定日 {result.as_of}，"
                     f"依据：{ev['source_label']}）", [ev]))
    if "columns" in codes and result.columns:
        # Only columns judged on evidence count; 无法判定 columns have stale None and blank False.
        # Key columns by the scoring table's own categories (the form's 工作动态/要闻 is 动态要闻).
        key = key_categories()
        stale_key = [c.url for c in result.columns if c.stale and rubric_category(c.cls) in key]
        stale_should = [c.url for c in result.columns if c.stale]
        blank = [c.url for c in result.columns if c.blank]
        if stale_key or stale_should or blank:
            counts = {"stale_key": len(stale_key), "stale_should": len(stale_should), "blank": len(blank)}
            evs = [_ev(c.evidence, c.name) or {"url": c.url, "name": c.name, "source_label": "", "snippet": ""}
                   for c in result.columns if c.stale or c.blank][:20]
            made.append((codes["columns"], {"counts": counts, "evidence": (stale_key + stale_should + blank)[:20],
                                            "count_items": {"stale_key": stale_key, "stale_should": stale_should,
                                                            "blank": blank}},
                         f"不更新栏目 {len(stale_should)} 个（其中动态要闻、通知公告、政策文件 {len(stale_key)} 个），"
                         f"空白栏目 {len(blank)} 个", evs))
    home_dead = sorted({d.url for d in result.dead_links if d.found_on == home.url or d.found_on == home.final_url})
    other_dead = sorted({d.url for d in result.dead_links} - set(home_dead))

    def dead_ev(urls):
        by = {d.url: d for d in result.dead_links}
        return [{"url": u, "item_url": u, "name": "", "date": None, "source": "dead_link",
                 "source_label": f"所在页面 {by[u].found_on}",
                 "snippet": failure_reason(by[u].status, by[u].error)}
                for u in urls[:20]]
    if "dead_home" in codes and home_dead:
        made.append((codes["dead_home"], {"count": len(home_dead), "items": home_dead, "evidence": home_dead[:20]},
                     f"首页失效链接 {len(home_dead)} 个", dead_ev(home_dead)))
    if "dead_other" in codes and other_dead and codes.get("dead_other") != codes.get("dead_home"):
        made.append((codes["dead_other"], {"count": len(other_dead), "items": other_dead,
                                           "evidence": other_dead[:20]}, f"其他页面失效链接 {len(other_dead)} 个",
                     dead_ev(other_dead)))
    # Only a system whose server answered with an HTTP error is 无法访问 on evidence; a DNS,
    # connection, TLS or time-out failure is 无法判定 and waits for a person.
    down = [s for s in result.systems if system_is_down(s)]
    if "systems" in codes and down:
        made.append((codes["systems"], {"count": len(down), "evidence": [s.url for s in down]},
                     f"在线系统无法访问 {len(down)} 个（服务器返回错误状态码）",
                     [{"url": s.url, "item_url": s.url, "name": "", "date": None, "source": "http_status",
                       "source_label": "在线系统", "snippet": failure_reason(s.status, s.error)} for s in down]))
    overdue = [i for i in result.interaction if i.unanswered_veto_evidence]
    if "interaction" in codes and overdue:
        evs = [{"url": i.url, "item_url": m.url, "name": i.column, "date": m.asked.isoformat() if m.asked else None,
                "source": "message", "source_label": "留言时间" + ("，回复时间 " + m.replied.isoformat() if m.replied else "，未回复"),
                "snippet": m.title[:160]} for i in overdue for m in i.overdue[:10]]
        made.append((codes["interaction"], {"veto": True, "evidence": [i.url for i in overdue]},
                     f"政务咨询栏目有超过 3 个月未答复的留言（{len(overdue)} 个栏目）", evs[:20]))
    Suggestion.objects.filter(website=website, status=Suggestion.Status.PENDING).delete()
    rubric = _rubric_code()
    return Suggestion.objects.bulk_create([
        Suggestion(website=website, site_scan=site_scan, indicator=code, entry=entry, summary=summary[:500],
                   rubric_code=rubric, evidence=[e for e in evidence if e])
        for code, entry, summary, evidence in made] + compliance_suggestions(website, site_scan, result))


def compliance_suggestions(website: Website, site_scan: SiteScan, result) -> list[Suggestion]:
    """Each compliance item the scan found failing, as a finding for a person (self-check and inspection):
    its evidence, no score entry. Items it could not judge (无法判定) are shown on the scan page, never offered."""
    out = []
    for item in getattr(result, "compliance", None) or []:
        if item.status != "fail":
            continue
        evidence = [{"url": e.url, "item_url": e.url if e.url.startswith("http") else None, "name": item.name,
                     "date": None, "source": e.source or "", "source_label": COMPLIANCE_LABELS.get(item.kind, ""),
                     "snippet": (e.snippet or "")[:160]} for e in item.evidence[:10]]
        out.append(Suggestion(website=website, site_scan=site_scan, kind=Suggestion.Kind.COMPLIANCE,
                              indicator=item.code[:16], entry={}, summary=f"{item.name}：{item.message}"[:500],
                              evidence=evidence))
    return out


COMPLIANCE_LABELS = {"identity": "网站标识与备案", "domain": "域名规范", "ipv6": "IPv6", "accessibility": "无障碍"}


def suggest_availability(website: Website) -> Suggestion | None:
    """The window's verdict as a suggestion (veto or the share band)."""
    verdict = availability(website)
    codes = _codes()
    if verdict.verdict == "veto" and "availability_veto" in codes:
        code, entry = codes["availability_veto"], {"veto": True, "evidence": [website.homepage_url]}
    elif verdict.verdict == "deduct" and "availability_share" in codes:
        code, entry = codes["availability_share"], {"value": f"{verdict.failure_share * 100:.2f}"}
    else:
        return None
    Suggestion.objects.filter(website=website, indicator=code, status=Suggestion.Status.PENDING).delete()
    return Suggestion.objects.create(website=website, indicator=code, entry=entry, rubric_code=_rubric_code(), summary=(
        f"监测 {verdict.days_covered:.1f} 天共 {verdict.probes} 次，失败 {verdict.failures} 次"
        f"（{verdict.failure_share:.1%}）"))


def pending_suggestions(website: Website, rubric_code: str | None = None):
    """Undecided suggestions; with `rubric_code`, only those made for that scoring
    table (a card is offered its own table's suggestions, never another's)."""
    qs = Suggestion.objects.filter(website=website, status=Suggestion.Status.PENDING, kind=Suggestion.Kind.SCORE)
    if rubric_code is not None:
        qs = qs.filter(rubric_code=rubric_code)
    return qs.order_by("indicator")


def pending_compliance(website: Website):
    """Undecided compliance findings (no score): offered on the self-check and the inspection card."""
    return Suggestion.objects.filter(website=website, status=Suggestion.Status.PENDING,
                                     kind=Suggestion.Kind.COMPLIANCE).order_by("id")


@transaction.atomic
def decide_compliance(*, actor, suggestion: Suggestion, card: Scorecard, accept: bool, reason: str = "",
                      typed: dict | None = None, request=None) -> Suggestion:
    """The unit scoring a self-check or inspection card confirms a compliance finding (to rectify) or sets it
    aside with a reason. No score entry is written; what was typed on the card is kept."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if not suggestion.is_pending:
        raise InvalidState("该合规提示已处理")
    if card.website_id != suggestion.website_id or card.stage not in (Scorecard.Stage.SELF,
                                                                     Scorecard.Stage.INSPECTION):
        raise InvalidInput("该评分表不能处理这条合规提示", field="card")
    if card.scorer_unit_id != actor.unit_id:
        raise policy.COMPLIANCE.refuse()
    if not card.is_draft:
        raise InvalidState("评分表已提交，不能再处理合规提示")
    reason = (reason or "").strip()
    if not accept and not reason:
        raise InvalidInput("不采纳合规提示时请填写原因", field="reason")
    if typed is not None:
        scoring_services.save_entries(actor=actor, card=card, raw_entries=typed, request=request)
    suggestion.status = Suggestion.Status.ACCEPTED if accept else Suggestion.Status.REJECTED
    suggestion.decided_by, suggestion.decided_at, suggestion.scorecard = actor, timezone.now(), card
    suggestion.reason = reason[:300]
    suggestion.save()
    record("compliance_finding_confirmed" if accept else "compliance_finding_set_aside", actor=actor,
           request=request, obj=suggestion, item=suggestion.indicator, reason=reason)
    return suggestion


@transaction.atomic
def decide(*, actor, suggestion: Suggestion, accept: bool, reason: str = "", typed: dict | None = None,
           request=None, card: Scorecard | None = None) -> Suggestion:
    """The inspector (or a spot-check reviewer) takes a finding into its draft card, or
    rejects it with a reason. `card`: the spot-check card of the re-check (default: the
    site's inspection card). `typed`: the card's values as typed but not yet saved; they
    are kept (saved with the decision) so that nothing typed is lost."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.kind == Suggestion.Kind.COMPLIANCE:
        raise InvalidInput("合规提示不计分，请在自查或检查评分表的“网站标识与合规检查”中确认")
    if not suggestion.is_pending:
        raise InvalidState("该建议已处理")
    if card is not None and (card.website_id != suggestion.website_id or card.stage not in (
            Scorecard.Stage.INSPECTION, Scorecard.Stage.SPOTCHECK)):
        raise InvalidInput("该评分表不能处理这条扫描建议", field="card")
    card = card or scoring_selectors.card(suggestion.website, Scorecard.Stage.INSPECTION)
    if card is None or card.scorer_unit_id != actor.unit_id:
        raise policy.SUGGESTION.refuse()
    if not card.is_draft:
        raise InvalidState("评分表已提交，不能再处理扫描建议")
    if suggestion.rubric_code and suggestion.rubric_code != card.rubric.code:
        raise InvalidState(f"该建议是按评分表“{suggestion.rubric_code}”提出的，与本评分表（{card.rubric.code}）不符")
    reason = (reason or "").strip()
    if not accept and not reason:
        raise InvalidInput("不采纳扫描建议时请填写原因", field="reason")
    entries = typed if typed is not None else scoring_selectors.entries_of(card)
    if accept:
        entries = dict(entries)
        entries[suggestion.indicator] = {**entries.get(suggestion.indicator, {}), **suggestion.entry}
    if accept or typed is not None:
        scoring_services.save_entries(actor=actor, card=card, raw_entries=entries, request=request)
    suggestion.status = Suggestion.Status.ACCEPTED if accept else Suggestion.Status.REJECTED
    suggestion.decided_by, suggestion.decided_at, suggestion.scorecard = actor, timezone.now(), card
    suggestion.reason = reason[:300]
    suggestion.save()
    record("suggestion_accepted" if accept else "suggestion_rejected", actor=actor, request=request,
           obj=suggestion, indicator=suggestion.indicator, reason=reason)
    return suggestion


def sites_to_scan():
    """Every site taking part (approved, not closed or merged)."""
    return active_websites()


def start_run(kind: str, total: int, *, trigger: str, vantage: str = "", requested_by=None) -> ScanRun:
    """A run started from a page (its work is queued as a job): dead runs are failed first."""
    return _start_run(kind, total, trigger=trigger, vantage=vantage, requested_by=requested_by)
