"""Spot checks: a stratified random draw that the recorded seed reproduces,
machine scan, human re-check with a second reviewer, and the notice."""

from __future__ import annotations

import random
import secrets
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from sitecensus.audit.services import record
from sitecensus.core.errors import InvalidInput, InvalidState, NotAllowed
from sitecensus.orgs.models import Unit
from sitecensus.orgs.selectors import province_code_for, province_name
from sitecensus.registry.models import Website
from sitecensus.registry.services import active_websites
from sitecensus.scoring import services as scoring_services
from sitecensus.scoring.models import Scorecard, ScoreEntry

from . import policy
from .models import Batch, BatchSite, Notice

STRATA = {"region": "地区", "level": "层级", "site_class": "网站类别"}
LEVELS = dict(Unit.Level.choices)


may_organize = policy.may_organize
_check_organizer = policy.check_organize


def population(batch: Batch):
    """Sites that may be drawn: open, coded; a province's own region only
    (vertical systems never count in a region)."""
    sites = active_websites()
    if batch.organizer.depth > 1:
        sites = sites.filter(unit__path__startswith=batch.organizer.path, unit__system__isnull=True)
    return sites


@transaction.atomic
def create_batch(*, actor, name: str, strata_by: list[str], window_start: date, window_end: date,
                 ratio=None, per_stratum=None, seed: int | None = None, request=None) -> Batch:
    _check_organizer(actor)
    name = (name or "").strip()
    if not name:
        raise InvalidInput("请填写批次名称", field="name")
    unknown = set(strata_by) - set(STRATA)
    if unknown:
        raise InvalidInput(f"未知的分层依据：{'、'.join(sorted(unknown))}", field="strata_by")
    if (ratio in (None, "")) == (per_stratum in (None, "")):
        raise InvalidInput("请填写抽样比例或每层抽取数（二选一）", field="ratio")
    if ratio not in (None, ""):
        try:
            ratio = Decimal(str(ratio))
        except InvalidOperation:
            raise InvalidInput(f"抽样比例“{ratio}”不是数字", field="ratio") from None
        if not (0 < ratio <= 100):
            raise InvalidInput("抽样比例应大于 0、不超过 100（%）", field="ratio")
    else:
        ratio = None
        try:
            per_stratum = int(per_stratum)
        except (TypeError, ValueError):
            raise InvalidInput(f"每层抽取数“{per_stratum}”不是整数", field="per_stratum") from None
        if per_stratum < 1:
            raise InvalidInput("每层抽取数至少为 1", field="per_stratum")
    if window_end < window_start:
        raise InvalidInput("监测结束日期不能早于开始日期", field="window_end")
    batch = Batch.objects.create(name=name[:100], organizer=actor.unit, strata_by=list(strata_by), ratio=ratio,
                                 per_stratum=per_stratum if ratio is None else None,
                                 seed=seed if seed is not None else secrets.randbelow(2**31),
                                 window_start=window_start, window_end=window_end, created_by=actor)
    record("spotcheck_created", actor=actor, request=request, obj=batch, seed=batch.seed)
    return batch


def _key(row: dict, strata_by: list[str]) -> str:
    parts = []
    for field in strata_by:
        if field == "region":
            parts.append(row["unit__division__province_code"] or "国务院部门")
        elif field == "level":
            parts.append(LEVELS.get(row["unit__level"], str(row["unit__level"])))
        else:
            parts.append(row["site_class"] or "未分类")
    return "|".join(parts) or "全部"


def draw_ids(batch: Batch) -> tuple[dict[str, list[int]], dict[str, dict]]:
    """The sample per stratum: the same seed draws the same sample."""
    groups: dict[str, list[int]] = {}
    rows = population(batch).values("id", "site_class", "unit__level", "unit__division__province_code")
    for row in rows.iterator(chunk_size=5000):
        groups.setdefault(_key(row, batch.strata_by), []).append(row["id"])
    drawn, strata = {}, {}
    for key in sorted(groups):
        ids = sorted(groups[key])
        if batch.ratio is not None:
            n = max(1, int((Decimal(len(ids)) * batch.ratio / 100).to_integral_value()))
        else:
            n = batch.per_stratum
            if n > len(ids):
                raise InvalidInput(f"“{key}”只有 {len(ids)} 个网站，少于每层抽取数 {n}", field="per_stratum")
        drawn[key] = random.Random(f"{batch.seed}|{key}").sample(ids, n)
        strata[key] = {"population": len(ids), "sampled": n}
    return drawn, strata


@transaction.atomic
def draw(*, actor, batch: Batch, request=None) -> Batch:
    _check_organizer(actor, batch)
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != Batch.Status.DRAFT:
        raise InvalidState("抽查已启动，不能重新抽样")
    drawn, strata = draw_ids(batch)
    if not drawn:
        raise InvalidState("抽查范围内没有可抽取的网站")
    BatchSite.objects.filter(batch=batch).delete()
    BatchSite.objects.bulk_create([BatchSite(batch=batch, website_id=i, stratum=k[:100])
                                   for k, ids in drawn.items() for i in ids], batch_size=2000)
    batch.strata, batch.drawn_at = strata, timezone.now()
    batch.save(update_fields=["strata", "drawn_at"])
    record("spotcheck_drawn", actor=actor, request=request, obj=batch, seed=batch.seed,
           sampled=sum(s["sampled"] for s in strata.values()))
    return batch


@transaction.atomic
def add_site(*, actor, batch: Batch, website: Website, request=None) -> BatchSite:
    _check_organizer(actor, batch)
    if not population(batch).filter(pk=website.pk).exists():
        raise InvalidState(f"“{website.name}”已关停、整合、尚无标识码或不在抽查范围内，不能抽查")
    if batch.status not in (Batch.Status.DRAFT, Batch.Status.MONITORING):
        raise InvalidState("抽查已扫描完成，不能再添加网站")
    site, _ = BatchSite.objects.get_or_create(batch=batch, website=website, defaults={"stratum": "补充"})
    return site


@transaction.atomic
def start(*, actor, batch: Batch, request=None) -> Batch:
    _check_organizer(actor, batch)
    if batch.status != Batch.Status.DRAFT or not batch.sites.exists():
        raise InvalidState("请先抽样；已启动的批次不能再次启动")
    batch.status = Batch.Status.MONITORING
    batch.save(update_fields=["status"])
    record("spotcheck_started", actor=actor, request=request, obj=batch)
    return batch


def check_scannable(*, actor, batch: Batch) -> None:
    _check_organizer(actor, batch)
    if batch.status != Batch.Status.MONITORING:
        raise InvalidState("只有检查中的批次可以扫描")


def start_scan(*, actor, batch: Batch, request=None):
    """Queue the machine check of the sample (a background job: a 1 % national
    sample is hundreds of sites); returns the job whose page shows its progress."""
    from django.urls import reverse

    from sitecensus.jobs.services import enqueue

    check_scannable(actor=actor, batch=batch)
    return enqueue("spotcheck_scan", actor=actor, label=f"系统扫描：{batch.name}", params={"batch_id": batch.pk},
                   total=batch.sites.count(), next_url=reverse("spotcheck:batch", args=[batch.pk]))


def scan(*, actor, batch: Batch, request=None, progress=None):
    """The machine check of the sample (freshness judged at the window's end)."""
    from sitecensus.scanner import services as scanner

    check_scannable(actor=actor, batch=batch)
    ids = list(batch.sites.values_list("website_id", flat=True))
    run = scanner.scan(ids, trigger="spotcheck", as_of=min(batch.window_end, timezone.localdate()),
                       requested_by=actor, progress=progress)
    for website in Website.objects.filter(pk__in=ids):
        scanner.suggest_availability(website)
    Batch.objects.filter(pk=batch.pk).update(status=Batch.Status.SCANNED)
    record("spotcheck_scanned", actor=actor, request=request, obj=batch, run=run.pk)
    return run


def _reviewers(batch: Batch):
    from sitecensus.accounts.models import User

    return User.objects.filter(unit=batch.organizer, is_active=True, role__in=sorted(policy.REVIEWER_ROLES))


@transaction.atomic
def assign(*, actor, batch: Batch, reviewer, region: str = "", request=None) -> int:
    """Assign a reviewer to the sample's sites (all, or one region's)."""
    _check_organizer(actor, batch)
    if not _reviewers(batch).filter(pk=reviewer.pk).exists():
        raise InvalidInput("复核人须是本组织单位的账号", field="reviewer")
    sites = batch.sites.filter(status=BatchSite.Status.PENDING)
    if (region or "").strip():
        code = province_code_for(region)  # a person types 河北省 (or 河北); the code is for machines
        if not code:
            raise InvalidInput(f"没有名为“{region.strip()}”的省级地区", field="region")
        sites = sites.filter(website__unit__division__province_code=code)
    count = sites.update(reviewer=reviewer)
    record("spotcheck_assigned", actor=actor, request=request, obj=batch, reviewer=reviewer.username, sites=count)
    return count


@transaction.atomic
def review_card(*, actor, bsite: BatchSite, request=None) -> Scorecard:
    """The reviewer's spot-check scorecard for one sampled site."""
    bsite = BatchSite.objects.select_for_update(of=("self",)).select_related("batch", "website").get(pk=bsite.pk)
    if bsite.batch.status not in (Batch.Status.MONITORING, Batch.Status.SCANNED):
        raise InvalidState("批次尚未启动或已完成")
    policy.check_review(actor, bsite)
    if bsite.scorecard_id:
        return bsite.scorecard
    card = Scorecard.objects.create(website=bsite.website, stage=Scorecard.Stage.SPOTCHECK,
                                    rubric=scoring_services.current_table(), scorer_unit=bsite.batch.organizer,
                                    created_by=actor)
    bsite.scorecard, bsite.reviewer = card, bsite.reviewer or actor
    bsite.save(update_fields=["scorecard", "reviewer"])
    return card


@transaction.atomic
def sign_off(*, actor, bsite: BatchSite, request=None) -> BatchSite:
    """A second reviewer confirms the result before it is final."""
    bsite = BatchSite.objects.select_for_update(of=("self",)).select_related("batch", "scorecard").get(pk=bsite.pk)
    policy.SIGN_OFF.check(policy.is_batch_member(actor, bsite.batch))
    card = bsite.scorecard
    if card is None or not card.is_submitted:
        raise InvalidState("复核人尚未提交评分表")
    policy.check_sign_off(actor, bsite)
    if bsite.status == BatchSite.Status.SIGNED:
        raise InvalidState("已签发")
    bsite.status, bsite.second_reviewer, bsite.signed_at = BatchSite.Status.SIGNED, actor, timezone.now()
    bsite.save(update_fields=["status", "second_reviewer", "signed_at"])
    record("spotcheck_signed", actor=actor, request=request, obj=bsite.website, result=card.result)
    return bsite


@transaction.atomic
def return_to_reviewer(*, actor, bsite: BatchSite, reason: str, request=None) -> BatchSite:
    """The second reviewer sends a result back to the first, with the reason: the
    submitted card stays as it was (immutable); the reviewer scores a new one."""
    bsite = BatchSite.objects.select_for_update(of=("self",)).select_related("batch", "scorecard").get(pk=bsite.pk)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("退回时请填写原因", field="reason")
    card = bsite.scorecard
    if card is None or not card.is_submitted:
        raise InvalidState("复核人尚未提交评分表，无需退回")
    if bsite.status == BatchSite.Status.SIGNED:
        raise InvalidState("已签发的结果不能退回")
    policy.check_return(actor, bsite)
    bsite.scorecard, bsite.status = None, BatchSite.Status.PENDING
    bsite.save(update_fields=["scorecard", "status"])
    record("spotcheck_returned", actor=actor, request=request, obj=bsite.website, reason=reason[:300],
           card=card.pk)
    return bsite


def sign_off_many(*, actor, bsites, request=None) -> tuple[list[BatchSite], list[tuple[BatchSite, str]]]:
    """Bulk sign-off: each site signed or refused with its reason (nothing half-done per site)."""
    done, refused = [], []
    for bsite in bsites:
        try:
            done.append(sign_off(actor=actor, bsite=bsite, request=request))
        except (InvalidState, NotAllowed, InvalidInput) as error:
            refused.append((bsite, error.message))
    return done, refused


def figures(batch: Batch) -> dict:
    """Sampled, passed, pass rate by region and by site class (aggregated in the database)."""
    signed = batch.sites.filter(status=BatchSite.Status.SIGNED)
    passed = Q(scorecard__result="合格")

    def by(field, label):
        rows = signed.values(field).annotate(n=Count("id"), ok=Count("id", filter=passed)).order_by(field)
        return [{"key": label(r[field]), "code": r[field], "sampled": r["n"], "passed": r["ok"],
                 "rate": round(r["ok"] * 100 / r["n"], 1) if r["n"] else None} for r in rows]

    total = signed.count()
    ok = signed.filter(passed).count()
    return {"sampled": batch.sites.count(), "checked": total, "passed": ok,
            "pass_rate": round(ok * 100 / total, 1) if total else None,
            "by_region": by("website__unit__division__province_code",
                            lambda code: province_name(code) or "国务院部门"),
            "by_level": by("website__unit__level", lambda level: LEVELS.get(level, "未分级")),
            "by_class": by("website__site_class", lambda value: value or "未分类")}


@transaction.atomic
def compose_notice(*, actor, batch: Batch, request=None) -> Notice:
    _check_organizer(actor, batch)
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.status not in (Batch.Status.SCANNED, Batch.Status.REPORTED):
        raise InvalidState("批次尚未完成系统扫描，不能生成通报")
    existing = Notice.objects.filter(batch=batch).first()
    if existing is not None and existing.published_at:
        # A published notice is final: its content and date never change silently.
        raise InvalidState("通报已发布，不能重新生成；如需更正，请另行发布更正通报")
    if batch.sites.exclude(status=BatchSite.Status.SIGNED).exists():
        raise InvalidState("还有网站未完成复核签发，不能生成通报")
    rubric = scoring_services.rubric_of_table(scoring_services.current_table())
    names = {i.code: i.name for i in rubric.indicators}
    failed = (batch.sites.exclude(scorecard__result="合格").select_related("website", "website__unit", "scorecard")
              .order_by("website__unit__path"))
    problems = ScoreEntry.objects.filter(scorecard__in=[s.scorecard for s in failed]).filter(
        Q(is_veto=True) | Q(points__gt=0))
    by_card: dict[int, list[str]] = {}
    for card_id, indicator in problems.values_list("scorecard_id", "indicator"):
        by_card.setdefault(card_id, []).append(names.get(indicator, indicator))
    unqualified = [{"site_code": s.website.site_code, "name": s.website.name, "url": s.website.homepage_url,
                    "unit": s.website.unit.name, "result": s.scorecard.result,
                    "score": str(s.scorecard.score) if s.scorecard.score is not None else "",
                    "problems": by_card.get(s.scorecard_id, [])} for s in failed]
    typical = list(ScoreEntry.objects.filter(scorecard__in=batch.sites.values("scorecard")).filter(
        Q(is_veto=True) | Q(points__gt=0)).values("indicator").annotate(n=Count("id")).order_by("-n")[:8])
    typical = [{"indicator": names.get(t["indicator"], t["indicator"]), "sites": t["n"]} for t in typical]
    data = figures(batch)
    notice, _ = Notice.objects.update_or_create(batch=batch, defaults={
        "title": f"关于{batch.name}情况的通报", "figures": data, "unqualified": unqualified, "typical": typical,
        "body": (f"{batch.organizer.name}于{batch.window_start:%Y年%m月%d日}至{batch.window_end:%Y年%m月%d日}"
                 f"对{data['sampled']}个政府网站进行了抽查，合格{data['passed']}个，"
                 f"合格率{data['pass_rate'] if data['pass_rate'] is not None else '—'}%。")})
    Batch.objects.filter(pk=batch.pk).update(status=Batch.Status.REPORTED)
    record("notice_composed", actor=actor, request=request, obj=notice)
    return notice


@transaction.atomic
def publish(*, actor, notice: Notice, request=None) -> Notice:
    """Publish on the public pages and send rectification notices to the units
    whose sites failed."""
    _check_organizer(actor, notice.batch)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.published_at:
        raise InvalidState("通报已发布")
    deadline = timezone.localdate() + timedelta(days=getattr(settings, "SPOTCHECK_RECTIFY_DAYS", 30))
    sent = 0
    issued = []
    for bsite in notice.batch.sites.exclude(scorecard__result="合格").select_related("scorecard", "website"):
        for entry in bsite.scorecard.entries.filter(Q(is_veto=True) | Q(points__gt=0)):
            name = scoring_services.rubric_of(bsite.scorecard).indicator(entry.indicator).name
            if scoring_services.open_notice_exists(bsite.website, entry.indicator):
                continue  # one open notice per problem: the existing one still runs
            # Rectifications are scoring's: issued (audited, the unit told) by its own service.
            issued.append(scoring_services.issue_rectification(
                actor=actor, card=bsite.scorecard, indicator=entry.indicator, deadline=deadline,
                requirement=f"{notice.title}：请对“{name}”问题进行整改并反馈。", request=request))
            sent += 1
    notice.published_at, notice.published_by = timezone.now(), actor
    notice.save(update_fields=["published_at", "published_by"])
    record("notice_published", actor=actor, request=request, obj=notice, rectifications=sent)
    return notice
