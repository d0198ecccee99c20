"""Who sees the discovery queue, runs discovery, imports lists and decides candidates.

An organizing unit's operators work the candidates attributed to their unit or to any organizing unit
below it (a province decides for its counties when it chooses to); the national office sees and
decides all. Discovery runs over the whole census, so only the national office starts one; any
organizing unit imports its own lists (a province's annual-report 专栏, a certificate-log export)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sitecensus.core import policy as base
from sitecensus.core.errors import NotFound

from .models import Candidate

SEE = base.rule("discovery.see", "只有组织单位可以查看摸清底数候选网站")
RUN = base.rule("discovery.run", "只有国务院办公厅可以发起全国发现任务")
IMPORT = base.rule("discovery.import", "只有组织单位可以导入候选网站名单")
DECIDE = base.rule("discovery.decide", "只有候选网站所属的组织单位或其上级组织单位可以处理")


def may_see(user) -> bool:
    return base.is_operator(user)


def may_run(user) -> bool:
    return base.is_national(user) and user.unit is not None and user.unit.depth == 1


def may_import(user) -> bool:
    return base.is_operator(user) and user.unit_id is not None


def candidate_filter(user) -> Q:
    if not may_see(user):
        return Q(pk__in=[])
    if base.is_national(user):
        return Q()
    return Q(organizer__path__startswith=user.unit.path)


def visible_candidates(user) -> QuerySet:
    return Candidate.objects.filter(candidate_filter(user))


def get_visible_candidate(user, pk) -> Candidate:
    try:
        return visible_candidates(user).select_related("organizer", "site", "unit").get(pk=pk)
    except (ValueError, TypeError, Candidate.DoesNotExist):
        raise NotFound("候选网站不存在或不在您的权限范围内") from None


def may_decide(user, candidate: Candidate) -> bool:
    if not may_see(user) or candidate.organizer_id is None:
        return base.is_national(user)
    return base.is_national(user) or candidate.organizer.path.startswith(user.unit.path)


def check_decide(user, candidate: Candidate) -> None:
    DECIDE.check(may_decide(user, candidate))
