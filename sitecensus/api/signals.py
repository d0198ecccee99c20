"""The change feed: every save of a synced object appends a Change row with the
owning unit's path, whatever the path of the write (UI, API, import, admin)."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.utils import timezone

from sitecensus.accounts.models import credentials_reset
from sitecensus.audit.services import record

from sitecensus.orgs.models import Unit
from sitecensus.registry.models import Website
from sitecensus.scoring.models import InspectionReport, Rectification, Scorecard

from .models import Change


def _path_of_unit(unit_id) -> str:
    return Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first() or ""


def _site_path(website_id) -> str:
    return Website.objects.filter(pk=website_id).values_list("unit__path", flat=True).first() or ""


def _append(kind: str, object_id: int, created: bool, unit_path: str, website_id=None) -> None:
    Change.objects.create(kind=kind, object_id=object_id, action="created" if created else "updated",
                          unit_path=unit_path, website_id=website_id)


def website_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    unit = getattr(instance, "_state", None) and instance._state.fields_cache.get("unit")
    path = unit.path if unit is not None else _path_of_unit(instance.unit_id)
    _append("website", instance.pk, created, path, instance.pk)


def scorecard_saved(sender, instance, created, raw=False, **kwargs):
    if raw or instance.stage not in ("self", "inspection"):
        return
    _append("scorecard", instance.pk, created, _site_path(instance.website_id), instance.website_id)


def rectification_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    _append("rectification", instance.pk, created, _site_path(instance.website_id), instance.website_id)


def report_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    _append("report", instance.pk, created, _path_of_unit(instance.organizer_id))


def rows_changed(sender, ids, created, using="default", **kwargs):
    """A bulk write (QuerySet.update, bulk_update, bulk_create) of a synced model: one
    Change per row, in the write's transaction (sitecensus.core.feed)."""
    action = "created" if created else "updated"
    if sender is Website:
        rows = [("website", pk, path, pk) for pk, path in
                Website.objects.using(using).filter(pk__in=ids).values_list("pk", "unit__path")]
    elif sender is Scorecard:
        rows = [("scorecard", pk, path, site) for pk, path, site in
                Scorecard.objects.using(using).filter(pk__in=ids, stage__in=("self", "inspection"))
                .values_list("pk", "website__unit__path", "website_id")]
    elif sender is Rectification:
        rows = [("rectification", pk, path, site) for pk, path, site in
                Rectification.objects.using(using).filter(pk__in=ids).values_list("pk", "website__unit__path",
                                                                                  "website_id")]
    elif sender is InspectionReport:
        rows = [("report", pk, path, None) for pk, path in
                InspectionReport.objects.using(using).filter(pk__in=ids).values_list("pk", "organizer__path")]
    else:
        return
    Change.objects.using(using).bulk_create([
        Change(kind=kind, object_id=pk, action=action, unit_path=path or "", website_id=site)
        for kind, pk, path, site in sorted(rows, key=lambda r: r[1])], batch_size=2000)


def revoke_tokens_of_reset_account(sender, account, actor=None, request=None, **kwargs):
    """A password or second-factor reset ends the account's API tokens too (same transaction)."""
    from .models import ApiToken

    revoked = ApiToken.objects.filter(owner=account, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if revoked:
        record("api_token_revoked", actor=actor, request=request, obj=account, count=revoked,
               reason="账号密码或二次验证已重置")


def connect() -> None:
    from sitecensus.core.feed import rows_changed as bulk_signal

    credentials_reset.connect(revoke_tokens_of_reset_account, dispatch_uid="api_revoke_on_reset")

    bulk_signal.connect(rows_changed, dispatch_uid="api_change_bulk")

    post_save.connect(website_saved, sender=Website, dispatch_uid="api_change_website")
    post_save.connect(scorecard_saved, sender=Scorecard, dispatch_uid="api_change_scorecard")
    post_save.connect(rectification_saved, sender=Rectification, dispatch_uid="api_change_rectification")
    post_save.connect(report_saved, sender=InspectionReport, dispatch_uid="api_change_report")
    from . import api  # noqa: F401  (it registers media.py's router, which imports it: load it first)
    from .media import connect as connect_media  # 政务新媒体 accounts (issue 22)

    connect_media()
