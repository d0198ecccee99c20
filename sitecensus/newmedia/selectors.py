"""Reads of the new-media registry, always through the scope policy; the rules of
data/rules.json as flags and lists (one account per unit per platform, the certified
subject, closed but not cancelled, not updated for N days)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from sitecensus.orgs.models import Unit
from sitecensus.registry.selectors import region_filter

from . import policy, rules
from .models import MediaAccount, MediaCount, MediaEvent

S = MediaAccount.Status
L = MediaAccount.Life
LIVE = (L.OPEN, L.CHANGED)  # accounts still publishing (not 关停, not 注销)


def account_list(user, *, query: str = "", platform: str = "", status: str = "", life: str = "",
                 region: str = "", unit=None) -> QuerySet:
    qs = policy.visible_accounts(user).select_related("unit", "organizer")
    query = (query or "").strip()
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(account_id__iexact=query) | Q(media_code__iexact=query)
                       | Q(unit__name__icontains=query))
    if platform:
        qs = qs.filter(platform=platform)
    if status:
        qs = qs.filter(status=status)
    if life:
        qs = qs.filter(life=life)
    if (region or "").strip():
        qs = qs.filter(region_filter(region))
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs.order_by("unit__path", "id")


def _same_platform() -> QuerySet:
    """Another live account of the row's unit on the row's platform."""
    return (MediaAccount.objects.filter(unit=OuterRef("unit"), platform=OuterRef("platform"), life__in=LIVE)
            .exclude(pk=OuterRef("pk")))


def review_queue(user, *, query: str = "") -> QuerySet:
    """Accounts waiting for the user's organizing unit, each with its duplicate flag."""
    qs = (MediaAccount.objects.filter(pending_at=user.unit, status=S.SUBMITTED).select_related("unit")
          .annotate(duplicate=Exists(_same_platform())))
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(unit__name__icontains=query))
    return qs.order_by("submitted_at", "id")


@dataclass(frozen=True)
class Flag:
    code: str
    message: str


def flags(account: MediaAccount) -> list[Flag]:
    """What the reviewer is shown about an account, by the rules in data/rules.json."""
    found = []
    data = rules.rules()
    if data.get("one_account_per_platform") and account.is_live:
        others = list(MediaAccount.objects.filter(unit_id=account.unit_id, platform=account.platform, life__in=LIVE)
                      .exclude(pk=account.pk).order_by("id")[:5])
        if others:
            names = "、".join(f"“{o.name}”" for o in others)
            found.append(Flag("duplicate", f"本单位在{account.platform}已有账号{names}：原则上一个单位在同一平台只开设一个账号"))
    if data.get("subject_must_match_host"):
        if not account.is_certified:
            found.append(Flag("uncertified", "账号未经平台认证"))
        elif account.certified_subject and account.certified_subject.strip() != account.host_unit.strip():
            found.append(Flag("subject", f"认证主体“{account.certified_subject}”与主办单位“{account.host_unit}”不一致"))
    return found


def closed_not_cancelled(user) -> QuerySet:
    """Approved accounts closed (关停) but never cancelled (注销)."""
    return (policy.visible_accounts(user).filter(status=S.APPROVED, life=L.CLOSED)
            .select_related("unit").order_by("id"))  # by filing order: a page stops early, no sort of a region


def not_updated(user, *, days: int | None = None, today: dt.date | None = None) -> QuerySet:
    """Approved live accounts whose latest post read is older than N days (rules.json: stale_days)."""
    days = rules.stale_days() if days is None else days
    today = today or timezone.localdate()
    return (policy.visible_accounts(user).filter(status=S.APPROVED, life__in=LIVE,
                                                 last_post_on__lt=today - dt.timedelta(days=days))
            .select_related("unit").order_by("id"))


def history(account: MediaAccount) -> QuerySet:
    return MediaEvent.objects.filter(account=account).select_related("actor", "level").order_by("at", "id")


def _stats_key(user, name: str, *args) -> str:
    """A statistics result is kept until any account changes (the latest change time is part of the key:
    one indexed look-up), so repeated views of a large scope do not aggregate 300,000 rows again."""
    latest = MediaAccount.objects.aggregate(at=Max("updated_at"))  # the sync index: one row read
    scope = policy.scope_key(user)
    return "newmedia:" + hashlib.sha256(repr((name, scope, args, latest["at"])).encode()).hexdigest()


def _kept(user, name: str, args: tuple, compute):
    key = _stats_key(user, name, *args)
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, getattr(settings, "NEWMEDIA_STATS_SECONDS", 3600))
    return found


def by_platform(user, *, region: str = "") -> list[dict]:
    """Approved accounts by platform: live, closed, cancelled (statistics)."""
    return _kept(user, "by_platform", (region,), lambda: _by_platform(user, region))


def _counted_scope(user) -> Q | None:
    """The kept counts (MediaCount) that make up a user's scope — the nation, or an organizing unit's
    subtree at or above the buckets' depth — or None: count the accounts themselves (a smaller scope)."""
    prefix = policy.counted_subtree(user, MediaCount.BUCKET_DEPTH)
    return None if prefix is None else Q(bucket__startswith=prefix) if prefix else Q()


def _platform_rows(pairs) -> list[dict]:
    rows = {p: {"platform": p, "live": 0, "closed": 0, "cancelled": 0} for p in rules.platform_names()}
    for platform, life, n in pairs:
        row = rows.setdefault(platform, {"platform": platform, "live": 0, "closed": 0, "cancelled": 0})
        row["closed" if life == L.CLOSED else "cancelled" if life == L.CANCELLED else "live"] += n
    return list(rows.values())


def _by_platform(user, region: str) -> list[dict]:
    scope = _counted_scope(user)
    if scope is not None and not (region or "").strip():
        return _platform_rows(MediaCount.objects.filter(scope).values_list("platform", "life")
                              .annotate(total=Sum("n")).order_by())
    return count_by_platform(user, region)


def count_by_platform(user, region: str = "") -> list[dict]:
    """by_platform counted from the accounts themselves."""
    qs = policy.visible_accounts(user).filter(status=S.APPROVED)
    if (region or "").strip():
        qs = qs.filter(region_filter(region))
    return _platform_rows(qs.values_list("platform", "life").annotate(n=Count("id")).order_by())


def by_region(user, *, depth: int) -> list[dict]:
    """Approved live accounts by region: counted under the units of the tree's level ``depth``
    (2: provinces, 3: cities …), vertical systems left out (statistics by region)."""
    return _kept(user, "by_region", (depth,), lambda: _by_region(user, depth))


def _region_rows(counts: dict) -> list[dict]:
    names = dict(Unit.objects.filter(path__in=list(counts)).values_list("path", "name"))
    return sorted(({"region": names.get(k, k), "path": k, "count": n} for k, n in counts.items()),
                  key=lambda r: r["path"])


def _by_region(user, depth: int) -> list[dict]:
    scope = _counted_scope(user)
    if scope is None or depth > MediaCount.BUCKET_DEPTH:
        return count_by_region(user, depth)
    width = Unit.steplen * depth
    counts = dict(MediaCount.objects.filter(scope, in_system=False, life__in=LIVE)
                  .annotate(prefix=Substr("bucket", 1, width)).values_list("prefix")
                  .annotate(total=Sum("n")).order_by())
    return _region_rows(counts)


def count_by_region(user, depth: int) -> list[dict]:
    """by_region counted from the accounts themselves."""
    qs = policy.visible_accounts(user).filter(status=S.APPROVED, life__in=LIVE, unit__system__isnull=True)
    width = Unit.steplen * depth
    counts = dict(qs.annotate(prefix=Substr("unit__path", 1, width)).values_list("prefix")
                  .annotate(n=Count("id")).order_by())
    return _region_rows(counts)


def live_accounts() -> QuerySet:
    """Approved accounts still publishing (not 关停, not 注销): what the public and the annual reports see."""
    return MediaAccount.objects.filter(status=S.APPROVED, life__in=LIVE)


def public_matrix(*, region: str = "", unit_pk=None) -> QuerySet:
    """What the public sees (a region's 政务新媒体矩阵, or one unit's accounts): approved, live accounts,
    grouped by unit."""
    qs = live_accounts().select_related("unit")
    if unit_pk is not None:
        qs = qs.filter(unit_id=unit_pk)
    elif (region or "").strip():
        qs = qs.filter(region_filter(region))
    else:
        return qs.none()
    return qs.order_by("unit__path", "platform", "id")
