"""A website's life by the 2017 《政府网站发展指引》 (国办发〔2017〕47号), each step a declared
transition of `Website.life` (registry/models.py) with its record and its evidence:

- 开办: a new site's checklist (registry/opening.py) gates its first final approval;
- 临时下线: a planned return date; overdue, it shows on the organizing unit's to-dos;
- 整合 / 迁移 / 关停: approved as a life-change request, then the notice (URL, date, the
  notice period SITE_NOTICE_DAYS) watched by the scanner every day, the check that the old
  site is gone or redirects to its target, and the 报备 that completes it — the public
  directory follows that day.

Each write: one transaction, the transition's audit event, a typed error on refusal."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sitecensus.accounts import services as account_services
from sitecensus.audit.services import record
from sitecensus.core import lifecycle, publiccache
from sitecensus.core.errors import InvalidInput, InvalidState

from .. import opening, policy
from ..errors import OpeningIncomplete  # noqa: F401  (re-exported by services)
from ..formspec.spec import _check_url, normalize_url
from ..models import OpeningChecklist, SiteClosure, Website
from .chain import locked
from .records import sync_domains

L = Website.Life


def notice_days() -> int:
    return int(getattr(settings, "SITE_NOTICE_DAYS", 30))


# ---------------------------------------------------------------- 开办

@transaction.atomic
def begin_opening(*, actor, website: Website, request=None) -> Website:
    """Mark a record not yet coded as a new site (开办): its final approval waits for the checklist."""
    website = locked(website.pk)
    policy.check_change(actor, website)
    lifecycle.fire(website, "begin_opening", actor=actor, request=request)
    website.save(update_fields=["life", "updated_at"])
    OpeningChecklist.objects.get_or_create(website=website, defaults={"updated_by": actor})
    return website


@transaction.atomic
def save_opening_checklist(*, actor, website: Website, values: dict, request=None) -> OpeningChecklist:
    website = locked(website.pk)
    policy.check_change(actor, website)
    if not website.is_opening:
        raise InvalidState(f"网站“{website.name}”当前运行状态为“{website.get_life_display()}”，不是新开办网站")
    checklist, _ = OpeningChecklist.objects.get_or_create(website=website)
    checklist.values = opening.clean(values)
    checklist.updated_by = actor
    checklist.save()
    record("website_opening_checklist", actor=actor, request=request, obj=website,
           missing=opening.missing_items(website, checklist.values))
    return checklist


def go_live_at_final_approval(website: Website, *, actor=None, request=None) -> None:
    """Called by the final approval of a new site (before its code is given); refused naming
    the checklist's missing items. The caller saves."""
    if not website.is_opening:
        return
    missing = opening.missing_items(website)
    if missing:
        raise OpeningIncomplete(website, missing)
    lifecycle.fire(website, "go_live", actor=actor, request=request)


# ---------------------------------------------------------------- 临时下线

@transaction.atomic
def take_offline(*, actor, website: Website, until: date | None, reason: str, request=None) -> Website:
    website = locked(website.pk)
    policy.check_change(actor, website)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写临时下线的原因", field="reason")
    if until is None or until <= timezone.localdate():
        raise InvalidInput("计划恢复日期须晚于今天", field="until")
    website.life_until = until
    lifecycle.fire(website, "take_offline", actor=actor, request=request, until=until.isoformat(), reason=reason)
    website.life_reason = reason[:300]
    website.save(update_fields=["life", "life_until", "life_reason", "updated_at"])
    return website


@transaction.atomic
def back_online(*, actor, website: Website, request=None) -> Website:
    website = locked(website.pk)
    policy.check_change(actor, website)
    lifecycle.fire(website, "back_online", actor=actor, request=request)
    website.life_until, website.life_reason = None, ""
    website.save(update_fields=["life", "life_until", "life_reason", "updated_at"])
    return website


def overdue_offline(websites, *, today: date | None = None):
    """Of `websites` (a scoped queryset), those offline past their planned return date."""
    return websites.filter(life=L.OFFLINE, life_until__lt=today or timezone.localdate())


# ---------------------------------------------------------------- 整合 / 迁移 / 关停

def start_life_change(website: Website, data: dict, *, actor=None, request=None) -> None:
    """An approved life-change request (registry.services.changes.apply_version); the caller saves."""
    life = data.get("life", website.life)
    website.life_reason = data.get("life_reason", "")
    if life in (L.CLOSED, L.MERGED, L.MIGRATED):
        kind = {L.CLOSED: SiteClosure.Kind.CLOSE, L.MERGED: SiteClosure.Kind.MERGE,
                L.MIGRATED: SiteClosure.Kind.MIGRATE}[life]
        target = Website.objects.filter(pk=data.get("merged_into")).first() if data.get("merged_into") else None
        lifecycle.fire(website, "announce_closure" if kind == SiteClosure.Kind.CLOSE else "announce_merge",
                       actor=actor, request=request, kind=kind)
        website.merged_into_id = target.pk if target else None
        SiteClosure.objects.create(website=website, kind=kind, target=target, old_url=website.homepage_url,
                                   new_url=data.get("new_url") or (target.homepage_url if target else ""),
                                   period_days=notice_days())
    elif life == L.EXCEPTION:
        lifecycle.fire(website, "declare_exception", actor=actor, request=request)
    elif life == L.OPEN and website.is_exception:
        lifecycle.fire(website, "end_exception", actor=actor, request=request)
    elif life == L.OPEN and website.is_offline:
        lifecycle.fire(website, "back_online", actor=actor, request=request)
        website.life_until = None
    # What the form shows as 运行状态 is the approved request's (a notice period reads as the end it leads to).
    website.data = {**website.data, "running_status": Website.Life(life).label}


def open_closure(website: Website) -> SiteClosure:
    closure = website.closures.filter(completed_at__isnull=True).order_by("-pk").first()
    if closure is None or not website.in_notice_period:
        raise InvalidState(f"网站“{website.name}”当前运行状态为“{website.get_life_display()}”，没有进行中的关停、整合或迁移")
    return closure


@transaction.atomic
def record_notice(*, actor, website: Website, notice_url: str, notice_on: date | None, request=None) -> SiteClosure:
    """The 关停（整合、迁移）公告 posted on the homepage: its URL and date; the period starts that day."""
    website = locked(website.pk)
    policy.check_change(actor, website)
    closure = open_closure(website)
    clean, _hint = _check_url(str(notice_url or "").strip())
    if not clean:
        raise InvalidInput("请填写公告页面的网址（以 http:// 或 https:// 开头）", field="notice_url")
    if notice_on is None:
        raise InvalidInput("请填写公告发布日期", field="notice_on")
    if notice_on > timezone.localdate():
        raise InvalidInput("公告发布日期不能晚于今天", field="notice_on")
    closure.notice_url, closure.notice_on = clean, notice_on
    closure.observations, closure.notice_held, closure.period_reason = [], False, ""  # watched afresh
    closure.gone_check, closure.gone_verified = {}, False
    closure.save()
    record("website_notice_recorded", actor=actor, request=request, obj=website, notice_url=clean,
           notice_on=notice_on.isoformat(), period_days=closure.period_days)
    return closure


@transaction.atomic
def record_closure_check(*, closure: SiteClosure, observation: dict | None = None, gone: dict | None = None,
                         notice_held: bool | None = None, period_reason: str = "") -> SiteClosure:
    """The scanner's daily word on a closure (scanner.closures), with its evidence: one observation
    per day (a later one the same day replaces it), the period's verdict, the old site's check."""
    closure = SiteClosure.objects.select_for_update().get(pk=closure.pk)
    if closure.completed_at is not None:
        return closure
    if observation is not None:
        closure.observations = [o for o in closure.observations if o.get("on") != observation.get("on")]
        closure.observations.append(observation)
        closure.observations.sort(key=lambda o: o.get("on", ""))
    if notice_held is not None:
        closure.notice_held, closure.period_reason = notice_held, period_reason[:300]
    if gone is not None:
        closure.gone_check = gone
        closure.gone_verified = bool(gone.get("verified"))
    closure.save()
    return closure


@transaction.atomic
def file_closure(*, actor, website: Website, note: str = "", request=None) -> Website:
    """The 报备 that completes a closure, merge or migration: refused (naming why) until the scanner
    verified the notice over its period and the old site gone or redirecting to its target."""
    website = locked(website.pk)
    policy.check_change(actor, website)
    closure = open_closure(website)
    name = {SiteClosure.Kind.CLOSE: "complete_closure", SiteClosure.Kind.MERGE: "complete_merge",
            SiteClosure.Kind.MIGRATE: "complete_migration"}[closure.kind]
    if not closure.notice_on:
        raise InvalidState(f"网站“{website.name}”尚未登记关停（整合、迁移）公告的网址和发布日期，不能报备")
    if timezone.localdate() < closure.ends_on:
        raise InvalidState(f"公告期至{closure.ends_on:%Y年%m月%d日}届满（{closure.period_days}天），届满前不能报备")
    lifecycle.fire(website, name, actor=actor, request=request, note=note)
    closure.completed_at, closure.filed_by, closure.filing_note = timezone.now(), actor, (note or "")[:300]
    closure.save(update_fields=["completed_at", "filed_by", "filing_note"])
    website.data = {**website.data, "running_status": website.get_life_display()}
    fields = ["life", "data", "updated_at"]
    if closure.kind == SiteClosure.Kind.MIGRATE and closure.new_url:
        # 迁移: the site carries on at its new address, with its code.
        website.homepage_url, website.url_key = closure.new_url[:500], normalize_url(closure.new_url)
        website.data = {**website.data, "homepage_url": closure.new_url}
        fields += ["homepage_url", "url_key"]
    website.save(update_fields=fields)
    if closure.kind == SiteClosure.Kind.MIGRATE:
        sync_domains(website)
    if website.is_gone and website.site_code:
        account_services.set_site_account_active(site_code=website.site_code, active=False)
    publiccache.changed()  # the public directory follows the day the closure is filed, not when its cache expires
    return website


@transaction.atomic
def withdraw_closure(*, actor, website: Website, reason: str, request=None) -> Website:
    website = locked(website.pk)
    policy.check_change(actor, website)
    closure = open_closure(website)
    if not (reason or "").strip():
        raise InvalidInput("请填写撤回原因", field="reason")
    lifecycle.fire(website, "withdraw_closure", actor=actor, request=request, reason=reason)
    closure.delete()
    website.merged_into_id, website.life_reason = None, ""
    website.save(update_fields=["life", "merged_into", "life_reason", "updated_at"])
    return website


def closures_to_watch():
    """Closures in their notice period (or waiting for the old site's check), for the scanner."""
    return (SiteClosure.objects.filter(completed_at__isnull=True, website__life__in=[L.CLOSING, L.MERGING])
            .exclude(notice_url="").select_related("website", "target"))
