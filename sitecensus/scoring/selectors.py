"""Reads for inspection & rectification, through the scope policy."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from sitecensus.core.errors import NotFound
from sitecensus.newmedia import policy as media_policy
from sitecensus.newmedia.selectors import live_accounts
from sitecensus.registry import policy as registry_policy
from sitecensus.orgs.models import Unit
from sitecensus.registry.models import Phase, Website
from sitecensus.registry.services import active_websites, campaign_phase

from . import panels, policy
from .models import InspectionReport, MediaScorecard, Rectification, Scorecard, ScoreEntry

S = Scorecard.Stage


def inspection_scope(organizer: Unit) -> QuerySet:
    """Sites an organizing unit inspects: those of the units directly below it —
    its own level's departments and 参公 units, and the organizing units one
    level down (保定 inspects Baoding's departments and the county portals)."""
    return active_websites().filter(unit__path__startswith=organizer.path, unit__depth=organizer.depth + 1)


def inspector_of(website: Website) -> Unit | None:
    return Unit.objects.filter(path=website.unit.parent_path).first() if website.unit.depth > 1 else None


def _submitted(stage: str):
    return Scorecard.objects.filter(website=OuterRef("pk"), stage=stage, status=Scorecard.Status.SUBMITTED)


def _awaiting_inspection(sites: QuerySet) -> QuerySet:
    """The rule of the inspection queue: self-check submitted, inspection not yet submitted."""
    return (sites.annotate(self_done=Exists(_submitted(S.SELF)), inspected=Exists(_submitted(S.INSPECTION)))
            .filter(self_done=True, inspected=False))


def inspection_queue(organizer: Unit) -> QuerySet:
    """Waiting for inspection: self-check submitted, inspection not yet submitted."""
    return _awaiting_inspection(inspection_scope(organizer)).select_related("unit").order_by("unit__path", "id")


def inspection_queue_counts(organizer: Unit) -> dict[str, int]:
    """The length of the inspection queue of every unit directly below `organizer`, keyed by
    that unit's path, in one grouped query (its sites are those two levels below `organizer`):
    the home page's cost does not grow with the number of child units."""
    child_len = Unit.steplen * (organizer.depth + 1)
    sites = active_websites().filter(unit__path__startswith=organizer.path, unit__depth=organizer.depth + 2)
    rows = (_awaiting_inspection(sites).annotate(child=Substr("unit__path", 1, child_len))
            .values("child").annotate(n=Count("id")).values_list("child", "n"))
    return dict(rows)


def awaiting_child_inspection(organizer: Unit) -> QuerySet:
    """The sites in the inspection queues of the open organizing units directly below `organizer`
    (the sum of inspection_queue_counts over those units), as one queryset the home page counts."""
    child_len = Unit.steplen * (organizer.depth + 1)
    sites = active_websites().filter(unit__path__startswith=organizer.path, unit__depth=organizer.depth + 2)
    inspector = Unit.objects.filter(path=Substr(OuterRef("unit__path"), 1, child_len), is_organizer=True,
                                    closed_at__isnull=True)
    return _awaiting_inspection(sites).filter(Exists(inspector))


def inspections_in_progress(unit: Unit) -> QuerySet:
    """The unit's inspection cards not submitted yet."""
    return Scorecard.objects.filter(scorer_unit=unit, stage=Scorecard.Stage.INSPECTION,
                                    status=Scorecard.Status.DRAFT).select_related("website")


def selfcheck_overdue(organizer: Unit, *, today=None) -> QuerySet:
    """Sites whose self-check is past its deadline; they may be inspected anyway, with a reason."""
    phase = campaign_phase(Phase.Kind.SELFCHECK)
    today = today or timezone.localdate()
    if phase is None or today <= phase.closes_on:
        return Website.objects.none()
    return (inspection_scope(organizer).annotate(self_done=Exists(_submitted(S.SELF)),
                                                 inspected=Exists(_submitted(S.INSPECTION)))
            .filter(self_done=False, inspected=False).select_related("unit").order_by("unit__path", "id"))


def card(website: Website, stage: str) -> Scorecard | None:
    return Scorecard.objects.filter(website=website, stage=stage).order_by("-id").first()


def entries_of(scorecard: Scorecard | None) -> dict[str, dict]:
    if scorecard is None:
        return {}
    return {e.indicator: e.data for e in ScoreEntry.objects.filter(scorecard=scorecard)}


def visible_scorecards(user) -> QuerySet:
    """Cards of the sites a user may see; a spot-check card only once released (signed
    off), except to the operators of the unit that scores it (reviewer, second reviewer)."""
    own_spot_checks = Q(scorer_unit_id=user.unit_id) if policy.sees_unreleased_spot_checks(user) else Q(pk__in=[])
    return Scorecard.objects.filter(website__in=registry_policy.visible_websites(user)).filter(
        ~Q(stage=Scorecard.Stage.SPOTCHECK) | own_spot_checks | panels.released_q())


def get_visible_scorecard(user, pk) -> Scorecard:
    """One card the user may see (an inspection card: its scorer, the site's unit and the organizing
    units above); anything else is "not found", never "forbidden"."""
    card = visible_scorecards(user).select_related("website", "website__unit", "rubric").filter(
        pk=pk).first() if str(pk).isdigit() else None
    if card is None or (card.stage == S.INSPECTION and not policy.may_see_inspection(user, card)):
        raise NotFound("评分表不存在或不在您的权限范围内")
    return card


def results(user, *, result: str = "", indicator: str = "", stage: str = S.INSPECTION) -> QuerySet:
    """Submitted scorecards a user may see, by result and by problem."""
    qs = (visible_scorecards(user).filter(stage=stage, status=Scorecard.Status.SUBMITTED)
          .select_related("website", "website__unit", "scorer_unit"))
    if result:
        qs = qs.filter(result=result)
    if indicator:
        qs = qs.filter(entries__indicator=indicator).filter(Q(entries__is_veto=True) | Q(entries__points__gt=0))
    return qs.order_by("website__unit__path", "id").distinct()


def rectifications(user, *, status: str = "", overdue: bool = False) -> QuerySet:
    qs = Rectification.objects.filter(website__in=registry_policy.visible_websites(user)).select_related(
        "website", "website__unit", "issuer_unit")
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.exclude(status=Rectification.Status.CLOSED).filter(deadline__lt=timezone.localdate())
    return qs.order_by("deadline", "id")


def get_rectification(user, pk) -> Rectification:
    found = rectifications(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound("整改通知不存在或不在您的权限范围内")
    return found


def report_figures(organizer: Unit) -> dict:
    """Figures of an organizing unit's inspection & rectification report, by
    aggregation over its inspection scope (no Python loop over rows)."""
    scope_sites = inspection_scope(organizer)
    everything = Website.objects.filter(unit__path__startswith=organizer.path, unit__depth=organizer.depth + 1,
                                        site_code__isnull=False)
    inspections = Scorecard.objects.filter(website__in=scope_sites, stage=S.INSPECTION,
                                           status=Scorecard.Status.SUBMITTED)
    by_result = dict(inspections.values_list("result").annotate(n=Count("id")).values_list("result", "n"))
    inspected = sum(by_result.values())
    passed = by_result.get("合格", 0)
    problems = list(ScoreEntry.objects.filter(scorecard__in=inspections).filter(Q(is_veto=True) | Q(points__gt=0))
                    .values("indicator").annotate(n=Count("id")).order_by("-n", "indicator"))
    return {
        "sites": scope_sites.count(),
        "self_checked": Scorecard.objects.filter(website__in=scope_sites, stage=S.SELF,
                                                 status=Scorecard.Status.SUBMITTED).count(),
        "inspected": inspected,
        "passed": passed,
        "failed": by_result.get("不合格", 0),
        "vetoed": by_result.get("单项否决", 0),
        "pass_rate": round(passed * 100 / inspected, 1) if inspected else None,
        "problems": {p["indicator"]: p["n"] for p in problems},
        "closed": everything.filter(life=Website.Life.CLOSED).count(),
        "merged": everything.filter(life=Website.Life.MERGED).count(),
        "open_rectifications": Rectification.objects.filter(website__in=everything).exclude(
            status=Rectification.Status.CLOSED).count(),
    }


def current_reports() -> QuerySet:
    """Reports that count: every one but those withdrawn by their sender or returned by the
    receiving unit (a superseded report stays as it was, marked by its ReportWithdrawal)."""
    return InspectionReport.objects.filter(withdrawal__isnull=True)


def current_report(organizer: Unit, campaign) -> InspectionReport | None:
    """The unit's latest report of the campaign that is not superseded."""
    return current_reports().filter(organizer=organizer, campaign=campaign).order_by("-sequence").first()


def last_withdrawal(organizer: Unit, campaign):
    """How the unit's latest superseded report of the campaign ended (None if none was)."""
    from .models import ReportWithdrawal

    return (ReportWithdrawal.objects.filter(report__organizer=organizer, report__campaign=campaign)
            .select_related("actor", "actor_unit", "report").order_by("-id").first())


def child_reports(organizer: Unit) -> list[tuple[Unit, InspectionReport | None]]:
    children = list(Unit.objects.filter(path__startswith=organizer.path, depth=organizer.depth + 1,
                                        is_organizer=True, closed_at__isnull=True).order_by("path"))
    reports = {r.organizer_id: r for r in current_reports().filter(organizer__in=children).order_by("id")}
    return [(child, reports.get(child.pk)) for child in children]


def not_reported_children(organizer: Unit) -> QuerySet:
    """child_reports' children with no current report or whose latest one is not submitted, as a
    queryset (the home page counts it in the database: no report rows, no figures read)."""
    latest = current_reports().filter(organizer=OuterRef("pk")).order_by("-id").values("status")[:1]
    children = Unit.objects.filter(path__startswith=organizer.path, depth=organizer.depth + 1,
                                   is_organizer=True, closed_at__isnull=True)
    return (children.annotate(latest=Coalesce(Subquery(latest), Value("")))
            .exclude(latest=InspectionReport.Status.SUBMITTED))


def not_reported_count(organizer: Unit) -> int:
    return not_reported_children(organizer).count()


def rolled_up(organizer: Unit, own: dict) -> dict:
    """The unit's own figures plus each child's submitted roll-up (which already
    holds the grandchildren's), so that the total adds up at every depth."""
    total = {k: v for k, v in own.items() if isinstance(v, int) and not isinstance(v, bool)}
    problems = dict(own.get("problems", {}))
    for _, report in child_reports(organizer):
        if report is None or not report.is_submitted:
            continue
        figures = report.figures.get("rolled_up") or report.figures
        for key, value in figures.items():
            if isinstance(value, int) and key in total:
                total[key] += value
        for code, n in figures.get("problems", {}).items():
            problems[code] = problems.get(code, 0) + n
    total["pass_rate"] = round(total["passed"] * 100 / total["inspected"], 1) if total.get("inspected") else None
    total["problems"] = dict(sorted(problems.items(), key=lambda item: (-item[1], item[0])))
    return total


def visible_report(user, pk) -> InspectionReport:
    """A submitted report, readable by the organizing units above its author."""
    found = InspectionReport.objects.select_related("organizer").filter(
        pk=pk, status=InspectionReport.Status.SUBMITTED).first() if str(pk).isdigit() else None
    if found is None or not policy.may_read_report(user, found):
        raise NotFound("报告不存在或不在您的权限范围内")
    return found


def comparison(user) -> QuerySet:
    """自查 beside 检查 per site (submitted cards only), for the printable list."""
    from django.db.models import OuterRef, Subquery

    def latest(stage, field):
        return Subquery(Scorecard.objects.filter(website=OuterRef("pk"), stage=stage,
                                                 status=Scorecard.Status.SUBMITTED).order_by("-id").values(field)[:1])

    return (registry_policy.visible_websites(user).filter(pk__in=active_websites())
            .annotate(self_score=latest(S.SELF, "score"), self_result=latest(S.SELF, "result"),
                      inspection_score=latest(S.INSPECTION, "score"),
                      inspection_result=latest(S.INSPECTION, "result"))
            .filter(Q(self_result__isnull=False) | Q(inspection_result__isnull=False))
            .select_related("unit").order_by("unit__path", "id"))


# ---------------------------------------------------------------- 政务新媒体 cards (self-check, inspection)

def visible_media_cards(user) -> QuerySet:
    """Cards of the accounts a user may see; a spot-check card only to its scoring unit's operators."""
    own_spot_checks = Q(scorer_unit_id=user.unit_id) if policy.sees_unreleased_spot_checks(user) else Q(pk__in=[])
    return MediaScorecard.objects.filter(account__in=media_policy.visible_accounts(user)).filter(
        ~Q(stage=S.SPOTCHECK) | own_spot_checks)


def get_visible_media_card(user, pk):
    card = (visible_media_cards(user).select_related("account", "account__unit", "rubric", "scorer_unit")
            .filter(pk=pk).first() if str(pk).isdigit() else None)
    if card is None:
        raise NotFound("政务新媒体评分表不存在或不在您的权限范围内")
    return card


def media_card(account, stage: str, scorer_unit=None):
    """The account's latest card of a stage (by one scoring unit), or None."""
    qs = MediaScorecard.objects.filter(account=account, stage=stage)
    if scorer_unit is not None:
        qs = qs.filter(scorer_unit=scorer_unit)
    return qs.order_by("-id").first()


def _latest_media(stage: str, field: str, **where):
    from django.db.models import Subquery

    return Subquery(MediaScorecard.objects.filter(account=OuterRef("pk"), stage=stage, **where)
                    .order_by("-id").values(field)[:1])


def media_self_checks(unit: Unit) -> QuerySet:
    """A unit's approved, live accounts with their latest self-check card (id and status): its to-do list."""
    return (live_accounts().filter(unit=unit)
            .annotate(card_id=_latest_media(S.SELF, "id"), card_status=_latest_media(S.SELF, "status"),
                      card_result=_latest_media(S.SELF, "result"))
            .order_by("platform", "id"))


def media_self_checks_to_do(unit: Unit) -> QuerySet:
    """The unit's approved, live accounts without a submitted self-check (the home page's to-do)."""
    done = MediaScorecard.objects.filter(account=OuterRef("pk"), stage=S.SELF, status=MediaScorecard.Status.SUBMITTED)
    return live_accounts().filter(unit=unit).exclude(Exists(done))


def media_inspection_queue(organizer: Unit) -> QuerySet:
    """Accounts of the units directly below an organizing unit whose self-check is submitted and that the
    organizing unit has not yet inspected (its own draft, if any, annotated)."""
    def submitted(stage, **where):
        return Exists(MediaScorecard.objects.filter(account=OuterRef("pk"), stage=stage,
                                                    status=MediaScorecard.Status.SUBMITTED, **where))

    return (live_accounts().filter(unit__path__startswith=organizer.path, unit__depth=organizer.depth + 1)
            .annotate(self_done=submitted(S.SELF), inspected=submitted(S.INSPECTION, scorer_unit=organizer),
                      self_result=_latest_media(S.SELF, "result", status="submitted"),
                      draft_id=_latest_media(S.INSPECTION, "id", status="draft", scorer_unit=organizer))
            .filter(self_done=True, inspected=False).select_related("unit").order_by("unit__path", "id"))


def media_results(user, *, stage: str = "", result: str = "") -> QuerySet:
    """Submitted new-media cards a user may see (self-checks and inspections), for the list and its export."""
    qs = (visible_media_cards(user).filter(status="submitted").exclude(stage=S.SPOTCHECK)
          .select_related("account", "account__unit", "scorer_unit"))
    if stage:
        qs = qs.filter(stage=stage)
    if result:
        qs = qs.filter(result=result)
    return qs.order_by("account__unit__path", "account_id", "id")
