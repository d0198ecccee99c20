"""Campaigns administered in the product: the national office creates a census
campaign (year, name, scoring-table version, phases with dates) and its later
rounds (the quarterly spot checks); the system administrator may move dates.
Phases gate what may be submitted: before a phase opens nothing, after it
closes only with an exception from the organizing unit above (marked late)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import policy
from sitecensus.audit.services import record
from sitecensus.core.errors import InvalidInput, InvalidState
from sitecensus.orgs.models import Unit
from sitecensus.core.dates import cn_date

from sitecensus.campaigns.errors import NeedsConfirmation  # noqa: F401  (the pages catch it here)
from sitecensus.campaigns import tables
from sitecensus.campaigns.models import Campaign

from .models import Phase, WindowException

CAMPAIGN_FILE = Path(__file__).resolve().parent / "data" / "campaign.json"
K = Phase.Kind
CENSUS_KINDS = [K.INVENTORY, K.SELFCHECK, K.INSPECTION, K.RECTIFICATION, K.REPORT, K.SPOTCHECK, K.SUMMARY]
ROUND_KINDS = [K.SPOTCHECK, K.RECTIFICATION, K.SUMMARY]
# What each phase gates: the action refused outside it.
GATED = {K.INVENTORY: "报送网站基本信息", K.SELFCHECK: "提交自查表", K.INSPECTION: "提交检查评分表",
         K.REPORT: "报送检查整改情况"}


def calendar_spec() -> dict:
    return json.loads(CAMPAIGN_FILE.read_text(encoding="utf-8"))


def _md(year: int, text: str) -> date:
    month, day = map(int, text.split("-"))
    return date(year, month, day)


def default_phases(year: int) -> dict[str, tuple[date, date]]:
    """The 2015 calendar (forms by 4月25日, reports by 8月31日) in a given year."""
    return {p["kind"]: (_md(year, p["opens"]), _md(year, p["closes"])) for p in calendar_spec()["phases"]}


def proposed_phases(today: date) -> dict[str, tuple[date, date]]:
    """What 新建普查 proposes: the 2015 calendar's phases, their lengths and gaps kept,
    moved so that the first phase opens today — no phase is over on the day it is made."""
    spec = calendar_spec()["phases"]
    year = today.year
    start = min(_md(year, p["opens"]) for p in spec)
    return {p["kind"]: (today + (_md(year, p["opens"]) - start), today + (_md(year, p["closes"]) - start))
            for p in spec}


def demo_phases(today: date) -> dict[str, tuple[date, date]]:
    """The demo's calendar, relative to the day it is loaded (an open phase, a real deadline)."""
    return {p["kind"]: (today + timedelta(days=p["demo_offsets"][0]), today + timedelta(days=p["demo_offsets"][1]))
            for p in calendar_spec()["phases"]}


def default_round(parent: Campaign, start: date) -> tuple[str, dict[str, tuple[date, date]]]:
    spec = calendar_spec()["round"]
    quarter = (start.month - 1) // 3 + 1
    name = f"{parent.year or start.year}年" + spec["name"].format(quarter=quarter)
    return name, {p["kind"]: (start + timedelta(days=p["days"][0]), start + timedelta(days=p["days"][1]))
                  for p in spec["phases"]}


# ---------------------------------------------------------------- reads

def active_campaign() -> Campaign | None:
    return Campaign.objects.filter(is_active=True, kind=Campaign.Kind.CENSUS).order_by("-id").first()


def campaign_phase(kind: str) -> Phase | None:
    """A phase of the active campaign (None when no campaign is configured)."""
    campaign = active_campaign()
    return campaign.phases.filter(kind=kind).first() if campaign else None


@dataclass
class PhaseStatus:
    phase: Phase
    state: str  # "open" | "upcoming" | "closed"
    days: int   # days left (open), days until it opens (upcoming), days since it closed (closed)

    @property
    def label(self) -> str:
        return self.phase.get_kind_display()


def calendar(today: date | None = None, *, kinds=None, rounds: bool = True) -> dict:
    """What the home page shows: the campaign, its open phases with days left (one line
    per phase kind: a round's phase of a kind already open in the census is not repeated),
    and the next phase to open — never one of a kind that is open now. ``kinds`` limits it
    to the phases that concern the user; ``rounds`` False leaves the spot-check rounds out."""
    today = today or timezone.localdate()
    campaign = active_campaign()
    if campaign is None:
        return {"campaign": None, "open": [], "next": None}
    owners = [campaign, *campaign.rounds.filter(is_active=True)] if rounds else [campaign]
    phases = list(Phase.objects.filter(campaign__in=owners).select_related("campaign")
                  .order_by("opens_on", "closes_on", "id"))
    if kinds is not None:
        phases = [p for p in phases if p.kind in kinds]
    open_, seen = [], set()
    for p in sorted((p for p in phases if p.is_open_on(today)), key=lambda p: (p.campaign_id != campaign.pk,
                                                                                  p.closes_on, p.id)):
        if p.kind not in seen:
            seen.add(p.kind)
            open_.append(PhaseStatus(p, "open", p.days_left(today)))
    open_.sort(key=lambda s: (s.phase.closes_on, s.phase.id))
    upcoming = [p for p in phases if p.opens_on > today and p.kind not in seen]
    nxt = PhaseStatus(upcoming[0], "upcoming", (upcoming[0].opens_on - today).days) if upcoming else None
    return {"campaign": campaign, "open": open_, "next": nxt}


# ---------------------------------------------------------------- the gate

def ancestors_paths(unit: Unit) -> list[str]:
    return [unit.path[: unit.steplen * d] for d in range(1, unit.depth + 1)]


def check_phase(kind: str, unit: Unit, *, today: date | None = None, late_allowed: bool = False,
                phase: Phase | None = None, closes_on: date | None = None, opens_on: date | None = None,
                action: str | None = None) -> bool:
    """May `unit` do what phase `kind` gates, today? Returns whether it is late.
    Refuses before the phase opens; after it closes, refuses unless the
    organizing unit above granted an exception (or `late_allowed`).
    `phase` names another campaign's phase (a round's); `closes_on` a close of
    one's own inside it (a rectification notice's 整改期限), `opens_on` an opening of
    one's own (a rectification notice is answerable from the day it is issued)."""
    phase = phase or campaign_phase(kind)
    today = today or timezone.localdate()
    if phase is None:
        return False
    label, what = phase.get_kind_display(), action or GATED.get(kind, "提交")
    closes = closes_on or phase.closes_on
    dates = f"{cn_date(phase.opens_on)}至{cn_date(phase.closes_on)}"
    if closes_on:
        dates += f"，本项期限 {cn_date(closes_on)}"
    if today < (opens_on or phase.opens_on):
        raise InvalidState(f"“{phase.campaign.name}”的{label}阶段（{dates}）尚未开始，"
                           f"将于 {cn_date(phase.opens_on)} 开始，现在还不能{what}")
    if today <= closes:
        return False
    if late_allowed:
        return True
    granted = WindowException.objects.filter(phase=phase, unit__path__in=ancestors_paths(unit),
                                             until__gte=today).exists()
    if not granted:
        raise InvalidState(f"“{phase.campaign.name}”的{label}阶段（{dates}）已于 {cn_date(closes)} 截止，"
                           f"现在{what}请向上级组织单位申请补报许可")
    return True


def open_round(today: date | None = None) -> Campaign | None:
    """The round of the active census whose 抽查核查 phase is open today (the latest to open)."""
    today = today or timezone.localdate()
    phase = (Phase.objects.filter(kind=K.SPOTCHECK, campaign__kind=Campaign.Kind.ROUND, campaign__is_active=True,
                                  campaign__parent=active_campaign(), opens_on__lte=today, closes_on__gte=today)
             .select_related("campaign").order_by("-opens_on", "-id").first())
    return phase.campaign if phase else None


def rounds() -> list[Campaign]:
    """The active census's rounds, newest first (what a spot-check batch may belong to)."""
    census = active_campaign()
    if census is None:
        return []
    return list(census.rounds.filter(kind=Campaign.Kind.ROUND).order_by("-created_at", "-id"))


def round_phase(round_: Campaign | None, kind: str) -> Phase | None:
    return round_.phases.filter(kind=kind).first() if round_ is not None else None


def is_late(kind: str, *, today: date | None = None) -> bool:
    phase = campaign_phase(kind)
    return bool(phase and (today or timezone.localdate()) > phase.closes_on)


# ---------------------------------------------------------------- consequences

def unconfirmed(found: list[str], confirmed) -> list[str]:
    """The consequences not confirmed: ``confirmed`` is True (all) or the texts confirmed
    one by one (a consequence that changed since it was shown is not confirmed)."""
    if confirmed is True:
        return []
    return [c for c in found if c not in set(confirmed or ())]


def consequences(*, campaign: Campaign | None, phases: dict[str, tuple[date, date]], activate: bool,
                 today: date | None = None) -> list[str]:
    """What saving this calendar would do that cannot be taken back quietly: replacing
    the current census, and phases already over (or over sooner) while it is current."""
    today = today or timezone.localdate()
    found = []
    current = active_campaign()
    becomes_current = activate and (campaign is None or not campaign.is_active)
    if becomes_current and current is not None and (campaign is None or current.pk != campaign.pk):
        found.append(f"“{current.name}”将不再是当前普查：各单位的首页、报送期限和检查整改将改按新普查的日程，"
                     f"“{current.name}”的阶段不再把关报送")
    will_be_current = activate
    before = {p.kind: p.closes_on for p in campaign.phases.all()} if campaign is not None else {}
    over = []
    for kind, (opens, closes) in phases.items():
        if closes >= today:
            continue
        if campaign is not None and kind in before and before[kind] < today and not becomes_current:
            continue  # already over before this change
        label = Phase.Kind(kind).label
        what = GATED.get(kind)
        over.append(f"{label}（截止 {cn_date(closes)}{'，' + what + '将被拒绝，须申请补报许可' if what else ''}）")
    if over:
        prefix = "以下阶段的截止日期已过" + ("，保存后立即生效" if will_be_current else "，设为当前普查后立即生效")
        found.append(prefix + "：" + "、".join(over))
    return found


# ---------------------------------------------------------------- writes

may_create = policy.may_create_campaign
may_edit_calendar = policy.may_edit_calendar


def _rubric_codes() -> list[str]:
    return tables.codes()


def _clean_phases(phases: dict, kinds: list[str]) -> dict[str, tuple[date, date]]:
    cleaned = {}
    for kind in kinds:
        if kind not in phases or phases[kind] is None:
            continue
        opens, closes = phases[kind]
        label = Phase.Kind(kind).label
        if opens is None or closes is None:
            raise InvalidInput(f"“{label}”阶段请同时填写开始日期和截止日期", field=f"{kind}_opens")
        if closes < opens:
            raise InvalidInput(f"“{label}”阶段的截止日期早于开始日期", field=f"{kind}_closes")
        cleaned[kind] = (opens, closes)
    if not cleaned:
        raise InvalidInput("请至少设置一个阶段的日期")
    return cleaned


def _save_phases(campaign: Campaign, phases: dict[str, tuple[date, date]]) -> None:
    for kind, (opens, closes) in phases.items():
        Phase.objects.update_or_create(campaign=campaign, kind=kind,
                                       defaults={"opens_on": opens, "closes_on": closes})


@transaction.atomic
def create_campaign(*, actor, year: int, name: str, rubric_code: str, phases: dict, activate: bool = False,
                    confirmed: bool | list[str] = False, request=None) -> Campaign:
    """A new census campaign, by default a draft (not current). Replacing the current
    census or dates already past need ``confirmed`` (NeedsConfirmation names why)."""
    if not may_create(actor):
        raise policy.CAMPAIGN_CREATE.refuse()
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise InvalidInput("请填写年度（如 2015）", field="year")
    name = (name or "").strip()
    if not name:
        raise InvalidInput("请填写普查名称", field="name")
    if rubric_code not in _rubric_codes():
        raise InvalidInput(f"没有评分表版本“{rubric_code}”，可选：{'、'.join(_rubric_codes())}", field="rubric_code")
    cleaned = _clean_phases(phases, CENSUS_KINDS)
    if Campaign.objects.filter(name=name).exists():
        raise InvalidInput(f"已有名为“{name}”的普查", field="name")
    found = consequences(campaign=None, phases=cleaned, activate=activate)
    if unconfirmed(found, confirmed):
        raise NeedsConfirmation(found)
    if activate:
        Campaign.objects.filter(is_active=True, kind=Campaign.Kind.CENSUS).update(is_active=False)
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(name=name, year=year, rubric_code=rubric_code, is_active=activate)
    except IntegrityError:
        raise InvalidInput(f"已有名为“{name}”的普查", field="name") from None
    _save_phases(campaign, cleaned)
    record("campaign_created", actor=actor, request=request, obj=campaign, year=year, rubric=rubric_code,
           phases={k: [str(a), str(b)] for k, (a, b) in cleaned.items()}, active=activate,
           **({"confirmed": found} if found else {}))
    return campaign


@transaction.atomic
def create_round(*, actor, parent: Campaign, name: str, phases: dict, request=None) -> Campaign:
    """A later round (e.g. a quarterly spot check) under a census campaign."""
    if not may_create(actor):
        raise policy.CAMPAIGN_CREATE.refuse("只有国办管理员可以安排抽查轮次")
    if parent.kind != Campaign.Kind.CENSUS:
        raise InvalidState("抽查轮次只能建在普查之下")
    name = (name or "").strip()
    if not name:
        raise InvalidInput("请填写轮次名称", field="name")
    cleaned = _clean_phases(phases, ROUND_KINDS)
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(name=name, year=parent.year, rubric_code=parent.rubric_code,
                                               kind=Campaign.Kind.ROUND, parent=parent, is_active=True)
    except IntegrityError:
        raise InvalidInput(f"已有名为“{name}”的轮次", field="name") from None
    _save_phases(campaign, cleaned)
    record("campaign_round_created", actor=actor, request=request, obj=campaign, parent=parent.pk)
    return campaign


def rubric_in_use(campaign: Campaign) -> bool:
    return tables.in_use(campaign)


@transaction.atomic
def update_campaign(*, actor, campaign: Campaign, phases: dict, name: str | None = None,
                    rubric_code: str | None = None, activate: bool | None = None, confirmed: bool | list[str] = False,
                    request=None) -> Campaign:
    """Dates by the national office or the system administrator (calendar only);
    name, scoring table and activation by the national office. Making it current over
    another census, or closing phases of the current one by dates already past, need
    ``confirmed``."""
    if not may_edit_calendar(actor):
        raise policy.CAMPAIGN_CALENDAR.refuse()
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    changes = {}
    if not policy.may_edit_campaign_settings(actor) and (
            (name is not None and name.strip() != campaign.name)
            or (rubric_code is not None and rubric_code != campaign.rubric_code) or activate is not None):
        raise policy.CAMPAIGN_SETTINGS.refuse()
    if name is not None and name.strip() != campaign.name:
        if not name.strip():
            raise InvalidInput("请填写普查名称", field="name")
        campaign.name, changes["name"] = name.strip(), name.strip()
    if rubric_code is not None and rubric_code != campaign.rubric_code:
        if rubric_code not in _rubric_codes():
            raise InvalidInput(f"没有评分表版本“{rubric_code}”", field="rubric_code")
        if rubric_in_use(campaign):
            raise InvalidState("本次普查已有评分表按原版本填写，评分表版本不能再更改")
        campaign.rubric_code, changes["rubric"] = rubric_code, rubric_code
    kinds = ROUND_KINDS if campaign.kind == Campaign.Kind.ROUND else CENSUS_KINDS
    cleaned = _clean_phases(phases, kinds)
    found = []
    if campaign.kind == Campaign.Kind.CENSUS or campaign.is_active:
        found = consequences(campaign=campaign, phases=cleaned,
                             activate=campaign.is_active if activate is None else activate)
    if unconfirmed(found, confirmed):
        raise NeedsConfirmation(found)
    if found:
        changes["confirmed"] = found
    if activate and campaign.kind == Campaign.Kind.CENSUS:
        Campaign.objects.filter(is_active=True, kind=Campaign.Kind.CENSUS).exclude(pk=campaign.pk).update(
            is_active=False)
    if activate is not None:
        campaign.is_active = activate
    try:
        with transaction.atomic():
            campaign.save()
    except IntegrityError:
        raise InvalidInput(f"已有名为“{campaign.name}”的普查", field="name") from None
    _save_phases(campaign, cleaned)
    record("campaign_changed", actor=actor, request=request, obj=campaign, **changes,
           phases={k: [str(a), str(b)] for k, (a, b) in cleaned.items()})
    return campaign


def create_demo_campaign(today: date | None = None) -> Campaign:
    """The demo's campaign, dated relative to the day the demo is loaded."""
    from django.conf import settings

    today = today or timezone.localdate()
    spec = calendar_spec()
    campaign, _ = Campaign.objects.get_or_create(
        name=f"{spec['name']}（演示）", defaults={"year": today.year, "rubric_code": settings.SCORING_RUBRIC})
    Campaign.objects.filter(is_active=True, kind=Campaign.Kind.CENSUS).exclude(pk=campaign.pk).update(
        is_active=False)
    _save_phases(campaign, demo_phases(today))
    return campaign
