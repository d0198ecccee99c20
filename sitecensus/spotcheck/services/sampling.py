"""Sampling: the population a batch may draw from, the batch created with its
strata and seed, the stratified random draw the recorded seed reproduces, and a
site added by hand."""

from __future__ import annotations

import random
import secrets
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from sitecensus.audit.services import record
from sitecensus.core.errors import InvalidInput, InvalidState
from sitecensus.orgs.models import Unit
from sitecensus.registry import campaigns
from sitecensus.campaigns.models import Campaign
from sitecensus.registry.models import Phase, Website
from sitecensus.registry.services import active_websites

from .. import policy
from ..models import Batch, BatchSite
from .strata import planned_size, reverification_ids, stratum_key

STRATA = {"region": "地区", "level": "层级", "site_class": "网站类别"}
LEVELS = dict(Unit.Level.choices)


def population(batch: Batch):
    """Sites that may be drawn: open, coded; a province's own region only (vertical systems never count
    in a region); a State Council department's own sites, its vertical system's included."""
    sites = active_websites()
    if batch.organizer.depth > 1:
        sites = sites.filter(unit__path__startswith=batch.organizer.path)
        if batch.organizer.kind != Unit.Kind.MINISTRY_OFFICE:
            sites = sites.filter(unit__system__isnull=True)
    return sites


def round_for(choice=None, *, today: date | None = None) -> Campaign | None:
    """The campaign round a new batch belongs to: the one chosen, else the round whose
    抽查核查 phase is open, else the latest whose phase has opened (the batch is then
    late), else the next to open (refused by its dates). None only with no rounds."""
    if choice not in (None, ""):
        pk = choice.pk if isinstance(choice, Campaign) else (int(choice) if str(choice).isdigit() else None)
        chosen = Campaign.objects.filter(pk=pk, kind=Campaign.Kind.ROUND).first() if pk else None
        if chosen is None:
            raise InvalidInput(f"没有这个抽查轮次：“{choice}”", field="round")
        return chosen
    today = today or timezone.localdate()
    found = campaigns.open_round(today)
    if found is not None:
        return found
    dated = [(p.opens_on, r) for r in campaigns.rounds() for p in r.phases.filter(kind=Phase.Kind.SPOTCHECK)]
    started = [d for d in dated if d[0] <= today]
    if started:
        return max(started, key=lambda d: d[0])[1]
    return min(dated, key=lambda d: d[0])[1] if dated else None


@transaction.atomic
def create_batch(*, actor, name: str, strata_by: list[str], window_start: date, window_end: date,
                 ratio=None, per_stratum=None, seed: int | None = None, campaign_round=None,
                 request=None) -> Batch:
    """A batch of `campaign_round` (default: the open round), made within the round's
    抽查核查 phase: refused before it opens, marked late after it closes."""
    policy.check_organize(actor)
    name = (name or "").strip()
    if not name:
        raise InvalidInput("请填写批次名称", field="name")
    unknown = set(strata_by) - set(STRATA)
    if unknown:
        raise InvalidInput(f"未知的分层依据：{'、'.join(sorted(unknown))}", field="strata_by")
    ratio, per_stratum = sample_size(ratio, per_stratum)
    if window_end < window_start:
        raise InvalidInput("监测结束日期不能早于开始日期", field="window_end")
    round_ = round_for(campaign_round)
    phase = campaigns.round_phase(round_, Phase.Kind.SPOTCHECK)
    late = campaigns.check_phase(Phase.Kind.SPOTCHECK, actor.unit, late_allowed=True, action="创建抽查批次",
                                 phase=phase) if phase else False
    batch = Batch.objects.create(name=name[:100], organizer=actor.unit, strata_by=list(strata_by), ratio=ratio,
                                 per_stratum=per_stratum if ratio is None else None,
                                 seed=seed if seed is not None else secrets.randbelow(2**31),
                                 window_start=window_start, window_end=window_end, created_by=actor,
                                 round=round_, is_late=late)
    record("spotcheck_created", actor=actor, request=request, obj=batch, seed=batch.seed,
           round=round_.name if round_ else "", late=late)
    return batch


def sample_size(ratio, per_stratum, *, what: str = "", prefix: str = "") -> tuple[Decimal | None, int | None]:
    """A draw's size: a share in percent or a number per stratum (one of the two), checked.
    ``what``/``prefix``: the kind drawn and its form fields' prefix (政务新媒体: "media_")."""
    if (ratio in (None, "")) == (per_stratum in (None, "")):
        raise InvalidInput(f"请填写{what}抽样比例或每层抽取数（二选一）", field=f"{prefix}ratio")
    if ratio not in (None, ""):
        try:
            ratio = Decimal(str(ratio))
        except InvalidOperation:
            raise InvalidInput(f"抽样比例“{ratio}”不是数字", field=f"{prefix}ratio") from None
        if not (0 < ratio <= 100):
            raise InvalidInput("抽样比例应大于 0、不超过 100（%）", field=f"{prefix}ratio")
        return ratio, None
    try:
        per_stratum = int(per_stratum)
    except (TypeError, ValueError):
        raise InvalidInput(f"每层抽取数“{per_stratum}”不是整数", field=f"{prefix}per_stratum") from None
    if per_stratum < 1:
        raise InvalidInput("每层抽取数至少为 1", field=f"{prefix}per_stratum")
    return None, per_stratum


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
    if batch.reverifies_id:  # 国办's re-check draws from the lower level's passed results
        return reverification_ids(batch)
    groups: dict[str, list[int]] = {}
    rows = population(batch).values("id", "site_class", "unit__level", "unit__division__province_code")
    for row in rows.iterator(chunk_size=5000):
        groups.setdefault(stratum_key(batch, row, _key(row, batch.strata_by)), []).append(row["id"])
    drawn, strata = {}, {}
    for key in sorted(groups):
        ids = sorted(groups[key])
        planned = planned_size(batch, key, len(ids))  # per-stratum ratios, "every portal" strata
        if planned is not None:
            n = planned
        elif batch.ratio is not None:
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
    policy.check_organize(actor, batch)
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if not batch.is_draft:
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
    policy.check_organize(actor, batch)
    if not population(batch).filter(pk=website.pk).exists():
        raise InvalidState(f"“{website.name}”已关停、整合、尚无标识码或不在抽查范围内，不能抽查")
    if not batch.takes_sites:
        raise InvalidState("抽查已扫描完成，不能再添加网站")
    site, _ = BatchSite.objects.get_or_create(batch=batch, website=website, defaults={"stratum": "补充"})
    return site
