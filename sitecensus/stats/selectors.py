"""Statistics for a user's scope. Every table is one aggregate query over the
indexed subtree (values()/annotate(Count(..., filter=...))); Python only labels
and orders the grouped rows, it never loops over websites."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
)
from django.db.models.functions import Substr
from django.utils import timezone


from sitecensus.accounts.models import User
from sitecensus.core import roles
from sitecensus.orgs import policy as orgs_policy
from sitecensus.registry.counting import approved_q, counted_status
from sitecensus.registry import policy as registry_policy
from sitecensus.core.errors import NotFound
from sitecensus.orgs.models import Unit, VerticalSystem
from sitecensus.registry.models import GONE_LIVES, ReviewEvent, Website, WebsiteVersion, is_gone_life
from sitecensus.scoring.models import IndicatorRow, Rectification, Scorecard, ScoreEntry

from . import charts, extra, policy, services
from .models import SiteTally, UnitTally

S = Website.Status
L = Website.Life
GONE = list(GONE_LIVES)
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
    as_of: object = None
    cache_key: str | None = None  # set when the figures are the cached ones of a scope

    def table(self, key: str) -> Table:
        for t in self.tables:
            if t.key == key:
                return t
        raise NotFound("统计表不存在")


def check_stats_user(user) -> None:
    policy.check_stats(user)


def _pct(part, whole) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def _group_len(user) -> int:
    """Length of the path prefix naming the next level below the user's unit."""
    unit = user.unit
    if policy.sees_own_unit_only(user):
        return len(unit.path)
    return len(unit.path) + Unit.steplen


FOLDED = ("total", "approved", "active", "gone", "submitted", "returned", "draft", "late")
SITE_HEADERS = ["网站总数", "已通过", "其中正常运行", "关停/整合", "审核中", "已退回", "草稿"]


def _site_cells(g: dict) -> list:
    return [g["total"], g["approved"], g["active"], g["gone"], g["submitted"], g["returned"], g["draft"]]


def _stacked(names, g_rows, title):
    return charts.bar(names, [("正常运行", [g["active"] for g in g_rows]),
                              ("关停/整合", [g["gone"] for g in g_rows]),
                              ("审核中", [g["submitted"] for g in g_rows]),
                              ("已退回", [g["returned"] for g in g_rows]),
                              ("草稿", [g["draft"] for g in g_rows])], title=title, stack=True)


def _live_figures(user, sites, glen: int):
    """Grouped site cells and unit counts straight from the tables (small scopes)."""
    units = Unit.objects.filter(orgs_policy.unit_filter(user), closed_at__isnull=True)
    if policy.sees_own_unit_only(user):
        units = units.filter(pk=user.unit_id)
    cells = list(sites.order_by().annotate(g=Substr("unit__path", 1, glen))
                 .values("g", "site_class", "status", "life", "is_late", level=F("unit__level"),
                         system_id=F("unit__system_id"),
                         coded=ExpressionWrapper(approved_q(), output_field=BooleanField())).annotate(n=Count("id")))
    reported = Website.objects.filter(unit_id=OuterRef("pk")).exclude(status=S.DRAFT)
    unit_rows = list(units.order_by().annotate(g=Substr("path", 1, glen)).values("g")
                     .annotate(units=Count("id"), reported=Count("id", filter=Q(Exists(reported)))))
    return cells, unit_rows


def _tallied_figures(user, glen: int):
    """The same from the summary tables (grouped by responsible organizing unit)."""
    where = Q() if policy.sees_country(user) else Q(organizer_path__startswith=user.unit.path)
    cells = list(SiteTally.objects.filter(where).annotate(g=Substr("organizer_path", 1, glen))
                 .values("g", "site_class", "status", "life", "is_late", "level", "system_id", "coded")
                 .annotate(n=Sum("n")))
    unit_rows = list(UnitTally.objects.filter(where).annotate(g=Substr("organizer_path", 1, glen)).values("g")
                     .annotate(units=Sum("units"), reported=Sum("reported")))
    return cells, unit_rows


def statistics(user, *, live: bool | None = None) -> Stats:
    """All tables for the user's scope. Organizing units and the national office read
    the summary tables (at most STATISTICS_MAX_AGE seconds old); a reporting unit's
    own figures, or live=True, come straight from the tables."""
    check_stats_user(user)
    live = policy.sees_own_unit_only(user) if live is None else live
    as_of = None if live else services.tallies_time()
    if as_of is None:  # never built yet (a fresh install before the scheduler's first run): read live
        live, as_of = True, timezone.now()
    else:
        return _cached_statistics(user, as_of)
    return _statistics(user, unit=user.unit, live=live, as_of=as_of)


def cache_key(user) -> str:
    """Where a scope's statistics (and their rendered tables) are cached."""
    return f"stats:{user.role}:{user.unit_id}"


def _cached_statistics(user, as_of) -> Stats:
    """The scope's figures from the cache. After a rebuild one request computes the new
    figures; requests arriving meanwhile get the previous rebuild's (each shows its own
    数据时间), so a rebuild never makes many requests compute the same scope at once.
    The scheduler's rebuild warms the national and provincial scopes itself (warm_cache)."""
    key = cache_key(user)
    entry = cache.get(key)
    if entry is not None and (entry[0] == as_of.timestamp() or not cache.add(f"{key}:lock", 1, 60)):
        return entry[1]
    try:
        return _compute_and_cache(user, as_of)
    finally:
        cache.delete(f"{key}:lock")


def CACHE_SECONDS() -> int:  # noqa: N802 - reads like the setting it follows
    """How long cached figures are kept: a few rebuilds (stale ones are served only while one is recomputed)."""
    return max(60, int(services.max_age().total_seconds()) * 3)


def _compute_and_cache(user, as_of, *, trend=None) -> Stats:
    stats = _statistics(user, unit=user.unit, live=False, as_of=as_of, trend=trend)
    stats.cache_key = cache_key(user)
    cache.set(stats.cache_key, (as_of.timestamp(), stats), CACHE_SECONDS())
    return stats


def warm_scopes() -> list:
    """The scopes the rebuild computes itself: the country and every province (the largest)."""
    scopes = [User(role=roles.NATIONAL_ADMIN, unit=u) for u in Unit.objects.filter(depth=1)]
    return scopes + [User(role=roles.ORGANIZER, unit=u) for u in Unit.objects.filter(depth=2, is_organizer=True,
                                                                                    closed_at__isnull=True)]


@contextmanager
def warming(scopes: list):
    """Held across a rebuild and its warm-up: the scopes' locks, taken before the new tallies are
    visible, so that pages keep serving the previous figures until the worker has computed each
    scope (warm_cache frees a scope's lock as soon as its figures are in), instead of computing the
    country and the provinces a second time at once — the stall a rebuild used to cause."""
    held = {cache_key(user) for user in scopes if cache.add(f"{cache_key(user)}:lock", 1, 60)}
    try:
        yield held
    finally:
        cache.delete_many([f"{key}:lock" for key in held])


def warm_cache(scopes: list | None = None, held: set | None = None) -> int:
    """Compute the national and provincial scopes' statistics after a rebuild (in the
    job worker), so no page view pays for the largest scopes; each lock in `held` (taken by
    `warming`) is freed as soon as its scope is in. Returns scopes warmed."""
    as_of = services.tallies_time()
    if as_of is None:
        return 0
    scopes = warm_scopes() if scopes is None else scopes
    # The trend of every scope from two grouped queries, not two reads of the websites per scope.
    by_province = _trends(Website.objects.all(), _week_starts(TREND_WEEKS), Unit.steplen * 2)
    for user in scopes:
        if user.unit.depth == 1:
            trend = _sum_trends(by_province.values())
        else:
            trend = by_province.get(user.unit.path, ({}, {}))
        _compute_and_cache(user, as_of, trend=trend)
        if held and cache_key(user) in held:
            cache.delete(f"{cache_key(user)}:lock")
    return len(scopes)


def _statistics(user, *, unit, live: bool, as_of, trend: tuple[dict, dict] | None = None) -> Stats:
    sites = Website.objects.filter(registry_policy.website_filter(user))
    glen = _group_len(user)
    cells, unit_rows = _live_figures(user, sites, glen) if live else _tallied_figures(user, glen)

    # 1. Sites and progress by the next level down, folded from the grouped cells.
    by_group = _fold(cells, "g")
    unit_counts = {r["g"]: r for r in unit_rows}
    children = {u["path"]: u for u in Unit.objects.filter(path__in=set(by_group) | set(unit_counts))
                .values("path", "name", "kind", "is_organizer")}
    groups: dict[str, dict] = {}
    for key in sorted(set(by_group) | set(unit_counts)):
        child = children.get(key)
        # Offices below are rows of their own; the unit itself and its direct departments are one row.
        own = (child is None or len(key) < glen or not child["is_organizer"]) and not policy.sees_own_unit_only(user)
        label = OWN_LEVEL if own else (child["name"] if child else unit.name)
        kind = "own" if own else (child["kind"] if child else "")
        row = groups.setdefault(label, {"label": label, "kind": kind, "units": 0, "reported_units": 0,
                                        **{k: 0 for k in FOLDED}})
        row["units"] += unit_counts.get(key, {}).get("units", 0)
        row["reported_units"] += unit_counts.get(key, {}).get("reported", 0)
        for k in FOLDED:
            row[k] += by_group.get(key, {}).get(k, 0)
    ordered = sorted(groups.values(), key=lambda r: (r["kind"] == "own", r["kind"] == Unit.Kind.MINISTRY_OFFICE,
                                                    r["label"]))
    regions = [r for r in ordered if r["kind"] != Unit.Kind.MINISTRY_OFFICE]
    ministries = [r for r in ordered if r["kind"] == Unit.Kind.MINISTRY_OFFICE]
    is_national = policy.sees_country(user) or unit.kind == Unit.Kind.NATIONAL_OFFICE
    tables = [Table("region", "按省份统计" if is_national else "按下级地区（单位）统计", ["地区/单位", *SITE_HEADERS],
                    [[r["label"], *_site_cells(r)] for r in regions],
                    _stacked([r["label"] for r in regions], regions, "网站数"),
                    note="垂直管理系统单位不计入所在地区，统计在其主管国务院部门下")]
    if ministries:
        tables.append(Table("ministry", "国务院部门（含垂直管理系统）", ["部门", *SITE_HEADERS],
                            [[r["label"], *_site_cells(r)] for r in ministries],
                            _stacked([r["label"] for r in ministries], ministries, "网站数")))
    totals = {k: sum(r[k] for r in ordered) for k in ["units", "reported_units", *FOLDED]}
    tables.append(Table(
        "progress", "统计摸底进度", ["地区/单位", "应报单位", "已报单位", "报送率", "已通过网站", "已退回网站",
                                "逾期报送", "按时报送"],
        [[r["label"], r["units"], r["reported_units"], _pct(r["reported_units"], r["units"]), r["approved"],
          r["returned"], r["late"], r["total"] - r["draft"] - r["late"]] for r in ordered],
        charts.bar([r["label"] for r in ordered], [("应报单位", [r["units"] for r in ordered]),
                                                   ("已报单位", [r["reported_units"] for r in ordered])],
                   title="单位数"),
        note="应报单位为范围内未撤销的全部单位；已报单位为至少报送过一个网站的单位"))

    # 2.–3. Level, site class, inventory status and life status: one grouped query;
    # Python folds its (at most a few hundred) groups, never the websites.
    by_system = {k: g for k, g in _fold(cells, "system_id").items() if k is not None}
    if by_system:
        systems = VerticalSystem.objects.filter(pk__in=by_system).select_related("department").order_by("name")
        tables.append(Table("vertical", "垂直管理系统", ["系统", "主管部门", *SITE_HEADERS],
                            [[v.name, v.department.name, *_site_cells(by_system[v.pk])] for v in systems]))
    level_names = dict(Unit.Level.choices)
    by_level = _fold(cells, "level")
    tables.append(Table("level", "按层级统计", ["层级", *SITE_HEADERS],
                        [[level_names.get(k, k), *_site_cells(g)] for k, g in sorted(by_level.items())],
                        charts.pie([(level_names.get(k, ""), g["total"]) for k, g in sorted(by_level.items())],
                                   title="网站数")))
    by_class = sorted(_fold(cells, "site_class").items(), key=lambda kv: (-kv[1]["total"], kv[0] or ""))
    tables.append(Table("class", "按网站类别统计", ["网站类别", *SITE_HEADERS],
                        [[k or "（未填）", *_site_cells(g)] for k, g in by_class],
                        charts.pie([(k or "（未填）", g["total"]) for k, g in by_class], title="网站数")))
    status_names, life_names = dict(S.choices), dict(L.choices)
    by_status, by_life = {}, {}
    for g in cells:
        status = counted_status(g["status"], g.get("coded"))
        by_status[status] = by_status.get(status, 0) + g["n"]
        if status == S.APPROVED:
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
    card_rows = {g["stage"]: g for g in _scoped(Scorecard.objects.all(), sites, "website").values("stage").annotate(
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
    rect = _scoped(Rectification.objects.all(), sites, "website").aggregate(
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
    problems = list(_scoped(ScoreEntry.objects.all(), sites, "scorecard__website").filter(
        scorecard__stage=Scorecard.Stage.INSPECTION,
        scorecard__status=Scorecard.Status.SUBMITTED).filter(Q(points__gt=0) | Q(is_veto=True))
        .values("indicator").annotate(n=Count("id"), veto=Count("id", filter=Q(is_veto=True))).order_by("-n", "indicator"))
    names = {i["code"]: f'{i["group"]} · {i["name"]}' for i in IndicatorRow.objects.filter(
        code__in=[p["indicator"] for p in problems]).order_by("-rubric_id").values("code", "group", "name")}
    tables.append(Table("problems", "检查发现问题（按指标）", ["指标", "名称", "问题网站数", "其中单项否决"],
                        [[p["indicator"], names.get(p["indicator"], ""), p["n"], p["veto"]] for p in problems],
                        charts.bar([p["indicator"] for p in problems], [("问题网站数", [p["n"] for p in problems])],
                                   title="问题数", horizontal=True)))

    # 6. Trends per week (the warm-up passes each scope's, counted for all its scopes at once).
    weeks = _week_starts(TREND_WEEKS)
    flows, closures = trend if trend is not None else _trends(sites, weeks).get(None, ({}, {}))
    trend_rows = [[f"{timezone.localtime(w):%Y-%m-%d}", flows.get(f"s{i}", 0), flows.get(f"a{i}", 0),
                   closures.get(f"c{i}", 0)]
                  for i, w in enumerate(weeks)]
    while trend_rows and not any(trend_rows[0][1:]):  # drop the empty weeks before the first activity
        trend_rows.pop(0)
    tables.append(Table("trend", f"按周趋势（近{TREND_WEEKS}周）", ["周（起始日）", "报送", "审核通过", "关停/整合"],
                        trend_rows,
                        charts.line([r[0] for r in trend_rows], [("报送", [r[1] for r in trend_rows]),
                                                                 ("审核通过", [r[2] for r in trend_rows]),
                                                                 ("关停/整合", [r[3] for r in trend_rows])]),
                        note="报送按最近一次报送时间、审核通过按终审时间统计"))

    # 6. Tables the apps above add (the scanner's IPv6 support rates), grouped like the region table.
    tables += extra.tables(user, sites, glen, lambda keys: _group_labels(user, unit, glen, keys, children))

    summary = {
        "units": totals["units"], "reported_units": totals["reported_units"],
        "report_rate": _pct(totals["reported_units"], totals["units"]),
        "sites": total_sites, "approved": by_status.get(S.APPROVED, 0), "active": active,
        "submitted": by_status.get(S.SUBMITTED, 0), "returned": by_status.get(S.RETURNED, 0),
        "late": totals["late"], "rect_overdue": rect["overdue"],
    }
    return Stats(unit=unit, summary=summary, tables=tables, as_of=as_of)


def _trends(sites, weeks: list, glen: int | None = None) -> dict:
    """Sites submitted and approved, and sites closed or merged, per week index: {key: (flows, closures)},
    flows keyed s<i>/a<i> and closures c<i>. Grouped by the first `glen` characters of the site's
    unit path (every scope of one level in the same two queries), or one group keyed None. The
    week of each row is a CASE over the week boundaries (plain comparisons, newest first, fast on
    both databases; no per-row date function)."""
    group = {"g": Substr("unit__path", 1, glen)} if glen else {}
    life_version = WebsiteVersion.objects.filter(website=OuterRef("website_id"), number=OuterRef("version"),
                                                 source="life", data__life__in=GONE)
    out: dict = {}
    flows_by_pair = (sites.order_by().filter(Q(submitted_at__gte=weeks[0]) | Q(approved_at__gte=weeks[0]))
                     .annotate(ws=_week_case("submitted_at", weeks), wa=_week_case("approved_at", weeks), **group)
                     .values(*group, "ws", "wa").annotate(n=Count("id")))
    for g in flows_by_pair:  # at most (weeks + 1)² groups per key
        flows = out.setdefault(g.get("g"), ({}, {}))[0]
        for key in (f"s{g['ws']}", f"a{g['wa']}"):
            flows[key] = flows.get(key, 0) + g["n"]
    closed_group = {"g": Substr("website__unit__path", 1, glen)} if glen else {}
    closed = (_scoped(ReviewEvent.objects.all(), sites, "website").filter(action=ReviewEvent.Action.FINAL)
              .filter(Exists(life_version)).order_by().filter(at__gte=weeks[0])
              .annotate(wk=_week_case("at", weeks), **closed_group).values(*closed_group, "wk").annotate(n=Count("id")))
    for g in closed:
        out.setdefault(g.get("g"), ({}, {}))[1][f"c{g['wk']}"] = g["n"]
    return out


def _sum_trends(trends) -> tuple[dict, dict]:
    flows, closures = {}, {}
    for f, c in trends:
        for mine, theirs in ((flows, f), (closures, c)):
            for key, n in theirs.items():
                mine[key] = mine.get(key, 0) + n
    return flows, closures


def _group_labels(user, unit, glen: int, keys, known: dict) -> dict[str, str]:
    """The region rows' names of path prefixes (the region table's own rule, for the tables apps add); units
    the region table did not read already are read in one query."""
    keys = set(keys)
    missing = keys - set(known)
    children = {**known, **({u["path"]: u for u in Unit.objects.filter(path__in=missing)
                             .values("path", "name", "kind", "is_organizer")} if missing else {})}
    out = {}
    for key in keys:
        child = children.get(key)
        own = (child is None or len(key) < glen or not child["is_organizer"]) and not policy.sees_own_unit_only(user)
        out[key] = OWN_LEVEL if own else (child["name"] if child else unit.name)
    return out


def _fold(cells: list[dict], key: str) -> dict:
    """Sum grouped counts into the site columns, per value of `key` (groups, not websites)."""
    out: dict = {}
    for g in cells:
        row = out.setdefault(g[key], {k: 0 for k in FOLDED})
        n, status = g["n"], counted_status(g["status"], g.get("coded"))
        row["total"] += n
        if status == S.APPROVED:
            row["approved"] += n
            row["gone" if is_gone_life(g["life"]) else "active"] += n
        elif status in (S.SUBMITTED, S.RETURNED, S.DRAFT):
            row[status] += n
        if g["is_late"] and status != S.DRAFT:
            row["late"] += n
    return out


def _scoped(qs, sites, prefix: str):
    """Restrict to the user's websites; a whole-tree user needs no subquery."""
    if not sites.query.where:
        return qs
    return qs.filter(**{f"{prefix}__in": sites})


class WeekIndex(Expression):
    """The week index (0 = oldest) of a date column, -1 before the first week or NULL: a CASE
    over the week boundaries (plain comparisons, newest first, fast on both databases; no per-row
    date function), written as one expression. Built of Case/When, its 26 branches were resolved,
    hashed and compiled one by one, twice per query (select and group by): a third of the CPU of
    computing a scope's statistics (the rebuild's warm-up computes 94 of them)."""

    def __init__(self, column, weeks):
        super().__init__(output_field=IntegerField())
        self.column = F(column) if isinstance(column, str) else column
        self.weeks = tuple(weeks)

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_sql(self, compiler, connection):
        column, column_params = compiler.compile(self.column)
        field = self.column.output_field
        sql, params = [], []
        for i in range(len(self.weeks) - 1, -1, -1):
            sql.append(f"WHEN {column} >= %s THEN {i}")
            params += [*column_params, field.get_db_prep_value(self.weeks[i], connection)]
        return f"CASE {' '.join(sql)} ELSE -1 END", params


def _week_case(name: str, weeks: list) -> WeekIndex:
    """The week index (0 = oldest) of a date column, -1 before the first week or NULL."""
    return WeekIndex(name, weeks)


def _week_starts(count: int) -> list:
    """Local Mondays 00:00, oldest first, the last one being this week's."""
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    return [datetime.combine(monday - timedelta(weeks=i), time.min, tzinfo=tz) for i in range(count - 1, -1, -1)]
