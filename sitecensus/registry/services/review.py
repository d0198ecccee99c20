"""Level-by-level review (DHIS2's approval rules): approve, final approval (the
code on a first approval), return with a reason, undo an approval while the
level above has not decided, and the same in bulk."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from sitecensus.audit.services import deferred as audit_deferred
from sitecensus.core import lifecycle
from sitecensus.core.errors import Duplicate, InvalidInput, InvalidState, NotAllowed
from sitecensus.orgs.models import Unit

from .. import policy
from ..models import ReviewEvent, Website, WebsiteVersion
from ..selectors import pending_version
from .chain import locked, review_chain
from .changes import apply_version
from .codes import allocate_code, issue_site_login, mail_codes, new_verification_code
from .records import find_clash, identity_of

A = ReviewEvent.Action


def _check_reviewer(actor, website: Website) -> None:
    policy.check_review(actor)
    if not website.in_review or website.pending_at_id is None:
        raise InvalidState(f"该网站当前状态为“{website.get_status_display()}”，没有待审核的内容")
    if website.pending_at_id != actor.unit_id:
        chain = review_chain(website.unit)
        levels = [u.pk for u in chain]
        if actor.unit_id in levels and levels.index(actor.unit_id) > levels.index(website.pending_at_id):
            raise InvalidState(f"下级“{website.pending_at.name}”尚未审核通过，本级暂不能审核")
        raise InvalidState("该网站已由本级审核，正在上级审核中")


@transaction.atomic
@audit_deferred()  # the audit log's lock is taken at the end, not held while passwords are hashed
def approve(*, actor, website: Website, request=None) -> Website:
    website = locked(website.pk)
    _check_reviewer(actor, website)
    chain = review_chain(website.unit)
    levels = [u.pk for u in chain]
    here = levels.index(actor.unit_id)
    version = pending_version(website)
    if here + 1 < len(chain):
        website.pending_at = chain[here + 1]
        lifecycle.fire(website, "approve_level", actor=actor, request=request, level=actor.unit.name)
        website.save(update_fields=["pending_at", "updated_at"])
        ReviewEvent.objects.create(website=website, version=website.version, action=A.APPROVE, actor=actor,
                                   level=actor.unit)
        return website
    # Final approval: the record is locked; a first approval gives the codes.
    # One site, one code: the record as it will be — its homepage URL and other domains.
    clash = find_clash(identity_of(website, version), exclude_pk=website.pk, lock=True)
    if clash is not None and clash.site.site_code:
        raise Duplicate(clash.message, field=clash.field)
    for current in WebsiteVersion.objects.filter(website=website, state=WebsiteVersion.State.CURRENT):
        lifecycle.fire(current, "supersede", actor=actor, request=request, audit_obj=website,
                       version=current.number)
        current.save(update_fields=["state"])
    if version is not None:
        lifecycle.fire(version, "make_current", actor=actor, request=request, audit_obj=website,
                       version=version.number)
        version.save(update_fields=["state"])
        apply_version(website, version, actor=actor, request=request)
    verification = None
    if not website.site_code:
        website.site_code = allocate_code(website.organizer)
        verification = new_verification_code()  # its one hash is the code login's password
    website.pending_at = None
    website.approved_at = timezone.now()
    lifecycle.fire(website, "approve_final", actor=actor, request=request, site_code=website.site_code)
    website.save()
    ReviewEvent.objects.create(website=website, version=website.version, action=A.FINAL, actor=actor,
                               level=actor.unit, reason=f"网站标识码 {website.site_code}" if verification else "")
    if verification:
        issue_site_login(website, verification, actor, request)
        mail_codes(website, verification)
    return website


@transaction.atomic
def return_record(*, actor, website: Website, reason: str, request=None) -> Website:
    """Return to the reporting unit with a reason (any level while it waits there;
    records approved below are returned with it)."""
    website = locked(website.pk)
    _check_reviewer(actor, website)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("退回时请填写原因", field="reason")
    version = pending_version(website)
    if version is not None:
        lifecycle.fire(version, "reject", actor=actor, request=request, audit_obj=website, version=version.number)
        version.save(update_fields=["state"])
    # A change request that is returned leaves the approved record as it was.
    website.pending_at = None
    website.return_reason = reason[:500]
    lifecycle.fire(website, "return_change" if website.site_code else "return_filing", actor=actor, request=request,
                   reason=reason)
    website.save(update_fields=["status", "pending_at", "return_reason", "updated_at"])
    ReviewEvent.objects.create(website=website, version=website.version, action=A.RETURN, actor=actor,
                               level=actor.unit, reason=reason[:500])
    return website


def may_undo(actor, website: Website, chain: list[Unit] | None = None) -> bool:
    """The actor's level approved and the level just above has not decided yet."""
    if not website.in_review:
        return False
    return policy.may_undo(actor, website, [u.pk for u in (chain if chain is not None else review_chain(website.unit))])


@transaction.atomic
def undo_approval(*, actor, website: Website, request=None) -> Website:
    """A level may undo its approval while the level above has not decided."""
    website = locked(website.pk)
    if not website.in_review or website.pending_at_id is None:
        raise InvalidState("只有审核中的网站可以撤销审核")
    if not may_undo(actor, website):
        raise InvalidState("上级已审核或本级未审核该网站，不能撤销审核")
    website.pending_at = actor.unit
    lifecycle.fire(website, "undo_approval", actor=actor, request=request)
    website.save(update_fields=["pending_at", "updated_at"])
    ReviewEvent.objects.create(website=website, version=website.version, action=A.UNDO, actor=actor,
                               level=actor.unit)
    return website


@dataclass
class BulkResult:
    done: list[Website] = field(default_factory=list)
    refused: list[tuple[Website, str]] = field(default_factory=list)


def bulk(*, actor, websites, action: str, reason: str = "", request=None) -> BulkResult:
    """Approve or return many records; each succeeds or is refused on its own."""
    result = BulkResult()
    if action == "return" and not (reason or "").strip():
        raise InvalidInput("批量退回时请填写原因", field="reason")
    for website in websites:
        try:
            if action == "approve":
                result.done.append(approve(actor=actor, website=website, request=request))
            else:
                result.done.append(return_record(actor=actor, website=website, reason=reason, request=request))
        except (InvalidState, NotAllowed, InvalidInput, Duplicate) as error:
            result.refused.append((website, error.message))
    return result
