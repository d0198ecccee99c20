"""政务新媒体 in a spot-check batch (issue 22): accounts drawn beside the websites (strata by platform
and level, the batch's seed reproducing the draw), scored by a reviewer on the new-media table, signed
off by a second person or returned, and the notice's new-media section (counts, pass rates, problem
accounts named)."""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q

from sitecensus.audit.services import record
from sitecensus.core import lifecycle
from sitecensus.core.errors import InvalidInput, InvalidState
from sitecensus.newmedia.selectors import live_accounts
from sitecensus.scoring import services as scoring_services
from sitecensus.scoring.rubric import parse_rubric

from .. import policy
from ..models import Batch, BatchAccount, MediaDraw
from .sampling import LEVELS, sample_size



def media_population(batch: Batch):
    """Accounts that may be drawn: approved and live; a province's own region only (no vertical systems)."""
    accounts = live_accounts()
    if batch.organizer.depth > 1:
        accounts = accounts.filter(unit__path__startswith=batch.organizer.path, unit__system__isnull=True)
    return accounts


@transaction.atomic
def draw_accounts(*, actor, batch: Batch, ratio=None, per_stratum=None, request=None) -> MediaDraw:
    """Draw accounts into a batch not yet started: per stratum (platform | level) a share or a number,
    at random from the batch's seed (the same seed draws the same accounts)."""
    policy.check_organize(actor, batch)
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if not batch.is_draft:
        raise InvalidState("抽查已启动，不能重新抽取政务新媒体")
    ratio, per_stratum = sample_size(ratio, per_stratum, what="政务新媒体的", prefix="media_")
    groups: dict[str, list[int]] = {}
    for pk, platform, level in media_population(batch).values_list("id", "platform", "unit__level").iterator(
            chunk_size=5000):
        groups.setdefault(f"{platform}|{LEVELS.get(level, level)}", []).append(pk)
    if not groups:
        raise InvalidState("抽查范围内没有可抽取的政务新媒体")
    drawn, strata = {}, {}
    for key in sorted(groups):
        ids = sorted(groups[key])
        n = (max(1, int((Decimal(len(ids)) * ratio / 100).to_integral_value())) if ratio is not None
             else min(per_stratum, len(ids)))
        drawn[key] = random.Random(f"{batch.seed}|media|{key}").sample(ids, n)
        strata[key] = {"population": len(ids), "sampled": n}
    BatchAccount.objects.filter(batch=batch).delete()
    BatchAccount.objects.bulk_create([BatchAccount(batch=batch, account_id=i, stratum=k[:100])
                                      for k, ids in drawn.items() for i in ids], batch_size=2000)
    result, _ = MediaDraw.objects.update_or_create(batch=batch, defaults={
        "ratio": ratio, "per_stratum": per_stratum, "strata": strata})
    record("spotcheck_media_drawn", actor=actor, request=request, obj=batch, seed=batch.seed,
           sampled=sum(s["sampled"] for s in strata.values()))
    return result


def _locked(baccount: BatchAccount) -> BatchAccount:
    return (BatchAccount.objects.select_for_update(of=("self",)).select_related("batch", "account", "scorecard")
            .get(pk=baccount.pk))


@transaction.atomic
def review_account(*, actor, baccount: BatchAccount, raw_entries: dict, request=None) -> BatchAccount:
    """The reviewer scores the drawn account on the new-media table (a spot-check card, immutable)."""
    baccount = _locked(baccount)
    if not baccount.batch.takes_scores:
        raise InvalidState("批次尚未启动或已完成")
    policy.check_review_media(actor, baccount)
    if baccount.scorecard_id:
        raise InvalidState("该账号已评分；如需重评，请由第二复核人退回")
    card = scoring_services.score_account(actor=actor, account=baccount.account, stage="spotcheck",
                                          raw_entries=raw_entries, request=request)
    baccount.scorecard, baccount.reviewer = card, baccount.reviewer or actor
    baccount.save(update_fields=["scorecard", "reviewer"])
    return baccount


@transaction.atomic
def sign_off_account(*, actor, baccount: BatchAccount, request=None) -> BatchAccount:
    baccount = _locked(baccount)
    lifecycle.check(baccount, "sign_off")
    policy.check_sign_off_media(actor, baccount)
    lifecycle.fire(baccount, "sign_off", actor=actor, request=request, audit_obj=baccount.account,
                   result=baccount.scorecard.result, signed_by=actor.username)
    baccount.save(update_fields=["status", "second_reviewer", "signed_at"])
    return baccount


@transaction.atomic
def return_account(*, actor, baccount: BatchAccount, reason: str, request=None) -> BatchAccount:
    baccount = _locked(baccount)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("退回时请填写原因", field="reason")
    lifecycle.check(baccount, "return_to_reviewer")
    policy.check_sign_off_media(actor, baccount)
    lifecycle.fire(baccount, "return_to_reviewer", actor=actor, request=request, audit_obj=baccount.account,
                   reason=reason[:300], card=baccount.scorecard_id)
    baccount.save(update_fields=["scorecard", "status"])
    return baccount


def section(batch: Batch) -> dict:
    """The notice's new-media section: accounts drawn and checked, passed, the pass rate overall and by
    platform, and the accounts that failed named with their problems."""
    signed = batch.accounts.filter(status=BatchAccount.Status.SIGNED)
    passed = Q(scorecard__result="合格")
    total, ok = signed.count(), signed.filter(passed).count()
    by_platform = [{"key": r["account__platform"], "sampled": r["n"], "passed": r["ok"],
                    "rate": round(r["ok"] * 100 / r["n"], 1) if r["n"] else None}
                   for r in signed.values("account__platform").annotate(n=Count("id"), ok=Count("id", filter=passed))
                   .order_by("account__platform")]
    problems = []
    for b in (signed.exclude(passed).select_related("account", "account__unit", "scorecard", "scorecard__rubric")
              .order_by("account__unit__path", "id")):
        card = b.scorecard
        names = {i.code: i.name for i in parse_rubric(card.rubric.spec).indicators}
        found = [names.get(code, code) for code in card.vetoes] + [
            names.get(code, code) for code, e in sorted(card.entries.items()) if (e.get("count") or 0) > 0]
        problems.append({"media_code": b.account.media_code, "platform": b.account.platform, "name": b.account.name,
                         "unit": b.account.unit.name, "result": card.result,
                         "score": str(card.score) if card.score is not None else "", "problems": found})
    return {"sampled": batch.accounts.count(), "checked": total, "passed": ok,
            "pass_rate": round(ok * 100 / total, 1) if total else None, "by_platform": by_platform,
            "problem_accounts": problems}
