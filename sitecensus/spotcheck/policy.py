"""Who may organize spot checks, review a sampled site, sign it off, and read results.

Only the accounts of the organizing unit (the national office, a province's
general office, or a State Council department's office for its system) take part; a site's identifier-code login never does, even when
its site belongs to that unit."""

from __future__ import annotations

from sitecensus.accounts import policy as accounts_policy
from sitecensus.core import policy as base
from sitecensus.orgs.models import Unit

REVIEWER_ROLES = base.OPERATOR_ROLES

ORGANIZE = base.rule("spotcheck.organize", "只有国务院办公厅、省级政府办公厅或国务院部门办公厅（室）可以组织抽查")
# The units below 国办 that run rounds of their own and report them up: a province's general office for its
# region, a State Council department's office for its sites (its system included).
ROUND_ORGANIZERS = {Unit.Kind.PROVINCIAL_OFFICE, Unit.Kind.MINISTRY_OFFICE}
REVIEW = base.rule("spotcheck.review", "只有抽查组织单位的复核人可以复核")
OTHER_REVIEWER = base.rule("spotcheck.other_reviewer", "该网站已分配给其他复核人")
SIGN_OFF = base.rule("spotcheck.sign_off", "只有抽查组织单位的账号可以签发")
SECOND_PERSON = base.rule("spotcheck.second_person", "签发须由复核人以外的第二人进行")
RETURN = base.rule("spotcheck.return", "只有抽查组织单位的第二复核人可以退回复核结果")


def may_organize(user) -> bool:
    """The national office for the country, a province's general office for its region, a State Council
    department's office for its own sites."""
    return (base.is_national(user) and user.unit.depth == 1) or (
        base.is_operator(user) and user.unit.kind in ROUND_ORGANIZERS)


def may_organize_batch(user, batch) -> bool:
    return may_organize(user) and batch.organizer_id == user.unit_id


def check_organize(user, batch=None) -> None:
    ORGANIZE.check(may_organize(user) if batch is None else may_organize_batch(user, batch))


def is_batch_member(user, batch) -> bool:
    """An operator of the batch's organizing unit (the reviewers and second reviewers)."""
    return base.operates_unit(user, batch.organizer_id)


def may_open_site(user, bsite) -> bool:
    return is_batch_member(user, bsite.batch)


def may_review(user, bsite) -> bool:
    return is_batch_member(user, bsite.batch) and bsite.reviewer_id in (None, user.pk)


def check_review(user, bsite) -> None:
    REVIEW.check(is_batch_member(user, bsite.batch))
    OTHER_REVIEWER.check(bsite.reviewer_id in (None, user.pk))


def _second_person(user, bsite) -> bool:
    """Not the reviewer nor the card's author — nor anyone who reset either account, or whose
    account either of them reset (accounts.policy.distinct_persons)."""
    card = bsite.scorecard
    first = [bsite.reviewer, card.submitted_by if card else None]
    return all(accounts_policy.distinct_persons(user, other) for other in first if other is not None)


def may_sign_off(user, bsite) -> bool:
    return is_batch_member(user, bsite.batch) and _second_person(user, bsite)


def check_sign_off(user, bsite) -> None:
    SIGN_OFF.check(is_batch_member(user, bsite.batch))
    SECOND_PERSON.check(_second_person(user, bsite))


def may_return(user, bsite) -> bool:
    return may_sign_off(user, bsite)


def check_return(user, bsite) -> None:
    RETURN.check(is_batch_member(user, bsite.batch))
    SECOND_PERSON.check(_second_person(user, bsite))


# ---------------------------------------------------------------- 政务新媒体 in a batch (issue 22)

def _second_person_media(user, baccount) -> bool:
    card = baccount.scorecard
    first = [baccount.reviewer, card.created_by if card else None]
    return all(accounts_policy.distinct_persons(user, other) for other in first if other is not None)


def check_review_media(user, baccount) -> None:
    REVIEW.check(is_batch_member(user, baccount.batch))
    OTHER_REVIEWER.check(baccount.reviewer_id in (None, user.pk))


def may_sign_off_media(user, baccount) -> bool:
    return is_batch_member(user, baccount.batch) and _second_person_media(user, baccount)


def check_sign_off_media(user, baccount) -> None:
    SIGN_OFF.check(is_batch_member(user, baccount.batch))
    SECOND_PERSON.check(_second_person_media(user, baccount))
# ---------------------------------------------------------------- supervision rounds (issue 24)

REPORT_UP = base.rule("spotcheck.report_up", "只有省级政府办公厅或国务院部门办公厅（室）可以向国办上报本级组织的抽查结果")
REVERIFY = base.rule("spotcheck.reverify", "只有国务院办公厅可以复核下级上报的抽查结果")
ACCOUNTABILITY = base.rule("spotcheck.accountability", "只有网站所在地区的抽查组织单位可以记录问责")


def is_national_office(user) -> bool:
    return base.is_national(user) and user.unit.depth == 1


def may_report_up(user, batch) -> bool:
    """A province's general office or a State Council department's office reports its own round up to 国办."""
    return may_organize_batch(user, batch) and batch.organizer.kind in ROUND_ORGANIZERS


def may_reverify(user) -> bool:
    return is_national_office(user)


def check_reverify(user) -> None:
    REVERIFY.check(may_reverify(user))


def may_record_accountability(user, website) -> bool:
    """The organizing unit of spot checks (国办, or the province or department for its own sites)."""
    return may_organize(user) and (is_national_office(user) or website.unit.path.startswith(user.unit.path))
