"""Statistics for a user's scope. Every table is one aggregate query over the
indexed subtree (values()/annotate(Count(..., filter=...))); Python only labels
and orders the grouped rows, it never loops over websites."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Substr, TruncWeek
from django.utils import timezone

from sitecensus.accounts import roles
from sitecensus.core import scope
from sitecensus.core.errors import NotAllowed, NotFound
from sitecensus.orgs.models import Unit
from sitecensus.registry.models import ReviewEvent, Website, WebsiteVersion
from sitecensus.scoring.models import IndicatorRow, Rectification, Scorecard, ScoreEntry

from . import charts

S = Website.Status
L = Website.Life
GONE = [L.CLOSED, L.MERGED]
STATS_ROLES = {roles.NATIONAL_ADMIN, roles.ORGANIZER, roles.REPORTER}
TREND_WEEKS = 26
OWN_LEVEL = "本级（含直属部门和单位）"


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    chart: dict | None = None
    note: str = ""


@dataclass
class Stats:
    unit: Unit
    summary: dict
    tables: list[Table]

    def table(self, key: str) -> Table:
        for t in self.tables:
            if t.key == key:
                return t
        raise NotFound("统计表不存在")


def check_stats_user(user) -> None:
    if not user.is_authenticated or user.role not in STATS_ROLES:
        raise NotAllowed("只有国办、组织单位和填报单位可以查看统计")


def _pct(part, whole) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def _group_len(user) -> int:
    """Length of the path prefix naming the next level below the user's unit."""
    unit = user.unit
    if user.role == roles.REPORTER:
        return len(unit.path)
    return len(unit.path) + Unit.steplen


SITE_COUNTS = dict(
    total=Count("id"),
    approved=Count("id", filter=Q(status=S.APPROVED)),
    active=Count("id", filter=Q(status=S.APPROVED) & ~Q(life__in=GONE)),
    gone=Count("id", filter=Q(status=S.APPROVED, life__in=GONE)),
    submitted=Count("id", filter=Q(status=S.SUBMITTED)),
    returned=Count("id", filter=Q(status=S.RETURNED)),
    draft=Count("id", filter=Q(status=S.DRAFT)),
    late=Count("id", filter=Q(is_late=True) & ~Q(status=S.DRAFT)),
    reported_units=Count("unit_id", distinct=True, filter=~Q(status=S.DRAFT)),
)
SITE_HEADERS = ["网站总数", "已通过", "其中正常运行", "关停/整合", "审核中", "已退回", "草稿"]


def _site_cells(g: dict) -> list:
    return [g["total"], g["approved"], g["active"], g["gone"], g["submitted"], g["returned"], g["draft"]]


def _stacked(names, g_rows, title):
    return charts.bar(names, [("正常运行", [g["active"] for g in g_rows]),
                              ("关停/整合", [g["gone"] for g in g_rows]),
                              ("审核中", [g["submitted"] for g in g_rows]),
                              ("已退回", [g["returned"] for g in g_rows]),
                              ("草稿", [g["draft"] for g in g_rows])], title=title, stack=True)


def statistics(user) -> Stats:
    check_stats_user(user)
    unit = user.unit
    sites = Website.objects.filter(scope.website_filter(user))
    units = Unit.objects.filter(scope.unit_filter(user), closed_at__isnull=True)
    if user.role == roles.REPORTER:
        units = units.filter(pk=user.unit_id)
    glen = _group_len(user)

    # 1. Sites and progress by the next level down (one query for sites, one for units).
    by_group = {g["g"]: g for g in sites.annotate(g=Substr("unit__path", 1, glen)).values("g")
                .annotate(**SITE_COUNTS).order_by("g")}
    unit_counts = dict(units.annotate(g=Substr("path", 1, glen)).values("g").annotate(n=Count("id"))
                       .values_list("g", "n"))
    children = {u["path"]: u for u in Unit.objects.filter(path__in=set(by_group) | set(unit_counts))
                .values("path", "name", "kind", "is_organizer")}
    groups: dict[str, dict] = {}
    for key in sorted(set(by_group) | set(unit_counts)):
        child = children.get(key)
        # Offices below are rows of their own; the unit itself and its direct departments are one row.
        own = (child is None or len(key) < glen or not child["is_organizer"]) and user.role != roles.REPORTER
        label = OWN_LEVEL if own else (child["name"] if child else unit.name)
        kind = "own" if own else (child["kind"] if child else "")
        row = groups.setdefault(label, {"label": label, "kind": kind, "units": 0,
                                        **{k: 0 for k in SITE_COUNTS}})
        row["units"] += unit_counts.get(key, 0)
        for k in SITE_COUNTS:
            row[k] += by_group.get(key, {}).get(k, 0)
    ordered = sorted(groups.values(), key=lambda r: (r["kind"] == "own", r["kind"] == Unit.Kind.MINISTRY_OFFICE,
                                                    r["label"]))
    regions = [r for r in ordered if r["kind"] != Unit.Kind.MINISTRY_OFFICE]
    ministries = [r for r in ordered if r["kind"] == Unit.Kind.MINISTRY_OFFICE]
    is_national = user.role == roles.NATIONAL_ADMIN or unit.kind == Unit.Kind.NATIONAL_OFFICE
    tables = [Table("region", "按省份统计" if is_national else "按下级地区（单位）统计", ["地区/单位", *SITE_HEADERS],
                    [[r["label"], *_site_cells(r)] for r in regions],
                    _stacked([r["label"] for r in regions], regions, "网站数"),
                    note="垂直管理系统单位不计入所在地区，统计在其主管国务院部门下")]
    if ministries:
        tables.append(Table("ministry", "国务院部门（含垂直管理系统）", ["部门", *SITE_HEADERS],
                            [[r["label"], *_site_cells(r)] for r in ministries],
                            _stacked([r["label"] for r in ministries], ministries, "网站数")))
    vertical = list(sites.filter(unit__system__isnull=False)
                    .values("unit__system__name", "unit__system__department__name")
                    .annotate(**SITE_COUNTS).order_by("unit__system__name"))
    if vertical:
        tables.append(Table("vertical", "垂直管理系统", ["系统", "主管部门", *SITE_HEADERS],
                            [[v["unit__system__name"], v["unit__system__department__name"], *_site_cells(v)]
                             for v in vertical]))

    totals = {k: sum(r[k] for r in ordered) for k in ["units", *SITE_COUNTS]}
    tables.append(Table(
        "progress", "统计摸底进度", ["地区/单位", "应报单位", "已报单位", "报送率", "已通过网站", "已退回网站",
                                "逾期报送", "按时报送"],
        [[r["label"], r["units"], r["reported_units"], _pct(r["reported_units"], r["units"]), r["approved"],
          r["returned"], r["late"], r["total"] - r["draft"] - r["late"]] for r in ordered],
        charts.bar([r["label"] for r in ordered], [("应报单位", [r["units"] for r in ordered]),
                                                   ("已报单位", [r["reported_units"] for r in ordered])],
                   title="单位数"),
        note="应报单位为范围内未撤销的全部单位；已报单位为至少报送过一个网站的单位"))

    # 2. By level and by site class.
    level_rows = list(sites.values("unit__level").annotate(**SITE_COUNTS).order_by("unit__level"))
    level_names = dict(Unit.Level.choices)
    tables.append(Table("level", "按层级统计", ["层级", *SITE_HEADERS],
                        [[level_names.get(g["unit__level"], g["unit__level"]), *_site_cells(g)] for g in level_rows],
                        charts.pie([(level_names.get(g["unit__level"], ""), g["total"]) for g in level_rows],
                                   title="网站数")))
    class_rows = list(sites.values("site_class").annotate(**SITE_COUNTS).order_by("-total"))
    tables.append(Table("class", "按网站类别统计", ["网站类别", *SITE_HEADERS],
                        [[g["site_class"] or "（未填）", *_site_cells(g)] for g in class_rows],
                        charts.pie([(g["site_class"] or "（未填）", g["total"]) for g in class_rows], title="网站数")))

    # 3. Inventory status and life status (one query).
    status_life = list(sites.values("status", "life").annotate(n=Count("id")))
    status_names, life_names = dict(S.choices), dict(L.choices)
    by_status = {}
    by_life = {}
    for g in status_life:  # grouped rows (at most 20), not websites
        by_status[g["status"]] = by_status.get(g["status"], 0) + g["n"]
        if g["status"] == S.APPROVED:
            by_life[g["life"]] = by_life.get(g["life"], 0) + g["n"]
    total_sites = sum(by_status.values())
    tables.append(Table("status", "按审核状态统计", ["审核状态", "网站数", "占比"],
                        [[status_names[k], by_status.get(k, 0), _pct(by_status.get(k, 0), total_sites)]
                         for k in S.values],
                        charts.pie([(status_names[k], by_status.get(k, 0)) for k in S.values], title="网站数")))
    approved_total = sum(by_life.values())
    tables.append(Table("life", "按运行状态统计（已通过的网站）", ["运行状态", "网站数", "占比"],
                        [[life_names[k], by_life.get(k, 0), _pct(by_life.get(k, 0), approved_total)]
                         for k in L.values],
                        charts.pie([(life_names[k], by_life.get(k, 0)) for k in L.values], title="网站数")))

    # 4. Self-check, inspection, spot check, rectification.
    active = totals["active"]
    card_rows = {g["stage"]: g for g in Scorecard.objects.filter(website__in=sites).values("stage").annotate(
        total=Count("id"), submitted=Count("id", filter=Q(status=Scorecard.Status.SUBMITTED)),
        passed=Count("id", filter=Q(status=Scorecard.Status.SUBMITTED, result="合格")),
        failed=Count("id", filter=Q(status=Scorecard.Status.SUBMITTED, result="不合格")),
        veto=Count("id", filter=Q(status=Scorecard.Status.SUBMITTED, result="单项否决")))}
    check_rows = []
    for stage, label in Scorecard.Stage.choices:
        g = card_rows.get(stage, {"total": 0, "submitted": 0, "passed": 0, "failed": 0, "veto": 0})
        check_rows.append([label, active if stage != Scorecard.Stage.SPOTCHECK else "—", g["total"], g["submitted"],
                           _pct(g["submitted"], active) if stage != Scorecard.Stage.SPOTCHECK else "—",
                           g["passed"], g["failed"], g["veto"], _pct(g["passed"], g["submitted"])])
    rect = Rectification.objects.filter(website__in=sites).aggregate(
        total=Count("id"), open=Count("id", filter=Q(status=Rectification.Status.OPEN)),
        answered=Count("id", filter=Q(status=Rectification.Status.ANSWERED)),
        closed=Count("id", filter=Q(status=Rectification.Status.CLOSED)),
        overdue=Count("id", filter=~Q(status=Rectification.Status.CLOSED) & Q(deadline__lt=timezone.localdate())))
    tables.append(Table("checks", "自查、检查、抽查完成情况",
                        ["环节", "应查网站", "评分表", "已提交", "完成率", "合格", "不合格", "单项否决", "合格率"],
                        check_rows,
                        charts.bar([r[0] for r in check_rows], [("已提交", [r[3] for r in check_rows]),
                                                                ("合格", [r[5] for r in check_rows]),
                                                                ("不合格", [r[6] for r in check_rows]),
                                                                ("单项否决", [r[7] for r in check_rows])],
                                   title="评分表"),
                        note="应查网站为已通过且未关停、整合的网站"))
    tables.append(Table("rectification", "整改完成情况", ["整改通知", "待整改", "已反馈", "已完成", "逾期未完成", "完成率"],
                        [[rect["total"], rect["open"], rect["answered"], rect["closed"], rect["overdue"],
                          _pct(rect["closed"], rect["total"])]],
                        charts.pie([("待整改", rect["open"]), ("已反馈", rect["answered"]),
                                    ("已完成", rect["closed"])], title="整改通知")))

    # 5. Problems by indicator on submitted inspection cards.
    problems = list(ScoreEntry.objects.filter(
        scorecard__website__in=sites, scorecard__stage=Scorecard.Stage.INSPECTION,
        scorecard__status=Scorecard.Status.SUBMITTED).filter(Q(points__gt=0) | Q(is_veto=True))
        .values("indicator").annotate(n=Count("id"), veto=Count("id", filter=Q(is_veto=True))).order_by("-n"))
    names = {i["code"]: f'{i["group"]} · {i["name"]}' for i in IndicatorRow.objects.filter(
        code__in=[p["indicator"] for p in problems]).order_by("-rubric_id").values("code", "group", "name")}
    tables.append(Table("problems", "检查发现问题（按指标）", ["指标", "名称", "问题网站数", "其中单项否决"],
                        [[p["indicator"], names.get(p["indicator"], ""), p["n"], p["veto"]] for p in problems],
                        charts.bar([p["indicator"] for p in problems], [("问题网站数", [p["n"] for p in problems])],
                                   title="问题数", horizontal=True)))

    # 6. Trends per week.
    since = timezone.now() - timedelta(weeks=TREND_WEEKS)
    approvals = dict(sites.filter(approved_at__gte=since).annotate(w=TruncWeek("approved_at")).values("w")
                     .annotate(n=Count("id")).values_list("w", "n"))
    submissions = dict(sites.filter(submitted_at__gte=since).annotate(w=TruncWeek("submitted_at")).values("w")
                       .annotate(n=Count("id")).values_list("w", "n"))
    life_version = WebsiteVersion.objects.filter(website=OuterRef("website_id"), number=OuterRef("version"),
                                                 source="life", data__life__in=GONE)
    closures = dict(ReviewEvent.objects.filter(website__in=sites, action=ReviewEvent.Action.FINAL, at__gte=since)
                    .filter(Exists(life_version)).annotate(w=TruncWeek("at")).values("w")
                    .annotate(n=Count("id")).values_list("w", "n"))
    weeks = sorted({_day(w) for w in (*approvals, *submissions, *closures)})

    def per_week(d):
        out = {}
        for w, n in d.items():
            out[_day(w)] = out.get(_day(w), 0) + n
        return out

    a, s, c = per_week(approvals), per_week(submissions), per_week(closures)
    week_labels = [f"{w:%Y-%m-%d}" for w in weeks]
    tables.append(Table("trend", f"按周趋势（近{TREND_WEEKS}周）", ["周（起始日）", "报送", "审核通过", "关停/整合"],
                        [[label, s.get(w, 0), a.get(w, 0), c.get(w, 0)] for label, w in zip(week_labels, weeks)],
                        charts.line(week_labels, [("报送", [s.get(w, 0) for w in weeks]),
                                                  ("审核通过", [a.get(w, 0) for w in weeks]),
                                                  ("关停/整合", [c.get(w, 0) for w in weeks])]),
                        note="报送按最近一次报送时间、审核通过按终审时间统计"))

    summary = {
        "units": totals["units"], "reported_units": totals["reported_units"],
        "report_rate": _pct(totals["reported_units"], totals["units"]),
        "sites": total_sites, "approved": by_status.get(S.APPROVED, 0), "active": active,
        "submitted": by_status.get(S.SUBMITTED, 0), "returned": by_status.get(S.RETURNED, 0),
        "late": totals["late"], "rect_overdue": rect["overdue"],
    }
    return Stats(unit=unit, summary=summary, tables=tables)


def _day(value):
    """TruncWeek gives a datetime on PostgreSQL and SQLite; weeks are keyed by date."""
    if hasattr(value, "date"):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value
