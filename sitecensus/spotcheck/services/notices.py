"""Notices (通报): a batch's figures, the notice composed from its signed results
and published (final: a correction is a new notice), the failed sites' units
sent rectifications through scoring's own service."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from sitecensus.core import lifecycle
from sitecensus.core.errors import InvalidInput
from sitecensus.registry import campaigns
from sitecensus.registry.models import Phase
from sitecensus.scoring import services as scoring_services
from sitecensus.scoring.models import ScoreEntry
from sitecensus.core import publiccache
from sitecensus.core.dates import cn_date

from .. import policy
from ..models import Batch, Notice
from . import media
from .figures import figures  # noqa: F401  (services.figures, as callers knew it)


def _contents(batch: Batch) -> dict:
    """A notice's figures, unqualified sites (with their problems) and typical problems,
    from the batch's current signed results."""
    rubric = scoring_services.rubric_of_table(scoring_services.current_table())
    names = {i.code: i.name for i in rubric.indicators}
    failed = (batch.sites.exclude(scorecard__result="合格").select_related("website", "website__unit", "scorecard")
              .order_by("website__unit__path"))
    problems = ScoreEntry.objects.filter(scorecard__in=[s.scorecard for s in failed]).filter(
        Q(is_veto=True) | Q(points__gt=0))
    by_card: dict[int, list[str]] = {}
    for card_id, indicator in problems.values_list("scorecard_id", "indicator"):
        by_card.setdefault(card_id, []).append(names.get(indicator, indicator))
    unqualified = [{"site_code": s.website.site_code, "name": s.website.name, "url": s.website.homepage_url,
                    "unit": s.website.unit.name, "result": s.scorecard.result,
                    "score": str(s.scorecard.score) if s.scorecard.score is not None else "",
                    "problems": by_card.get(s.scorecard_id, [])} for s in failed]
    typical = list(ScoreEntry.objects.filter(scorecard__in=batch.sites.values("scorecard")).filter(
        Q(is_veto=True) | Q(points__gt=0)).values("indicator").annotate(n=Count("id")).order_by("-n")[:8])
    typical = [{"indicator": names.get(t["indicator"], t["indicator"]), "sites": t["n"]} for t in typical]
    from . import cadence, reverify

    # Supervision rounds (issue 24): 国办's re-check against the lower level, the previous round followed up.
    extra = {"reverification": reverify.agreement(batch), "follow_up": cadence.follow_up(batch)}
    return {"figures": {**figures(batch), "media": media.section(batch),  # 政务新媒体 section (issue 22)
                        **{k: v for k, v in extra.items() if v}},
            "unqualified": unqualified, "typical": typical}


def _summary(batch: Batch, data: dict) -> str:
    return (f"{batch.organizer.name}于{cn_date(batch.window_start)}至{cn_date(batch.window_end)}"
            f"{'（' + batch.round.name + '）' if batch.round_id else ''}"
            f"对{data['sampled']}个政府网站进行了抽查，合格{data['passed']}个，"
            f"合格率{data['pass_rate'] if data['pass_rate'] is not None else '—'}%。")


@transaction.atomic
def compose_notice(*, actor, batch: Batch, request=None) -> Notice:
    policy.check_organize(actor, batch)
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    # Scanned (or skipped with a reason), every site signed; a published notice is final.
    lifecycle.check(batch, "compose")
    contents = _contents(batch)
    notice, _ = Notice.objects.update_or_create(batch=batch, corrects=None, defaults={
        **contents, "title": f"关于{batch.name}情况的通报", "body": _summary(batch, contents["figures"])})
    lifecycle.fire(batch, "compose", actor=actor, request=request, audit_obj=notice)
    batch.save(update_fields=["status"])
    if batch.reverifies_id:
        from . import reverify

        reverify.conclude(actor=actor, batch=batch, found=contents["figures"].get("reverification", {}),
                          request=request)
    return notice


@transaction.atomic
def compose_correction(*, actor, notice: Notice, reason: str, request=None) -> Notice:
    """A correction of a published notice: a new notice of the same batch, its figures recomputed
    from the batch's current results, its body opening with the reason and naming the original;
    published by `publish` like any notice. The original stays as published."""
    policy.check_organize(actor, notice.batch)
    original = Notice.objects.select_for_update().select_related("batch").get(pk=notice.pk)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写更正原因", field="更正原因")
    lifecycle.fire(original, "correct", actor=actor, request=request, reason=reason)
    batch = original.batch
    contents = _contents(batch)
    return Notice.objects.create(
        batch=batch, corrects=original, correction_reason=reason, **contents,
        title=f"关于{batch.name}情况的更正通报",
        body=(f"更正原因：{reason}\n\n现对{cn_date(timezone.localtime(original.published_at))}发布的《{original.title}》予以更正，"
              f"以本通报为准。" + _summary(batch, contents["figures"])))


def rectify_by(batch: Batch):
    """The rectification deadline a published notice sets: the close of its round's 整改
    phase (when still ahead), else SPOTCHECK_RECTIFY_DAYS from today."""
    today = timezone.localdate()
    phase = campaigns.round_phase(batch.round, Phase.Kind.RECTIFICATION)
    if phase is not None and phase.closes_on >= today:
        return phase.closes_on
    return today + timedelta(days=getattr(settings, "SPOTCHECK_RECTIFY_DAYS", 30))


@transaction.atomic
def publish(*, actor, notice: Notice, request=None) -> Notice:
    """Publish on the public pages and send rectification notices to the units
    whose sites failed. The returned notice carries what was actually sent:
    ``issued`` (the rectification notices issued now) and ``already_open`` (problems
    skipped because a notice for them is still open) — for a truthful message."""
    policy.check_organize(actor, notice.batch)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    lifecycle.check(notice, "publish")
    deadline = rectify_by(notice.batch)
    sent = already_open = 0
    issued = []
    for bsite in notice.batch.sites.exclude(scorecard__result="合格").select_related("scorecard", "website"):
        for entry in bsite.scorecard.entries.filter(Q(is_veto=True) | Q(points__gt=0)):
            name = scoring_services.rubric_of(bsite.scorecard).indicator(entry.indicator).name
            if scoring_services.open_notice_exists(bsite.website, entry.indicator):
                already_open += 1
                continue  # one open notice per problem: the existing one still runs
            # Rectifications are scoring's: issued (audited, the unit told) by its own service.
            issued.append(scoring_services.issue_rectification(
                actor=actor, card=bsite.scorecard, indicator=entry.indicator, deadline=deadline,
                requirement=f"{notice.title}：请对“{name}”问题进行整改并反馈。", request=request))
            sent += 1
    lifecycle.fire(notice, "publish", actor=actor, request=request, rectifications=sent)
    notice.save(update_fields=["status", "published_at", "published_by"])
    notice.issued, notice.already_open = issued, already_open
    publiccache.changed()  # on the public pages at once, not when their cache expires
    return notice
