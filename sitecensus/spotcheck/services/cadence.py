"""Supervision cadence (issue 24): 抽查计划 — monthly, quarterly or half-yearly — whose periods each
get a round of their own: 国办's as a campaign round with its batch, a province's as its own batch
(organizer = the province, reported up by `reverify.report_up`). Each period's batch is drawn with
the plan's ratio, per-stratum ratios where given, and the portal classes drawn whole ("every portal"
strata, data/cadence.json). The notice's follow-up section: the previous round's failed sites and
their state now."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from sitecensus.audit.services import record
from sitecensus.core.errors import InvalidInput, InvalidState
from sitecensus.orgs.selectors import province_code_for
from sitecensus.registry import campaigns
from sitecensus.campaigns.models import Campaign
from sitecensus.scoring.models import Rectification

from .. import policy
from ..models import Batch, BatchSite, Schedule
from .strata import _ratio, every_label, planned_size, rules, stratum_key  # noqa: F401  (callers' names)

def portal_classes() -> list[str]:
    return list(rules()["every_portal_classes"])


# ---------------------------------------------------------------- periods

def period_of(cadence: str, day: date) -> tuple[str, date, date]:
    """The period of `cadence` holding `day`: its label (2026年第4季度), first and last day."""
    if cadence == Schedule.Cadence.MONTHLY:
        start = day.replace(day=1)
        label = f"{day.year}年{day.month}月"
        months = 1
    elif cadence == Schedule.Cadence.QUARTERLY:
        quarter = (day.month - 1) // 3
        start = date(day.year, quarter * 3 + 1, 1)
        label = f"{day.year}年第{quarter + 1}季度"
        months = 3
    elif cadence == Schedule.Cadence.HALF_YEARLY:
        half = (day.month - 1) // 6
        start = date(day.year, half * 6 + 1, 1)
        label = f"{day.year}年{'上' if half == 0 else '下'}半年"
        months = 6
    else:
        raise InvalidInput(f"未知的抽查频次：“{cadence}”", field="cadence")
    month = start.month - 1 + months
    end = date(start.year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return label, start, end


# ---------------------------------------------------------------- ratios

def parse_stratum_ratios(text) -> dict[str, str]:
    """Per-stratum ratios as a person types them, one a line: “乡镇街道网站=5” or “河北省 = 20%”
    (any part of a stratum: a region, a level or a site class). A dict passes through checked."""
    items = text.items() if isinstance(text, dict) else []
    if isinstance(text, str):
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            if "=" not in line:
                raise InvalidInput(f"分层抽样比例第 {n} 行“{line.strip()}”应写作“层=比例”，如“乡镇街道网站=5”",
                                   field="stratum_ratios")
            key, value = (part.strip() for part in line.split("=", 1))
            items = [*items, (key, value, n)]
    out = {}
    for item in items:
        key, value, n = (*item, None) if len(item) == 2 else item
        where = f"分层抽样比例第 {n} 行：" if n else f"“{key}”的"
        if not key:
            raise InvalidInput(f"{where}缺少层的名称", field="stratum_ratios")
        code = "" if key.isdigit() else province_code_for(key)  # 河北省 → 13, as strata keys hold it
        out[code or key] = str(_ratio(value, field="stratum_ratios", where=where))
    return out


# ---------------------------------------------------------------- schedules

@transaction.atomic
def create_schedule(*, actor, name: str, cadence: str, strata_by: list[str], ratio, stratum_ratios=None,
                    every_portal: bool = False, every_classes: list[str] | None = None, request=None) -> Schedule:
    from .sampling import STRATA

    policy.check_organize(actor)
    name = (name or "").strip()
    if not name:
        raise InvalidInput("请填写计划名称", field="name")
    if cadence not in Schedule.Cadence.values:
        raise InvalidInput("请选择抽查频次（每月、每季度或每半年）", field="cadence")
    unknown = set(strata_by) - set(STRATA)
    if unknown:
        raise InvalidInput(f"未知的分层依据：{'、'.join(sorted(unknown))}", field="strata_by")
    classes = list(every_classes or []) + (portal_classes() if every_portal else [])
    schedule = Schedule.objects.create(
        name=name[:100], organizer=actor.unit, cadence=cadence, strata_by=list(strata_by),
        ratio=_ratio(ratio, field="ratio"), stratum_ratios=parse_stratum_ratios(stratum_ratios or {}),
        every_classes=sorted(set(classes), key=classes.index), created_by=actor)
    record("spotcheck_schedule_created", actor=actor, request=request, obj=schedule, cadence=cadence,
           ratio=str(schedule.ratio), stratum_ratios=schedule.stratum_ratios, every=schedule.every_classes)
    return schedule


def _national_round(actor, label: str, start: date, end: date) -> Campaign | None:
    """国办's round of the period under the current census (made once; None without a census)."""
    census = campaigns.active_campaign()
    if census is None:
        return None
    name = f"{label}抽查"
    found = Campaign.objects.filter(name=name, kind=Campaign.Kind.ROUND).first()
    if found is not None:
        return found
    offsets = rules()["round_phases"]
    phases = {"spotcheck": (start, end),
              "rectification": (end + timedelta(days=offsets["rectification"][0]),
                                end + timedelta(days=offsets["rectification"][1])),
              "summary": (end + timedelta(days=offsets["summary"][0]), end + timedelta(days=offsets["summary"][1]))}
    return campaigns.create_round(actor=actor, parent=census, name=name, phases=phases)


def open_round(*, actor, schedule: Schedule, day: date | None = None, seed: int | None = None,
               request=None) -> Batch:
    """The round of the period holding `day` (default today): its batch made and drawn with the plan's
    ratios. 国办's plan also makes the period's campaign round; a province's batch is a round of its own
    (organizer = the province), joined to 国办's round of the period when one is open."""
    from .sampling import draw

    policy.check_organize(actor)
    if schedule.organizer_id != actor.unit_id:
        raise InvalidState("只能按本单位的抽查计划生成轮次")
    label, start, end = period_of(schedule.cadence, day or timezone.localdate())
    if Batch.objects.filter(schedule=schedule, period=label).exists():
        raise InvalidState(f"“{schedule.name}”{label}的抽查轮次已生成")
    with transaction.atomic():
        if policy.is_national_office(actor):
            round_ = _national_round(actor, label, start, end)
            name = f"{label}抽查"
        else:
            round_ = campaigns.open_round(day or timezone.localdate())
            name = f"{actor.unit.name}{label}抽查"
        batch = Batch.objects.create(
            name=name[:100], organizer=actor.unit, round=round_, strata_by=list(schedule.strata_by),
            ratio=schedule.ratio, seed=seed if seed is not None else secrets.randbelow(2**31),
            window_start=start, window_end=end, created_by=actor, schedule=schedule, period=label,
            stratum_ratios=dict(schedule.stratum_ratios), every_classes=list(schedule.every_classes))
        record("spotcheck_schedule_round", actor=actor, request=request, obj=batch, schedule=schedule.pk,
               period=label, seed=batch.seed, round=round_.name if round_ else "")
        return draw(actor=actor, batch=batch, request=request)


def open_due_rounds(today: date | None = None) -> list[Batch]:
    """Every active plan's round of the current period, made where missing (as the plan's author):
    what the scheduler runs once a day."""
    today = today or timezone.localdate()
    made = []
    for schedule in Schedule.objects.filter(is_active=True).select_related("created_by", "organizer"):
        label, _, _ = period_of(schedule.cadence, today)
        if not Batch.objects.filter(schedule=schedule, period=label).exists():
            made.append(open_round(actor=schedule.created_by, schedule=schedule, day=today))
    return made


# ---------------------------------------------------------------- follow-up (the notice's section)

def previous_batch(batch: Batch) -> Batch | None:
    """The same organizer's latest earlier round with a published notice (re-checks of lower levels
    are not rounds of their own)."""
    earlier = (Batch.objects.filter(organizer=batch.organizer, reverifies__isnull=True, created_at__lt=batch.created_at,
                                    notices__corrects__isnull=True, notices__published_at__isnull=False)
               .exclude(pk=batch.pk).order_by("-created_at", "-pk"))
    return earlier.first()


def follow_up(batch: Batch) -> dict:
    """The previous round's failed sites and their state now: rectification (open / answered /
    done), re-checked in this round (and its result), still failing or not."""
    if batch.reverifies_id:
        return {}
    previous = previous_batch(batch)
    if previous is None:
        return {}
    failed = (previous.sites.filter(status=BatchSite.Status.SIGNED).exclude(scorecard__result="合格")
              .select_related("website", "website__unit", "scorecard").order_by("website__unit__path", "id"))
    now = {s.website_id: s for s in batch.sites.filter(status=BatchSite.Status.SIGNED).select_related("scorecard")}
    labels = dict(Rectification.Status.choices)
    rows = []
    for s in failed:
        rects = list(Rectification.objects.filter(scorecard=s.scorecard).values_list("status", flat=True))
        if not rects:
            rect = "未下发整改通知"
        elif all(r == Rectification.Status.CLOSED for r in rects):
            rect = "已完成整改"
        else:
            rect = "、".join(f"{labels[k]} {rects.count(k)} 项" for k in labels if k in rects)
        again = now.get(s.website_id)
        if again is None:
            state = "本轮未复查"
        elif again.scorecard.result == "合格":
            state = "本轮复查合格"
        else:
            state = "本轮复查仍不合格"
        rows.append({"site_code": s.website.site_code, "name": s.website.name, "unit": s.website.unit.name,
                     "was": s.scorecard.result, "rectification": rect,
                     "rechecked": again is not None, "result_now": again.scorecard.result if again else "",
                     "state": state})
    published = previous.notices.filter(corrects__isnull=True).values_list("title", flat=True).first()
    return {"previous": previous.name, "previous_notice": published or "", "sites": rows,
            "still_failing": sum(1 for r in rows if r["state"] == "本轮复查仍不合格"),
            "rectified": sum(1 for r in rows if r["rectification"] == "已完成整改")}

