"""The change feed: every save of a synced object appends a Change row with the
owning unit's path, whatever the path of the write (UI, API, import, admin)."""

from __future__ import annotations

from django.db.models.signals import post_save

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


def connect() -> None:

    post_save.connect(website_saved, sender=Website, dispatch_uid="api_change_website")
    post_save.connect(scorecard_saved, sender=Scorecard, dispatch_uid="api_change_scorecard")
    post_save.connect(rectification_saved, sender=Rectification, dispatch_uid="api_change_rectification")
    post_save.connect(report_saved, sender=InspectionReport, dispatch_uid="api_change_report")
