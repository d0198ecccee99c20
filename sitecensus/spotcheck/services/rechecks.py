"""The human re-check of the sample: reviewers assigned, a reviewer's spot-check
card, a second reviewer's sign-off (one by one or in bulk) or return to the first
with a reason."""

from __future__ import annotations

from django.db import transaction

from sitecensus.accounts.models import User
from sitecensus.audit.services import record
from sitecensus.core import lifecycle
from sitecensus.core.errors import InvalidInput, InvalidState, NotAllowed
from sitecensus.orgs.selectors import province_code_for
from sitecensus.scoring import services as scoring_services
from sitecensus.scoring.models import Scorecard

from .. import policy
from ..models import Batch, BatchSite


def _reviewers(batch: Batch):
    return User.objects.filter(unit=batch.organizer, is_active=True, role__in=sorted(policy.REVIEWER_ROLES))


@transaction.atomic
def assign(*, actor, batch: Batch, reviewer, region: str = "", request=None) -> int:
    """Assign a reviewer to the sample's sites (all, or one region's)."""
    policy.check_organize(actor, batch)
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
    if not bsite.batch.takes_scores:
        raise InvalidState("批次尚未启动或已完成")
    policy.check_review(actor, bsite)
    if bsite.scorecard_id:
        return bsite.scorecard
    card = Scorecard.objects.create(website=bsite.website, stage=Scorecard.Stage.SPOTCHECK,
                                    campaign=bsite.batch.round,  # its rectifications follow the round's 整改 phase
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
    lifecycle.check(bsite, "sign_off")
    policy.check_sign_off(actor, bsite)
    lifecycle.fire(bsite, "sign_off", actor=actor, request=request, audit_obj=bsite.website,
                   result=bsite.scorecard.result, reviewer=getattr(bsite.reviewer, "username", ""),
                   scored_by=getattr(bsite.scorecard.submitted_by, "username", ""), signed_by=actor.username)
    bsite.save(update_fields=["status", "second_reviewer", "signed_at"])
    return bsite


@transaction.atomic
def return_to_reviewer(*, actor, bsite: BatchSite, reason: str, request=None) -> BatchSite:
    """The second reviewer sends a result back to the first, with the reason: the
    submitted card stays as it was (immutable); the reviewer scores a new one."""
    bsite = BatchSite.objects.select_for_update(of=("self",)).select_related("batch", "scorecard").get(pk=bsite.pk)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("退回时请填写原因", field="reason")
    lifecycle.check(bsite, "return_to_reviewer")
    policy.check_return(actor, bsite)
    lifecycle.fire(bsite, "return_to_reviewer", actor=actor, request=request, audit_obj=bsite.website,
                   reason=reason[:300], card=bsite.scorecard_id)
    bsite.save(update_fields=["scorecard", "status"])
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
