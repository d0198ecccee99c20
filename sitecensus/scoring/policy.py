"""Who may self-check, inspect, score, see and answer rectifications, and report upward.

A site's identifier-code login does its own site's self-check and answers its
rectifications; it never inspects, reviews or reports upward."""

from __future__ import annotations

from sitecensus.core import policy as base
from sitecensus.orgs import policy as orgs_policy
from sitecensus.registry import policy as registry_policy

SELF_CHECK = base.rule("scoring.self_check", "只有网站的填报单位可以自查")
INSPECT = base.rule("scoring.inspect", "该网站不在本单位的检查范围内")
SCORE = base.rule("scoring.score", "您不能填写这份评分表")
REPORT = base.rule("scoring.report", "只有组织单位报送检查整改情况")
REPORT_NATIONAL = base.rule("scoring.report_national", "国务院办公厅汇总全国情况，不向上级报送")
WITHDRAW_REPORT = base.rule("scoring.withdraw_report", "只有报送单位的组织人员可以撤回本单位报送的检查整改情况报告")
RETURN_REPORT = base.rule("scoring.return_report", "只有接收报告的上一级组织单位可以退回检查整改情况报告")
ISSUE = base.rule("scoring.issue", "只有检查单位可以下发整改通知")
ANSWER = base.rule("scoring.answer", "只有网站的填报单位可以反馈整改情况")
RECHECK = base.rule("scoring.recheck", "只有下发整改通知的单位可以复查")


def may_self_check(user, website) -> bool:
    return registry_policy.is_owner(user, website)


def check_self_check(user, website) -> None:
    SELF_CHECK.check(may_self_check(user, website))


def may_inspect(user, website, inspector) -> bool:
    """The organizing unit whose inspection the site falls under (`inspector`, from the selectors)."""
    return base.is_operator(user) and inspector is not None and inspector.pk == user.unit_id


def may_score(user, card) -> bool:
    if card.stage == card.Stage.SELF:
        return may_self_check(user, card.website)
    return base.operates_unit(user, card.scorer_unit_id)


def check_score(user, card) -> None:
    SCORE.check(may_score(user, card))


def may_see_inspection(user, card) -> bool:
    """An inspection card (not a self-check): its scorer unit, the site's owner, organizing units above."""
    return (card.scorer_unit_id == user.unit_id and base.is_business(user)) or may_self_check(
        user, card.website) or base.is_operator(user)


def has_own_sites(user) -> bool:
    """The check page lists the user's own sites (self-checks)."""
    return base.is_business(user) or base.is_site_login(user)


def own_sites_of_unit(user) -> bool:
    """Own sites are the unit's (a site login's own site is already its whole scope)."""
    return base.is_business(user)


def may_see_checks(user) -> bool:
    return base.is_business(user) or base.is_site_login(user)


def has_inspection_queue(user) -> bool:
    return base.is_operator(user)


def may_remind(user) -> bool:
    return base.is_operator(user)


def may_report_upward(user) -> bool:
    return base.is_operator(user)


def check_report_upward(user) -> None:
    REPORT.check(may_report_upward(user))
    REPORT_NATIONAL.check(user.unit.depth != 1)


def may_read_report(user, report) -> bool:
    """A submitted report upward: the organizing units above its author (and the author)."""
    return base.is_operator(user) and report.organizer.path.startswith(user.unit.path)


def may_withdraw_report(user, report) -> bool:
    """The sender: the organizing unit whose report it is."""
    return base.is_operator(user) and user.unit_id == report.organizer_id


def may_return_report(user, report) -> bool:
    """The receiver: the organizing unit one level above the report's author."""
    unit = getattr(user, "unit", None)
    return (base.is_operator(user) and unit is not None and report.organizer.depth == unit.depth + 1
            and report.organizer.path.startswith(unit.path))


def may_issue_rectification(user, card) -> bool:
    return base.operates_unit(user, card.scorer_unit_id)


def may_answer_rectification(user, rectification) -> bool:
    return registry_policy.is_owner(user, rectification.website)


def may_allow_late_answer(user, rectification) -> bool:
    """An answer after the deadline needs the exception of the organizing unit above the site's unit."""
    return orgs_policy.may_manage_unit(user, rectification.website.unit)


def sees_unreleased_spot_checks(user) -> bool:
    """The operators of the scoring unit see its spot-check cards before sign-off; nobody else."""
    return base.is_operator(user)


# ---------------------------------------------------------------- 政务新媒体 (issue 22)

MEDIA_SCORE = base.rule("scoring.media", "只有账号的主办单位（自查）、其上级组织单位（检查）或组织抽查的国办、省级办公厅（抽查）可以为政务新媒体评分")
MEDIA_FILL = base.rule("scoring.media_fill", "您不能填写这份政务新媒体评分表")


def may_score_media(user, account, stage: str) -> bool:
    """Self-check: the account's own unit; inspection: an organizing unit above it; spot check: the national
    office or a province's general office over it."""
    if stage == "self":
        return base.acts_for_unit(user, account.unit_id)
    if not base.is_operator(user) or not account.unit.path.startswith(user.unit.path) or user.unit_id == account.unit_id:
        return False
    return stage == "inspection" or (stage == "spotcheck" and user.unit.depth <= 2)


def may_fill_media(user, card) -> bool:
    """A new-media card is filled by its own scorer unit, while it is a draft (the policy of its stage)."""
    return (not card.is_submitted and card.scorer_unit_id == getattr(user, "unit_id", None)
            and may_score_media(user, card.account, card.stage))

