"""Rebuilding the statistics summary tables: one grouped INSERT … SELECT each,
in one transaction, serialized by locking the TallyState row."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    When,
)
from django.db.models.functions import Length, Substr
from django.utils import timezone

from sitecensus.orgs.models import Unit
from sitecensus.registry.models import Website

from .models import SiteTally, TallyState, UnitTally


def max_age() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "STATISTICS_MAX_AGE", 300)))


def _organizer_path(prefix: str = ""):
    """The responsible organizing unit's path: the unit itself if it organizes, else its parent."""
    path, is_organizer = f"{prefix}path", f"{prefix}is_organizer"
    return Case(When(**{is_organizer: True}, then=F(path)),
                default=Substr(path, 1, Length(path) - Unit.steplen))


def _insert(model, columns: list[str], queryset) -> None:
    sql, params = queryset.query.sql_with_params()
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({names}) {sql}", params)


def _rebuild() -> None:
    SiteTally.objects.all().delete()
    UnitTally.objects.all().delete()
    # SELECT columns follow the values() order, which is the INSERT column order.
    coded = ExpressionWrapper(Q(site_code__isnull=False), output_field=BooleanField())
    _insert(SiteTally, ["organizer_path", "level", "site_class", "status", "life", "system_id", "is_late", "coded",
                        "n"],
            Website.objects.order_by().annotate(org=_organizer_path("unit__"), has_code=coded)
            .values("org", "unit__level", "site_class", "status", "life", "unit__system_id", "is_late", "has_code")
            .annotate(n=Count("id")))
    reported = Website.objects.filter(unit_id=OuterRef("pk")).exclude(status=Website.Status.DRAFT)
    with_code = Website.objects.filter(unit_id=OuterRef("pk"), site_code__isnull=False)
    _insert(UnitTally, ["organizer_path", "units", "reported", "coded"],
            Unit.objects.order_by().filter(closed_at__isnull=True).annotate(org=_organizer_path())
            .values("org").annotate(units=Count("id"), reported=Count("id", filter=Q(Exists(reported))),
                                    coded=Count("id", filter=Q(Exists(with_code)))))


def refresh_tallies(*, force: bool = False):
    """Rebuild unless a rebuild younger than STATISTICS_MAX_AGE exists; returns its time."""
    with transaction.atomic():
        state = TallyState.objects.select_for_update().filter(pk=1).first()
        if state is None:
            state = TallyState.objects.create(pk=1)
        now = timezone.now()
        if not force and state.refreshed_at is not None and now - state.refreshed_at < max_age():
            return state.refreshed_at
        _rebuild()
        state.refreshed_at = now
        state.save(update_fields=["refreshed_at"])
        return now


def tallies_time():
    """When the tallies were built, or None if never. A page view only reads: the
    tables are rebuilt by the scheduler (`statistics_due` → the statistics job),
    by `manage.py refresh_statistics` and after bulk loads, never by a GET."""
    return TallyState.objects.filter(pk=1).values_list("refreshed_at", flat=True).first()


def statistics_due(now=None) -> bool:
    """Whether the scheduler should rebuild the tallies now."""
    at = tallies_time()
    return at is None or (now or timezone.now()) - at >= max_age()


def start_refresh(*, actor=None):
    """Queue a rebuild (the national office's 刷新 button, the scheduler)."""
    from sitecensus.jobs.services import enqueue

    return enqueue("statistics_refresh", actor=actor, label="刷新统计汇总表", total=1)
