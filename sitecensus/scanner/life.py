"""A site's life seen from the web, every day (the Django side of engine/closure.py):

- `verify_closures`: each closure in its notice period — is the notice on the homepage today (an
  observation with its evidence); once the period is over, did it stay the whole period, and is
  the old site gone or redirecting to its target. What it finds goes to the closure record
  (registry.services.life.record_closure_check); the 报备 then completes the closure.
- `reconcile`: the registry against reality — a 正常运行 site unreachable over its monitoring week
  (the stored probes and scans), a closed site still serving content, a homepage now ending on
  another registrable domain. Each becomes a `RegistryFlag` for the site's organizing unit, with
  its evidence; it fails nothing (a person decides, and corrects the registry or the site).
- `daily`: both, once a day (celery beat `scanner.daily_life`; the embedded scheduler's tick)."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from sitecensus.core import lifecycle
from sitecensus.core.errors import InvalidInput
from sitecensus.registry.models import SiteClosure, Website
from sitecensus.registry.services import life as registry_life

from . import policy
from .engine import closure as engine
from .engine.fetch import Fetcher
from .models import Probe, RegistryFlag, SiteScan
from .services import engine_config
from sitecensus.scanner.engine import aio

log = logging.getLogger(__name__)
L = Website.Life
K = RegistryFlag.Kind


def _config():
    return engine_config(check_links=False, check_https=False, retries=1)


async def _gather(coros, limit: int = 32):
    slots = asyncio.Semaphore(limit)

    async def one(coro):
        async with slots:
            return await coro
    return await asyncio.gather(*[one(c) for c in coros])


# ---------------------------------------------------------------- closures in their notice period

def verify_closures(*, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    closures = [c for c in registry_life.closures_to_watch() if c.notice_on and c.notice_on <= today]
    watching = [c for c in closures if today < c.ends_on]
    ended = [c for c in closures if today >= c.ends_on and not c.gone_verified]

    async def run():
        async with Fetcher(_config()) as fetcher:
            looks = await _gather([engine.observe_notice(fetcher, c.old_url, c.notice_url, on=today,
                                                         site_name=c.website.name) for c in watching])
            held = {c.pk: engine.period_held(c.observations, c.notice_on, c.ends_on - timedelta(days=1),
                                             max_gap=settings.SITE_NOTICE_MAX_GAP_DAYS) for c in ended}
            gone_for = [c for c in ended if held[c.pk][0]]
            gone = await _gather([engine.check_gone(fetcher, c.old_url, target_url=c.new_url,
                                                    site_name=c.website.name) for c in gone_for])
            return looks, held, dict(zip([c.pk for c in gone_for], gone))

    looks, held, gone = aio.run(run()) if closures else ([], {}, {})
    for closure, look in zip(watching, looks):
        registry_life.record_closure_check(closure=closure, observation=look.as_dict())
    for closure in ended:
        verdict, reason = held[closure.pk]
        registry_life.record_closure_check(
            closure=closure, notice_held=bool(verdict), period_reason=reason,
            gone=gone[closure.pk].as_dict() if closure.pk in gone else None)
    return {"watched": len(watching), "ended": len(ended), "gone": sum(1 for g in gone.values() if g.verified)}


# ---------------------------------------------------------------- the registry against reality

def _unreachable(today: date) -> list[tuple[Website, dict]]:
    """正常运行 sites none of whose probes and scans of the monitoring week succeeded."""
    since = timezone.make_aware(timezone.datetime.combine(today - timedelta(days=settings.RECONCILE_WEEK_DAYS),
                                                          timezone.datetime.min.time()))
    sites = Website.objects.open().filter(life=L.OPEN, site_code__isnull=False)
    probes = {r["website"]: r for r in Probe.objects.filter(website__in=sites, at__gte=since).values("website")
              .annotate(n=Count("id"), ok=Count("id", filter=Q(success=True)), first=Min("at"), last=Max("at"))}
    scans = {r["website"]: r for r in SiteScan.objects.filter(website__in=sites, at__gte=since).values("website")
             .annotate(n=Count("id"), ok=Count("id", filter=Q(reachable=True)), first=Min("at"), last=Max("at"))}
    found = []
    for pk in set(probes) | set(scans):
        p, s = probes.get(pk, {"n": 0, "ok": 0}), scans.get(pk, {"n": 0, "ok": 0})
        if p["ok"] or s["ok"] or p["n"] + s["n"] < settings.RECONCILE_MIN_OBSERVATIONS:
            continue
        site = Website.objects.get(pk=pk)
        errors = sorted(set(Probe.objects.filter(website_id=pk, at__gte=since).exclude(error="")
                            .values_list("error", flat=True)) | set(
            SiteScan.objects.filter(website_id=pk, at__gte=since).exclude(error="").values_list("error", flat=True)))
        times = [t for t in (p.get("first"), p.get("last"), s.get("first"), s.get("last")) if t]
        found.append((site, {"url": site.homepage_url, "probes": p["n"], "scans": s["n"], "successes": 0,
                             "from": min(times).isoformat(), "to": max(times).isoformat(), "errors": errors,
                             "summary": f"近{settings.RECONCILE_WEEK_DAYS}天 {p['n']} 次探测、{s['n']} 次扫描均无法访问"
                                        f"（{('、'.join(errors) or '无响应')}），登记为正常运行"}))
    return found


def _latest_final_urls(sites: list[Website], today: date) -> dict[int, dict]:
    """The homepage's final URL from the week's latest scan (the stored result), per site."""
    since = today - timedelta(days=settings.RECONCILE_WEEK_DAYS)
    out = {}
    for scan in (SiteScan.objects.filter(website__in=sites, as_of__gte=since, reachable=True)
                 .order_by("website_id", "-at").only("website_id", "at", "summary")):
        if scan.website_id not in out:
            home = (scan.summary or {}).get("homepage") or {}
            if home.get("final_url"):
                out[scan.website_id] = {"final_url": home["final_url"], "redirects": home.get("redirects") or [],
                                        "at": scan.at.isoformat(), "source": "扫描记录"}
    return out


def _web_findings(today: date) -> list[tuple[Website, str, dict]]:
    """Closed sites still serving; homepages ending on another registrable domain."""
    closed = list(Website.objects.closed().filter(site_code__isnull=False).select_related("merged_into"))
    targets = [s.merged_into.homepage_url if s.merged_into_id else "" for s in closed]
    migrated = list(SiteClosure.objects.filter(kind=SiteClosure.Kind.MIGRATE, completed_at__isnull=False,
                                               website__life=L.MIGRATED).select_related("website"))
    running = list(Website.objects.open().filter(life=L.OPEN, site_code__isnull=False))
    stored = _latest_final_urls(running, today)
    to_fetch = [s for s in running if s.pk not in stored]

    async def run():
        async with Fetcher(_config()) as fetcher:
            gone = await _gather(
                [engine.check_gone(fetcher, s.homepage_url, target_url=t, site_name=s.name)
                 for s, t in zip(closed, targets)]
                + [engine.check_gone(fetcher, c.old_url, target_url=c.new_url, site_name=c.website.name)
                   for c in migrated])
            homes = await _gather([fetcher.fetch(s.homepage_url) for s in to_fetch])
            return gone, homes

    gone, homes = aio.run(run()) if (closed or migrated or to_fetch) else ([], [])
    found = []
    for site, verdict in zip(closed + [c.website for c in migrated], gone):
        if verdict.verdict == "serving":
            found.append((site, K.CLOSED_SERVING, {**verdict.as_dict(), "summary": (
                f"登记为“{site.get_life_display()}”，{verdict.url} 仍在提供内容：{verdict.reason}")}))
    for site, res in zip(to_fetch, homes):
        if res.ok:
            stored[site.pk] = {"final_url": res.final_url, "redirects": list(res.redirects),
                               "at": timezone.now().isoformat(), "source": "当日访问", "status": res.status}
    for site in running:
        seen = stored.get(site.pk)
        if seen and engine.redirects_elsewhere(site.homepage_url, seen["final_url"]):
            found.append((site, K.REDIRECTED, {"url": site.homepage_url, **seen, "summary": (
                f"首页 {site.homepage_url} 跳转至另一域名 {seen['final_url']}，登记的首页网址未变更")}))
    return found


@transaction.atomic
def _raise(site: Website, kind: str, evidence: dict, today: date) -> tuple[RegistryFlag, bool]:
    flag = (RegistryFlag.objects.select_for_update().filter(website=site, kind=kind)
            .exclude(status=RegistryFlag.Status.RESOLVED).first())
    summary = evidence.pop("summary")[:300]
    if flag is None:
        return RegistryFlag.objects.create(website=site, kind=kind, first_seen=today, last_seen=today,
                                           summary=summary, evidence=evidence), True
    flag.last_seen, flag.summary, flag.evidence = today, summary, evidence
    flag.save(update_fields=["last_seen", "summary", "evidence"])
    return flag, False


def reconcile(*, today: date | None = None) -> dict:
    """The day's mismatches as flags (an unresolved flag of the same site and kind is updated)."""
    today = today or timezone.localdate()
    found = [(site, K.UNREACHABLE, evidence) for site, evidence in _unreachable(today)] + _web_findings(today)
    new = sum(_raise(site, kind, evidence, today)[1] for site, kind, evidence in found)
    return {"found": len(found), "new": new}


DAY_KEY = "scanner:life:last-day"


def daily(*, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    outcome = {"closures": verify_closures(today=today), "reconcile": reconcile(today=today)}
    log.info("site life, %s: %s", today, outcome)
    return outcome


def daily_due(now) -> bool:
    """Once a day, from RECONCILE_HOUR (the embedded scheduler's tick asks; the cache keeps the day)."""
    from django.core.cache import cache

    local = timezone.localtime(now)
    if local.hour < settings.RECONCILE_HOUR:
        return False
    return cache.add(f"{DAY_KEY}:{local.date().isoformat()}", True, 2 * 86400)


# ---------------------------------------------------------------- a person handles a flag

@transaction.atomic
def handle_flag(*, actor, flag: RegistryFlag, action: str, note: str, request=None) -> RegistryFlag:
    flag = RegistryFlag.objects.select_for_update().select_related("website__unit").get(pk=flag.pk)
    policy.check_handle_flag(actor, flag)
    note = (note or "").strip()
    if not note:
        raise InvalidInput("请填写处理说明", field="note")
    if action not in ("acknowledge", "resolve"):
        raise InvalidInput("未知的处理方式", field="action")
    lifecycle.fire(flag, action, actor=actor, request=request, audit_obj=flag.website, note=note, kind=flag.kind)
    flag.note, flag.handled_by, flag.handled_at = note[:300], actor, timezone.now()
    flag.save()
    return flag
